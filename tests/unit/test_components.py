"""The spaCy components as spaCy sees them: a saved pipeline loads and finds the same entities,
and selection follows the patterns' traits, not their ids."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from policykg.extract.datafiles import data_path, read_jsonl
from policykg.extract.pipeline import build_nlp, extract, make_nlp
from policykg.extract.readers import read_document


def _entities(plan) -> list[tuple[str, str, int, int]]:
    return [(m.text, m.label, m.start, m.end) for m in plan.mentions]


def test_a_saved_pipeline_loads_with_spacy_and_finds_the_same_entities(tmp_path, seeds_dir):
    """spacy.load in a fresh interpreter (no policykg import first: the entry points register
    the components and the tokenizer) gives the same entities on every seed plan."""
    build_nlp().to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "policykg_candidates" / "patterns.jsonl").is_file()
    seeds = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    script = f"""
import json, sys, spacy
nlp = spacy.load({str(tmp_path / "nlp")!r})
assert not [m for m in sys.modules if m.startswith("policykg.") and m.endswith(("pipeline", "build"))]
from policykg.extract.readers import read_document
from policykg.extract.pipeline import extract
out = {{}}
for path in {seeds!r}:
    plan = extract(read_document(path), nlp=nlp)
    out[path] = [(m.text, m.label, m.start, m.end) for m in plan.mentions]
print(json.dumps(out, ensure_ascii=False))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    assert sorted(loaded) == seeds
    for path in seeds:
        ours = _entities(extract(read_document(path)))
        assert ours and [tuple(e) for e in loaded[path]] == ours, path


def test_renaming_every_pattern_changes_no_entity(tmp_path, seeds_dir):
    rows = read_jsonl(data_path("patterns.jsonl"))
    renamed = tmp_path / "patterns.jsonl"
    renamed.write_text("".join(json.dumps({**row, "id": f"renamed.{i}"}, ensure_ascii=False) + "\n"
                               for i, row in enumerate(rows)), encoding="utf-8")
    nlp = make_nlp({"patterns": str(renamed)})
    for path in sorted(seeds_dir.glob("*.txt")):
        document = read_document(path)
        assert _entities(extract(document, nlp=nlp)) == _entities(extract(document)), path.name


def test_an_unknown_trait_is_an_error_naming_the_pattern(tmp_path):
    bad = tmp_path / "patterns.jsonl"
    bad.write_text(json.dumps({"id": "hosp.x", "label": "Hospital", "traits": ["titel"], "pattern": "医院"}) + "\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="pattern hosp.x: unknown trait titel"):
        make_nlp({"patterns": str(bad)})


def test_a_line_that_is_no_json_is_an_error_naming_file_and_line(tmp_path):
    bad = tmp_path / "patterns.jsonl"
    bad.write_text('{"id": "a", "label": "Hospital", "pattern": "医院"}\n// a comment\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"patterns.jsonl:2: not a JSON object"):
        read_jsonl(bad)


def test_a_component_without_data_says_so():
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policykg.char_tokenizer.v1"}}})
    nlp.add_pipe("policykg_candidates")
    with pytest.raises(ValueError, match="policykg_candidates has no data yet"):
        nlp("上海市第一人民医院")
