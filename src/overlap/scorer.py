"""Pair scorers: from a pair's evidence features to P(duplicate) and P(genuine).

Every scorer follows one contract (``fit``, ``predict_proba``, ``explain``):

- ``predict_proba`` gives two probabilities per pair: ``p_genuine``, that a reviewer
  reading both records finds the pair worth seeing side by side (a duplicate, or
  related work), and ``p_duplicate``, that it is the same effort or money reported
  twice. ``p_duplicate <= p_genuine`` always.
- ``explain`` gives each feature's share of the genuine head's logit: the report's
  score bars.
- ``fit`` returns a scorer refined on reviewed pairs, starting from this one: its
  weights move only as far as the reviewed pairs pull them (an L2 prior centred on
  the current weights), so fifty decisions adapt the model to a user's data
  without forgetting what it was trained on.

Both heads are logistic models (``sigmoid(bias + w . x)``): one weight per
feature, so a reviewer can read why a pair scores as it does. The learned model
(``models/pair-scorer.json``, written by ``overlap train``) is the default; the
hand-set weights remain as ``built-in``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import ConfigError
from overlap.schema import FEATURES

#: the shipped learned scorer, inside the package (models/pair-scorer.json links to it)
SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "pair-scorer.json"
#: the labels a reviewer or a labelled file gives, and what each says for the two heads
LABELS = {"duplicate": (1, 1), "related": (1, 0), "unrelated": (0, 0)}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def probabilities(genuine: np.ndarray, duplicate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(duplicate), P(genuine) from the two heads' logits: a duplicate is also genuine."""
    p_genuine = sigmoid(genuine)
    return np.minimum(sigmoid(duplicate), p_genuine), p_genuine


@dataclass(frozen=True)
class LinearHead:
    """One logistic head: probability = sigmoid(bias + sum of weight x feature)."""

    weights: dict[str, float]
    bias: float

    def logit(self, features: pd.DataFrame) -> np.ndarray:
        total = np.full(len(features), self.bias, dtype=np.float64)
        for name, weight in self.weights.items():
            if weight:
                total += weight * features[name].to_numpy(dtype=np.float64)
        return total

    def contributions(self, features: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({name: weight * features[name].to_numpy(dtype=np.float64)
                             for name, weight in self.weights.items()}, index=features.index)

    def to_dict(self) -> dict[str, object]:
        return {"bias": self.bias, "weights": self.weights}


@dataclass(frozen=True)
class PairScorer:
    """Two logistic heads over the evidence features: P(genuine) and P(duplicate)."""

    genuine: LinearHead
    duplicate: LinearHead
    name: str = "built-in"
    details: dict[str, object] = field(default_factory=dict)

    # the genuine head is what the report's score bars draw
    @property
    def weights(self) -> dict[str, float]:
        return self.genuine.weights

    @property
    def bias(self) -> float:
        return self.genuine.bias

    def logits(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The two heads' logits (genuine, duplicate), unrounded: pairs rank by them."""
        return self.genuine.logit(features), self.duplicate.logit(features)

    def predict_proba(self, features: pd.DataFrame) -> pd.DataFrame:
        p_duplicate, p_genuine = probabilities(*self.logits(features))
        return pd.DataFrame({"p_duplicate": p_duplicate, "p_genuine": p_genuine}, index=features.index)

    def explain(self, features: pd.DataFrame) -> pd.DataFrame:
        """Each feature's share of the genuine logit."""
        return self.genuine.contributions(features)

    def fit(self, features: pd.DataFrame, labels: list[str] | np.ndarray,
            sample_weight: np.ndarray | None = None, prior: float = 1.0) -> PairScorer:
        """This scorer refined on labelled pairs (``duplicate``/``related``/``unrelated``).

        Each head minimises its log-loss on the pairs plus ``prior/2 * |w - w_now|^2``:
        with few pairs the weights barely move, with many they follow the data.
        """
        labels = np.asarray(labels)
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels {sorted(unknown)}: expected {sorted(LABELS)}")
        weight = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight, float)
        targets = np.array([LABELS[label] for label in labels], dtype=float).reshape(-1, 2)
        genuine = _refine(self.genuine, features, targets[:, 0], weight, prior)
        duplicate = _refine(self.duplicate, features, targets[:, 1], weight, prior)
        details = {**self.details, "refined_on": int(len(labels)), "refined_from": self.name}
        return replace(self, genuine=genuine, duplicate=duplicate,
                       name=f"{self.name} + {len(labels)} reviewed", details=details)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "genuine": self.genuine.to_dict(),
                "duplicate": self.duplicate.to_dict(), **self.details}

    @classmethod
    def from_dict(cls, data: dict, where: str) -> PairScorer:
        try:
            if "genuine" in data:
                genuine = _head(data["genuine"])
                duplicate = _head(data["duplicate"])
            else:  # a single-head scorer of earlier versions: duplicate where it scored 0.99
                genuine = _head(data)
                duplicate = replace(genuine, bias=genuine.bias - _DUPLICATE_SHIFT)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{where}: not a pair scorer (expected JSON with the heads "
                              f"'genuine' and 'duplicate', each with 'weights' and 'bias'): {exc}"
                              ) from None
        unknown = (set(genuine.weights) | set(duplicate.weights)) - set(FEATURES)
        if unknown:
            raise ConfigError(f"{where}: unknown features {sorted(unknown)}")
        skip = ("genuine", "duplicate", "weights", "bias", "name")
        details = {k: v for k, v in data.items() if k not in skip}
        return cls(genuine=genuine, duplicate=duplicate, name=str(data.get("name", Path(where).stem)),
                   details=details)

    @classmethod
    def load(cls, path: Path) -> PairScorer:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: pair scorer not found") from None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: not a pair scorer: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: not a pair scorer (expected a JSON object)")
        return cls.from_dict(data, str(path))


def _head(data: dict) -> LinearHead:
    return LinearHead(weights={str(k): float(v) for k, v in data["weights"].items()},
                      bias=float(data["bias"]))


def _refine(head: LinearHead, features: pd.DataFrame, y: np.ndarray, weight: np.ndarray,
            prior: float) -> LinearHead:
    names = list(head.weights)
    start = np.array([head.weights[n] for n in names] + [head.bias])
    fitted = fit_logistic(features[names].to_numpy(dtype=float), y, weight, start=start,
                          penalty=prior, centre=start, penalise_bias=True)
    return LinearHead(weights={n: round(float(w), 4) for n, w in zip(names, fitted[:-1])},
                      bias=round(float(fitted[-1]), 4))


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, *, start: np.ndarray,
                 penalty: float, centre: np.ndarray, penalise_bias: bool, data_scale: float = 1.0,
                 bounds: list[tuple[float | None, float | None]] | None = None) -> np.ndarray:
    """Weights then bias of a weighted logistic regression: minimises
    ``data_scale * log-loss + penalty/2 * |params - centre|^2`` (the bias left out of the
    pull unless ``penalise_bias``), within ``bounds``. Refining a scorer pulls towards its
    weights; training pulls towards zero with signed bounds."""
    from scipy.optimize import minimize

    pulled = np.ones(x.shape[1] + 1)
    pulled[-1] = 1.0 if penalise_bias else 0.0

    def loss(params):
        z = x @ params[:-1] + params[-1]
        residual = weight * (sigmoid(z) - y)
        shift = (params - centre) * pulled
        value = data_scale * np.sum(weight * (np.logaddexp(0, z) - y * z)) + 0.5 * penalty * shift @ shift
        gradient = data_scale * np.append(x.T @ residual, np.sum(residual)) + penalty * shift
        return value, gradient

    return minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x


#: the hand-set scorer called a pair a duplicate from score 0.99: its duplicate head is
#: its genuine head shifted by logit(0.99), so P(duplicate) >= 0.5 where it did
_DUPLICATE_SHIFT = float(np.log(0.99 / 0.01))

_HAND_SET = LinearHead(
    weights={
        "text": 12.0, "title": 2.0, "lexical": 2.0, "country": 1.5, "country_differs": -4.0,
        "location": 0.5, "sector": 0.5, "dates": 2.0, "dates_disjoint": -4.0,
        "shared_org": 1.0, "role_link": 1.5, "best_match": 6.0, "start_near": 3.0,
        # a grant and the project it pays for: one names the other, they start
        # together, and each is the other's closest activity of that actor
        "role_dates": 2.0, "role_best": 6.0,
    },
    bias=-13.0,
)
BUILT_IN = PairScorer(genuine=_HAND_SET,
                      duplicate=replace(_HAND_SET, bias=_HAND_SET.bias - _DUPLICATE_SHIFT))

#: For short texts (3W activity names like "Emergency sanitation") identical words
#: say little: place and sector carry the evidence, and such a pair is at most an
#: overlap, never a duplicate.
_SHORT = LinearHead(
    weights={
        "text": 2.0, "title": 1.0, "lexical": 1.0, "country": 1.0, "country_differs": -1.0,
        "location": 3.0, "sector": 2.0, "dates": 1.0, "dates_disjoint": -1.0,
        "shared_org": 1.0, "role_link": 2.0,
    },
    bias=-5.5,
)
SHORT_TEXT = PairScorer(genuine=_SHORT, duplicate=LinearHead(weights={}, bias=-500.0),
                        name="built-in short-text")


def load_scorer(model: str) -> PairScorer:
    """``built-in``, a scorer file, or "" for the shipped learned scorer."""
    if model == "built-in":
        return BUILT_IN
    return PairScorer.load(Path(model) if model else SHIPPED_MODEL)
