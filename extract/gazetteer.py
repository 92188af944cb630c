"""Exact names found by a hashed scan of the text: administrative divisions from the jionlp
package and the names of ``data/gazetteer.yml``."""
from __future__ import annotations

import re
from functools import cache

import numpy as np

from policykg.extract.anchors import alternation
from policykg.extract.spans import EXACT, Candidate
from policykg.extract.tokenizer import code_points


class Gazetteer:
    """Exact names: administrative divisions from jionlp plus the groupings in gazetteer.yml.

    Full names of provinces, cities and counties and short names of provinces and cities are
    always names. A county's short alias (会同, 合作, 新建 …) is often a common word, so it is a
    Region only in the plan's own province, or when it stands in a list next to another place
    (青浦、吴江、嘉善). Towns (徐泾镇) count in the plan's province only.
    """

    def __init__(self, entries: dict[str, tuple[str, int, str, frozenset]], list_joiners: str = "、-—和与及"):
        self.entries = entries
        # Where a name may start: a two-character name, or the first three characters of a
        # longer one (with the lengths to try there, longest first). One-character names
        # (none by default) are found by a regex.
        longer: dict[str, set[int]] = {}
        for surface in entries:
            if len(surface) >= 3:
                longer.setdefault(surface[:3], set()).add(len(surface))
        self.prefixes = {head: tuple(sorted(sizes, reverse=True)) for head, sizes in longer.items()}
        self.pairs = {surface for surface in entries if len(surface) == 2}
        self.pair_slots = _slot_marks(self.pairs, 2)
        self.prefix_slots = _slot_marks(self.prefixes, 3)
        singles = sorted(surface for surface in entries if len(surface) == 1)
        self.single = re.compile("[" + "".join(map(re.escape, singles)) + "]") if singles else None
        self.joiners = set(list_joiners)
        self.continuations = ("门",)

    def plausible(self, surface: str, context: dict | None) -> bool:
        """A place name the plan can mean: always-names anywhere, county aliases in its province."""
        entry = self.entries.get(surface)
        if entry is None:
            return False
        _, _, kind, provinces = entry
        return kind == "always" or (context or {}).get("province") in provinces

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """Every (start, end) where a name occurs, overlapping ones too, by start then longest first.

        ~45,000 names: a regex alternation of them costs more than tokenising, an Aho-Corasick
        automaton over Chinese characters almost as much. Instead numpy marks the positions
        where a two-character name or a longer name's first three characters may stand (a
        hash slot taken), and only there are substrings looked up.
        """
        n = len(text)
        found = []
        if n >= 2 and self.entries:
            codes = _code_points(text)
            maybe = self.pair_slots[_slots(codes, 2)]
            if n >= 3:
                maybe[:-1] |= self.prefix_slots[_slots(codes, 3)]
            entries, prefixes, pairs = self.entries, self.prefixes, self.pairs
            for start in np.flatnonzero(maybe).tolist():
                for size in prefixes.get(text[start:start + 3], ()):
                    if start + size <= n and text[start:start + size] in entries:
                        found.append((start, start + size))
                if text[start:start + 2] in pairs:
                    found.append((start, start + 2))
        if self.single is not None:
            found += [(m.start(), m.end()) for m in self.single.finditer(text)]
            found.sort(key=lambda m: (m[0], -m[1]))
        return found

    def find(self, text: str, context: dict | None = None) -> list[Candidate]:
        province = (context or {}).get("province")
        hits: list[list] = []  # start, end, label, priority, kind, sure
        for start, end in self.occurrences(text):
            label, priority, kind, provinces = self.entries[text[start:end]]
            if text.startswith(self.continuations, end):
                continue  # 教育部门, 财政部门: a word goes on
            if kind == "always":
                ok = True
            else:  # "local": county aliases and towns
                ok = province is not None and province in provinces
            hits.append([start, end, label, priority, kind, ok])
        # Places in a list vouch for each other.
        unsure = [i for i, h in enumerate(hits) if not h[5] and h[4] == "local" and h[1] - h[0] >= 2]
        for _ in range(2):
            for i in unsure:
                h = hits[i]
                if h[5]:
                    continue
                for j in (i - 1, i + 1):
                    if 0 <= j < len(hits) and hits[j][5] and hits[j][2] == "Region":
                        a, b = (hits[j], h) if j < i else (h, hits[j])
                        gap = text[a[1]:b[0]]
                        if len(gap) == 1 and gap in self.joiners:
                            h[5] = True
        return [Candidate(h[0], h[1], h[2], h[3], "gazetteer", EXACT) for h in hits if h[5]]


_SLOT_BITS = 22  # 4 M hash slots: few false marks for ~45,000 keys, and each is checked
_SLOT_HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2**64/φ


def _code_points(text: str) -> np.ndarray:
    return code_points(text).astype(np.uint64)


def _slots(codes: np.ndarray, width: int) -> np.ndarray:
    """The hash slot of every run of ``width`` (2 or 3) characters in a text's code points."""
    n = len(codes) - width + 1
    return _hash([codes[k:k + n] for k in range(width)])


def _slot_marks(keys, width: int) -> np.ndarray:
    """A flag per hash slot: is it the slot of one of the keys (strings of ``width`` characters)?"""
    marks = np.zeros(1 << _SLOT_BITS, dtype=bool)
    codes = _code_points("".join(keys)).reshape(-1, width)  # one row per key
    marks[_hash([codes[:, k] for k in range(width)])] = True
    return marks


def _hash(columns: list[np.ndarray]) -> np.ndarray:
    """Hash slots of the code points in the columns side by side (21 bits each)."""
    key = columns[0].copy()
    for column in columns[1:]:
        key = key << np.uint64(21) | column
    return (key * _SLOT_HASH) >> np.uint64(64 - _SLOT_BITS)


def gazetteer_entries(data: dict) -> dict[str, tuple[str, int, str, frozenset]]:
    """surface → (label, priority, kind, provinces): the divisions dataset and the names of
    ``data`` (gazetteer.yml)."""
    from policykg.extract import regions

    entries: dict[str, tuple[str, int, str, frozenset]] = {}
    min_alias = data.get("region_alias_min_len", 2)
    priority = data.get("region_priority", 40)
    for surface, found in regions.all_names().items():
        if len(surface) < min_alias:
            continue
        provinces = frozenset(r.province for r in found)
        full = [r for r in found if r.name == surface and r.level != "town"]
        if any(r.level in ("province", "municipality") for r in found):
            kind = "always"
        elif full and len(surface) >= 3:
            kind = "always"
        elif any(r.level == "city" for r in found) and not full:
            kind = "always"  # a city's short name: 杭州, 三明
        elif all(r.level == "town" for r in found) and len(surface) < 3:
            continue
        else:
            kind = "local"
        entries[surface] = ("Region", priority, kind, provinces)
    for label, names in data.get("names", {}).items():
        for surface in names:
            entries[surface] = (label, data.get("name_priority", 60), "always", frozenset())
    for surface in data.get("not_names", []):
        entries.pop(surface, None)
    return entries


@cache
def region_names(excluded: frozenset[str] = frozenset()) -> frozenset[str]:
    """Names of provinces, cities and counties (full and short), but for ``excluded``."""
    from policykg.extract import regions

    return frozenset(
        surface
        for surface, found in regions.all_names().items()
        if len(surface) >= 2 and surface not in excluded and not all(r.level == "town" for r in found)
    )


@cache
def region_alternation(names: frozenset[str]) -> str:
    """Names of provinces, cities and counties (full and short), as one regex alternation.

    It opens with a lookahead on the names' first characters: inside a pattern (健康{REGION})
    re tries the ~900 first branches one by one, the class rules most places out at once.
    """
    if not names:
        return alternation(names)
    firsts = "".join(re.escape(ch) for ch in sorted({name[0] for name in names}))
    return f"(?=[{firsts}]){alternation(names)}"
