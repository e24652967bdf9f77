"""Scale benchmark: each stage's seconds and the peak memory of a run of N activities.

The activities are made from the IATI extract (../shared/data/iati/activities.csv),
so that their length, language, actor and country mix are the real ones:

- pass 0 is the real rows themselves (the 14,643 of the extract, or the first N);
- pass c >= 1 goes through the real rows again in a new order. Each new row keeps its
  template's language, countries, sectors, dates and participating organisations; its
  title is the first half of one title and the second half of another in the same
  language; its description has the template's number of sentences, each drawn from any
  description in the same language (real prose of real length, sharing no more with its
  template than with any text: a first version that kept a fifth of the template's
  sentences and half its title reported 1.8 pairs per activity at 50k, twenty times the
  real rows' rate). Each organisation keeps its name and identifiers in a pass with
  probability 1/2 (large publishers grow, as in the whole of IATI), otherwise it becomes
  a new one, "NAME c" with ids under "ZZ-Cc-" (the number of actors grows too; a bracket
  or the same id prefix would give it the original's organisation keys);
- a share of planted near-copies (DUPLICATE_SHARE of N): a row of another organisation
  with the same title and countries, one sentence dropped and two swapped, dates moved
  a month. The planted pairs are the recall figure: the share of them in pairs.csv.

Each N runs in a fresh subprocess (`overlap run` as the nightly does it: read to report
and state), with a fixed cheap embedder by default (``hashed``: word counts hashed to
2^15 columns and projected to 512 dimensions, USE's width, so that every stage after
embedding sees dense vectors of the real shape); the neural embedding's cost is measured
apart, on a sample of the same texts (``--sample``), and projected. A 1% rerun (1%
descriptions changed, 1% rows added) follows each cold run from its state. Peak memory
is the process's RSS high-water mark (getrusage), and a sampling thread's maximum per
stage.

    .venv/bin/python benchmarks/scale.py                      # 3k and 8k: a minute or two
    .venv/bin/python benchmarks/scale.py --sizes 14643,50000,200000 --sample 1000 \\
        --plot docs/scale.png --json docs/scale.json          # the README's curve

Skips (exit 0) with a message when the data file is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "iati" / "activities.csv"
sys.path.insert(0, str(Path(__file__).resolve().parent))

#: planted near-copies, as a share of N
DUPLICATE_SHARE = 0.02
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
DEFAULT_SIZES = "3000,8000"
#: the projection's target
PROJECTED = 1_000_000
#: stage order in a run (the pipeline's, then what run_nightly does after it)
STAGES = ("read", "embed", "neighbours", "conflicts", "score", "review", "cluster", "changes",
          "project", "write")


# ---------------------------------------------------------------- the generator


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s]


def generate(table: pd.DataFrame, n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """N activities made from ``table``'s rows (see the module's docstring) and the
    planted near-copy pairs (``organisation_a, id_a, organisation_b, id_b``)."""
    rng = np.random.default_rng(seed)
    real = table[(table["title"] != "") | (table["description"] != "")].reset_index(drop=True)
    planted = int(round(n * DUPLICATE_SHARE))
    base = n - planted
    sentences: dict[str, list[str]] = {}
    split = [_sentences(d) for d in real["description"]]
    for language, parts in zip(real["language"], split):
        sentences.setdefault(language, []).extend(parts)
    titles: dict[str, list[str]] = {}
    for language, title in zip(real["language"], real["title"]):
        if title:
            titles.setdefault(language, []).append(title)
    rows = [real.head(base)]
    made = len(rows[0])
    organisations = real["organisation"].unique()
    for number in range(1, base // max(len(real), 1) + 2):
        if made >= base:
            break
        order = rng.permutation(len(real))[:base - made]
        renamed = {o for o in organisations if rng.random() < 0.5}
        batch = real.iloc[order].copy()
        new_titles, new_descriptions = [], []
        for position in order:
            language = real.at[position, "language"]
            others = titles.get(language, [])
            first, second = ((others[rng.integers(len(others))].split() for _ in range(2))
                             if others else ([], []))
            new_titles.append(" ".join(first[:len(first) // 2] + second[len(second) // 2:]))
            pool = sentences.get(language, [])
            new_descriptions.append(" ".join(
                pool[rng.integers(len(pool))] if pool else s for s in split[position]))
        batch["title"] = new_titles
        batch["description"] = new_descriptions
        moved = batch["organisation"].isin(renamed).to_numpy()
        batch["id"] = np.where(moved, f"ZZ-C{number}-" + batch["id"], batch["id"] + f"-s{number}")
        batch["organisation"] = np.where(moved, batch["organisation"] + f" {number}",
                                         batch["organisation"])
        rows.append(batch)
        made += len(batch)
    frame = pd.concat(rows, ignore_index=True)
    copies, pairs = _near_copies(frame, planted, rng)
    return pd.concat([frame, copies], ignore_index=True), pairs


def _near_copies(frame: pd.DataFrame, count: int, rng: np.random.Generator,
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``count`` rows, each a lightly edited copy of a row with a description, published
    by another organisation; and the pairs they make."""
    described = np.flatnonzero(frame["description"].str.len().to_numpy() > 80)
    sources = rng.choice(described, size=min(count, len(described)), replace=False)
    organisations = frame["organisation"].unique()
    copies = frame.iloc[sources].copy()
    owners = []
    for organisation in copies["organisation"]:
        other = organisation
        while other == organisation:
            other = organisations[rng.integers(len(organisations))]
        owners.append(other)
    descriptions = []
    for text in copies["description"]:
        parts = _sentences(text)
        if len(parts) >= 3:
            parts.pop(int(rng.integers(1, len(parts))))
            i = int(rng.integers(len(parts) - 1))
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
        descriptions.append(" ".join(parts))
    copies["description"] = descriptions
    copies["organisation"] = owners
    copies["id"] = [f"planted-{i}" for i in range(len(copies))]
    for column in ("start_date", "end_date"):
        dates = pd.to_datetime(copies[column], errors="coerce") + pd.Timedelta(days=30)
        copies[column] = dates.dt.strftime("%Y-%m-%d").fillna("")
    pairs = pd.DataFrame({
        "organisation_a": frame["organisation"].to_numpy()[sources],
        "id_a": frame["id"].to_numpy()[sources],
        "organisation_b": copies["organisation"].to_numpy(), "id_b": copies["id"].to_numpy(),
    })
    return copies, pairs


# ---------------------------------------------------------------- a cheap fixed embedder


def hashed_embedder():
    """Word counts hashed to 2^15 columns, times a fixed random 2^15 x 512 matrix: dense unit
    vectors of USE's width whose cosines follow the texts' shared words, at thousands of
    texts a second. A WindowedEmbedder, so the state caches it like a neural one."""
    from sklearn.feature_extraction.text import HashingVectorizer

    from overlap.config import EmbedConfig
    from overlap.embed import WindowedEmbedder

    class HashedEmbedder(WindowedEmbedder):
        name = "hashed"
        identity = "benchmark:hashed-words-512"

        def __init__(self) -> None:
            super().__init__(EmbedConfig(batch_size=1024, progress=False))
            self.words = HashingVectorizer(n_features=2**15, alternate_sign=False, norm="l2",
                                           dtype=np.float32)
            signs = np.random.default_rng(0).integers(0, 2, size=(2**15, 512), dtype=np.int8)
            self.projection = (signs.astype(np.float32) * 2 - 1) / np.sqrt(512)

        def _encode_batch(self, texts: list[str]) -> np.ndarray:
            return np.asarray(self.words.transform(texts) @ self.projection) + 1e-6

    return HashedEmbedder()


# ---------------------------------------------------------------- one measured run (a child)


class PeakSampler:
    """The process's RSS and CPU time every ``interval`` seconds: which stage holds the
    peak, and each stage's CPU seconds (on a shared machine, wall seconds stretch with
    the other work; CPU seconds much less)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int, float]] = []
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        with open("/proc/self/statm") as statm:
            while not self._stop.is_set():
                statm.seek(0)
                rss = int(statm.read().split()[1]) * page
                times = os.times()
                self.samples.append((time.perf_counter() - self.started, rss,
                                     times.user + times.system))
                self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def per_stage(self, seconds: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
        """Peak GB and CPU seconds per stage, the stages laid end to end in run order
        (approximate: the pipeline records how long each stage took, not when it began)."""
        ends, total = [], 0.0
        for stage in STAGES:
            total += seconds.get(stage, 0.0)
            ends.append((total, stage))
        peaks: dict[str, float] = {}
        cpu: dict[str, float] = {}
        last_cpu = self.samples[0][2] if self.samples else 0.0
        for moment, rss, used in self.samples:
            stage = next((name for end, name in ends if moment <= end), STAGES[-1])
            peaks[stage] = max(peaks.get(stage, 0.0), rss / 2**30)
            cpu[stage] = cpu.get(stage, 0.0) + used - last_cpu
            last_cpu = used
        return ({stage: round(peaks[stage], 2) for stage in STAGES if stage in peaks},
                {stage: round(cpu[stage], 1) for stage in STAGES if stage in cpu})


def measure_run(data: Path, out: Path, state: Path, embedder_name: str) -> dict[str, object]:
    """One `overlap run` in this process, timed per stage: the child's whole job."""
    from overlap.config import load_config
    from overlap.nightly import run_nightly

    overrides = {"report": {"out": str(out)}, "state": {"dir": str(state)},
                 "embed": {"progress": False}}
    embedder = None
    if embedder_name == "hashed":
        embedder = hashed_embedder()
    else:
        overrides["embed"]["embedder"] = embedder_name
    config = load_config(None, overrides)
    with PeakSampler() as sampler:
        started = time.perf_counter()
        outcome = run_nightly([data], config, ["overlap", "run", str(data)], embedder=embedder)
        wall = time.perf_counter() - started
    seconds = dict(outcome.result.seconds)
    seconds["write"] = max(0.0, wall - sum(seconds.values()))
    peaks, cpu = sampler.per_stage(seconds)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "activities": int(len(outcome.result.activities)), "wall_seconds": round(wall, 2),
        "cpu_seconds": round(sum(cpu.values()), 1),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "cpu_seconds_per_stage": cpu,
        "peak_gb": round(usage.ru_maxrss / 2**20, 2), "peak_gb_per_stage": peaks,
        "candidates": outcome.result.candidates, "reported": int(len(outcome.result.pairs)),
        "reused": outcome.result.reused,
    }


def recall(pairs_csv: Path, planted: pd.DataFrame) -> float:
    """The share of planted near-copies among the reported pairs."""
    pairs = pd.read_csv(pairs_csv, dtype=str, keep_default_na=False,
                        usecols=["actor_a", "id_a", "actor_b", "id_b"])
    found = set(zip(pairs["actor_a"], pairs["id_a"], pairs["actor_b"], pairs["id_b"]))
    found |= {(c, d, a, b) for a, b, c, d in found}
    hits = sum((row.organisation_a, row.id_a, row.organisation_b, row.id_b) in found
               for row in planted.itertuples())
    return hits / max(len(planted), 1)


def embedding_throughput(texts: list[str], embedder_name: str) -> dict[str, float]:
    """Texts and windows per second of a neural embedder on a sample, model load apart."""
    from overlap.config import EmbedConfig
    from overlap.embed import get_embedder, split_windows

    config = EmbedConfig(embedder=embedder_name, progress=False)
    embedder = get_embedder(config)
    started = time.perf_counter()
    embedder.embed(["load the model"])
    load = time.perf_counter() - started
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    windows = sum(len(split_windows(t, config.window_words, config.max_windows)) for t in texts)
    return {"embedder": embedder_name, "texts": len(texts), "windows": windows,
            "seconds": round(seconds, 2), "load_seconds": round(load, 2),
            "texts_per_second": round(len(texts) / seconds, 1),
            "windows_per_second": round(windows / seconds, 1),
            "peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}


def child(args: argparse.Namespace) -> None:
    """Measure one size (cold run, then the 1% rerun) and print the figures as JSON."""
    from nightly import modified

    work = args.child
    data = work / "input" / "activities.csv"
    figures: dict[str, object] = {}
    if args.stage == "cold":
        figures = measure_run(data, work / "report", work / "state", args.embedder)
        figures["recall"] = round(recall(work / "report" / "pairs.csv",
                                         pd.read_csv(work / "planted.csv", dtype=str,
                                                     keep_default_na=False)), 4)
    elif args.stage == "rerun":
        rows = pd.read_csv(data, dtype=str, keep_default_na=False)
        changed, _, _ = modified(rows, rows.iloc[0:0], 0.01, 0.01, seed=1)
        changed.to_csv(data, index=False)
        figures = measure_run(data, work / "report", work / "state", args.embedder)
    elif args.stage == "sample":
        from overlap.text import activity_texts

        rows = pd.read_csv(data, dtype=str, keep_default_na=False)
        texts = [t for t in activity_texts(rows) if t]
        sample = [texts[i] for i in np.random.default_rng(0).choice(
            len(texts), size=min(args.sample, len(texts)), replace=False)]
        figures = embedding_throughput(sample, args.sample_embedder)
    print(json.dumps(figures))


# ---------------------------------------------------------------- the parent


def run_child(work: Path, stage: str, args: argparse.Namespace) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", str(work), "--stage", stage,
               "--embedder", args.embedder, "--sample", str(args.sample),
               "--sample-embedder", args.sample_embedder]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])),
        "HF_HUB_OFFLINE": "1"}
    finished = subprocess.run(command, capture_output=True, text=True, env=env)
    if finished.returncode != 0:
        sys.exit(f"the {stage} run of {work} failed ({finished.returncode}):\n{finished.stderr}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def measure_size(table: pd.DataFrame, n: int, args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"overlap-scale-{n}-"))
    try:
        (work / "input").mkdir()
        frame, planted = generate(table, n, seed=args.seed)
        frame.to_csv(work / "input" / "activities.csv", index=False)
        planted.to_csv(work / "planted.csv", index=False)
        figures: dict[str, object] = {"n": n, "planted": len(planted)}
        if args.runs:
            figures["cold"] = run_child(work, "cold", args)
            print(_row(n, figures["cold"], "cold"), flush=True)
        if args.runs and args.rerun:
            figures["rerun"] = run_child(work, "rerun", args)
            print(_row(n, figures["rerun"], "rerun 1%"), flush=True)
        if args.sample and n == max(args.sizes):
            figures["sample"] = run_child(work, "sample", args)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _row(n: int, run: dict, label: str) -> str:
    stages = " ".join(f"{k} {v:.1f}" for k, v in run["seconds"].items() if v >= 0.05)
    extra = f", recall {run['recall']:.1%}" if "recall" in run else ""
    return (f"{n:>9,} {label:9} {run['wall_seconds']:8.1f} s ({run['cpu_seconds']:.0f} s CPU)  "
            f"peak {run['peak_gb']:5.2f} GB  "
            f"[{stages}]  {run['reported']:,} pairs{extra}")


def projection(results: list[dict], target: int = PROJECTED) -> dict[str, dict[str, float]]:
    """Each stage's seconds (and the peak) at ``target``, from the slope between the two
    largest sizes measured on a log-log scale (time ~ N^slope), never below linear."""
    if len(results) < 2:
        return {}
    small, large = sorted(results, key=lambda r: r["n"])[-2:]
    ratio = np.log(target / large["n"]) / np.log(large["n"] / small["n"])
    projected = {}
    for stage in STAGES:
        projected[stage] = {}
        for kind in ("seconds", "cpu_seconds_per_stage"):
            x, y = small["cold"][kind].get(stage, 0.0), large["cold"][kind].get(stage, 0.0)
            slope = max(1.0, np.log(max(y, 0.1) / max(x, 0.1)) / np.log(large["n"] / small["n"]))
            growth = float(np.exp(slope * ratio * np.log(large["n"] / small["n"])))
            name = "seconds" if kind == "seconds" else "cpu_seconds"
            projected[stage][name] = round(y * growth, 1)
            projected[stage][f"{name}_slope"] = round(float(slope), 2)
    x, y = small["cold"]["peak_gb"], large["cold"]["peak_gb"]
    slope = max(0.0, np.log(y / x) / np.log(large["n"] / small["n"]))
    projected["peak_gb"] = {"slope": round(float(slope), 2),
                            "gb": round(float(y * (target / large["n"]) ** slope), 1)}
    return projected


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["n"] for r in results]
    figure, (times, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    for stage in STAGES:
        values = [r["cold"]["seconds"].get(stage, 0.0) for r in results]
        if max(values) >= 1.0:
            times.plot(sizes, values, marker="o", label=stage)
    times.plot(sizes, [r["cold"]["wall_seconds"] for r in results], marker="s", color="black",
               label="whole run")
    times.set(xscale="log", yscale="log", xlabel="activities", ylabel="seconds (2 cores)",
              title="Cold run per stage (hashed embedder)")
    times.legend(fontsize=8)
    memory.plot(sizes, [r["cold"]["peak_gb"] for r in results], marker="o", label="cold run")
    if all("rerun" in r for r in results):
        memory.plot(sizes, [r["rerun"]["peak_gb"] for r in results], marker="o", label="1% rerun")
    memory.set(xscale="log", xlabel="activities", ylabel="peak RSS (GB)", title="Peak memory")
    memory.legend(fontsize=8)
    for axes in (times, memory):
        axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="activities CSV [%(default)s]")
    parser.add_argument("--sizes", default=os.environ.get("OVERLAP_BENCH_SIZES", DEFAULT_SIZES),
                        help="comma-separated N (env OVERLAP_BENCH_SIZES) [%(default)s]")
    parser.add_argument("--embedder", default="hashed",
                        help="hashed (fixed, cheap), or an overlap embedder [%(default)s]")
    parser.add_argument("--sample", type=int, default=0,
                        help="also time the neural embedder on this many texts of the largest N")
    parser.add_argument("--sample-embedder", default="use", help="[%(default)s]")
    parser.add_argument("--no-rerun", dest="rerun", action="store_false",
                        help="skip the 1%% rerun after each cold run")
    parser.add_argument("--sample-only", dest="runs", action="store_false",
                        help="only the sample's embedding throughput (with --sample)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", type=Path, help="write the curve (PNG) here")
    parser.add_argument("--json", type=Path, help="write the figures (JSON) here")
    parser.add_argument("--add-json", type=Path, action="append", default=[],
                        help="also count the sizes measured in an earlier run's JSON (the "
                             "200k run takes half an hour: it can be measured apart)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not args.data.exists():
        print(f"skipped: {args.data} not found (the benchmark needs the shared IATI extract)")
        return
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    table = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    print(f"{'N':>9} {'run':9} {'wall':>8}    peak RSS    [stage seconds]  reported pairs")
    measured = [measure_size(table, n, args) for n in args.sizes]
    for earlier in args.add_json:
        measured += json.loads(earlier.read_text())["results"]
    measured.sort(key=lambda result: result["n"])
    results = [result for result in measured if "cold" in result]
    for result in measured:
        if "rerun" in result:
            ratio = result["rerun"]["wall_seconds"] / result["cold"]["wall_seconds"]
            print(f"{result['n']:>9,} rerun 1% / cold: {ratio:.1%}")
        if "sample" in result:
            sample = result["sample"]
            print(f"{sample['embedder']} on {sample['texts']} sample texts: "
                  f"{sample['texts_per_second']} texts/s, {sample['windows_per_second']} windows/s "
                  f"(model load {sample['load_seconds']} s, peak {sample['peak_gb']} GB)")
    projected = projection(results)
    if projected:
        print(f"projected to {PROJECTED:,} (slope between the two largest sizes, at least linear):")
        print("  wall: " + ", ".join(f"{stage} {value['seconds']:.0f} s (N^{value['seconds_slope']})"
                                     for stage, value in projected.items() if stage in STAGES))
        print("  CPU:  " + ", ".join(
            f"{stage} {value['cpu_seconds']:.0f} s (N^{value['cpu_seconds_slope']})"
            for stage, value in projected.items() if stage in STAGES))
        print(f"  peak {projected['peak_gb']['gb']} GB (N^{projected['peak_gb']['slope']})")
    if args.plot and results:
        plot(results, args.plot)
        print(f"wrote {args.plot}")
    if args.json:
        args.json.write_text(json.dumps({"results": measured, "projected": projected}, indent=2) + "\n")


if __name__ == "__main__":
    main()
