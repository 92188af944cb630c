"""anchors.anchored finds exactly what re's finditer finds."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.extract.anchors import Anchored, anchored
from tests.paths import SEEDS

# Each begins where re cannot skip ahead, and holds a literal a bounded distance in.
ANCHORED = [
    r"[a-c]{1,3}[0-9]{1,2}x(?!y)",
    r"(?:a[bc]?)?(?:xy|zz)[a-c]{0,3}q?",
    r"(?m)^[ \t]*ab|cd[0-9]",
    r"(?m)[a-c]?^ab",
    r"[a-z](?<=[ab])(?:c|dd)",
    r"(?:(?!d)[a-z][-x]){2,4}[a-z]",  # places by initials (青-吴-嘉): a short class in a repeat
    r"(?:[a-c]z|q){1,3}[0-9]",
]
PLAIN = [
    r"ab[0-9]",  # starts with a literal: re is quick already
    r"[a-c]*x",  # no bound on where the literal stands
    r"(?m)^a*",  # may match nothing
    r"[ab]x",  # a short list of characters first
]


@pytest.mark.parametrize("pattern", ANCHORED)
def test_these_patterns_are_anchored(pattern):
    assert isinstance(anchored(re.compile(pattern)), Anchored)


@pytest.mark.parametrize("pattern", PLAIN)
def test_these_patterns_keep_plain_finditer(pattern):
    regex = re.compile(pattern)
    assert anchored(regex) is regex


@given(st.text(alphabet=st.sampled_from(list("abcdxyzq019 \t\n")), max_size=80))
@settings(max_examples=400, deadline=None)
def test_same_matches_as_finditer(text):
    for pattern in ANCHORED:
        regex = re.compile(pattern)
        assert [m.span() for m in anchored(regex).finditer(text)] == [m.span() for m in regex.finditer(text)]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed plans not available")
def test_rule_patterns_and_chrome_find_the_same_matches_on_the_seeds():
    from policykg.extract import normalise
    from policykg.extract.pipeline import build_nlp

    texts = []
    for path in sorted(SEEDS.glob("*.txt")):
        original = path.read_text(encoding="utf-8")
        texts += [original, normalise.normalise(original, path.name).text]
    finders = [(p.regex, p.finder) for p in build_nlp().get_pipe("policykg_candidates").patterns]
    finders.append((normalise._chrome_regex(), normalise._chrome_finder()))
    assert any(isinstance(finder, Anchored) for _, finder in finders)
    for regex, finder in finders:
        for text in texts:
            assert [m.span() for m in finder.finditer(text)] == [m.span() for m in regex.finditer(text)], regex.pattern


QUICK = [r"(?<![0-9.])[0-9]{1,2}[.．](?![0-9])|[，、\s]|（[一二0-9]{1,3}）", r"x*[ab]|\d+%", r"(?:ab|c)?d"]


@given(st.text(alphabet=st.sampled_from(list("0129.．，、 \n（一二）abcdx%")), max_size=60), st.data())
@settings(max_examples=400, deadline=None)
def test_quick_start_finds_the_same_matches_in_any_window(text, data):
    from policykg.extract.anchors import quick_start

    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    for pattern in QUICK:
        regex = re.compile(pattern)
        quick = quick_start(regex)
        assert quick is not regex
        assert [m.span() for m in quick.finditer(text, lo, hi)] == [m.span() for m in regex.finditer(text, lo, hi)]


def test_quick_start_leaves_what_it_cannot_bound():
    from policykg.extract.anchors import quick_start

    for pattern in (r"[^x]y", r"a?", r"(?m)^ab", r".b"):
        regex = re.compile(pattern)
        assert quick_start(regex) is regex


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed plans not available")
def test_clause_and_name_breaks_find_the_same_matches_on_the_seeds():
    from policykg.extract import normalise
    from policykg.extract.datafiles import load_lexicon
    from policykg.extract.pipeline import build_nlp

    lexicon = load_lexicon()
    breaks = [re.compile(lexicon["clause_break"]), re.compile(lexicon.get("name_break", lexicon["clause_break"]))]
    boundaries = build_nlp().get_pipe("policykg_candidates").boundaries
    for path in sorted(SEEDS.glob("*.txt")):
        text = normalise.normalise(path.read_text(encoding="utf-8"), path.name).text
        for plain, quick in zip(breaks, (boundaries.clause_break, boundaries.name_break)):
            assert quick is not plain
            for lo in range(0, len(text), 13):
                hi = min(len(text), lo + 40)
                assert [m.span() for m in quick.finditer(text, lo, hi)] == [m.span() for m in plain.finditer(text, lo, hi)]
