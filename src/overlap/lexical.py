"""Word and title-character views of the activities (TF-IDF), which a rerun reuses.

The vocabularies and IDF weights of a fit (``LexicalModel``) are kept in the
state between runs: with them, an unchanged text keeps its vector exactly, and
only new or changed texts are tokenised. A rerun fits afresh once enough texts
arrived since the fit (``state.refit_share``), as new words are otherwise unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.text import STOP_WORDS, activity_texts

# scikit-learn (CountVectorizer) fits the vocabularies; counting with a fitted vocabulary
# and weighting are done here, the same way to the bit (tests/test_lexical.py), so that a
# rerun never imports scikit-learn: it brings scipy.stats, about 1 s of a 10 s rerun
_WORDS = {
    "ngram_range": (1, 2), "strip_accents": "unicode", "stop_words": sorted(STOP_WORDS),
    "token_pattern": r"(?u)\b[^\W\d_][^\W_]{2,}\b", "dtype": np.float32,
}
_TITLES = {
    "analyzer": "char_wb", "ngram_range": (3, 4), "strip_accents": "unicode",
    "lowercase": True, "dtype": np.float32,
}
#: a word in more than this share of the texts names no particular effort
MAX_DOCUMENT_SHARE = 0.3
#: what CountVectorizer's char_wb analyser folds into one space
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass
class LexicalModel:
    """What a fit learnt: the vocabularies and their IDF weights."""

    word_vocabulary: np.ndarray
    word_idf: np.ndarray
    title_vocabulary: np.ndarray
    title_idf: np.ndarray
    #: how many texts the fit saw
    fitted_rows: int


@dataclass
class PreviousRows:
    """The last run's count rows, for the rows whose texts are unchanged.

    ``carried[i]`` is row i's position in the last run, or -1 when new or changed.
    """

    carried: np.ndarray
    word_counts: sp.csr_matrix
    title_counts: sp.csr_matrix


def title_texts(activities: pd.DataFrame) -> list[str]:
    return [t or d[:200] for t, d in zip(activities["title"], activities["description"])]


def _fit(options: dict, texts: list[str], max_df: float) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Counts, vocabulary and IDF weights; an empty vocabulary when no text has a word."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    vectorizer = CountVectorizer(**options, max_df=max_df)
    try:
        counts = vectorizer.fit_transform(texts).tocsr()
    except ValueError:
        return _no_counts(len(texts)), np.zeros(0, dtype=str), np.zeros(0)
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
    return counts, vectorizer.get_feature_names_out(), idf


def _no_counts(n: int) -> sp.csr_matrix:
    return sp.csr_matrix((n, 1), dtype=np.float32)


def _strip_accents(text: str) -> str:
    """scikit-learn's strip_accents_unicode."""
    if text.isascii():
        return text
    return "".join([c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)])


def _words_of(pattern: str, stop_words: list[str]) -> Callable[[str], list[str]]:
    """CountVectorizer's word analyser for ``_WORDS``: words and word pairs, stop words out."""
    find, stop = re.compile(pattern).findall, frozenset(stop_words)

    def terms(text: str) -> list[str]:
        words = [w for w in find(_strip_accents(text.lower())) if w not in stop]
        return words + [f"{first} {second}" for first, second in zip(words, words[1:])]
    return terms


def _word_edges_of(shortest: int, longest: int) -> Callable[[str], list[str]]:
    """CountVectorizer's char_wb analyser: character n-grams inside space-padded words."""
    def terms(text: str) -> list[str]:
        grams = []
        for word in _WHITE_SPACES.sub(" ", _strip_accents(text.lower())).split():
            word = f" {word} "
            for n in range(shortest, longest + 1):
                if len(word) <= n:  # a short word counts once, whole
                    grams.append(word)
                    break
                grams.extend(word[i:i + n] for i in range(len(word) - n + 1))
        return grams
    return terms


def _analyser(options: dict) -> Callable[[str], list[str]]:
    shortest, longest = options["ngram_range"]
    if options.get("analyzer") == "char_wb":
        return _word_edges_of(shortest, longest)
    if (shortest, longest) != (1, 2):
        raise ValueError("word terms are counted as words and word pairs only")
    return _words_of(options["token_pattern"], options["stop_words"])


def _count(options: dict, vocabulary: np.ndarray, texts: list[str]) -> sp.csr_matrix:
    """CountVectorizer(vocabulary=...).transform(texts): terms outside it are ignored."""
    if len(vocabulary) == 0:
        return _no_counts(len(texts))
    column = dict(zip(vocabulary.tolist(), range(len(vocabulary))))
    analyse = _analyser(options)
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for text in texts:
        counted: dict[int, int] = {}
        for term in analyse(text):
            position = column.get(term)
            if position is not None:
                counted[position] = counted.get(position, 0) + 1
        indices.extend(counted)
        values.extend(counted.values())
        indptr.append(len(indices))
    counts = sp.csr_matrix((np.array(values, dtype=np.float32), np.array(indices, dtype=np.int32),
                            np.array(indptr, dtype=np.int32)), shape=(len(texts), len(vocabulary)))
    counts.sort_indices()
    return counts


def _normalised_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length in place, as scikit-learn's normalize does it: float32
    squares summed one by one in float64, each value divided by the root in float64."""
    lengths = np.diff(matrix.indptr)
    order = np.argsort(-lengths, kind="stable")  # the rows still summing are a prefix
    starts, lengths = matrix.indptr[:-1][order].astype(np.int64), lengths[order]
    squares = matrix.data * matrix.data
    sums = np.zeros(len(order), dtype=np.float64)
    for k in range(int(lengths[0]) if len(lengths) else 0):
        active = int(np.searchsorted(-lengths, -k, side="left"))
        sums[:active] += squares[starts[:active] + k]
    roots = np.zeros(matrix.shape[0], dtype=np.float64)
    roots[order] = np.sqrt(sums)
    per_value = np.repeat(roots, np.diff(matrix.indptr))
    nonzero = per_value != 0.0
    matrix.data[nonzero] = (matrix.data[nonzero] / per_value[nonzero]).astype(matrix.data.dtype)
    return matrix


def _weighted(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF x IDF, rows of unit length: what TfidfTransformer(sublinear_tf=True) does."""
    if len(idf) == 0:
        return counts.copy()
    weighted = counts.astype(np.float32, copy=True)
    weighted.data = ((1.0 + np.log(weighted.data)) * idf[weighted.indices]).astype(np.float32)
    return _normalised_rows(weighted)


def _counts_with_previous(options: dict, vocabulary: np.ndarray, texts: list[str],
                          carried: np.ndarray, previous: sp.csr_matrix) -> sp.csr_matrix:
    """Counts of the new and changed texts, stored rows for the others, in row order."""
    fresh = np.flatnonzero(carried < 0)
    kept = np.flatnonzero(carried >= 0)
    counted = _count(options, vocabulary, [texts[i] for i in fresh])
    if counted.shape[1] != previous.shape[1]:
        raise ValueError("the stored rows were counted with another vocabulary")
    stacked = sp.vstack([previous[carried[kept]], counted]).tocsr()
    order = np.empty(len(texts), dtype=np.int64)
    order[kept] = np.arange(len(kept))
    order[fresh] = len(kept) + np.arange(len(fresh))
    return stacked[order]


@dataclass
class TextIndex:
    """Sparse lexical views of the activities: word TF-IDF and title character n-grams."""

    words: sp.csr_matrix
    titles: sp.csr_matrix
    vocabulary: np.ndarray
    #: the word (1-2-gram) counts behind ``words``, which cluster labels reuse
    counts: sp.csr_matrix
    #: the character n-gram counts behind ``titles``
    title_counts: sp.csr_matrix
    model: LexicalModel
    #: languages the run's embedder places in one space: between two of them, the
    #: embedding stands in for the words the texts cannot share
    aligned_languages: frozenset[str] = frozenset()

    @classmethod
    def build(cls, activities: pd.DataFrame, aligned_languages: frozenset[str] = frozenset(),
              model: LexicalModel | None = None,
              previous: PreviousRows | None = None) -> TextIndex:
        """Fit on these activities, or, given a model, count with its vocabularies
        (only the new and changed texts when ``previous`` holds the others' counts)."""
        texts, titles = activity_texts(activities), title_texts(activities)
        if model is None:
            max_df = MAX_DOCUMENT_SHARE if len(texts) > 50 else 1.0
            counts, vocabulary, idf = _fit(_WORDS, texts, max_df)
            title_counts, title_vocabulary, title_idf = _fit(_TITLES, titles, 1.0)
            model = LexicalModel(word_vocabulary=vocabulary, word_idf=idf,
                                 title_vocabulary=title_vocabulary, title_idf=title_idf,
                                 fitted_rows=len(texts))
        elif previous is None:
            counts = _count(_WORDS, model.word_vocabulary, texts)
            title_counts = _count(_TITLES, model.title_vocabulary, titles)
        else:
            counts = _counts_with_previous(_WORDS, model.word_vocabulary, texts,
                                           previous.carried, previous.word_counts)
            title_counts = _counts_with_previous(_TITLES, model.title_vocabulary, titles,
                                                 previous.carried, previous.title_counts)
        vocabulary = model.word_vocabulary if len(model.word_vocabulary) else np.array([""])
        return cls(words=_weighted(counts, model.word_idf),
                   titles=_weighted(title_counts, model.title_idf),
                   vocabulary=vocabulary, counts=counts, title_counts=title_counts,
                   model=model, aligned_languages=frozenset(aligned_languages))

    def shared_terms(self, a: np.ndarray, b: np.ndarray, limit: int = 5) -> list[list[str]]:
        """Per pair, the terms weighing most in both texts, bigrams preferred over their words.

        One sparse product for all pairs: a product per pair costs about a millisecond.
        """
        if len(a) == 0:
            return []
        product = self.words[a].multiply(self.words[b]).tocsr()
        bounds = product.indptr
        return [self._top_terms(product.data[lo:hi], product.indices[lo:hi], limit)
                for lo, hi in zip(bounds[:-1], bounds[1:])]

    def _top_terms(self, weights: np.ndarray, columns: np.ndarray, limit: int) -> list[str]:
        if len(weights) == 0:
            return []
        order = np.argsort(-weights)
        chosen: list[str] = []
        for term in self.vocabulary[columns[order]]:
            if any(term in c.split() or term in c for c in chosen):
                continue
            chosen = [c for c in chosen if c not in term.split()]
            chosen.append(term)
            if len(chosen) >= limit:
                break
        return chosen
