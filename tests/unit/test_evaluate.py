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
