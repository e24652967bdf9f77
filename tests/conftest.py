from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared" / "data"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def onnx_cache_in_tmp(tmp_path_factory):
    """MiniLM's int8 model (overlap.onnx_minilm) is built once a session, in a temporary
    folder rather than the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture
def write(tmp_path):
    """Write a text file under tmp_path and return its path."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    return _write


@pytest.fixture
def counting_embedders(monkeypatch):
    """Runs embed with a tests.helpers.CountingEmbedder (even through the CLI); the list
    of those made, the last run's last."""
    from overlap import pipeline
    from tests.helpers import CountingEmbedder

    made: list[CountingEmbedder] = []

    def counting(config, languages=None):
        made.append(CountingEmbedder(config))
        return made[-1]

    monkeypatch.setattr(pipeline, "get_embedder", counting)
    return made
