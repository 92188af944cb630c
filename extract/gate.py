"""Is this a plan? The check a file passes before it is extracted (anything else is skipped as
"not a plan").

What is read is a Chinese document: at least ``MIN_CJK`` Chinese characters, making up at least
``MIN_CJK_SHARE`` of the non-space text. An outline is not required: web excerpts, summaries and
reports often have one numbered heading or none, and their paragraphs are read as units.
"""
from __future__ import annotations

import numpy as np

from policykg.extract.document import Document
from policykg.extract.readers import UnreadableFile
from policykg.extract.tokenizer import code_points

MIN_CJK = 200
MIN_CJK_SHARE = 0.3

_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # Ext. A, unified, compatibility


class NotAPlan(UnreadableFile):
    def __init__(self, message: str):
        super().__init__(f"not a plan: {message}", "not a plan")


def count_cjk(text: str) -> int:
    """How many Chinese characters: numpy compares the code points all at once."""
    codes = code_points(text)
    return sum(int(np.count_nonzero((codes >= low) & (codes <= high))) for low, high in _CJK_BLOCKS)


def check_text(document: Document) -> None:
    """Raise ``NotAPlan`` unless the text is mostly Chinese and long enough (cheap, before spaCy)."""
    text = document.text
    cjk = count_cjk(text)
    if cjk < MIN_CJK:
        raise NotAPlan(f"only {cjk} Chinese characters (a plan has at least {MIN_CJK})")
    total = sum(map(len, text.split()))  # the non-space characters
    if cjk < MIN_CJK_SHARE * total:
        raise NotAPlan(f"only {cjk / total:.0%} of the text is Chinese (a plan has at least {MIN_CJK_SHARE:.0%})")

