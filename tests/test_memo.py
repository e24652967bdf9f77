"""What a rerun reuses from the last run, and that reusing it changes no finding."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from overlap import candidates, pipeline
from overlap.candidates import named_actor_pairs
from overlap.config import Config, NeighboursConfig, ScoreConfig, StateConfig
from overlap.conflicts import all_hits, load_axes
from overlap.lexical import TextIndex
from overlap.memo import save_memo, sparse_hits
from overlap.state import State
from tests.conftest import SAMPLES
from tests.helpers import CountingEmbedder


@pytest.fixture
def inputs(tmp_path):
    """Two of the samples' exports in tmp_path."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("iom_projects.csv", "ngo_partners.csv"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _run(folder, state_dir=None, run=1, config=None):
    """One run like ``overlap run --state`` with an embedder that counts what it encodes:
    the memo is saved for the next run."""
    config = config or Config()
    state = None if state_dir is None else State(directory=state_dir, run=run)
    result = pipeline.run([folder], config, state=state, embedder=CountingEmbedder())
    if state is not None:
        save_memo(state, result.memo)
    return result


def _findings(result) -> pd.DataFrame:
    return result.pairs.set_index("pair_id")[["kind", "score", "reasons"]].sort_index()


def _edit(folder):
    """One text rewritten, one row gone, and a new row copying an IOM project."""
    path = folder / "ngo_partners.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    rows[0] = rows[0].replace("Drills 40 solar-powered boreholes",
                              "Offers voluntary return and drills 60 solar boreholes")
    del rows[1]
    copied = pd.read_csv(folder / "iom_projects.csv", dtype=str, keep_default_na=False).iloc[3]
    rows.append(";".join(["NEW-1", "Caritas Mali", copied.iloc[2], copied.iloc[3], "", "",
                          "", "", ""]) + "\n")
    path.write_text(header + "".join(rows), encoding="utf-8")


def test_an_unchanged_rerun_reuses_everything_and_finds_the_same(inputs, tmp_path, monkeypatch):
    first = _run(inputs, tmp_path / "state", 1)
    assert first.memo.languages  # the samples declare no language: all were detected

    def no_model(text):
        raise AssertionError(f"the language of {text[:40]!r} was detected again")

    monkeypatch.setattr("overlap.language.detect", no_model)
    again = _run(inputs, tmp_path / "state", 2)
    assert again.reused["activities_compared"] == 0
    assert again.reused["activities_carried"] == len(first.activities)
    assert again.reused["vocabularies"] == "reused"
    assert again.reused["pair_evidence"] == again.candidates == first.candidates
    assert first.memo.reasons["pair_reasons"].notna().all()
    pd.testing.assert_frame_equal(_findings(again), _findings(first))


def test_a_rerun_after_changes_finds_what_a_run_from_scratch_finds(inputs, tmp_path):
    """Refitting each time, only the neighbour lists are reused: the findings must equal
    a run that computes everything."""
    config = Config(state=StateConfig(refit_share=1e-6))
    _run(inputs, tmp_path / "state", 1, config)
    _edit(inputs)
    rerun = _run(inputs, tmp_path / "state", 2, config)
    scratch = _run(inputs, tmp_path / "new-state", 1, config)
    assert rerun.reused["text_lists"] and rerun.reused["vocabularies"] == "fitted"
    assert rerun.reused["activities_compared"] == 2
    pd.testing.assert_frame_equal(_findings(rerun), _findings(scratch))
    # the conflict term searches were kept for unchanged texts, redone for the others
    searched = all_hits(rerun.activities, load_axes(None))
    assert rerun.memo.hits == sparse_hits(searched)
    assert any(phrases == ["voluntary return"] for _, phrases in rerun.memo.hits["return"]["a"])


#: the hand-set scorer, whose kinds these tests follow (the memo works whatever the scorer)
HAND_SET = Config(score=ScoreConfig(model="built-in"))


def test_new_work_is_found_while_the_rest_is_reused(inputs, tmp_path):
    first = _run(inputs, tmp_path / "state", 1, HAND_SET)
    _edit(inputs)
    rerun = _run(inputs, tmp_path / "state", 2, HAND_SET)
    assert rerun.reused["vocabularies"] == "reused"
    assert rerun.reused["activities_compared"] == 2
    assert rerun.reused["activities_carried"] == len(first.activities) - 2
    assert 0 < rerun.reused["pair_evidence"] < rerun.candidates
    ids = rerun.activities["id"].to_numpy()
    copy = rerun.pairs[(ids[rerun.pairs["a"]] == "NEW-1") | (ids[rerun.pairs["b"]] == "NEW-1")]
    copied = pd.read_csv(inputs / "iom_projects.csv", dtype=str).iloc[3]["Project ID"]
    assert copy.iloc[0]["kind"] == "duplicate"
    assert copied in {ids[copy.iloc[0]["a"]], ids[copy.iloc[0]["b"]]}


def _truncate(content: bytes) -> bytes:
    return content[:-100]


def _flip_a_byte(content: bytes) -> bytes:
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1:]


@pytest.mark.parametrize("damage", [_truncate, _flip_a_byte])
def test_a_damaged_memo_is_set_aside_and_everything_computed_again(inputs, tmp_path, damage):
    first = _run(inputs, tmp_path / "state", 1)
    data = tmp_path / "state" / "memo" / "memo.npz"
    data.write_bytes(damage(data.read_bytes()))
    state = State(directory=tmp_path / "state", run=2)
    again = pipeline.run([inputs], Config(), state=state, embedder=CountingEmbedder())
    assert again.reused["activities_carried"] == 0
    assert any("memo" in note and "damaged" in note for note in state.notes)
    assert list((tmp_path / "state").glob("memo.damaged-*"))
    pd.testing.assert_frame_equal(_findings(again), _findings(first))


def test_other_settings_ignore_the_memo(inputs, tmp_path):
    _run(inputs, tmp_path / "state", 1)
    config = Config(neighbours=NeighboursConfig(k=4))
    again = _run(inputs, tmp_path / "state", 2, config)
    scratch = _run(inputs, tmp_path / "new-state", 1, config)
    assert again.reused["activities_carried"] == 0
    pd.testing.assert_frame_equal(_findings(again), _findings(scratch))


def test_named_organisation_pairs_are_searched_again_where_an_activity_changed(
        inputs, tmp_path, monkeypatch):
    """An NGO activity naming IOM is rewritten to read like another IOM project: its
    closest IOM activity changes, while the other organisations' pairs are kept, and of
    the activities naming IOM only the rewritten one is compared again."""
    # only the closest: a changed text changes it
    config = Config(neighbours=NeighboursConfig(per_named_actor=1))
    first = _run(inputs, tmp_path / "state", 1, config)
    path = inputs / "ngo_partners.csv"
    table = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    naming = table.index[table["Ref"] == "MRNN-22-04"][0]
    iom = pd.read_csv(inputs / "iom_projects.csv", dtype=str, keep_default_na=False)
    before = set(first.memo.lists.named.frame().itertuples(index=False, name=None))
    ids = first.activities["id"].to_numpy()
    row = int(np.flatnonzero(ids == "MRNN-22-04")[0])
    partners = {ids[a if b == row else b] for a, b in before if row in (a, b)}
    other = iom.index[~iom["Project ID"].isin(partners)][0]
    table.loc[naming, ["Title", "Summary"]] = iom.loc[other, ["Project title", "Description"]].to_numpy()
    table.to_csv(path, sep=";", index=False)
    compared = []

    def spy(sources, *args):
        compared.extend(sources.tolist())
        return closest_targets(sources, *args)

    closest_targets = candidates._closest_targets
    monkeypatch.setattr(candidates, "_closest_targets", spy)
    rerun = _run(inputs, tmp_path / "state", 2, config)
    assert rerun.reused["vocabularies"] == "reused" and rerun.reused["activities_compared"] == 1
    # the rewritten activity, and those naming its organisation (it is among their targets)
    own = rerun.activities["actor_keys"].iat[row]
    naming_it = {i for i, named in enumerate(rerun.activities["named_keys"]) if named & own}
    assert sorted(compared) == sorted({row} | naming_it)
    index = TextIndex.build(rerun.activities, model=rerun.memo.model)
    searched = named_actor_pairs(rerun.activities, rerun.vectors, index, 1).frame()
    pd.testing.assert_frame_equal(rerun.memo.lists.named.frame(), searched)
    assert set(searched.itertuples(index=False, name=None)) != before


def test_a_manifest_of_another_run_is_not_trusted(inputs, tmp_path):
    """A run killed between writing the data file and its manifest leaves them apart."""
    _run(inputs, tmp_path / "state", 1)
    manifest = tmp_path / "state" / "memo" / "manifest.json"
    old = manifest.read_text()
    _run(inputs, tmp_path / "state", 2)
    manifest.write_text(old)
    state = State(directory=tmp_path / "state", run=3)
    again = pipeline.run([inputs], Config(), state=state, embedder=CountingEmbedder())
    assert again.reused["activities_carried"] == 0
    assert any("not the one its manifest describes" in note for note in state.notes)


def test_term_searches_kept_by_another_version_are_searched_again(inputs, tmp_path, monkeypatch):
    """A state written by a version whose conflict searches recorded other kinds still
    loads: those searches are made again, the rest of the memo is reused."""
    first = _run(inputs, tmp_path / "state", 1)
    monkeypatch.setattr("overlap.memo.HIT_KINDS", ("a", "b"))
    again = _run(inputs, tmp_path / "state", 2)
    assert again.reused["activities_compared"] == 0
    pd.testing.assert_frame_equal(_findings(again), _findings(first))


@pytest.fixture
def small_maps(monkeypatch):
    """The samples' 85 activities get a t-SNE map, as a run of hundreds would."""
    monkeypatch.setattr("overlap.projection.MIN_FOR_TSNE", 20)


def test_a_rerun_keeps_the_map_and_places_the_new_and_changed_activities(inputs, tmp_path, small_maps):
    first = _run(inputs, tmp_path / "state", 1)
    assert first.memo.layout.method == "tsne" and "map_placed" not in first.reused
    _edit(inputs)
    rerun = _run(inputs, tmp_path / "state", 2)
    assert rerun.reused["map_placed"] == rerun.reused["activities_compared"] == 2
    position = {key: row for row, key in enumerate(first.memo.keys)}
    carried = np.array([position.get(key, -1) for key in rerun.memo.keys])
    carried[rerun.activities["id"].to_numpy() == "NEW-1"] = -1
    rewritten = rerun.activities["description"].str.contains("solar boreholes").to_numpy()
    carried[rewritten] = -1
    unchanged = carried >= 0
    assert unchanged.sum() == len(rerun.activities) - 2
    assert np.array_equal(rerun.projection[unchanged], first.projection[carried[unchanged]])
    assert np.isfinite(rerun.projection).all() and rerun.memo.layout.placed == 2
    # the new copy of an IOM project lands next to it (its most similar activity)
    ids = rerun.activities["id"].to_numpy()
    new = int(np.flatnonzero(ids == "NEW-1")[0])
    copied = pd.read_csv(inputs / "iom_projects.csv", dtype=str).iloc[3]["Project ID"]
    original = int(np.flatnonzero(ids == copied)[0])
    distance = np.linalg.norm(rerun.projection[new] - rerun.projection[original])
    assert distance < 3 * first.memo.layout.gap


def test_a_memo_without_a_map_still_serves_and_the_map_is_laid_out(inputs, tmp_path, small_maps):
    """A state saved by a version before maps were kept: the rest is reused, the map made
    afresh (the same as a run from scratch) and kept for the next run."""
    first = _run(inputs, tmp_path / "state", 1)
    manifest = tmp_path / "state" / "memo" / "manifest.json"
    kept = json.loads(manifest.read_text())
    del kept["map"]
    manifest.write_text(json.dumps(kept))
    again = _run(inputs, tmp_path / "state", 2)
    assert again.reused["activities_compared"] == 0 and "map_placed" not in again.reused
    assert np.array_equal(again.projection, first.projection)
    assert again.memo.layout is not None
    assert "map_placed" in _run(inputs, tmp_path / "state", 3).reused


def test_a_map_of_the_wrong_size_is_damage(inputs, tmp_path, small_maps):
    first = _run(inputs, tmp_path / "state", 1)
    first.memo.layout.points = first.memo.layout.points[:-1]
    save_memo(State(directory=tmp_path / "state", run=1), first.memo)
    state = State(directory=tmp_path / "state", run=2)
    again = pipeline.run([inputs], Config(), state=state, embedder=CountingEmbedder())
    assert again.reused["activities_carried"] == 0
    assert any("map layout does not match" in note for note in state.notes)
