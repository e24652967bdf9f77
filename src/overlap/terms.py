"""Literal key terms found in texts: the evidence a reviewer reads.

Terms are matched on folded text (lower case, no accents, punctuation as spaces),
as whole words: a trailing '*' matches any word ending, a lone '*' any one word and
'...' up to GAP_WORDS words. Folding keeps one character per character, so each
match points back at the original words, which are what the evidence quotes.
Strategy axes (overlap.conflicts) and target populations (overlap.populations)
are both found this way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from overlap.normalise import fold

#: '...' in a term stands for at most this many words ("relocat* ... camp")
GAP_WORDS = 10

_WILDCARDS = ("*", "...")


def fold_term(term: str) -> str:
    """Fold a term as texts are folded, keeping its wildcards ('*', '...')."""
    words = []
    for word in term.split():
        if word in _WILDCARDS:
            words.append(word)
        elif fold(word):
            words.append(" ".join(fold(word).split()) + ("*" if word.endswith("*") else ""))
    return " ".join(words)


def fold_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (fold_term(term) for term in terms) if t))



def _folding_table(texts: list[str]) -> dict[int, str]:
    """Per character: lower case, no accent, punctuation as a space, one character each.

    Keeping one character per character lets a match in the folded text point back
    at the original words, which are what the evidence shows.
    """
    table: dict[int, str] = {}
    for ch in set("".join(texts)):
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        single = plain.lower() if len(plain) == 1 else ch
        if len(single) != 1:  # a few characters lengthen in lower case; keep them as they are
            single = ch
        table[ord(ch)] = single if single.isalnum() else " "
    return table


def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a pole's folded terms: whole words, '*' as a word ending or any word."""
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        words = []
        for word in term.split():
            if word == "...":
                words.append(rf"(?:\w+\s+){{0,{GAP_WORDS}}}")
                continue
            if word == "*":
                words.append(r"\w+")
            elif word.endswith("*"):
                words.append(re.escape(word[:-1]) + r"\w*")
            else:
                words.append(re.escape(word))
        alternatives.append(r"\s+".join(words).replace(r"}\s+", "}"))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


@dataclass
class Corpus:
    """The run's texts joined once, original and folded, for one regex pass per pole.

    Folding keeps one character per character, so an offset in the folded text is
    the same offset in the original; texts are joined by NUL, which neither a word
    nor a space pattern crosses.
    """

    original: str
    folded: str
    starts: np.ndarray

    @classmethod
    def build(cls, texts: list[str]) -> Corpus:
        texts = [t.replace("\0", " ") for t in texts]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0)
        original = "\0".join(texts)
        return cls(original=original, folded=original.translate(_folding_table(texts)),
                   starts=np.asarray(starts, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.starts)


def _first_literals(terms: tuple[str, ...]) -> list[str] | None:
    """What every match of the terms starts with (shortest first), None when a term
    starts with a wildcard and could start anywhere."""
    firsts = sorted({term.split()[0].rstrip("*") for term in terms}, key=len)
    if not all(first and first not in _WILDCARDS for first in firsts):
        return None
    kept: list[str] = []
    for first in firsts:
        if not any(first.startswith(k) for k in kept):
            kept.append(first)
    return kept


def _finditer(pattern: re.Pattern[str], terms: tuple[str, ...], text: str):
    """``pattern.finditer(text)``, trying the regex only where a term's first word occurs.

    A regex scan tries every offset of the corpus, ten times slower than finding
    the first words with ``str.find``; trying those offsets in order, each after
    the last match's end, yields the same matches.
    """
    literals = _first_literals(terms)
    if literals is None:
        yield from pattern.finditer(text)
        return
    starts = set()
    for literal in literals:
        at = text.find(literal)
        while at != -1:
            starts.add(at)
            at = text.find(literal, at + 1)
    end = 0
    for start in sorted(starts):
        if start < end:
            continue
        match = pattern.match(text, start)
        if match:
            yield match
            end = match.end()


def term_hits(corpus: Corpus, terms: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Per text: the distinct phrases of the original text that match a pole's terms."""
    found: list[dict[str, str]] = [{} for _ in range(len(corpus))]
    for match in _finditer(term_pattern(terms), terms, corpus.folded):
        row = int(np.searchsorted(corpus.starts, match.start(), side="right")) - 1
        phrase = " ".join(corpus.original[match.start():match.end()].split())
        found[row].setdefault(phrase.lower(), phrase)
    return [tuple(hits.values()) for hits in found]


def term_spans(corpus: Corpus, terms: tuple[str, ...]) -> list[list[tuple[int, int]]]:
    """Per text: the (start, end) offsets in the corpus of every match of the terms."""
    found: list[list[tuple[int, int]]] = [[] for _ in range(len(corpus))]
    for match in _finditer(term_pattern(terms), terms, corpus.folded):
        row = int(np.searchsorted(corpus.starts, match.start(), side="right")) - 1
        found[row].append((match.start(), match.end()))
    return found


def phrase_at(corpus: Corpus, span: tuple[int, int]) -> str:
    """The original words of a match, spaces tidied."""
    return " ".join(corpus.original[span[0]:span[1]].split())
