"""`policykg eval` computes the same figures as the reference scorers in ../shared/tools."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from policykg import evaluate
from tests.paths import SHARED

TOOLS = SHARED / "tools"


def _reference(script: str, pred, gold_dir, *extra) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, str(TOOLS / script), "--gold", str(gold_dir / "seeds.json"),
                          "--pred", str(pred), *extra], capture_output=True, text=True, check=True).stdout
    m = re.search(r"F1 ([0-9.]+) \(P ([0-9.]+) R ([0-9.]+)", out.splitlines()[-1])
    return float(m.group(2)), float(m.group(3)), float(m.group(1))


def test_eval_agrees_with_reference_scorers(seeds_build, gold_dir, tmp_path):
    if not (TOOLS / "score.py").exists():
        pytest.skip("../shared/tools is not next to the repository")
    pred = tmp_path / "pred.jsonl"
    with open(pred, "w", encoding="utf-8") as fh:
        for plan in seeds_build.plans:
            for m in plan.mentions:
                fh.write(json.dumps({"doc": m.doc, "text": m.text, "label": m.label, "canonical": m.canonical,
                                     "start": m.start, "end": m.end}, ensure_ascii=False) + "\n")
    gold = evaluate.load_gold(gold_dir)
    predicted = evaluate.predictions(seeds_build)
    for canonical, extra in ((False, ()), (True, ("--canonical",))):
        ours = evaluate.score_mentions(gold, predicted, canonical=canonical).prf()
        assert ours == pytest.approx(_reference("score.py", pred, gold_dir, *extra), abs=5e-4)
    p, r, _, _ = evaluate.score_links(gold, predicted)
    ref_p, ref_r, _ = _reference("score_links.py", pred, gold_dir)
    assert (p, r) == pytest.approx((ref_p, ref_r), abs=5e-4)


def test_metadata_per_field_for_each_set(tmp_path):
    from policykg.build import build
    from tests.unit.test_links import DISTRICT_PLAN, NATIONAL_PLAN

    docs = tmp_path / "dev" / "docs"
    docs.mkdir(parents=True)
    (docs / "plan.txt").write_text(DISTRICT_PLAN, encoding="utf-8")
    # an excerpt that never prints its title (the body and the signature): right when none is predicted
    body = NATIONAL_PLAN.split("2023年卫生健康工作要点\n一、", 1)[1]
    (docs / "excerpt.txt").write_text("一、" + body + "国家卫生健康委员会\n2023年3月10日\n", encoding="utf-8")
    gold = {"plan.txt": {"title": "2025年城东区卫生健康工作要点", "issuer": "城东区卫生健康局", "level": "district",
                         "region": "城东区", "year": 2025},
            "excerpt.txt": {"title": "2023年卫生健康工作要点", "title_in_text": False, "issuer": "国家卫生健康委员会",
                            "level": "national", "region": "中华人民共和国", "year": 2023}}
    (tmp_path / "dev" / "documents.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = build([docs])
    rows = evaluate.metadata_rows(result, tmp_path / "dev", evaluate.CORE_META_FIELDS)
    assert {(doc, field) for doc, field, *_ in rows} == {(d, f) for d in gold for f in evaluate.CORE_META_FIELDS}
    title = {doc: (want, got) for doc, field, want, got in rows if field == "title"}
    assert title["excerpt.txt"][0] is None  # title_in_text false: the empty title is the right one
    table = evaluate.metadata_table([("seeds", []), ("dev", rows)])
    assert table[1].split() == ["field", "seeds", "dev", "all"]
    by_field = {line.split()[0]: line for line in table[2:]}
    assert set(by_field) == set(evaluate.CORE_META_FIELDS)
    for field in evaluate.CORE_META_FIELDS:
        assert by_field[field].split()[1:] == ["-", "2/2", "100%", "2/2", "100%"], by_field[field]
    rows[0] = (*rows[0][:3], "another")  # a wrong value counts as wrong
    assert "1/2" in "".join(evaluate.metadata_table([("dev", rows)]))
