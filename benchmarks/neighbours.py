"""Benchmark: chunked exact top-k (overlap) against scikit-learn's brute-force search.

Both run in this process on the same vectors; the figures are ratios, so they
hold on a slower or faster machine. Peak memory is measured with tracemalloc
(numpy reports its buffers to it).

    python benchmarks/neighbours.py [--n 20000] [--dim 384] [--k 10]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np


def measure(function):
    tracemalloc.start()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def main() -> None:
    from sklearn.neighbors import NearestNeighbors

    from overlap.neighbours import top_k_pairs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(args.n, args.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = np.arange(args.n)  # every row its own actor: plain top-k

    ours, our_seconds, our_peak = measure(lambda: top_k_pairs(vectors, groups, args.k))

    def brute():
        model = NearestNeighbors(n_neighbors=args.k + 1, metric="cosine", algorithm="brute")
        return model.fit(vectors).kneighbors(vectors)

    (distances, indices), their_seconds, their_peak = measure(brute)
    theirs = {(min(i, j), max(i, j)) for i, row in enumerate(indices) for j in row if i != j}
    agreement = len(set(zip(ours["a"], ours["b"])) & theirs) / max(len(theirs), 1)
    print(f"exact top-{args.k} of {args.n} x {args.dim} vectors")
    print(f"  overlap chunked : {our_seconds:7.2f} s  peak {our_peak:8.1f} MiB")
    print(f"  sklearn brute   : {their_seconds:7.2f} s  peak {their_peak:8.1f} MiB")
    print(f"  ratio (sklearn / overlap): time {their_seconds / our_seconds:.2f}x, "
          f"memory {their_peak / our_peak:.2f}x; same pairs: {agreement:.1%}")


if __name__ == "__main__":
    main()
