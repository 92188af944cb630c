"""The extractor's data files in the package (``extract/data``): the lexicon and gazetteer YAML,
the patterns JSONL. Read once per process and cached: every component built reads the same."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import yaml


def data_path(name: str) -> Path:
    return Path(str(resources.files("policykg.extract") / "data" / name))


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
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.startswith("//")]
