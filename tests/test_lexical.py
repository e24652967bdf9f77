import numpy as np
import pandas as pd

from overlap.lexical import PreviousRows, TextIndex

TEXTS = [
    ("Reintegration of returnees", "Psychosocial support and small business grants for returnees."),
    ("Skills partnership for nurses", "Training nurses in Ghana for work abroad and at home."),
    ("Water trucking", "Emergency water trucking to camps in the dry season."),
    ("Voluntary return", "Return flights and reintegration packages for stranded migrants."),
    ("Cash for shelter", "Cash grants for shelter repairs after the floods."),
]


def _activities(texts):
    return pd.DataFrame({"title": [t for t, _ in texts], "description": [d for _, d in texts]})


def _same(left, right):
    return (left != right).nnz == 0 and left.shape == right.shape


def test_a_kept_model_gives_unchanged_texts_the_same_vectors():
    """A rerun reuses the fit: the texts it saw get exactly the vectors they had."""
    fitted = TextIndex.build(_activities(TEXTS))
    again = TextIndex.build(_activities(TEXTS), model=fitted.model)
    assert _same(fitted.words, again.words)
    assert _same(fitted.titles, again.titles)
    assert np.allclose(fitted.words.multiply(fitted.words).sum(axis=1), 1.0)


def test_only_new_texts_are_counted_and_rows_keep_their_order():
    first = TextIndex.build(_activities(TEXTS))
    changed = [TEXTS[4], ("Water trucking", "Emergency water trucking to camps, second phase."),
               *TEXTS[:2], ("Seed fairs", "Seeds and tools for returnee farmers.")]
    # rows 0, 2, 3 were rows 4, 0, 1 of the last run; rows 1 and 4 are changed or new
    previous = PreviousRows(carried=np.array([4, -1, 0, 1, -1]), word_counts=first.counts,
                            title_counts=first.title_counts)
    reused = TextIndex.build(_activities(changed), model=first.model, previous=previous)
    counted = TextIndex.build(_activities(changed), model=first.model)
    assert _same(reused.counts, counted.counts)
    assert _same(reused.titles, counted.titles)
    assert _same(reused.counts[2], first.counts[0])


def test_no_words_at_all_is_not_an_error():
    index = TextIndex.build(_activities([("", "a b"), ("", "c d")]))
    assert index.words.shape[0] == 2
    assert index.shared_terms(np.array([0]), np.array([1])) == [[]]


TRICKY = [
    "Água e saneamento   para   Moçambique: fase II (2024-2026), apoio às escolas",
    "The the THE project of WASH-sector in Côte d'Ivoire; ÉCOLES, naïve café",
    "x yy zzz 12 abc123 _under_score ab",
    "Заработная плата учителей — образование и здравоохранение",
    "教育 支援 プロジェクト",
    "",
    "  leading and\ttrailing\n\nspaces  ",
]


def test_counting_with_a_fitted_vocabulary_matches_scikit_learn():
    """Counting is done without scikit-learn (its import costs a rerun about 1 s), to the bit."""
    from sklearn.feature_extraction.text import CountVectorizer

    from overlap.lexical import _TITLES, _WORDS, _count

    for options in (_WORDS, _TITLES):
        vocabulary = CountVectorizer(**options).fit(TRICKY + [d for _, d in TEXTS]).get_feature_names_out()
        texts = TRICKY + [t + " " + d for t, d in TEXTS] + ["ecoles cafe naive"]
        expected = CountVectorizer(**options, vocabulary=vocabulary.tolist()).transform(texts).tocsr()
        counted = _count(options, vocabulary, texts)
        assert counted.dtype == expected.dtype and counted.shape == expected.shape
        assert (counted.indptr == expected.indptr).all() and (counted.indices == expected.indices).all()
        assert (counted.data == expected.data).all()


def test_rows_are_normalised_as_scikit_learn_does_it():
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    from overlap.lexical import _normalised_rows

    rng = np.random.default_rng(3)
    dense = rng.random((40, 300)).astype(np.float32) * (rng.random((40, 300)) < 0.3)
    dense[5] = 0.0  # an empty row stays empty
    dense[7, :] = rng.random(300).astype(np.float32)  # a long row
    matrix = sp.csr_matrix(dense)
    expected = normalize(matrix.copy(), copy=False)
    assert (_normalised_rows(matrix.copy()).data == expected.data).all()


def test_a_rerun_does_not_import_scikit_learn():
    import subprocess
    import sys

    code = ("import sys, overlap.cli, overlap.nightly, overlap.pipeline, overlap.report; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
