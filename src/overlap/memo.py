"""What a rerun reuses from the last run, so that it only does the new work.

Beside the embedding cache, the state keeps the last run's intermediate results
in ``<state>/memo/``, each row of them tied to an activity's (actor, id) key and
a digest of every field the comparison reads:

- the fitted word and title vocabularies with their IDF weights, and each
  activity's word and character counts (overlap.lexical);
- each activity's text and title neighbour lists, kept deeper than k with a
  floor (overlap.neighbours), so a rerun compares only new and changed rows;
- every candidate pair's evidence that depends on the two activities alone;
- the report's map layout (overlap.projection), where new and changed activities
  are placed while few changed.

An activity whose digest is unchanged is *carried*: its counts, lists and pairs
are reused; the others are computed afresh. The vocabularies are refitted once
the texts counted since the fit exceed ``state.refit_share`` of those fitted
(new words would otherwise go unseen); then only the embedding neighbour lists
survive. Anything in the memo that does not check out (format, checksum,
settings) is set aside or ignored, and the run computes everything.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.candidates import NamedPairs, PreviousLists, SearchLists
from overlap.conflicts import HIT_KINDS, Axis
from overlap.lexical import LexicalModel, PreviousRows
from overlap.neighbours import NeighbourLists, positions_now
from overlap.normalise import activity_keys
from overlap.outputs import atomic_file, write_json_atomic
from overlap.projection import MapLayout
from overlap.score import PAIRWISE
from overlap.state import State, StateDamaged

#: bump when the memo's arrays change meaning; a memo of another format is ignored
#: (2: each pairwise feature its own array)
MEMO_FORMAT = 2
DATA_FILE = "memo.npz"
MANIFEST_FILE = "manifest.json"
#: detected languages: read before the run's settings are known, so kept on their own
LANGUAGES_FILE = "languages.json"
#: the fields a row's digest covers: every one the candidates and evidence read
DIGEST_FIELDS = ("actor", "actor_key", "title", "description", "language", "countries",
                 "locations", "sectors", "start_date", "end_date", "funders", "implementers",
                 "participating_orgs", "named_keys", "actor_keys")


def row_digests(activities: pd.DataFrame) -> np.ndarray:
    """64 bits of BLAKE2b per activity over DIGEST_FIELDS (sets sorted)."""
    columns = [activities[name].tolist() for name in DIGEST_FIELDS]
    digests = np.empty(len(activities), dtype=np.uint64)
    for position, values in enumerate(zip(*columns)):
        text = "\x1e".join(
            "\x1f".join(sorted(v)) if isinstance(v, frozenset)
            else "\x1f".join(v) if isinstance(v, tuple) else str(v)
            for v in values
        )
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        digests[position] = int.from_bytes(digest, "little")
    return digests


def fingerprint(settings: dict[str, object]) -> str:
    """What the memo's content depends on beyond the rows: settings, embedder, version."""
    text = json.dumps({"format": MEMO_FORMAT, **settings}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class Memo:
    """One run's reusable results, row i being the activity ``keys[i]``."""

    fingerprint: str
    keys: np.ndarray
    digests: np.ndarray
    model: LexicalModel
    #: texts counted with ``model`` since it was fitted (the refit trigger)
    unseen: int
    word_counts: sp.csr_matrix
    title_counts: sp.csr_matrix
    lists: SearchLists
    #: candidate pairs (``a``, ``b``: rows of this memo) with (at least) their PAIRWISE features
    pairs: pd.DataFrame
    #: reported pairs (``a``, ``b``) with their ``pair_reasons`` and ``short_text``
    reasons: pd.DataFrame
    #: whether ``lists.text`` can be reused: embeddings cached, so a text keeps its vector
    stable_vectors: bool
    #: the conflict term searches, {axis: {kind: [(row, phrases), ...]}} for rows with hits
    hits: dict | None = None
    #: which strategy axes ``hits`` were searched for
    axes_digest: str = ""
    #: languages detected for texts that declare none (text digest -> language)
    languages: dict[str, str] = field(default_factory=dict)
    #: the report's map, row for row (None: not kept, as by versions before it was)
    layout: MapLayout | None = None

    def carried(self, keys: np.ndarray, digests: np.ndarray) -> np.ndarray:
        """Per activity now: its row in this memo when its digest is unchanged, else -1.

        A key held by two activities (now or then) is never carried: which one was
        remembered cannot be told.
        """
        remembered = pd.Index(self.keys)
        if not remembered.is_unique:
            return np.full(len(keys), -1, dtype=np.int64)
        position = remembered.get_indexer(keys)
        same = position >= 0
        same[same] = self.digests[position[same]] == digests[same]
        same &= ~pd.Series(keys).duplicated(keep=False).to_numpy()
        return np.where(same, position, -1).astype(np.int64)


@dataclass
class Reuse:
    """What this run takes from the memo (None members: computed afresh)."""

    carried: np.ndarray
    model: LexicalModel | None
    rows: PreviousRows | None
    lists: PreviousLists | None
    #: the memo's pairs, for ``known_features``; None when the vocabularies were refitted
    pairs: pd.DataFrame | None
    unseen: int
    notes: list[str]
    #: rows in the memo
    remembered_rows: int = 0
    #: candidate pairs whose evidence came from the memo
    pairs_reused: int = 0
    hits: dict | None = None
    axes_digest: str = ""
    reasons: pd.DataFrame | None = None
    #: the last run's map; None when not kept or its vectors may have changed
    layout: MapLayout | None = None

    def _now(self) -> np.ndarray:
        """Per memo row: its position in this run, -1 when changed or gone."""
        return positions_now(self.carried, self.remembered_rows)

    def known_hits(self, axes: list[Axis]) -> dict | None:
        """The last run's conflict term searches on this run's rows, {axis: {kind: [phrases
        per row]}}: () for new and changed activities, which the conflicts stage searches.
        None when no searches were kept, or for other axes."""
        if self.hits is None or self.axes_digest != axes_digest(axes):
            return None
        now = self._now()
        found: dict[str, dict[str, list]] = {}
        for axis in axes:
            found[axis.key] = {}
            for kind in HIT_KINDS:
                rows: list[tuple[str, ...]] = [()] * len(self.carried)
                for row, phrases in self.hits[axis.key][kind]:
                    if now[row] >= 0:
                        rows[now[row]] = tuple(phrases)
                found[axis.key][kind] = rows
        return found

    def forget_pairs(self) -> None:
        """Scoring has taken what it could of the stored pairs: let them go (their
        evidence and reasons: about 1 GB at 200k activities)."""
        self.pairs = self.reasons = None

    def summary(self) -> dict[str, object]:
        """run.json's ``reused``: what came from the last run."""
        carried = int((self.carried >= 0).sum())
        return {
            "activities_carried": carried, "activities_compared": len(self.carried) - carried,
            "vocabularies": "reused" if self.model is not None else "fitted",
            "text_lists": self.lists is not None and self.lists.text is not None,
            "title_lists": self.lists is not None and self.lists.title is not None,
            "pair_evidence": self.pairs_reused,
        }

    def known_features(self, candidates: pd.DataFrame) -> pd.DataFrame | None:
        """PAIRWISE features of candidates whose two activities are carried (NaN elsewhere),
        a feature at a time (all at once, the stored rows taken were a copy of them all:
        0.8 GB at 200k activities)."""
        if self.pairs is None or self.pairs.empty:
            return None
        found = self._find(self.pairs, candidates)
        known = np.full((len(PAIRWISE), len(candidates)), np.nan)
        hit = found >= 0
        taken = found[hit]
        for row, name in enumerate(PAIRWISE):
            known[row, hit] = self.pairs[name].to_numpy()[taken]
        self.pairs_reused = int(hit.sum())
        return pd.DataFrame(known.T, columns=list(PAIRWISE), index=candidates.index, copy=False)

    def known_reasons(self, candidates: pd.DataFrame) -> pd.DataFrame | None:
        """The reasons written for candidates whose activities are carried (None elsewhere):
        a reason reads only the pair's own evidence, as the features do."""
        if self.pairs is None or self.reasons is None or self.reasons.empty:
            return None
        found = self._find(self.reasons, candidates)
        hit = found >= 0
        reasons = np.full(len(candidates), None, dtype=object)
        reasons[hit] = self.reasons["pair_reasons"].to_numpy()[found[hit]]
        short = np.zeros(len(candidates), dtype=bool)
        short[hit] = self.reasons["short_text"].to_numpy()[found[hit]]
        return pd.DataFrame({"pair_reasons": reasons, "short_text": short}, index=candidates.index)

    def _find(self, stored: pd.DataFrame, candidates: pd.DataFrame) -> np.ndarray:
        """Per candidate: the row of ``stored`` (pairs of memo rows) that is the same pair
        of carried activities, or -1."""
        now = self._now()
        a, b = now[stored["a"].to_numpy()], now[stored["b"].to_numpy()]
        both = np.flatnonzero((a >= 0) & (b >= 0))
        if len(both) == 0:
            return np.full(len(candidates), -1, dtype=np.int64)
        n = len(self.carried)
        codes = pd.Index(np.minimum(a, b)[both] * n + np.maximum(a, b)[both])
        x, y = candidates["a"].to_numpy(), candidates["b"].to_numpy()
        found = codes.get_indexer(np.minimum(x, y) * n + np.maximum(x, y))
        return np.where(found >= 0, both[np.maximum(found, 0)], -1)


def axes_digest(axes: list[Axis]) -> str:
    return hashlib.sha1(repr(axes).encode("utf-8")).hexdigest()


def sparse_hits(hits: dict) -> dict:
    """Only the rows with phrases, as [row, [phrases]]: most texts take no position."""
    return {axis: {kind: [[row, list(p)] for row, p in enumerate(rows) if p]
                   for kind, rows in kinds.items()} for axis, kinds in hits.items()}


def plan_reuse(memo: Memo | None, activities: pd.DataFrame, digests: np.ndarray,
               refit_share: float, stable_vectors: bool) -> Reuse:
    """Which rows are carried, and whether the fitted vocabularies still serve."""
    n = len(activities)
    if memo is None:
        return Reuse(carried=np.full(n, -1, dtype=np.int64), model=None, rows=None, lists=None,
                     pairs=None, unseen=0, notes=[])
    carried = memo.carried(activity_keys(activities), digests)
    fresh = int((carried < 0).sum())
    unseen = memo.unseen + fresh
    notes = []
    text_lists = memo.lists.text if stable_vectors and memo.stable_vectors else None
    layout = memo.layout if text_lists is not None else None
    if unseen > refit_share * memo.model.fitted_rows:
        notes.append(f"{unseen} texts since the vocabularies were fitted on "
                     f"{memo.model.fitted_rows}: fitted again")
        lists = PreviousLists(carried=carried, text=text_lists, title=None)
        return Reuse(carried=carried, model=None, rows=None, lists=lists, pairs=None,
                     unseen=0, notes=notes, remembered_rows=len(memo.keys), hits=memo.hits,
                     axes_digest=memo.axes_digest, layout=layout)
    rows = PreviousRows(carried=carried, word_counts=memo.word_counts,
                        title_counts=memo.title_counts)
    lists = PreviousLists(carried=carried, text=text_lists, title=memo.lists.title,
                          named=memo.lists.named if text_lists is not None else None)
    return Reuse(carried=carried, model=memo.model, rows=rows, lists=lists,
                 pairs=memo.pairs if text_lists is not None else None, unseen=unseen, notes=notes,
                 remembered_rows=len(memo.keys), hits=memo.hits, axes_digest=memo.axes_digest,
                 reasons=memo.reasons, layout=layout)


# ---------------------------------------------------------------- storage


def _strings(values) -> np.ndarray:
    return np.frombuffer("\0".join(map(str, values)).encode("utf-8"), dtype=np.uint8)


def _unstrings(array: np.ndarray, count: int) -> np.ndarray:
    if count == 0:
        return np.zeros(0, dtype=object)
    values = np.array(array.tobytes().decode("utf-8").split("\0"), dtype=object)
    if len(values) != count:
        raise StateDamaged("a string table has the wrong length")
    return values


def _sparse(prefix: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    return {f"{prefix}_data": matrix.data, f"{prefix}_indices": matrix.indices,
            f"{prefix}_indptr": matrix.indptr, f"{prefix}_shape": np.array(matrix.shape)}


def _unsparse(data, prefix: str) -> sp.csr_matrix:
    return sp.csr_matrix((data[f"{prefix}_data"], data[f"{prefix}_indices"], data[f"{prefix}_indptr"]),
                         shape=tuple(data[f"{prefix}_shape"]))


def _lists(prefix: str, lists: NeighbourLists) -> dict[str, np.ndarray]:
    return {f"{prefix}_neighbours": lists.neighbours.astype(np.int32),
            f"{prefix}_similarity": lists.similarity, f"{prefix}_floor": lists.floor}


def _unlists(data, prefix: str, rows: int) -> NeighbourLists:
    lists = NeighbourLists(neighbours=data[f"{prefix}_neighbours"].astype(np.int64),
                           similarity=data[f"{prefix}_similarity"], floor=data[f"{prefix}_floor"])
    if len(lists) != rows or lists.neighbours.max(initial=-1) >= rows:
        raise StateDamaged(f"the {prefix} neighbour lists do not match the rows")
    return lists


def _named(data, count: int, rows: int) -> NamedPairs:
    named = NamedPairs(keys=_unstrings(data["named_keys"], count), counts=data["named_counts"],
                       offsets=data["named_offsets"], pairs=data["named_pairs"].astype(np.int64))
    if (len(named.counts) != count or len(named.offsets) != count + 1
            or named.offsets[-1] != len(named.pairs) or named.pairs.max(initial=-1) >= rows):
        raise StateDamaged("the named-organisation pairs do not match the rows")
    return named


def _hits(array: np.ndarray, rows: int) -> dict | None:
    hits = json.loads(array.tobytes().decode("utf-8"))
    if hits is None:
        return None
    if any(set(kinds) != set(HIT_KINDS) for kinds in hits.values()):
        return None  # kept by a version that searched other kinds: search again
    for kinds in hits.values():
        for found in kinds.values():
            if any(not 0 <= int(row) < rows for row, _ in found):
                raise StateDamaged("the conflict term searches name rows that do not exist")
    return hits


def save_memo(state: State, memo: Memo) -> None:
    """Write the memo; the manifest, written last, vouches for the data file."""
    folder = state.directory / "memo"
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "keys": _strings(memo.keys), "digests": memo.digests,
        "word_vocabulary": _strings(memo.model.word_vocabulary), "word_idf": memo.model.word_idf,
        "title_vocabulary": _strings(memo.model.title_vocabulary), "title_idf": memo.model.title_idf,
        **_sparse("word_counts", memo.word_counts), **_sparse("title_counts", memo.title_counts),
        **_lists("text", memo.lists.text), **_lists("title", memo.lists.title),
        "named_keys": _strings(memo.lists.named.keys), "named_counts": memo.lists.named.counts,
        "named_offsets": memo.lists.named.offsets, "named_pairs": memo.lists.named.pairs.astype(np.int32),
        "pair_a": memo.pairs["a"].to_numpy(np.int32), "pair_b": memo.pairs["b"].to_numpy(np.int32),
        # a feature an array: each is a row of the features' block, written uncopied (one
        # array of them all was a copy: 0.8 GB at 200k activities)
        **{f"pair_{name}": memo.pairs[name].to_numpy(np.float64) for name in PAIRWISE},
        "hits": _strings([json.dumps(memo.hits, ensure_ascii=False)]),
        "reason_a": memo.reasons["a"].to_numpy(np.int32), "reason_b": memo.reasons["b"].to_numpy(np.int32),
        "reason_short": memo.reasons["short_text"].to_numpy(bool),
        "reason_text": _strings(memo.reasons["pair_reasons"]),
    }
    layout = None
    if memo.layout is not None:
        arrays["map_points"] = memo.layout.points.astype(np.float32)
        layout = {"method": memo.layout.method, "sample": memo.layout.sample,
                  "laid_out": memo.layout.laid_out, "placed": memo.layout.placed,
                  "gap": memo.layout.gap}
    write_json_atomic(folder / LANGUAGES_FILE, memo.languages)
    # the zip format's CRC-32 per array catches damage; the token ties the manifest to
    # this data file (a run killed between the two writes leaves them apart)
    token = secrets.token_hex(8)
    with atomic_file(folder / DATA_FILE, "wb") as stream:
        np.savez(stream, token=_strings([token]), **arrays)
    write_json_atomic(folder / MANIFEST_FILE, {
        "format": MEMO_FORMAT, "fingerprint": memo.fingerprint, "rows": len(memo.keys),
        "word_terms": len(memo.model.word_vocabulary), "title_terms": len(memo.model.title_vocabulary),
        "fitted_rows": memo.model.fitted_rows, "unseen": memo.unseen,
        "stable_vectors": memo.stable_vectors, "features": list(PAIRWISE),
        "axes_digest": memo.axes_digest, "reasons": len(memo.reasons),
        "named_keys": len(memo.lists.named.keys), "token": token, "map": layout,
    })


def load_languages(state: State | None) -> dict[str, str]:
    """The languages the last run detected; only a cache, so anything odd reads as none."""
    if state is None:
        return {}
    try:
        languages = json.loads((state.directory / "memo" / LANGUAGES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(languages, dict):
        return {}
    return {str(k): str(v) for k, v in languages.items()}


def load_memo(state: State | None, expected: str) -> Memo | None:
    """The last run's memo if it was made with the same settings; a damaged one is set aside."""
    if state is None:
        return None
    folder = state.directory / "memo"
    if not folder.exists():
        return None
    try:
        return _read(folder, expected)
    except StateDamaged as damage:
        state.set_aside(folder, f"the last run's reusable results are damaged: {damage}")
        return None


def _read(folder: Path, expected: str) -> Memo | None:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        if manifest.get("format") != MEMO_FORMAT or manifest.get("features") != list(PAIRWISE):
            return None
        if manifest.get("fingerprint") != expected:
            return None
        with np.load(folder / DATA_FILE, allow_pickle=False) as data:
            if _unstrings(data["token"], 1)[0] != manifest["token"]:
                raise StateDamaged(f"{DATA_FILE} is not the one its manifest describes")
            return _memo(data, manifest, expected)
    except StateDamaged:
        raise
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, EOFError,
            zipfile.BadZipFile) as exc:
        raise StateDamaged(f"unreadable ({exc})") from None


def _memo(data, manifest: dict, expected: str) -> Memo:
    """The memo from the data file's arrays, checked against each other."""
    rows = int(manifest["rows"])
    model = LexicalModel(
        word_vocabulary=_unstrings(data["word_vocabulary"], int(manifest["word_terms"])),
        word_idf=data["word_idf"],
        title_vocabulary=_unstrings(data["title_vocabulary"], int(manifest["title_terms"])),
        title_idf=data["title_idf"], fitted_rows=int(manifest["fitted_rows"]),
    )
    block = np.empty((len(PAIRWISE), len(data["pair_a"])))
    for row, name in enumerate(PAIRWISE):
        block[row] = data[f"pair_{name}"]
    pairs = pd.DataFrame(block.T, columns=list(PAIRWISE), copy=False)
    pairs.insert(0, "b", data["pair_b"].astype(np.int64))
    pairs.insert(0, "a", data["pair_a"].astype(np.int64))
    for a, b in ((data["pair_a"], data["pair_b"]), (data["reason_a"], data["reason_b"])):
        if len(a) != len(b) or (len(a) and max(a.max(), b.max()) >= rows):
            raise StateDamaged("the stored pairs name rows that do not exist")
    memo = Memo(
        fingerprint=expected, keys=_unstrings(data["keys"], rows), digests=data["digests"],
        model=model, unseen=int(manifest["unseen"]),
        word_counts=_unsparse(data, "word_counts"), title_counts=_unsparse(data, "title_counts"),
        lists=SearchLists(text=_unlists(data, "text", rows), title=_unlists(data, "title", rows),
                          named=_named(data, int(manifest["named_keys"]), rows)),
        pairs=pairs, stable_vectors=bool(manifest["stable_vectors"]),
        hits=_hits(data["hits"], rows), axes_digest=str(manifest["axes_digest"]),
        reasons=pd.DataFrame({
            "a": data["reason_a"].astype(np.int64), "b": data["reason_b"].astype(np.int64),
            "pair_reasons": _unstrings(data["reason_text"], int(manifest["reasons"])),
            "short_text": data["reason_short"].astype(bool),
        }),
    )
    if memo.word_counts.shape[0] != rows or memo.title_counts.shape[0] != rows \
            or len(memo.digests) != rows:
        raise StateDamaged("its arrays disagree on the number of rows")
    memo.layout = _layout(data, manifest.get("map"), rows)
    return memo


def _layout(data, kept: dict | None, rows: int) -> MapLayout | None:
    """The stored map, None where the memo has none (a version before maps were kept)."""
    if kept is None:
        return None
    points = data["map_points"]
    if points.shape != (rows, 2) or not np.isfinite(points).all():
        raise StateDamaged("the map layout does not match the rows")
    return MapLayout(points=points.astype(np.float32), method=str(kept["method"]),
                     sample=int(kept["sample"]), laid_out=int(kept["laid_out"]),
                     placed=int(kept["placed"]), gap=float(kept["gap"]))
