import pytest

from overlap.config import DEFAULT_TOML, Config, load_config
from overlap.errors import ConfigError


def test_defaults_without_file():
    config = load_config()
    assert config.neighbours.k == 10
    assert config.embed.embedder == "auto"


def test_default_toml_round_trips_to_the_defaults(tmp_path):
    path = tmp_path / "overlap.toml"
    path.write_text(DEFAULT_TOML)
    assert load_config(path) == Config()


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
        ("[score]\nreport_threshold = 0.9\nduplicate_threshold = 0.5\n", "duplicate_threshold"),
        ("[neighbours\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "overlap.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_config(path)
