"""Which mentions the plan commits to carrying out: ``Mention.implements``.

A trigger word (落实, 贯彻, 实施 …; ``implements_triggers`` in ``data/lexicon.yml``) stands before
the name in its clause, outside any title: 认真落实健康江苏行动 commits the plan, while
《浙江省实施〈X法〉办法》 does not commit it to carrying out X. The graph turns marked mentions into
``(:Plan)-[:IMPLEMENTS]->`` relationships.
"""
from __future__ import annotations

import re

from policykg.extract.datafiles import load_lexicon
from policykg.extract.document import ExtractedPlan

_CLAUSE_END = re.compile(r"[，。；;！？!?：:,\n]")


def mark_implements(plan: ExtractedPlan) -> None:
    """``Mention.implements``: a trigger (落实, 贯彻, 实施 …) stands before the name in its clause,
    outside any title (《浙江省实施〈X法〉办法》 does not commit a plan to carrying out X)."""
    data = load_lexicon()
    triggers = sorted(data.get("implements_triggers") or (), key=len, reverse=True)
    window = int(data.get("implements_window", 8))
    text = plan.document.text
    sentences = plan.structure.sentences
    for m in plan.mentions:
        if m.label not in ("Program", "Regulation"):
            continue
        i = plan.norm_span(m)[0]
        lo = sentences[m.sentence].start if 0 <= m.sentence < len(sentences) else 0
        start = max(lo, i - window)
        cut = list(_CLAUSE_END.finditer(text, start, i))
        if cut:
            start = cut[-1].end()
        before = text[start:i]
        m.implements = any(k >= 0 and not _inside_title(text, lo, start + k)
                           for k in (before.rfind(t) for t in triggers))


def _inside_title(text: str, lo: int, pos: int) -> bool:
    """Whether ``pos`` stands inside a 《》 or 〈〉 title opened after ``lo``."""
    head = text[lo:pos]
    return head.count("《") > head.count("》") or head.count("〈") > head.count("〉")
