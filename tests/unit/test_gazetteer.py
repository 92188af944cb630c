"""The gazetteer finds every occurrence of every name, overlapping ones included."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.extract.gazetteer import Gazetteer

ENTRIES = {name: ("Region", 40, "always", frozenset())
           for name in ("上海", "上海市", "海市", "青浦", "青浦区", "浦东新区", "长三角", "长三角地区", "x")}
GAZETTEER = Gazetteer(ENTRIES)


def brute_force(text: str) -> list[tuple[int, int]]:
    """Every (start, end) whose text is a name, by start then longest first."""
    found = [(i, j) for i in range(len(text)) for j in range(i + 1, len(text) + 1) if text[i:j] in ENTRIES]
    return sorted(found, key=lambda m: (m[0], -m[1]))


def test_overlapping_names_are_all_found():
    text = "上海市青浦区和长三角地区"
    assert GAZETTEER.occurrences(text) == brute_force(text)
    assert (0, 3) in GAZETTEER.occurrences(text) and (0, 2) in GAZETTEER.occurrences(text)


@given(st.text(alphabet=st.sampled_from(list("上海市青浦区东新长三角地x \n、\ud800")), max_size=40))
@settings(max_examples=300, deadline=None)
def test_occurrences_equal_a_brute_force_search(text):
    assert GAZETTEER.occurrences(text) == brute_force(text)


def test_no_names_no_occurrences():
    assert Gazetteer({}).occurrences("上海市") == []
