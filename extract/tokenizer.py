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

from spacy.tokens import Doc
from spacy.util import DummyTokenizer, registry
from spacy.vocab import Vocab

_WHITESPACE_RUNS = re.compile(r"(\s+)")
# Where tokens are not simply the characters: a space (a trailing one, or one of a whitespace
# token) or two whitespace characters in a row (one token). Normalised plans have neither in
# most cases: one line break between lines, spaces only between ASCII letters and digits.
SPACE_OR_WHITESPACE_RUN = re.compile(r" |\s\s")


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

    def __call__(self, text: str) -> Doc:
        try:
            return self._doc(text)
        except KeyError:  # a string added inside a spaCy memory zone has gone with it
            self.orths.clear()
            return self._doc(text)

    def _doc(self, text: str) -> Doc:
        orths = self.orths
        orth = orths.__getitem__
        if not SPACE_OR_WHITESPACE_RUN.search(text):  # most plans: every character is a token
            try:
                words = list(map(orth, text))
            except KeyError:  # a character not seen before
                self._learn(text)
                words = list(map(orth, text))
            return Doc(self.vocab, words=words, spaces=[False] * len(words))
        words: list[int] = []
        spaces: list[bool] = []
        pieces = _WHITESPACE_RUNS.split(text)  # chunk, run, chunk, run, …, chunk
        for i, piece in enumerate(pieces):
            if not piece:
                continue
            if i % 2 == 0:
                try:
                    words += map(orth, piece)
                except KeyError:  # a character not seen before
                    del words[len(spaces):]
                    self._learn(piece)
                    words += map(orth, piece)
                spaces += [False] * len(piece)
                continue
            if i and pieces[i - 1] and piece[0] == " ":
                spaces[-1] = True
                piece = piece[1:]
            if piece:
                run = orths.get(piece)
                if run is None:
                    run = orths[piece] = self.vocab.strings.add(piece)
                words.append(run)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _learn(self, text: str) -> None:
        for new in set(text).difference(self.orths):
            self.orths[new] = self.vocab.strings.add(new)
