"""Which language each activity is written in, detected offline.

The choice of embedder depends on it: an English-only model cannot match an
English and a French description of the same project, a multilingual one can.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter

#: languages the multilingual encoder (USE multilingual v3) was trained to align
USE_LANGUAGES = frozenset(("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt",
                           "ru", "th", "tr", "zh"))
#: the languages detected: the encoder's, plus Swedish, which IATI publishers use;
#: detection is limited to these to stay precise
LANGUAGES = tuple(sorted(USE_LANGUAGES | {"sv"}))
#: a run is multilingual when its second language has at least this many activities
MIN_SECOND_LANGUAGE = 3
#: ... and at least this share of them
MIN_SECOND_SHARE = 0.01


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect(text: str) -> str:
    """ISO 639-1 code of the text's language; '' for text too short to tell."""
    if len(text.split()) < 3:
        return ""
    language, probability = _identifier().classify(text)
    return language if probability >= 0.8 else ""


def detect_all(texts: list[str], known: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """Each text's language, and the detections made or reused (text digest -> language).

    ``known`` holds a previous run's detections: a rerun loads the language model
    (half a second) only when a text without a declared language is new.
    """
    known = known or {}
    languages, used = [], {}
    for text in texts:
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
        language = known[digest] if digest in known else detect(text)
        used[digest] = language
        languages.append(language)
    return languages, used


def is_multilingual(languages: list[str]) -> bool:
    counts = Counter(language for language in languages if language)
    if len(counts) < 2:
        return False
    second = counts.most_common(2)[1][1]
    return second >= MIN_SECOND_LANGUAGE and second >= MIN_SECOND_SHARE * sum(counts.values())


def language_counts(languages: list[str]) -> dict[str, int]:
    return dict(Counter(language or "unknown" for language in languages).most_common())
