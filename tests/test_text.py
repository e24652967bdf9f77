import pandas as pd

from overlap.text import label_like


def test_short_and_repeated_texts_are_labels():
    long_text = "Provide psychosocial support services to vulnerable women and girls at risk"
    titles = [long_text] * 5 + [long_text + " in Afar", "Water"]
    activities = pd.DataFrame({"title": titles, "description": [""] * len(titles)})
    assert list(label_like(activities)) == [True] * 5 + [False, True]


def test_the_english_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as expected

    from overlap.text import ENGLISH_STOP_WORDS

    assert ENGLISH_STOP_WORDS == expected
