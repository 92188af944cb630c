"""Bytes → decoded ``original`` → normalised ``text`` with a character offset map.

The rules downstream read ``Document.text``; every character of it comes from exactly one
character of ``Document.original`` (``offsets[i]``), so any span of ``text`` maps back with
``Document.original_span``. Normalisation only substitutes characters one for one or drops
them, never inserts, which is what keeps the map exact.

What ``text`` looks like (the canonical forms the rules are written against):

* Simplified characters (OpenCC ``t2s``; length-preserving, see ``_t2s``).
* Kangxi and CJK radicals (⽣ ⼯, from PDF fonts) as the ideographs they stand for (NFKC).
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

import codecs
import re
import threading
import unicodedata
from array import array
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from policykg.extract.anchors import anchored
from policykg.extract.document import OFFSET_TYPE, Document

__all__ = ["decode", "Decoded", "normalise", "replaced_warning", "chrome_spans", "CANONICAL_PUNCT"]

CANONICAL_PUNCT = "，：；（）！？"

# --------------------------------------------------------------------------- decoding

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class Decoded(NamedTuple):
    text: str
    encoding: str
    replaced: int = 0  # undecodable bytes replaced by U+FFFD


def decode(data: bytes) -> Decoded:
    """Decode a file's bytes, or raise ``ValueError`` for binary data and text in no known encoding.

    A clean file decodes strictly. A file with a few bad bytes (one corrupted byte, a file cut
    in the middle of a character) keeps its encoding: the bad bytes become U+FFFD and
    ``replaced`` counts them, so one bad byte never loses a plan.
    """
    if not data:
        return Decoded("", "utf-8")
    # BOMs first: they are unambiguous. UTF-32 before UTF-16 (its LE BOM starts with FF FE).
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                     (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):  # the encoding is known: only data that is mostly bad is refused
            decoded = _lenient(data, enc, check=False)
            if decoded.replaced * 4 > len(data):
                raise ValueError(f"bad {enc} data after byte-order mark")
            return decoded
    nul = data.count(0)
    if not nul:
        try:
            return Decoded(_plausible(data.decode("utf-8"), "utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    enc = _utf16_without_bom(data)
    if enc is not None:
        return _lenient(data, enc, check=False) or _binary(nul)
    utf8 = _lenient(data, "utf-8")  # UTF-8's structure is strict: a few bad bytes in much text is UTF-8
    if utf8 is not None:
        return utf8
    if nul:
        _binary(nul)
    enc = _detect(data)
    if enc is not None:
        try:
            return Decoded(_plausible(data.decode(enc), enc), enc)
        except (UnicodeDecodeError, LookupError):
            pass
    for fallback in dict.fromkeys(e for e in (enc, "gb18030") if e):
        decoded = _lenient(data, fallback)
        if decoded is not None:
            return decoded
    raise ValueError("no plausible text decoding" if enc is None else f"undecodable as {enc}")


def _binary(nul: int):
    raise ValueError("binary data (NUL bytes)" if nul else "binary data")


class _Replacements(threading.local):
    count = 0


_REPLACEMENTS = _Replacements()
_GB_CODECS = {"gb18030", "gbk", "gb2312"}


def _replace_counting(exc: UnicodeDecodeError) -> tuple[str, int]:
    _REPLACEMENTS.count += exc.end - exc.start
    return "\ufffd", exc.end


def _replace_counting_gb(exc: UnicodeDecodeError) -> tuple[str, int]:
    """As ``_replace_counting``, and a bad byte over 0x7F takes the byte after it along when
    that can be a trail byte: it most likely stood for a lead byte, and its trail read as the
    next lead would put the rest of the line out of step (GBK resynchronises only at ASCII)."""
    data, start, end = exc.object, exc.start, exc.end
    if end - start == 1 and data[start] > 0x7F and end < len(data) and 0x40 <= data[end] <= 0xFE and data[end] != 0x7F:
        end += 1
    _REPLACEMENTS.count += end - start
    return "\ufffd", end


codecs.register_error("policykg.replace", _replace_counting)
codecs.register_error("policykg.replace-gb", _replace_counting_gb)
# Bad bytes allowed per character decoded well: one corrupted byte spoils at most 3 bytes of
# UTF-8, while GBK read as UTF-8 has far more bad bytes than characters.
_BAD_PER_GOOD = 0.25


def _lenient(data: bytes, enc: str, check: bool = True) -> Decoded | None:
    """``data`` decoded with bad bytes replaced, or None if too few of its characters decode.

    An incomplete character at the very end (a file cut short) is replaced too, but is no
    evidence against the encoding.
    """
    _REPLACEMENTS.count = 0
    try:
        errors = "policykg.replace-gb" if codecs.lookup(enc).name in _GB_CODECS else "policykg.replace"
        decoder = codecs.getincrementaldecoder(enc)(errors)
        text = decoder.decode(data, final=False)
        tail = len(decoder.getstate()[0])
    except LookupError:
        return None
    bad = _REPLACEMENTS.count
    if check:
        decoded = len(text) - text.count("\ufffd")
        # UTF-8 and GB18030 read ASCII bytes as ASCII whatever the encoding: only the others count.
        good = decoded if enc.startswith(("utf-16", "utf-32")) else decoded - len(text.encode("ascii", "ignore"))
        if bad > _BAD_PER_GOOD * good:
            return None
    if tail:
        text += "\ufffd"
    try:
        return Decoded(_plausible(text, enc), enc, bad + tail)
    except ValueError:
        if check:
            return None
        raise


# Characters of Chinese text in UTF-16: CJK ideographs and punctuation, full-width forms,
# ASCII and general punctuation. Bytes of another encoding read as UTF-16 give other blocks.
_TEXTLIKE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
                       r"\uff00-\uffef]")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:65536]
    sample = sample[:len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    # ASCII text read as UTF-16 looks like CJK (two letters make one ideograph): in UTF-16 text,
    # most code units have a NUL byte (ASCII) or a byte over 0x7F (most ideographs).
    units = len(sample) // 2
    if len(_ASCII_PAIR.findall(sample)) > 0.7 * units:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        text = sample.decode(enc, "replace")
        if len(_TEXTLIKE.findall(text)) >= 0.9 * len(text):
            return enc
    return None


_ASCII_PAIR = re.compile(rb"(?s)[\x01-\x7f]{2}")


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


def _radical_table() -> dict[int, str]:
    """Kangxi radicals (U+2F00–U+2FDF) and CJK radicals (U+2E80–U+2EFF) → the ideographs they
    stand for (NFKC: ⽣ → 生, ⼯ → 工). PDF fonts map glyphs to these code points, and no rule
    or gazetteer would read 卫⽣健康 as 卫生健康. One character each, so offsets stay exact."""
    table = {}
    for cp in (*range(0x2E80, 0x2F00), *range(0x2F00, 0x2FE0)):
        target = unicodedata.normalize("NFKC", chr(cp))
        if len(target) == 1 and target != chr(cp):
            table[cp] = target
    return table


_RADICALS = _radical_table()
_RADICAL = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def _ideographs(text: str) -> str:
    """Radicals as the ideographs they stand for (before simplification: ⾨ is 門, then 门)."""
    return text.translate(_RADICALS) if _RADICAL.search(text) else text


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
    work = _t2s(_ideographs(original)) if simplified is None else simplified
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
    new_offsets = array(OFFSET_TYPE)
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
    ideographs = _ideographs(original)
    simplified = _t2s(ideographs)
    notes = ["read radicals as the ideographs they stand for"] if ideographs is not original else []
    if simplified != ideographs:
        notes.append("converted traditional characters")
    work = _substitute(original, simplified)
    offsets = array(OFFSET_TYPE, range(len(original)))
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


def replaced_warning(replaced: int) -> str:
    return f"{replaced} undecodable byte{'s' if replaced != 1 else ''} replaced by U+FFFD"
