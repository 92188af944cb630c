"""The extraction scores on the five seed plans, and extraction throughput next to spaCy.

    python benchmarks/eval_seeds.py                  # eval table (surface, canonical, metadata, links)
    python benchmarks/eval_seeds.py --show 5         # … with the first 5 misses / false hits per label
    python benchmarks/eval_seeds.py --no-speed       # skip the throughput measurement

Prints ``policykg eval``'s report (same figures as ../shared/tools/score.py) for a build of
../shared/seeds against ../shared/gold, then the throughput of ``build_nlp()`` against
``spacy.blank("zh")`` tokenising the same text (the five seeds concatenated ×10; interleaved, best of 3).
The machine is shared, so wall times move with the load; the ratio moves much less.
This is a measurement, not a test: tests/unit/test_extraction.py holds the floors.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def throughput(seeds: Path, repeat: int = 10, rounds: int = 3) -> tuple[int, float, float]:
    import spacy

    from policykg.extract.pipeline import build_nlp
    from policykg.extract.readers import read_document

    text = "\n".join(read_document(p).text for p in sorted(seeds.glob("*.txt"))) * repeat
    nlp, blank = build_nlp(), spacy.blank("zh")
    nlp(text[:2000]), blank(text[:2000])  # warm both vocabularies

    # Interleaved, best of ``rounds`` each: the machine is shared and its load drifts.
    times: dict[str, list[float]] = {"blank": [], "nlp": []}
    for _ in range(rounds):
        for name, fn in (("blank", blank), ("nlp", nlp)):
            t = time.perf_counter()
            fn(text)
            times[name].append(time.perf_counter() - t)
    return len(text), min(times["blank"]), min(times["nlp"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()

    from policykg.build import build
    from policykg.evaluate import report

    print(report(build([args.seeds]), args.gold, show=args.show))
    if not args.no_speed:
        n, t_blank, t_nlp = throughput(args.seeds)
        print(f"\nthroughput on {n} chars (seeds ×10): spacy.blank('zh') {n / t_blank:,.0f} chars/s, "
              f"build_nlp() {n / t_nlp:,.0f} chars/s, ratio {t_blank / t_nlp:.2f}")


if __name__ == "__main__":
    main()
