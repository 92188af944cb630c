"""Scores against hand annotations, by the rules of the gold's GUIDELINES.md.

Unit: distinct (surface, label) per document, strings compared after dropping wrapping quotes,
NFKC, whitespace and unified dashes. Optional gold entries are neither required nor penalised,
and a prediction equal to or inside an optional surface counts neither way; ``alt_types`` are
also correct labels and ``alt_texts`` other spans of the same mention. The canonical score does
the same on (canonical, label); links are (plan a, plan b, canonical) triples.
"""
from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from policykg.resolve.names import clean

# Quotes and brackets that GUIDELINES strips when they wrap a whole string.
_WRAP = {"《": "》", "〈": "〉", "“": "”", '"': '"', "'": "'", "‘": "’", "「": "」", "『": "』"}
LINK_LABELS = {"Program", "Regulation", "Plan", "Event"}
META_FIELDS = ("title", "issuer", "level", "region", "parent_region", "year", "issued", "doc_number")
# The fields every gold documents.json has, scored per field for each set of documents.
CORE_META_FIELDS = ("title", "issuer", "level", "region", "year")


def norm(s: str | None) -> str:
    """The scorer's string comparison: the resolver's cleaning with the wrappers GUIDELINES names."""
    return clean(s or "", _WRAP)


@dataclass
class Scores:
    tp: Counter
    fp: Counter
    fn: Counter
    misses: dict  # label -> list of (doc, gold text)
    false_hits: dict  # label -> list of (doc, predicted text)

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        if label is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))


def load_gold(gold_dir: Path, name: str = "seeds.json") -> dict[str, list[dict]]:
    data = json.loads((Path(gold_dir) / name).read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, list)}


def levels(*gold_dirs: Path) -> dict[str, str]:
    """document → its gold level (province, municipality, district …), from documents.json."""
    out = {}
    for gold_dir in gold_dirs:
        path = Path(gold_dir) / "documents.json"
        if path.exists():
            out.update({name: doc.get("level") for name, doc in json.loads(path.read_text(encoding="utf-8")).items()})
    return out


def _together(gold: dict, pred: dict, gold_dirs: tuple[Path, ...]) -> list[str]:
    """Seeds and dev as one set: per label, per level, and the links over all their plans."""
    surface, canon = score_mentions(gold, pred), score_mentions(gold, pred, canonical=True)
    lines = ["", "seeds + dev together"] + _table(surface, "surface") + _table(canon, "canonical")
    lines += ["", f"{'level':14}{'docs':>5}{'surface F1':>12}{'canonical F1':>14}"]
    by_level = defaultdict(list)
    for doc, level in levels(*gold_dirs).items():
        if doc in gold:
            by_level[level].append(doc)
    for level, docs in sorted(by_level.items(), key=lambda item: str(item[0])):
        part = {d: gold[d] for d in docs}
        lines.append(f"{level!s:14}{len(docs):5}{score_mentions(part, pred).prf()[2]:12.3f}"
                     f"{score_mentions(part, pred, canonical=True).prf()[2]:14.3f}")
    p, r, n_gold, n_pred = score_links(gold, pred)
    lines += ["", f"links over seeds + dev: gold {n_gold} predicted {n_pred}  P {p:.3f} R {r:.3f}"]
    return lines


def gold_files(gold_dir: Path) -> list[str]:
    return sorted(load_gold(gold_dir))


def score_mentions(gold: dict[str, list[dict]], predicted: dict[str, set[tuple[str, str, str]]],
                   canonical: bool = False) -> Scores:
    """``predicted``: doc → {(surface, label, canonical)}."""
    tp, fp, fn = Counter(), Counter(), Counter()
    misses, false_hits = defaultdict(list), defaultdict(list)
    for doc, entries in gold.items():
        required: dict[str, set[str]] = {}
        main: dict[str, str] = {}
        alias: dict[str, str] = {}
        optional: set[str] = set()
        for e in entries:
            key = norm(e["canonical"] if canonical else e["text"])
            if e.get("optional"):
                optional.add(key)
                continue
            required.setdefault(key, set()).update({e["type"], *e.get("alt_types", [])})
            main.setdefault(key, e["type"])
            if not canonical:
                for a in e.get("alt_texts", []):
                    alias.setdefault(norm(a), key)
        keyed = set()
        for surface, label, canon in predicted.get(doc, ()):
            k = norm(canon if canonical else surface)
            keyed.add((k if k in required else alias.get(k, k), label))
        found = set()
        for key, label in sorted(keyed):
            if key in required and label in required[key]:
                if key not in found:
                    tp[label] += 1
                    found.add(key)
            elif not any(key in o for o in optional):
                fp[label] += 1
                false_hits[label].append((doc, key))
        for key in required:
            if key not in found:
                fn[main[key]] += 1
                misses[main[key]].append((doc, key))
    return Scores(tp, fp, fn, dict(misses), dict(false_hits))


def score_links(gold: dict[str, list[dict]], predicted: dict[str, set[tuple[str, str, str]]]) -> tuple[float, float, int, int]:
    """Precision, recall, gold and predicted link counts over (plan a, plan b, canonical)."""
    required, loose = defaultdict(set), defaultdict(set)
    for doc, entries in gold.items():
        for e in entries:
            c = norm(e["canonical"])
            if not e.get("optional") and e["type"] in LINK_LABELS:
                required[doc].add(c)
            elif {e["type"], *e.get("alt_types", [])} & LINK_LABELS:
                loose[doc].add(c)
    docs = sorted(gold)
    pred = {d: {norm(c) for _, label, c in predicted.get(d, ()) if label in LINK_LABELS} for d in docs}

    def triples(sets):
        return {(a, b, c) for a, b in itertools.combinations(docs, 2) for c in sets.get(a, set()) & sets.get(b, set())}

    gold_t = triples(required)
    ignorable = triples({d: required[d] | loose[d] for d in docs}) - gold_t
    pred_t = triples(pred) - ignorable
    hit = len(gold_t & pred_t)
    p = hit / len(pred_t) if pred_t else 0.0
    r = hit / len(gold_t) if gold_t else 0.0
    return p, r, len(gold_t), len(pred_t)


def predictions(result) -> dict[str, set[tuple[str, str, str]]]:
    out = defaultdict(set)
    for plan in result.plans:
        for m in plan.mentions:
            out[m.doc].add((m.text, m.label, m.canonical or m.text))
    return out


def metadata_rows(result, gold_dir: Path, fields: tuple[str, ...] = META_FIELDS) -> list[tuple[str, str, object, object]]:
    """(document, field, gold, predicted) for each field the gold has; documents the build
    skipped count with every field None."""
    path = Path(gold_dir) / "documents.json"
    if not path.exists():
        return []
    gold = json.loads(path.read_text(encoding="utf-8"))
    metas = {plan.document.name: plan.meta for plan in result.plans}
    built = set(metas) | {Path(p.path).name for p in getattr(result, "problems", [])}
    rows = []
    for name, expected in sorted(gold.items()):
        if name not in built:
            continue  # not part of this build
        meta = metas.get(name)
        for f in fields:
            if f in expected:
                rows.append((name, f, expected, getattr(meta, f) if meta else None))
    return [(name, f, _gold_value(f, expected), got) for name, f, expected, got in rows]


def _gold_value(field: str, expected: dict):
    # A title the excerpt never prints is right when none is predicted.
    if field == "title" and expected.get("title_in_text") is False:
        return None
    return expected[field]


def meta_right(field: str, want, got) -> bool:
    """Strings compare as the mention scorer compares them (NFKC, spaces, dashes)."""
    if isinstance(want, str) and isinstance(got, str):
        return norm(want) == norm(got)
    return want == got


def metadata_table(sets: list[tuple[str, list[tuple[str, str, object, object]]]],
                   fields: tuple[str, ...] = CORE_META_FIELDS) -> list[str]:
    """Fields right per field, one column per set of documents (seeds, dev …) and all together."""
    names = [name for name, _ in sets] + (["all"] if len(sets) > 1 else [])
    columns = {name: rows for name, rows in sets}
    if len(sets) > 1:
        columns["all"] = [row for _, rows in sets for row in rows]
    lines = ["metadata (fields right)", f"{'field':14}" + "".join(f"{n:>14}" for n in names)]
    for f in fields:
        cells = []
        for name in names:
            rows = [r for r in columns[name] if r[1] == f]
            right = sum(meta_right(f, want, got) for _, _, want, got in rows)
            cells.append(f"{right}/{len(rows)} {right / len(rows):.0%}" if rows else "-")
        lines.append(f"{f:14}" + "".join(f"{c:>14}" for c in cells))
    return lines


def _table(scores: Scores, title: str) -> list[str]:
    lines = [title, f"{'label':14}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}"]
    for label in scores.labels:
        p, r, f = scores.prf(label)
        lines.append(f"{label:14}{scores.tp[label]:5}{scores.fp[label]:5}{scores.fn[label]:5}{p:7.2f}{r:7.2f}{f:7.2f}")
    p, r, f = scores.prf()
    lines.append(f"{'all':14}{sum(scores.tp.values()):5}{sum(scores.fp.values()):5}{sum(scores.fn.values()):5}"
                 f"{p:7.2f}{r:7.2f}{f:7.2f}")
    return lines


def _errors(scores: Scores, show: int) -> list[str]:
    lines = []
    for label in scores.labels:
        lines += [f"  miss  {label:12} {doc[:3]} {text}" for doc, text in scores.misses.get(label, [])[:show]]
        lines += [f"  false {label:12} {doc[:3]} {text}" for doc, text in scores.false_hits.get(label, [])[:show]]
    return lines


def report(result, gold_dir: Path, show: int = 0, dev: tuple | None = None) -> str:
    """The seeds' scores; ``dev`` = (a build of the dev texts, their folder with documents.json)
    adds their metadata, per field, next to the seeds'."""
    gold = load_gold(gold_dir)
    pred = predictions(result)
    surface = score_mentions(gold, pred)
    canon = score_mentions(gold, pred, canonical=True)
    lines = _table(surface, "surface (distinct surface, label per document)") + _errors(surface, show)
    lines.append("")
    lines += _table(canon, "canonical (distinct canonical, label per document)") + _errors(canon, show)
    meta = metadata_rows(result, gold_dir)
    if meta:
        right = sum(1 for _, field, want, got in meta if meta_right(field, want, got))
        lines += ["", f"metadata: {right}/{len(meta)} fields right"]
        lines += [f"  wrong {doc[:3]} {field}: want {want!r} got {got!r}" for doc, field, want, got in meta
                  if not meta_right(field, want, got)]
    sets = [("seeds", metadata_rows(result, gold_dir, CORE_META_FIELDS))]
    if dev is not None:
        dev_result, dev_dir = dev
        dev_rows = metadata_rows(dev_result, dev_dir, CORE_META_FIELDS)
        sets.append(("dev", dev_rows))
        lines += [f"  wrong dev {doc[:12]} {field}: want {want!r} got {got!r}" for doc, field, want, got in dev_rows
                  if not meta_right(field, want, got)]
    if sets[0][1] or len(sets) > 1:
        lines += [""] + metadata_table(sets)
    if dev is not None and (dev[1] / "gold.json").is_file():
        lines += _together({**gold, **load_gold(dev[1], "gold.json")}, {**pred, **predictions(dev[0])},
                           (Path(gold_dir), dev[1]))
    p, r, n_gold, n_pred = score_links(gold, pred)
    f = 2 * p * r / (p + r) if p + r else 0.0
    lines += ["", f"links: gold {n_gold} predicted {n_pred}  P {p:.3f} R {r:.3f} F1 {f:.3f}"]
    sp, sr, sf = surface.prf()
    cp, cr, cf = canon.prf()
    lines += ["", f"F1 surface {sf:.3f}  canonical {cf:.3f}  links P {p:.3f} R {r:.3f}"]
    return "\n".join(lines)
