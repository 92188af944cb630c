"""Bytes → decoded ``original`` → normalised ``text`` with a character offset map.

The rules downstream read ``Document.text``; every character of it comes from exactly one
character of ``Document.original`` (``offsets[i]``), so any span of ``text`` maps back with
``Document.original_span``. Normalisation only substitutes characters one for one or drops
them, never inserts, which is what keeps the map exact.

What ``text`` looks like (the canonical forms the rules are written against):

* Simplified characters (OpenCC ``t2s``; length-preserving, see ``_t2s``).
* Chinese punctuation is full-width: ``，：；（）！？`` — the ASCII ``, : ; ( ) ! ?`` and their
  full-width twins all become these. Exceptions, so numbers and times survive: an ASCII
  ``,`` or ``:`` between two digits stays ASCII (``1,000``, ``16:19``), and ``://`` stays.
* ``。、《》“”‘’〔〕【】—…`` are left as they are; 「」 become “”, 『』 become ‘’, ｡ ､ become 。、.
* Other full-width forms (letters, digits, ``．％＋－／［］`` …) become ASCII, so task numbers read
  ``1.`` and percentages ``5%``.
* No spaces inside Chinese: a run of spaces (incl. ideographic U+3000, NBSP, tabs) is dropped
  unless it separates two ASCII letters/digits (``COVID 19``, ``2022-03-16 16:19``), where
  one space remains. On page-header lines (``发布机构: X 文号: Y``) the run before the next
  ``label:`` becomes a line break so fields do not run together.
* One ``\\n`` between lines, no blank lines; hard wraps inside a sentence are undone
  (``有\\n序引导`` → ``有序引导``, see ``_joins``).
* Markdown ``**`` and zero-width/control characters are dropped.
* Web-page chrome (share/print buttons, footers, ICP lines, view counters …, patterns in
  ``data/chrome.txt``) is dropped. Page-header *fields* (发布机构, 文号, 公开日期, 发布日期,
  信息来源) are kept: metadata reads them and they name agencies.
"""
from __future__ import annotations

import re
from array import array
from functools import cache
from importlib import resources
from pathlib import Path

from policykg.extract.anchors import anchored
from policykg.extract.document import Document

__all__ = ["decode", "normalise", "chrome_spans", "CANONICAL_PUNCT"]

CANONICAL_PUNCT = "，：；（）！？"

# --------------------------------------------------------------------------- decoding

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)`` or raise ``ValueError``."""
    if not data:
        return "", "utf-8"
    # BOMs first: they are unambiguous. UTF-32 before UTF-16 (its LE BOM starts with FF FE).
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                     (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _plausible(data.decode(enc), enc), enc
            except UnicodeDecodeError as exc:
                raise ValueError(f"bad {enc} data after byte-order mark") from exc
    nul = data.count(0)
    if not nul:
        try:
            return _plausible(data.decode("utf-8"), "utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    else:
        # BOM-less UTF-16 of text with ASCII in it has NULs in every other byte; anything
        # else with NULs is a binary file (doc, pdf, image …).
        enc = _utf16_without_bom(data, nul)
        if enc is None:
            raise ValueError("binary data (NUL bytes)")
        try:
            return _plausible(data.decode(enc), enc), enc
        except UnicodeDecodeError as exc:
            raise ValueError("binary data (NUL bytes)") from exc
    enc = _detect(data)
    if enc is None:
        raise ValueError("no plausible text decoding")
    try:
        return _plausible(data.decode(enc), enc), enc
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"undecodable as {enc}") from exc


def _utf16_without_bom(data: bytes, nul: int) -> str | None:
    if len(data) % 2 or nul < len(data) // 8:
        return None
    odd = data[1::2].count(0)
    even = data[0::2].count(0)
    if odd > 0.9 * nul:
        return "utf-16-le"
    if even > 0.9 * nul:
        return "utf-16-be"
    return None


def _detect(data: bytes) -> str | None:
    # Chinese government files that are not UTF-8 are almost always GBK/GB2312; GB18030 is
    # their superset, so any guess of that family decodes as gb18030.
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # the detector must never take the pipeline down
        best = None
    enc = best.encoding if best is not None else None
    if enc and enc.replace("_", "").lower() in {"gb2312", "gbk", "gb18030", "hz", "cp936"}:
        return "gb18030"
    if enc:
        return enc
    # Short samples defeat the detector; a strict GB18030 decode that yields mostly Chinese
    # is then the best bet.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    cjk = len(_CJK_CHAR.findall(text))
    return "gb18030" if cjk >= 0.3 * len(text) else None


def _plausible(text: str, enc: str) -> str:
    """Reject decodings full of control characters: those are binary files."""
    if text and len(_CONTROL.findall(text)) > max(2, len(text) // 50):
        raise ValueError(f"binary data (control characters as {enc})")
    return text


# --------------------------------------------------------------------------- character maps

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")


def _punct_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII block → ASCII
        table[cp] = chr(cp - 0xFEE0)
    for ascii_, full in zip(",:;()!?", CANONICAL_PUNCT):
        table[ord(ascii_)] = full
        table[ord(full)] = full
    table.update({ord("「"): "“", ord("」"): "”", ord("『"): "‘", ord("』"): "’",
                  ord("｡"): "。", ord("､"): "、", ord("･"): "·", ord("\r"): "\n",
                  ord("\u2028"): "\n", ord("\u2029"): "\n", ord("\x85"): "\n",
                  ord("\x0b"): "\n", ord("\x0c"): "\n"})
    return table


_PUNCT = _punct_table()
# ASCII , and : that separate digits (1,000 / 16:19) or start a URL scheme are protected
# from the full-width mapping by swapping them for placeholders that map back to ASCII.
# (The , or : comes first so that re skips quickly to where one stands.)
_KEEP_ASCII = re.compile(r"[,:](?<=\d[,:])(?=\d)|:(?=//)")
_PLACEHOLDER = {",": "\ue000", ":": "\ue001"}
_PUNCT[0xE000] = ","
_PUNCT[0xE001] = ":"
# The characters _PUNCT changes: most texts have none, and str.translate looks up every one.
_CHANGED = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_PUNCT) if _PUNCT[k] != chr(k)) + "]")


@cache
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    """Traditional → simplified, keeping exactly one output character per input character.

    OpenCC converts phrases, which almost always keeps the length; where it does not (or
    where it chokes on NULs or lone surrogates) the line is redone character by character
    and a character that would not map to exactly one character is kept as it is.
    """
    cc = _opencc()
    try:
        out = cc.convert(text)
        if len(out) == len(text):
            return out
    except Exception:
        pass
    lines = text.split("\n")
    for i, line in enumerate(lines):
        try:
            conv = cc.convert(line)
        except Exception:
            conv = ""
        if len(conv) != len(line):
            conv = "".join(_t2s_char(cc, ch) for ch in line)
        lines[i] = conv
    return "\n".join(lines)


def _t2s_char(cc, ch: str) -> str:
    try:
        out = cc.convert(ch)
    except Exception:
        return ch
    return out if len(out) == 1 else ch


def _substitute(original: str, simplified: str | None = None) -> str:
    """All one-for-one character substitutions; the result has ``len(original)``."""
    work = _t2s(original) if simplified is None else simplified
    work = _KEEP_ASCII.sub(lambda m: _PLACEHOLDER[m.group()], work)
    return work.translate(_PUNCT) if _CHANGED.search(work) else work


# --------------------------------------------------------------------------- dropping

@cache
def _chrome_regex() -> re.Pattern[str]:
    path = Path(str(resources.files("policykg.extract") / "data" / "chrome.txt"))
    patterns = [
        line.strip() for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)


@cache
def _chrome_finder():
    """The chrome regex, tried only where a line starts or a literal stands (same matches)."""
    return anchored(_chrome_regex())


# Markdown bold, zero-width characters, stray BOMs and control characters (\t \n kept).
# (Two regexes: re scans for a class alone three times quicker than for the alternation.)
_NOISE_CHARS = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_BOLD = re.compile(r"\*\*")


def chrome_spans(original: str) -> list[tuple[int, int]]:
    """Half-open ranges of ``original`` that are page chrome (dropped from ``text``)."""
    work = _substitute(original)
    return [m.span() for m in _chrome_finder().finditer(work) if m.end() > m.start()]


_KEPT = re.compile(rb"\x01+")


def _drop(s: str, offsets: array, spans) -> tuple[str, array]:
    """Remove the given ranges of ``s`` (and of its offset list)."""
    mask = bytearray(b"\x01") * len(s)
    hit = False
    for a, b in spans:
        if b > a:
            mask[a:b] = bytes(b - a)
            hit = True
    if not hit:
        return s, offsets
    # Copy the kept stretches whole: a few hundred slices instead of a step per character.
    kept = [m.span() for m in _KEPT.finditer(mask)]
    new_offsets = array("q")
    for a, b in kept:
        new_offsets += offsets[a:b]
    return "".join([s[a:b] for a, b in kept]), new_offsets


# --------------------------------------------------------------------------- whitespace

_WS = re.compile(r"\s+")
_ASCII_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# A page-header line starts with a field label: 发布机构：, 文  号：, 公开日期：
_LABEL = rf"(?:[{_CJK}][ \t\u3000\xa0]*){{2,6}}："
_HEADER_LINE = re.compile(rf"[ \t\u3000\xa0]*{_LABEL}")
_LABEL_AHEAD = re.compile(_LABEL)

# Hard-wrap detection (see _joins).
_SENTENCE_END = re.compile(r"[。！？；]")
_ENUM = re.compile(
    r"(?:[一二三四五六七八九十]+[、.]|（[一二三四五六七八九十\d]+）|\d{1,3}[.、](?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节条部分]|附件|[一二三四五六七八九十]+是|\d{4}年\d{1,2}月\d{1,2}日\s*$)"
)
_PART_START = re.compile(r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,3}[.、](?!\d))")
_DOC_TYPE_END = re.compile(r"(?:要点|规划|计划|方案|纲要|通知|文件|意见|总结|报告|办法)$")
_WRAP_BEFORE = re.compile(rf"[{_CJK}，、“‘《（—]")
_WRAP_AFTER = re.compile(rf"[{_CJK}\d，。、；：！？”’》）]")
_MIN_WRAPPED_LINE = 20


def _joins(prev: str, nxt: str) -> bool:
    """Is the line break between ``prev`` and ``nxt`` a hard wrap inside a sentence?

    Wrapped lines are long and stop mid-sentence; headings, titles, signatures and
    addressee lines are short, end a clause, or end in a document-type word; a new line
    that starts with an enumeration marker or a date is never a continuation.
    """
    prev = prev.strip(" \t\u3000\xa0")
    if len(prev) < _MIN_WRAPPED_LINE or not nxt:
        return False
    if not _WRAP_BEFORE.match(prev[-1]) or not _WRAP_AFTER.match(nxt[0]):
        return False
    if _ENUM.match(nxt):
        return False
    if not _SENTENCE_END.search(prev) and (_PART_START.match(prev) or _DOC_TYPE_END.search(prev)):
        return False  # a heading or title line, not a wrapped paragraph
    return True


def _whitespace(s: str) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """Decide every whitespace run: ranges to drop and single characters to replace."""
    drops: list[tuple[int, int]] = []
    subs: list[tuple[int, str]] = []
    n = len(s)
    line_start = 0
    header = bool(_HEADER_LINE.match(s))
    for m in _WS.finditer(s):
        a, b = m.span()
        run = m.group()
        if "\n" in run:
            if a == 0 or b == n:
                drops.append((a, b))
            else:
                eol = s.find("\n", b)
                nxt = s[b: eol if eol >= 0 else n]
                if not header and _joins(s[line_start:a], nxt):  # header fields never wrap
                    drops.append((a, b))
                else:
                    k = a + run.index("\n")
                    drops.append((a, k))  # keep one line break, drop blank lines
                    drops.append((k + 1, b))
                    line_start = b
                    header = bool(_HEADER_LINE.match(nxt))
            continue
        if a == 0 or b == n:
            drops.append((a, b))
        elif header and _LABEL_AHEAD.match(s, b):
            subs.append((a, "\n"))  # 发布机构：X 文号：Y → two lines
            drops.append((a + 1, b))
        elif s[a - 1] in _ASCII_ALNUM and s[b] in _ASCII_ALNUM:
            if run[0] != " ":
                subs.append((a, " "))
            drops.append((a + 1, b))
        else:
            drops.append((a, b))
    return drops, subs


# --------------------------------------------------------------------------- API

def normalise(original: str, path: str, encoding: str = "utf-8") -> Document:
    """Build ``text`` and ``offsets`` from a decoded file (see the module docstring)."""
    simplified = _t2s(original)
    notes = ["converted traditional characters"] if simplified != original else []
    work = _substitute(original, simplified)
    offsets = array("q", range(len(original)))
    spans = [m.span() for m in _chrome_finder().finditer(work)]
    spans += [m.span() for m in _NOISE_CHARS.finditer(work)] + [m.span() for m in _BOLD.finditer(work)]
    spans.sort()
    work, offsets = _drop(work, offsets, spans)

    drops, subs = _whitespace(work)
    if subs:
        chars = list(work)
        for i, ch in subs:
            chars[i] = ch
        work = "".join(chars)
    text, offsets = _drop(work, offsets, drops)
    offsets.append(len(original))
    return Document(path=path, original=original, text=text, offsets=offsets, encoding=encoding,
                    notes=notes)

