"""The extractor's data files (``extract/data``): the lexicon and gazetteer YAML, the patterns
JSONL. A name is a file of the package's data folder, a path one anywhere else; YAML is read
once per process and cached."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import srsly
import yaml


def data_path(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else Path(str(resources.files("policykg.extract") / "data" / name))


def safe_load_yaml(text) -> dict:
    """``yaml.safe_load``, through libyaml where PyYAML has it (much quicker on the lexicon)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def read_yaml(name: str) -> dict:
    with open(data_path(name), encoding="utf-8") as fh:
        return safe_load_yaml(fh)


def load_lexicon(name: str = "lexicon.yml") -> dict:
    return read_yaml(name)


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object a line; a line that is none is an error naming the file and line."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc.msg})") from None
    return rows


def write_data(folder, data: dict, formats: dict[str, str]) -> None:
    """A component's data saved in its folder of a saved pipeline: ``name.json`` or ``name.jsonl``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, form in formats.items():
        if form == "jsonl":
            srsly.write_jsonl(folder / f"{name}.jsonl", data[name])
        else:
            srsly.write_json(folder / f"{name}.json", data[name], indent=0)


def read_data(folder, formats: dict[str, str]) -> dict:
    folder = Path(folder)
    return {name: list(srsly.read_jsonl(folder / f"{name}.jsonl")) if form == "jsonl"
            else srsly.read_json(folder / f"{name}.json") for name, form in formats.items()}
