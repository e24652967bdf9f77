"""Text helpers shared by the stages: the text that represents an activity, stop words,
and whether a text is a label rather than a description."""

from __future__ import annotations

import unicodedata
from collections import Counter
from importlib import resources

import numpy as np
import pandas as pd


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, kept as a file: importing scikit-learn for
    them cost a rerun about 1 s (it imports scipy.stats)."""
    text = (resources.files("overlap") / "data" / "english-stop-words.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


ENGLISH_STOP_WORDS = _english_stop_words()

#: English, French and Spanish function words, plus words every project uses,
#: which say nothing about which effort two activities share.
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    _strip_accents(word) for word in """
    le la les un une des du de d l et ou en au aux a à dans pour par sur avec sans ce
    cette ces qui que quoi dont est sont sera être été leur leurs son sa ses nos notre
    plus ainsi afin entre vers chez contre comme aussi très tous toutes tout toute
    el los las del y o en con por para una uno unos unas al se su sus es son que como
    más este esta estos estas entre sobre sin
    project projects programme program projet projets proyecto programa activity
    activities activités actividades support soutien apoyo also will within including
    """.split()
)


def activity_texts(activities: pd.DataFrame) -> list[str]:
    """Title and description as one text: what the embedders compare."""
    texts = []
    for title, description in zip(activities["title"], activities["description"]):
        if title and description and not description.startswith(title):
            texts.append(f"{title}. {description}")
        else:
            texts.append(description or title)
    return texts


#: texts of at most this many words are labels ("Emergency sanitation")
SHORT_TEXT_WORDS = 8
#: a text repeated word for word in this many rows is a label picked from a list
LABEL_REPEATS = 5


def label_like(activities: pd.DataFrame) -> np.ndarray:
    """Texts that name an activity type rather than describe one effort.

    Short texts, and texts repeated word for word in many rows (3W tables pick
    activity names from the cluster's list), cannot tell two efforts apart, so
    such pairs are judged on place and sector instead.
    """
    texts = [f"{t} {d}".strip() for t, d in zip(activities["title"], activities["description"])]
    # counting up to SHORT_TEXT_WORDS + 1 words is enough (maxsplit: no full split)
    words = np.fromiter((len(t.split(maxsplit=SHORT_TEXT_WORDS)) for t in texts),
                        dtype=np.int64, count=len(texts))
    folded = [t.lower() for t in texts]
    seen = Counter(folded)
    repeats = np.fromiter((seen[t] for t in folded), dtype=np.int64, count=len(texts))
    return (words <= SHORT_TEXT_WORDS) | (repeats >= LABEL_REPEATS)
