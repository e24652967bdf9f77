"""Target populations: the people an activity acts on, found from its own words.

Two activities at opposite poles of an axis only undermine each other when they
work on the same people: an agency returning Ethiopians home and a programme
integrating refugees hosted in Ethiopia share a country, not a population. Each
population (migrants in the country, refugees, returnees, internally displaced
people, host communities, would-be migrants, people living off the transit
trade...) is a list of key terms, kept with the axes (``data/axes.toml``,
``[[population]]`` tables); each axis names the populations it can oppose two
actors over. ``unless`` terms are longer phrases that contain a term but name
other people ("potential migrants" are not migrants in the country).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from overlap.errors import ConfigError, reject_unknown_keys
from overlap.terms import Corpus, fold_terms, phrase_at, term_spans


@dataclass(frozen=True)
class Population:
    """People an activity can act on, named by literal terms."""

    key: str
    name: str
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()


def parse_population(data: object, number: int, file: str, strings) -> Population:
    """One ``[[population]]`` table; ``strings`` reads a {language: [terms]} table
    (overlap.conflicts' reader, so that both kinds of table fail alike)."""
    where = f"population[{number}]"
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: {where} must be a table")
    reject_unknown_keys(data, ("key", "name", "terms", "unless"), f"{file}: {where}")
    key, name = data.get("key"), data.get("name")
    if not isinstance(key, str) or not key.strip():
        raise ConfigError(f"{file}: {where}.key must be a non-empty string")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{file}: population {key!r}: name must be a non-empty string")
    terms = strings(data.get("terms"), f"population {key!r}.terms", file)
    if not terms:
        raise ConfigError(f"{file}: population {key!r}.terms is empty")
    unless = strings(data.get("unless", {}), f"population {key!r}.unless", file)
    return Population(key=key.strip(), name=name.strip(), terms=fold_terms(terms),
                      unless=fold_terms(unless))


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in others)


def population_phrases(texts: list[str], population: Population) -> list[tuple[str, ...]]:
    """Per text: the distinct phrases naming the population (none: it does not act on it).

    A match lying inside one of the population's ``unless`` phrases does not count.
    """
    corpus = Corpus.build(texts)
    found = term_spans(corpus, population.terms)
    excluded = term_spans(corpus, population.unless) if population.unless else [[]] * len(texts)
    phrases = []
    for spans, others in zip(found, excluded):
        kept: dict[str, str] = {}
        for span in spans:
            if not _inside(span, others):
                phrase = phrase_at(corpus, span)
                kept.setdefault(phrase.lower(), phrase)
        phrases.append(tuple(kept.values()))
    return phrases


@dataclass
class Targets:
    """Who each of some activities acts on: per population key, the phrases per row."""

    rows: np.ndarray
    phrases: dict[str, list[tuple[str, ...]]]

    @classmethod
    def find(cls, texts: list[str], rows: np.ndarray, populations: tuple[Population, ...]) -> Targets:
        """The populations of the activities at ``rows`` (ascending), whose texts are ``texts``."""
        return cls(rows=np.asarray(rows, dtype=np.int64),
                   phrases={p.key: population_phrases(texts, p) for p in populations})

    def of(self, row: int, key: str) -> tuple[str, ...]:
        """The phrases that show activity ``row`` acts on population ``key`` (none: it does not)."""
        at = int(np.searchsorted(self.rows, row))
        if at == len(self.rows) or self.rows[at] != row or key not in self.phrases:
            return ()
        return self.phrases[key][at]
