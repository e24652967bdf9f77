import dataclasses
import sys

import pytest

from overlap.config import Config, default_toml, load_config
from overlap.errors import ConfigError


def test_defaults_without_file():
    config = load_config()
    assert config.neighbours.k == 10
    assert config.embed.embedder == "auto"


if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_default_toml_round_trips_to_the_defaults(tmp_path):
    path = tmp_path / "overlap.toml"
    path.write_text(default_toml())
    assert load_config(path) == Config()


def test_default_toml_has_every_key_with_its_default_and_a_comment():
    text = default_toml()
    assert tomllib.loads(text) == Config().to_dict()
    lines = text.splitlines()
    for section in dataclasses.fields(Config):
        table = lines.index(f"[{section.name}]")
        for key in dataclasses.fields(getattr(Config(), section.name)):
            assert key.metadata["doc"], f"{section.name}.{key.name} has no doc"
            line = next(i for i in range(table, len(lines)) if lines[i].startswith(f"{key.name} = "))
            assert lines[line - 1].startswith("# ")


def test_config_is_frozen_and_lists_are_tuples(tmp_path):
    path = tmp_path / "overlap.toml"
    path.write_text('[input]\nexclude = ["old/*"]\n[review]\ndecisions = ["d.csv"]\n')
    config = load_config(path)
    assert config.input.exclude == ("old/*",) and config.review.decisions == ("d.csv",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.neighbours.k = 4  # type: ignore[misc]
    assert config.to_dict()["input"]["exclude"] == ["old/*"]


def test_file_then_overrides(tmp_path):
    path = tmp_path / "overlap.toml"
    path.write_text('[neighbours]\nk = 5\n[score]\nreport_threshold = 0.6\n')
    config = load_config(path, {"neighbours": {"k": 7}})
    assert config.neighbours.k == 7
    assert config.score.report_threshold == 0.6


@pytest.mark.parametrize(
    "text, message",
    [
        ("[neighbours]\nkk = 5\n", "unknown key 'kk'"),
        ("[nope]\nk = 5\n", "unknown section [nope]"),
        ('[neighbours]\nk = "ten"\n', "expected int"),
        ("[score]\nduplicate_threshold = 1.5\n", "duplicate_threshold must be between 0 and 1"),
        ("[neighbours\n", "not valid TOML"),
        ("[neighbours]\napproximate_from = -1\n", "neighbours.approximate_from must be 0"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "overlap.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_config(path)
