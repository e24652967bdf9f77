"""Which store for the embedding cache: float16 .npy + sorted digests, or SQLite?

Times, for N random unit vectors: writing the store, opening it, fetching the
vectors of a nightly run (all N texts, 99% of them cached) and of a small run
(15k texts), and the size on disk. The .npy store is overlap.cache itself.

    .venv/bin/python benchmarks/cache_formats.py --n 1000000
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from overlap.cache import EmbeddingCache
from overlap.state import State

KEY = {"format": 1, "embedder": "bench", "identity": "bench", "model": "", "window_words": 180,
       "max_windows": 4}


def timed(label: str, results: dict[str, float], action):
    started = time.perf_counter()
    value = action()
    results[label] = time.perf_counter() - started
    return value


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_npy(root: Path, digests: np.ndarray, vectors: np.ndarray, queries: dict[str, np.ndarray]):
    results: dict[str, float] = {}

    def write():
        cache = EmbeddingCache.open(root, KEY, State(root, run=1), max_idle_runs=30)
        cache.add(digests, vectors)
        cache.save()

    timed("write", results, write)
    for name, query in queries.items():
        def fetch(query=query):
            cache = EmbeddingCache.open(root, KEY, State(root, run=2), max_idle_runs=30)
            found, mask = cache.fetch(query)
            assert mask.sum() == len(found)
            return cache

        timed(f"open+fetch {name}", results, fetch)
    cache = EmbeddingCache.open(root, KEY, State(root, run=3), max_idle_runs=30)
    cache.fetch(queries["nightly"])
    timed("save after a nightly run (1% new)", results, lambda: (
        cache.add(np.arange(len(digests) // 100, dtype=np.uint64) * 7 + 1,
                  vectors[: len(digests) // 100]), cache.save()))
    results["disk MB"] = folder_size(root) / 1e6
    return results


def bench_sqlite(path: Path, digests: np.ndarray, vectors: np.ndarray, queries: dict[str, np.ndarray]):
    results: dict[str, float] = {}
    signed = digests.view(np.int64)

    def write():
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE v (digest INTEGER PRIMARY KEY, last_used INTEGER, vector BLOB)")
        with db:
            db.executemany("INSERT INTO v VALUES (?, 1, ?)",
                           ((int(d), v.tobytes()) for d, v in zip(signed, vectors)))
        db.close()

    timed("write", results, write)
    width = vectors.shape[1]
    for name, query in queries.items():
        def fetch(query=query):
            db = sqlite3.connect(path)
            db.execute("CREATE TEMP TABLE q (digest INTEGER PRIMARY KEY)")
            db.executemany("INSERT INTO q VALUES (?)", ((int(d),) for d in query.view(np.int64)))
            rows = db.execute("SELECT v.digest, v.vector FROM v JOIN q USING (digest)").fetchall()
            db.executemany("UPDATE v SET last_used = 2 WHERE digest = ?", ((r[0],) for r in rows))
            db.commit()
            found = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(-1, width)
            db.close()
            return found.astype(np.float32)

        timed(f"open+fetch {name}", results, fetch)
    results["disk MB"] = path.stat().st_size / 1e6
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="cached vectors")
    parser.add_argument("--dim", type=int, default=384, help="dimensions (MiniLM: 384)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    digests = np.unique(rng.integers(0, 2**63, size=args.n, dtype=np.uint64))
    vectors = rng.standard_normal((len(digests), args.dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors.astype(np.float16)
    # a nightly run looks up every text; a small run 15k of them
    queries = {"nightly": digests,
               "15k": rng.choice(digests, size=min(15_000, len(digests)), replace=False)}
    with tempfile.TemporaryDirectory(prefix="overlap-cache-bench-") as tmp:
        npy = bench_npy(Path(tmp) / "npy", digests, vectors, queries)
        sqlite = bench_sqlite(Path(tmp) / "cache.sqlite", digests, vectors, queries)
    print(f"{len(digests):,} vectors x {args.dim} dimensions, float16")
    print(f"{'':40} {'npy + sorted digests':>22} {'SQLite':>10}")
    for label in npy:
        right = f"{sqlite[label]:10.2f}" if label in sqlite else f"{'-':>10}"
        print(f"{label:40} {npy[label]:22.2f} {right}")


if __name__ == "__main__":
    main()
