"""The tokens of ``spacy.blank("zh")`` (its "char" segmenter), made quicker.

Each non-space character is a token; one " " right after one is its trailing space; any
other run of whitespace is a token of its own. spaCy's zh tokenizer aligns those tokens with
``util.get_words_and_spaces``, which slices the rest of the text for every character, and
``Doc`` then hashes every character's string to find its lexeme. ``CharTokenizer`` makes the
same Doc from the ids (orths) of the characters, looked up in a table it keeps: ``Doc`` finds a
lexeme by its id without hashing anything.

Registered as ``policykg.char_tokenizer.v1`` in spaCy's ``tokenizers`` registry; ``build_nlp``
puts it in place of the zh tokenizer, in the same language and vocab.
"""
from __future__ import annotations

import re

import numpy as np
from spacy.tokens import Doc
from spacy.util import DummyTokenizer, registry
from spacy.vocab import Vocab

_WHITESPACE_RUNS = re.compile(r"(\s+)")
# Where tokens are not simply the characters: a space (a trailing one, or one of a whitespace
# token) or two whitespace characters in a row (one token). Normalised plans have neither in
# most cases: one line break between lines, spaces only between ASCII letters and digits.
SPACE_OR_WHITESPACE_RUN = re.compile(r" |\s\s")


def code_points(text: str) -> np.ndarray:
    """The text's characters as their code points (uint32), all at once; lone surrogates kept."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@registry.tokenizers("policykg.char_tokenizer.v1")
def create_char_tokenizer(segmenter: str = "char"):
    """``segmenter`` comes with the zh language's [nlp.tokenizer] settings: only "char" is made."""
    if segmenter != "char":
        raise ValueError(f"policykg.char_tokenizer.v1 makes character tokens, not {segmenter!r}")

    def make(nlp) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return make


class CharTokenizer(DummyTokenizer):
    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.orths: dict[str, int] = {}  # token text → its id in vocab.strings
        # The ids of the characters of the Basic Multilingual Plane by code point (0: not seen
        # yet): numpy maps a text's characters to ids at once, rather than a dict lookup each.
        self.bmp_orths = np.zeros(0x10000, dtype=np.uint64)

    def __call__(self, text: str) -> Doc:
        try:
            return self._doc(text)
        except KeyError:  # a string added inside a spaCy memory zone has gone with it
            self.orths.clear()
            self.bmp_orths[:] = 0
            return self._doc(text)

    def _doc(self, text: str) -> Doc:
        if not SPACE_OR_WHITESPACE_RUN.search(text):  # most plans: every character is a token
            words = self._char_orths(text)
            return Doc(self.vocab, words=words, spaces=[False] * len(words))
        words: list[int] = []
        spaces: list[bool] = []
        pieces = _WHITESPACE_RUNS.split(text)  # chunk, run, chunk, run, …, chunk
        for i, piece in enumerate(pieces):
            if not piece:
                continue
            if i % 2 == 0:
                words += self._char_orths(piece)
                spaces += [False] * len(piece)
                continue
            if i and pieces[i - 1] and piece[0] == " ":
                spaces[-1] = True
                piece = piece[1:]
            if piece:
                words.append(self._orth(piece))
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _char_orths(self, text: str) -> list[int]:
        codes = code_points(text)
        if codes.size and codes.max() > 0xFFFF:  # beyond the table (rare): one by one
            return [self._orth(ch) for ch in text]
        orths = self.bmp_orths[codes]
        if not orths.all():  # a character not seen before
            for ch in set(text).difference(self.orths):
                self._orth(ch)
            orths = self.bmp_orths[codes]
        return orths.tolist()

    def _orth(self, token: str) -> int:
        orth = self.orths.get(token)
        if orth is None:
            orth = self.orths[token] = self.vocab.strings.add(token)
            if len(token) == 1 and ord(token) <= 0xFFFF:
                self.bmp_orths[ord(token)] = orth
        return orth
