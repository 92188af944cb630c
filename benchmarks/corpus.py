"""A deterministic large corpus of plans, made by recombining the seed plans' tasks.

    generate(n_plans, out_dir, seed=0) -> list[Path]

Each generated plan is a work-plan text (title, issuer, parts 一、…, tasks 1. …, signature
and date) for a region taken from ``extract/regions.py`` (districts/counties with their
municipality or province, cities, provinces) and a year; its tasks are drawn from the seeds'
tasks, with the seed's own region name replaced by the new one. The same ``(n_plans, seed)``
always gives the same files (a seeded ``random.Random``; nothing depends on dict or set order).

    python benchmarks/corpus.py 1000 /tmp/corpus
"""
from __future__ import annotations

import os
import random
import sys
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The shared material sits next to the repository; POLICYKG_SHARED names it elsewhere (a worktree).
SEEDS = Path(os.environ.get("POLICYKG_SHARED") or REPO.parent / "shared") / "seeds"
YEARS = tuple(range(2016, 2027))
_CN = "一二三四五六七八九十"

__all__ = ["generate", "seed_material"]


@cache
def seed_material(seeds_dir: Path = SEEDS) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(part headlines, (seed region name, task text) pairs) from the seed plans, in file order."""
    from policykg.extract.metadata import extract_metadata
    from policykg.extract.readers import read_document
    from policykg.extract.structure import parse_structure

    headlines, tasks = [], []
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        doc = read_document(str(path))
        structure = parse_structure(doc)
        meta = extract_metadata(doc, structure)
        headlines.extend(p.headline for p in structure.parts if p.headline)
        for t in structure.tasks:
            body = doc.text[t.start:t.end].strip()
            # Drop the task's own number ("1." / "1、"); the generator renumbers.
            i = 0
            while i < len(body) and body[i].isdigit():
                i += 1
            if i and body[i:i + 1] in (".", "、"):
                body = body[i + 1:].strip()
            body = " ".join(body.split())
            if body:
                tasks.append((meta.region or "", body))
    if not tasks:
        raise FileNotFoundError(f"no seed plans with tasks in {seeds_dir}")
    return tuple(headlines), tuple(tasks)


@cache
def _regions() -> tuple:
    """(region, parent) pairs that plans can be issued for, in a stable order."""
    from policykg.extract import regions

    index = regions._index()  # noqa: SLF001 (read-only use of the bundled gazetteer)
    out = []
    for region in sorted(index.by_key.values(), key=lambda r: (r.code or "", r.name)):
        if region.level == "town":
            continue
        parent = index.parent_of.get(region)
        out.append((region, parent))
    return tuple(out)


def _issuer(region, parent) -> str:
    prefix = parent.name if parent is not None and region.level == "county" else ""
    return f"{prefix}{region.name}卫生健康委员会"


def _localise(text: str, seed_region: str, region) -> str:
    """Put the new region where the seed named its own."""
    if not seed_region or seed_region == region.name:
        return text
    text = text.replace(seed_region, region.name)
    short_old, short_new = seed_region[:-1], (region.aliases[0] if region.aliases else region.name)
    if len(short_old) >= 2:
        text = text.replace(short_old, short_new)
    return text


def plan_text(rng: random.Random, region, parent, year: int) -> str:
    headlines, tasks = seed_material()
    title = f"{year}年{region.name}卫生健康工作要点"
    issuer = _issuer(region, parent)
    n_parts = rng.randint(3, 6)
    lines = [f"{issuer}文件", "", title, "",
             f"现将《{title}》印发给你们，请结合实际，认真贯彻落实。", "",
             f"{year}年，{region.name}卫生健康工作坚持以人民健康为中心，推动卫生健康事业高质量发展。", ""]
    number = 0
    for p in range(n_parts):
        lines.append(f"{_CN[p]}、{rng.choice(headlines)}")
        for _ in range(rng.randint(3, 6)):
            seed_region, body = rng.choice(tasks)
            number += 1
            lines.append(f"{number}.{_localise(body, seed_region, region)}")
        lines.append("")
    lines += [issuer, f"{year}年{rng.randint(1, 4)}月{rng.randint(1, 28)}日", ""]
    return "\n".join(lines)


def generate(n_plans: int, out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``n_plans`` plan files into ``out_dir`` (created) and return their paths, sorted."""
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = _regions()
    seen: set[tuple[str, int]] = set()
    paths = []
    while len(paths) < n_plans:
        region, parent = pool[rng.randrange(len(pool))]
        year = rng.choice(YEARS)
        key = (region.name, year)  # the title, hence the plan's id, must be unique
        if key in seen:
            continue
        seen.add(key)
        path = out_dir / f"plan_{len(paths):05d}.txt"
        path.write_text(plan_text(rng, region, parent, year), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("corpus")
    print(f"wrote {len(generate(n, out))} plans to {out}/")
