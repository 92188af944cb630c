"""The targets panel (``policykg targets``): one row per quantitative target of every plan, the
table a researcher loads into pandas, R or Stata to compare indicators across plans and years.

Rows need no entity resolution or graph: they come straight from the extracted plans (the
plan's metadata and its ``targets``, extract/targets.py).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from policykg.build import Problem, extract_files
from policykg.extract.document import ExtractedPlan
from policykg.graph.model import sentence_text

COLUMNS = ("plan", "file", "region", "level", "year", "indicator", "canonical", "kind", "direction", "value",
           "low", "high", "unit", "deadline", "scope", "text", "start", "end", "sentence")
TABLE_COLUMNS = ("plan", "region", "level", "year", "indicator", "canonical", "direction", "value", "unit",
                 "deadline")


def _number(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def target_rows(plans: list[ExtractedPlan]) -> list[dict]:
    """One dict per target, in plan and text order. ``region`` is the place a target names as
    its scope, else the plan's jurisdiction."""
    rows = []
    for plan in plans:
        meta = plan.meta
        for t in plan.targets:
            rows.append({
                "plan": meta.title or plan.document.name, "file": plan.document.name,
                "region": t.scope if t.scope_start >= 0 else (meta.region or ""), "level": meta.level or "",
                "year": meta.year, "indicator": t.indicator, "canonical": t.canonical, "kind": t.kind,
                "direction": t.direction, "value": _number(t.value), "low": _number(t.low), "high": _number(t.high),
                "unit": t.unit, "deadline": t.deadline, "scope": t.scope, "text": t.text, "start": t.start,
                "end": t.end, "sentence": sentence_text(plan, t.sentence),
            })
    return rows


def extract_panel(paths: list[Path], require_plan: bool = True, workers: int = 1) -> tuple[list[dict], list[Problem]]:
    """Extract the files and return their target rows and the files that failed."""
    plans, problems = extract_files(paths, require_plan=require_plan, workers=workers)
    return target_rows(plans), problems


def format_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def format_table(rows: list[dict]) -> str:
    from policykg.graph.queries import Result
    from policykg.graph.queries import format_table as table

    return table(Result(list(TABLE_COLUMNS), [{k: r[k] for k in TABLE_COLUMNS} for r in rows]))


def render(rows: list[dict], fmt: str) -> str:
    return format_csv(rows) if fmt == "csv" else format_table(rows) + "\n"
