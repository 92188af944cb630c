"""Regexes that ``re`` cannot skip through quickly, run with the same matches but quicker.

``anchored`` (below) tries a pattern only near the literals its matches must hold;
``quick_start`` puts a pattern behind a lookahead on the characters its matches can start
with (for alternatives that open with a lookbehind, where ``re`` has no such set itself);
``alternation`` writes a set of words as a character trie (``re`` tries the branches of a
flat alternation one by one).

``re`` skips quickly to where a match can start when a pattern begins with a literal (医院,
《). A pattern that begins with a character class (``{C}{1,4}[0-9]{1,3}条``: any Chinese
character) or with ``^`` in MULTILINE mode is instead tried at every position of the text.
If every match holds a literal within a few characters of its start (条 at most 7 characters
in), only the positions up to that distance before an occurrence of the literal can start a
match; ``Anchored.finditer`` tries ``regex.match`` there alone. Going left to right and going
on after each match's end, it yields exactly what ``regex.finditer`` yields: ``finditer`` is
the same trial at every position from the last match's end, and the others cannot match.

The literals are read from the parsed pattern (``re._parser``, the parser ``re`` itself uses).
A pattern whose matches may be empty, or where no literal lies at a bounded distance from the
start, keeps plain ``finditer``; so does one that starts with a literal or a short list of
characters (``re`` is quick there).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

try:  # the parser of the re module: re._parser from Python 3.11, sre_parse before
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

MAX_DISTANCE = 12  # further than this, trying every position near a literal costs more than re's scan
LINE_START = ""  # the anchor "a line starts here" (^ in MULTILINE mode)
MAX_CLASS_LITERALS = 4  # a class of up to this many characters is as good as a literal


def anchored(regex: re.Pattern[str]):
    """``regex`` itself, or an ``Anchored`` wrapper where that is quicker (same matches)."""
    anchors = _anchors(regex)
    if anchors is None or all(distance == 0 and literal != LINE_START for literal, distance in anchors):
        return regex
    if _starts_with_few_characters(regex):
        return regex  # [市区县省]…: re skips quickly to those characters already
    return Anchored(regex, anchors)


def _starts_with_few_characters(regex: re.Pattern[str]) -> bool:
    """Does the pattern begin with a class of listed characters (no ranges or categories)?"""
    first = _sre_parse.parse(regex.pattern, regex.flags)[0]
    return first[0] is _sre.IN and all(op is _sre.LITERAL for op, _ in first[1])


class Anchored:
    def __init__(self, regex: re.Pattern[str], anchors: list[tuple[str, int]]):
        self.regex = regex
        self.pattern = regex.pattern
        self.groupindex = regex.groupindex
        # (literal, how far before it a match may start), each once: alternatives often share one (^)
        self.anchors = list(dict.fromkeys(anchors))

    def starts(self, text: str) -> list[int]:
        """Every position where a match may start, in order."""
        found = set()
        for literal, distance in self.anchors:
            if distance == 0:
                found.update(_occurrences(text, literal))
                continue
            for k in _occurrences(text, literal):
                found.update(range(max(0, k - distance), k + 1))
        return sorted(found)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        match = self.regex.match
        resume = 0
        for start in self.starts(text):
            if start >= resume:
                m = match(text, start)
                if m is not None:
                    yield m
                    resume = m.end()  # never empty: matches hold at least one character


def _occurrences(text: str, literal: str) -> Iterator[int]:
    """Where ``literal`` starts in ``text`` (overlapping too); for LINE_START, where lines start."""
    if literal == LINE_START:
        yield 0
        literal, shift = "\n", 1
    else:
        shift = 0
    k = text.find(literal)
    while k >= 0:
        yield k + shift
        k = text.find(literal, k + 1)


def _anchors(regex: re.Pattern[str]) -> list[tuple[str, int]] | None:
    """(literal, distance) pairs such that every match holds one of the literals starting at
    most ``distance`` characters after the match's start; None when there are none."""
    if regex.flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
    except Exception:  # noqa: BLE001  an unusual pattern keeps plain finditer
        return None
    if parsed.getwidth()[0] == 0:
        return None
    found = _sequence(list(parsed), bool(regex.flags & re.MULTILINE))
    if found is None or any(distance > MAX_DISTANCE for _, distance in found):
        return None
    return found


def _sequence(items: list, multiline: bool) -> list[tuple[str, int]] | None:
    offset = 0  # the most characters the items so far can span
    for i, (op, av) in enumerate(items):
        if op is _sre.LITERAL:
            literal = chr(av)
            for next_op, next_av in items[i + 1:]:
                if next_op is not _sre.LITERAL:
                    break
                literal += chr(next_av)
            return [(literal, offset)]
        if op is _sre.IN and len(av) <= MAX_CLASS_LITERALS and all(o is _sre.LITERAL for o, _ in av):
            return [(chr(code), offset) for _, code in av]  # one of a few characters: [-—–]
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:  # its first round is there
            inner = _sequence(list(av[2]), multiline)
            if inner is not None:
                return [(literal, offset + distance) for literal, distance in inner]
        if op is _sre.AT and av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING) and offset == 0:
            if av is _sre.AT_BEGINNING and multiline:
                return [(LINE_START, 0)]
            # The text's very start: no quicker than re itself, keep looking further in.
        if op is _sre.BRANCH:
            found = []
            for alternative in av[1]:
                inner = _sequence(list(alternative), multiline)
                if inner is None:
                    break
                found += [(literal, offset + distance) for literal, distance in inner]
            else:
                return found
        if op is _sre.SUBPATTERN and not (av[1] & re.IGNORECASE):  # (group, add_flags, del_flags, items)
            inner = _sequence(list(av[3]), multiline or bool(av[1] & re.MULTILINE))
            if inner is not None:
                return [(literal, offset + distance) for literal, distance in inner]
        width = _width(op, av)
        if width is None:
            return None
        offset += width
    return None


def _width(op, av) -> int | None:
    """The most characters one parsed item can span; None if unbounded."""
    try:
        most = _sre_parse.SubPattern(_sre_parse.State(), [(op, av)]).getwidth()[1]
    except Exception:  # noqa: BLE001  (a back reference: its group's width is not known here)
        return None
    return None if most >= _sre.MAXREPEAT else most


def quick_start(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` behind a lookahead on the characters a match can start with (same matches).

    A pattern whose alternatives open with a lookbehind (``(?<![0-9.])[0-9]{1,2}[.．]``) gives
    ``re`` no set of first characters to skip ahead with: it tries every alternative at every
    position. The lookahead rules out most positions in one step.
    """
    try:
        firsts = _first_characters(list(_sre_parse.parse(regex.pattern, regex.flags)))
        if firsts is None or regex.flags & re.IGNORECASE:
            return regex
        return re.compile(f"(?=[{''.join(sorted(set(firsts)))}])(?:{regex.pattern})", regex.flags)
    except (re.error, ValueError):  # e.g. global flags inside the pattern
        return regex


_CATEGORIES = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
               _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}


def _first_characters(items: list) -> list[str] | None:
    """Character-class pieces holding every first character of a match; None if unknown."""
    for i, (op, av) in enumerate(items):
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue  # zero width: the character after it comes first
        if op is _sre.LITERAL:
            return [re.escape(chr(av))]
        if op is _sre.IN:
            return _class_pieces(av)
        if op is _sre.BRANCH:
            found = [_first_characters(list(alternative)) for alternative in av[1]]
            return None if None in found else [piece for pieces in found for piece in pieces]
        if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            return _first_characters(list(av[3]))
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            inner = _first_characters(list(av[2]))
            if inner is None or av[0] >= 1:
                return inner
            rest = _first_characters(items[i + 1:])  # the repeat may take nothing
            return None if rest is None else inner + rest
        return None
    return None  # nothing but zero-width items: the match may be empty


def _class_pieces(items: list) -> list[str] | None:
    pieces = []
    for op, av in items:
        if op is _sre.LITERAL:
            pieces.append(re.escape(chr(av)))
        elif op is _sre.RANGE:
            pieces.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _sre.CATEGORY and av in _CATEGORIES:
            pieces.append(_CATEGORIES[av])
        else:  # a negated class, …
            return None
    return pieces


def alternation(words) -> str:
    """One regex for a set of literal words; the longest match wins (进一步 over 进).

    Built as a character trie: Python's ``re`` tries the branches of a flat alternation one
    by one at every position, which with tens of thousands of place names is the whole cost
    of extraction; a trie branches on one character at a time.
    """
    words = {w for w in words if w}
    if not words:
        return "(?!)"
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    end = "" in node
    branches = []
    singles = []
    for ch in sorted(k for k in node if k):
        child = node[ch]
        if len(child) == 1 and "" in child:
            singles.append(re.escape(ch))
        else:
            branches.append(re.escape(ch) + _trie_regex(child))
    if singles:
        branches.append(singles[0] if len(singles) == 1 else "[" + "".join(singles) + "]")
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if end:  # the word may stop here; greedy ? keeps the longer match first
        if len(branches) == 1 and len(body) > 1 and not body.startswith("(?:"):
            body = "(?:" + body + ")"
        return body + "?"
    return body
