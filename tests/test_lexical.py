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
