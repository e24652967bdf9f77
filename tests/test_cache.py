"""The embedding cache: hits and misses, float16 round trips, idle entries, damage."""

import json

import numpy as np
import pytest

from overlap.cache import CachedEmbedder, EmbeddingCache, cache_key, text_digest, with_cache
from overlap.config import EmbedConfig
from overlap.embed import TfidfEmbedder
from overlap.state import State
from tests.helpers import CARITAS_ROWS, CountingEmbedder, Project


def cached(tmp_path, run: int, inner=None, max_idle_runs: int = 30, notes=None):
    state = State(directory=tmp_path, run=run, notes=notes if notes is not None else [])
    inner = inner or CountingEmbedder()
    return with_cache(inner, inner.config, state, max_idle_runs), inner, state


TEXTS = ["Boreholes in Tahoua", "Reintegration of returnees in Edo", "School meals in Maradi"]


def test_a_rerun_embeds_only_texts_it_has_not_seen(tmp_path):
    first, inner, _ = cached(tmp_path, 1)
    cold = first.embed(TEXTS)
    assert len(inner.encoded) == 3 and first.cache.stats["misses"] == 3

    again, inner, _ = cached(tmp_path, 2)
    warm = again.embed([*TEXTS, "Border posts in Agadez"])
    assert inner.encoded == ["Border posts in Agadez"]
    assert again.cache.stats == {"hits": 3, "misses": 1, "entries": 4, "dropped": 0}
    np.testing.assert_array_equal(warm[:3], cold)


def test_vectors_are_unit_rows_and_identical_cold_or_warm(tmp_path):
    cold, _, _ = cached(tmp_path, 1)
    first = cold.embed(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1, atol=1e-6)
    warm, _, _ = cached(tmp_path, 2)
    np.testing.assert_array_equal(warm.embed(TEXTS), first)
    plain = CountingEmbedder().embed(TEXTS)
    assert np.abs(plain - first).max() < 1e-3  # float16 storage costs little precision


def test_identical_and_whitespace_variants_are_embedded_once(tmp_path):
    embedder, inner, _ = cached(tmp_path, 1)
    vectors = embedder.embed(["Wells  in Tahoua", "Wells in Tahoua", " Wells in\nTahoua "])
    assert len(inner.encoded) == 1
    assert (vectors == vectors[0]).all()
    assert embedder.cache.stats["hits"] == 0 and embedder.cache.stats["misses"] == 3


def test_other_window_settings_do_not_share_vectors(tmp_path):
    cached(tmp_path, 1)[0].embed(TEXTS)
    other = CountingEmbedder(EmbedConfig(window_words=5, progress_min_texts=10**9))
    embedder, inner, _ = cached(tmp_path, 2, inner=other)
    embedder.embed(TEXTS)
    assert len(inner.encoded) == 3
    assert cache_key(other, other.config) != cache_key(CountingEmbedder(), EmbedConfig())


def test_tfidf_is_never_cached(tmp_path):
    state = State(directory=tmp_path, run=1)
    embedder = TfidfEmbedder(EmbedConfig())
    assert with_cache(embedder, EmbedConfig(), state, 30) is embedder


def test_entries_unused_for_n_runs_are_dropped(tmp_path):
    cached(tmp_path, 1, max_idle_runs=2)[0].embed(["old text"])
    cached(tmp_path, 2, max_idle_runs=2)[0].embed(["new text"])
    third, _, _ = cached(tmp_path, 3, max_idle_runs=2)
    third.embed(["new text"])
    assert third.cache.stats["dropped"] == 1 and third.cache.stats["entries"] == 1
    again, inner, _ = cached(tmp_path, 4, max_idle_runs=2)
    again.embed(["old text", "new text"])
    assert inner.encoded == ["old text"]


def test_old_generations_of_files_are_removed(tmp_path):
    for run in (1, 2, 3):
        cached(tmp_path, run)[0].embed([f"text {run}"])
    folder = next((tmp_path / "cache").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == [
        "digests-000003.1.npy", "last-used-000003.1.npy", "meta.json", "vectors-000003.1.npy"]


def test_later_calls_of_a_run_find_what_earlier_ones_embedded(tmp_path):
    embedder, inner, _ = cached(tmp_path, 1)
    embedder.embed(["wells", "roads"])
    embedder.embed(["roads", "schools"])
    embedder.embed(["schools", "wells"])
    assert sorted(inner.encoded) == ["roads", "schools", "wells"]
    assert embedder.cache.stats["entries"] == 3
    again, inner, state = cached(tmp_path, 2)
    again.embed(["wells", "roads", "schools"])
    assert inner.encoded == [] and state.notes == []


def _folder(tmp_path):
    return next((tmp_path / "cache").iterdir())


@pytest.mark.parametrize("damage", ["garbage vectors", "truncated vectors", "meta", "unsorted",
                                    "not unit", "zeroed", "one zero vector", "not finite"])
def test_a_damaged_cache_is_detected_noted_and_rebuilt(tmp_path, damage):
    cached(tmp_path, 1)[0].embed(TEXTS)
    folder = _folder(tmp_path)
    meta = json.loads((folder / "meta.json").read_text())
    vectors_file = folder / meta["files"]["vectors"]
    if damage == "garbage vectors":
        vectors_file.write_bytes(b"\x00not a numpy file" * 10)
    elif damage == "truncated vectors":
        vectors_file.write_bytes(vectors_file.read_bytes()[:-20])
    elif damage == "meta":
        (folder / "meta.json").write_text("{broken")
    elif damage == "unsorted":
        digests_file = folder / meta["files"]["digests"]
        np.save(digests_file, np.load(digests_file)[::-1].copy())
    elif damage == "not unit":
        np.save(vectors_file, np.load(vectors_file) * np.float16(3))
    else:  # a zero vector passed for a unit one would make its text unlike every other
        stored = np.load(vectors_file)
        rows = slice(None) if damage == "zeroed" else slice(1, 2)
        stored[rows] = np.float16(np.nan) if damage == "not finite" else 0
        np.save(vectors_file, stored)
    notes = []
    embedder, inner, _ = cached(tmp_path, 2, notes=notes)
    vectors = embedder.embed(TEXTS)
    assert len(inner.encoded) == 3
    assert len(notes) == 1 and "embedding cache" in notes[0] and "rebuilt" in notes[0]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-6)
    healthy, inner, _ = cached(tmp_path, 3, notes=(notes := []))
    healthy.embed(TEXTS)
    assert inner.encoded == [] and notes == []


def test_text_digest_ignores_whitespace_only(tmp_path):
    assert text_digest("a  b\n") == text_digest("a b")
    assert text_digest("a b") != text_digest("a c")


def test_the_wrapper_keeps_the_inner_identity(tmp_path):
    embedder, inner, _ = cached(tmp_path, 1)
    assert isinstance(embedder, CachedEmbedder)
    assert embedder.identity == inner.identity and embedder.name == inner.name
    assert isinstance(embedder.cache, EmbeddingCache)


def test_a_nightly_rerun_embeds_only_new_and_changed_texts(tmp_path, counting_embedders, write):
    # the conflict finder embeds its axes' phrases too; this test counts activity texts
    no_conflicts = str(write("overlap.toml", "[conflicts]\nenabled = false\n"))
    project = Project(tmp_path)
    assert project.run("--config", no_conflicts).exit_code == 0
    assert len(counting_embedders[-1].encoded) == 6
    project.caritas({**CARITAS_ROWS, "X3": CARITAS_ROWS["X3"].replace("5000", "6000"),
                     "X4": "X4,Caritas,Seeds,Seed distribution in Zinder,Niger,2021,2022\n"})
    assert project.run("--config", no_conflicts).exit_code in (0, 10)
    assert len(counting_embedders[-1].encoded) == 2
    cache = project.summary()["state"]["cache"]
    assert cache["hits"] == 5 and cache["misses"] == 2


def test_a_vector_without_direction_is_not_cached(tmp_path):
    class ZeroForEmpty(CountingEmbedder):
        def _encode_batch(self, texts):
            vectors = super()._encode_batch(texts)
            vectors[[t == "nothing" for t in texts]] = 0
            return vectors

    first, _, _ = cached(tmp_path, 1, inner=ZeroForEmpty())
    first.embed(["nothing", "wells"])
    notes = []
    again, inner, _ = cached(tmp_path, 2, inner=ZeroForEmpty(), notes=notes)
    again.embed(["nothing", "wells"])
    assert inner.encoded == ["nothing"] and notes == []


def test_a_rerun_with_nothing_new_encodes_nothing(tmp_path, counting_embedders):
    """Neither the activities nor the conflict axes' phrases (conflicts on) reach the model."""
    project = Project(tmp_path)
    assert project.run().exit_code == 0
    assert counting_embedders[-1].encoded
    assert project.run().exit_code == 0
    assert counting_embedders[-1].encoded == []
    cache = project.summary()["state"]["cache"]
    assert cache["misses"] == 0 and cache["hits"] > 0


def test_a_neural_embedder_whose_texts_are_all_cached_never_loads_its_model(tmp_path):
    from overlap.embed import UniversalSentenceEncoder

    class ModelFreeUse(UniversalSentenceEncoder):
        """USE's cache key, vectors without the model (which the first run may load)."""

        def _encode_batch(self, texts):
            return CountingEmbedder._encode_batch(CountingEmbedder(), texts)

    config = EmbedConfig(progress=False)
    first, _, _ = cached(tmp_path, 1, ModelFreeUse(config))
    cold = first.embed(TEXTS)
    again, inner, _ = cached(tmp_path, 2, UniversalSentenceEncoder(config))
    np.testing.assert_array_equal(again.embed(TEXTS), cold)
    assert inner._model is None
