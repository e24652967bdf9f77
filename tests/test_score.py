import numpy as np
import pandas as pd
import pytest

from overlap.config import ScoreConfig
from overlap.errors import ConfigError
from overlap.normalise import add_org_keys
from overlap.plans import Family
from overlap.schema import FEATURES
from overlap.score import TextIndex, evidence, pairwise_evidence, score_pairs
from overlap.scorer import BUILT_IN, LinearHead, PairScorer


def _activity(**fields):
    base = {
        "id": "x", "actor": "A", "actor_key": "a", "title": "", "description": "",
        "countries": (), "locations": (), "sectors": (), "start_date": "", "end_date": "",
        "funders": (), "implementers": (), "participating_orgs": (), "language": "",
    }
    return base | fields


def _frame(*activities):
    frame = pd.DataFrame([_activity(**a) for a in activities])
    add_org_keys(frame)
    return frame


def test_metadata_agreement_raises_and_disagreement_lowers_the_score():
    activities = _frame(
        {"title": "Reintegration of returnees", "countries": ("NG",), "start_date": "2020-01-01",
         "end_date": "2021-12-31"},
        {"actor": "B", "actor_key": "b", "title": "Returnee reintegration", "countries": ("NG",),
         "start_date": "2020-06-01", "end_date": "2022-06-30"},
        {"actor": "C", "actor_key": "c", "title": "Returnee reintegration", "countries": ("GH",),
         "start_date": "2014-01-01", "end_date": "2015-01-01"},
    )
    pairs = pd.DataFrame({"a": [0, 0], "b": [1, 2], "similarity": [0.8, 0.8]})
    features = evidence(activities, pairs, TextIndex.build(activities))
    assert list(features["country"]) == [1.0, 0.0]
    assert list(features["country_differs"]) == [0.0, 1.0]
    # 2020-06-01..2021-12-31 is 578 of the shorter period's 730 days
    assert features["dates"].iloc[0] == pytest.approx(578 / 730)
    assert list(features["dates_disjoint"]) == [0.0, 1.0]
    scores = BUILT_IN.predict_proba(features)["p_genuine"].to_numpy()
    assert scores[0] > scores[1]


def test_role_link_when_one_side_names_the_other_actor():
    activities = _frame(
        {"title": "Water", "funders": ("Swedish Sida",)},
        {"actor": "Swedish Sida", "actor_key": "swedish sida", "title": "Water grant"},
        {"actor": "Other", "actor_key": "other", "title": "Water grant"},
    )
    pairs = pd.DataFrame({"a": [0, 0], "b": [1, 2], "similarity": [0.5, 0.5]})
    features = evidence(activities, pairs, TextIndex.build(activities))
    assert list(features["role_link"]) == [1.0, 0.0]


def test_role_link_through_the_initials_of_a_long_name():
    activities = _frame(
        {"title": "Shelter", "participating_orgs": ("1:USAID",)},
        {"actor": "U.S. Agency for International Development", "actor_key": "usaid full",
         "title": "Shelter grant"},
    )
    pairs = pd.DataFrame({"a": [0], "b": [1], "similarity": [0.5]})
    features = evidence(activities, pairs, TextIndex.build(activities))
    assert list(features["role_link"]) == [1.0]


def test_a_text_match_without_metadata_is_still_reported():
    """Missing countries and dates are no evidence either way (e.g. an activity
    published in two languages, with no metadata)."""
    activities = _frame(
        {"title": "Disinfection materials for Bolivia",
         "description": "Purchase of disinfectant and protective material for the streets of Tarija"},
        {"actor": "B", "actor_key": "b", "title": "Desinfektionsmaterial für Bolivien",
         "description": "Kauf von Desinfektionsmitteln und Schutzmaterial für die Straßen von Tarija"},
    )
    pairs = pd.DataFrame({"a": [0], "b": [1], "similarity": [0.9]})
    reported = score_pairs(activities, pairs, ScoreConfig(), BUILT_IN)
    assert len(reported) == 1
    # across languages the (multilingual) embedding stands in for the words that cannot match
    activities["language"] = ["en", "de"]
    features = evidence(activities, pairs, TextIndex.build(activities, frozenset({"en", "de"})))
    assert features.loc[0, "lexical"] == pytest.approx(1.0)


def test_dac_codes_share_a_category():
    activities = _frame(
        {"title": "a", "sectors": ("15190 Facilitation of migration",)},
        {"actor": "B", "actor_key": "b", "title": "b", "sectors": ("15110",)},
        {"actor": "C", "actor_key": "c", "title": "c", "sectors": ("12220",)},
    )
    pairs = pd.DataFrame({"a": [0, 0], "b": [1, 2], "similarity": [0.5, 0.5]})
    features = evidence(activities, pairs, TextIndex.build(activities))
    assert list(features["sector"]) == [1.0, -1.0]


def test_reported_pairs_have_kind_reasons_and_respect_thresholds():
    activities = _frame(
        {"title": "Cash transfers for returnees in Kano", "description": "Cash transfers to returnees",
         "countries": ("NG",)},
        {"actor": "B", "actor_key": "b", "title": "Returnees cash transfers Kano",
         "description": "Returnees receive cash transfers", "countries": ("NG",)},
        {"actor": "C", "actor_key": "c", "title": "Road building", "countries": ("NG",)},
    )
    pairs = pd.DataFrame({"a": [0, 0], "b": [1, 2], "similarity": [0.95, 0.2]})
    config = ScoreConfig(report_threshold=0.5, duplicate_threshold=0.05)
    reported = score_pairs(activities, pairs, config, BUILT_IN)
    assert len(reported) == 1
    row = reported.iloc[0]
    assert row["kind"] == "duplicate"
    assert "same country: NG" in row["reasons"]
    assert "cash transfers" in row["reasons"]
    assert "text similarity 0.95" in row["reasons"]
    assert row["score"] == row["p_genuine"] and row["p_duplicate"] <= row["p_genuine"]
    # P(duplicate) below the duplicate threshold: reported, as an overlap
    strict = score_pairs(activities, pairs, ScoreConfig(duplicate_threshold=1.0), BUILT_IN)
    assert list(strict["kind"]) == ["overlap"]


def test_two_contracts_of_one_programme_are_never_called_duplicates():
    """Alike wording in two lots of one programme decision is one programme described
    twice: reported as related work, saying why, not as a duplicated effort."""
    text = {"title": "Protection, health and livelihood for refugees in Burundi",
            "description": "Protection, health and livelihood for refugees in Burundi", "countries": ("BI",)}
    activities = _frame({**text, "id": "T05-REG-79-03"},
                        {**text, "id": "T05-REG-79-04", "actor": "B", "actor_key": "b"},
                        {"id": "T05-REG-79", "actor": "C", "actor_key": "c", "title": "Regional programme"})
    pairs = pd.DataFrame({"a": [0], "b": [1], "similarity": [1.0]})
    config = ScoreConfig(report_threshold=0.5, duplicate_threshold=0.05)
    assert list(score_pairs(activities, pairs, config, BUILT_IN)["kind"]) == ["duplicate"]
    reported = score_pairs(activities, pairs, config, BUILT_IN, family=Family.of(activities))
    assert list(reported["kind"]) == ["overlap"]
    assert reported["reasons"][0].startswith("parts of one programme: both under T05-REG-79; same country: BI")


def test_contributions_sum_to_the_genuine_logit():
    features = pd.DataFrame({name: np.random.default_rng(0).random(5) for name in FEATURES})
    total = BUILT_IN.explain(features).sum(axis=1) + BUILT_IN.bias
    assert np.allclose(total, BUILT_IN.logits(features)[0])


def test_scorer_file_round_trip_and_bad_file(tmp_path):
    path = tmp_path / "scorer.json"
    path.write_text('{"weights": {"text": 2.0}, "bias": -1, "name": "t"}')
    scorer = PairScorer.load(path)
    assert scorer.weights == {"text": 2.0} and scorer.bias == -1.0
    # a single-head scorer of earlier versions calls duplicates where it scored 0.99
    assert scorer.duplicate.bias == pytest.approx(-1.0 - np.log(99))
    path.write_text('{"weights": {"colour": 2.0}, "bias": 0}')
    with pytest.raises(ConfigError, match="unknown features"):
        PairScorer.load(path)
    path.write_text("not json")
    with pytest.raises(ConfigError, match="not a pair scorer"):
        PairScorer.load(path)


def test_the_embedding_stands_in_for_words_only_between_languages_it_aligns():
    """An English and a French text share no words; a multilingual embedding's
    similarity counts instead. Between languages it was not trained on (Finnish,
    Swedish) its similarity is noise and counts for nothing more."""
    activities = _frame(
        {"title": "Support to health workers", "language": "en"},
        {"actor": "B", "actor_key": "b", "title": "Appui aux agents de santé", "language": "fr"},
        {"actor": "C", "actor_key": "c", "title": "Humanitaarinen apu", "language": "fi"},
        {"actor": "D", "actor_key": "d", "title": "Humanitärt stöd", "language": "sv"},
    )
    pairs = pd.DataFrame({"a": [0, 2], "b": [1, 3], "similarity": [0.74, 0.74]})
    aligned = evidence(activities, pairs, TextIndex.build(activities, frozenset({"en", "fr"})))
    # a cosine of 0.74 across languages is as strong as most words shared (0.8)
    assert aligned["lexical"].iloc[0] == pytest.approx(0.8)
    assert aligned["lexical"].iloc[1] < 0.1
    english_only = evidence(activities, pairs, TextIndex.build(activities))
    assert english_only["lexical"].iloc[0] < 0.8


def test_shared_terms_of_many_pairs_match_each_pair_on_its_own():
    texts = ["water sanitation hygiene in camps", "camp water and sanitation services",
             "hygiene kits for displaced families", "school meals", "water trucking to camps"]
    activities = pd.DataFrame({"title": ["", "", "", "", ""], "description": texts})
    index = TextIndex.build(activities)
    a, b = np.array([0, 0, 2, 3, 4]), np.array([1, 4, 0, 1, 1])
    batch = index.shared_terms(a, b)
    alone = [index.shared_terms(a[i:i + 1], b[i:i + 1])[0] for i in range(len(a))]
    assert batch == alone
    assert "water" in " ".join(batch[0]) and batch[3] == []


def test_being_each_others_closest_counts_only_where_place_and_time_agree():
    """The same theme in another country is each other's closest activity too: no credit."""
    activities = _frame(
        {"title": "Diaspora matching grants", "countries": ("GH",)},
        {"actor": "B", "actor_key": "b", "title": "Diaspora matching grants", "countries": ("GH",)},
        {"actor": "C", "actor_key": "c", "title": "Diaspora matching grants", "countries": ("SN",)},
    )
    pairs = pd.DataFrame({"a": [0, 0], "b": [1, 2], "similarity": [0.9, 0.9]})
    features = evidence(activities, pairs, TextIndex.build(activities))
    assert features["best_match"].iloc[0] > 0
    assert features["best_match"].iloc[1] == 0


def test_pairs_whose_scores_round_alike_are_ranked_by_their_evidence():
    """Many scores round to 1.0000: the stronger evidence comes first, not the higher cosine."""
    long_text = "a description long enough to be read as one effort, not a label"
    activities = _frame(
        {"title": "a", "description": long_text, "countries": ("NG",),
         "start_date": "2020-01-01", "end_date": "2020-12-31"},
        {"actor": "B", "actor_key": "b", "title": "b", "description": long_text + " too",
         "countries": ("NG",), "start_date": "2020-01-01", "end_date": "2020-12-31"},
        {"actor": "C", "actor_key": "c", "title": "c", "description": long_text + " also",
         "countries": ("NG",)},
    )
    pairs = pd.DataFrame({"a": [0, 0], "b": [1, 2], "similarity": [0.5, 0.9]})
    head = LinearHead(weights={"country": 12.0, "dates": 12.0}, bias=0.0)
    scorer = PairScorer(genuine=head, duplicate=head)
    reported = score_pairs(activities, pairs, ScoreConfig(), scorer)
    assert list(reported["score"]) == [1.0, 1.0]
    assert list(reported["b"]) == [1, 2]


def test_the_evidence_of_some_pairs_is_their_evidence_among_all():
    """A rerun compares only the pairs of changed activities: the facts of just their rows
    must give what the whole run gives those pairs."""
    activities = _frame(
        {"title": "Water for Tahoua", "countries": ("NE",), "sectors": ("14030",),
         "start_date": "2020-01-01", "language": "en", "funders": ("Swedish Sida",)},
        {"actor": "Swedish Sida", "actor_key": "swedish sida", "title": "Water grant Tahoua",
         "countries": ("NE",), "sectors": ("14031",), "start_date": "2020-03-01", "language": "en"},
        {"actor": "C", "actor_key": "c", "title": "Eau pour Tahoua", "countries": ("ML",),
         "sectors": ("11220",), "end_date": "2019-01-01", "language": "fr",
         "description": "Forages et comités de gestion de l'eau"},
        {"actor": "D", "actor_key": "d", "title": "School meals", "countries": ("NE", "ML"),
         "language": "en", "description": "Daily meals for pupils"},
    )
    pairs = pd.DataFrame({"a": [0, 0, 1, 2], "b": [1, 2, 3, 3],
                          "similarity": [0.9, 0.7, 0.2, 0.1]})
    index = TextIndex.build(activities, frozenset({"en", "fr"}))
    whole = pairwise_evidence(activities, pairs, index)
    some = pairwise_evidence(activities, pairs.iloc[[1, 3]], index)
    pd.testing.assert_frame_equal(some, whole.iloc[[1, 3]])
    assert pairwise_evidence(activities, pairs.iloc[[]], index).empty


def test_shared_word_specificity_in_blocks_equals_all_at_once(monkeypatch):
    import scipy.sparse as sp

    from overlap import score
    from overlap.lexical import LexicalModel

    rng = np.random.default_rng(0)
    counts = sp.random(300, 500, density=0.05, format="csr", random_state=1, dtype=np.float32)
    model = LexicalModel(word_vocabulary=np.array([""] * 500), word_idf=rng.random(500) + 0.5,
                         title_vocabulary=np.array([""]), title_idf=np.ones(1), fitted_rows=300)
    index = TextIndex(words=counts, titles=counts, vocabulary=model.word_vocabulary,
                      counts=counts, title_counts=counts, model=model)
    a, b = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    whole = score.shared_word_specificity(index, a, b)
    monkeypatch.setattr(score, "SPECIFICITY_BLOCK", 777)
    blocked = score.shared_word_specificity(index, a, b)
    np.testing.assert_array_equal(blocked[0], whole[0])
    np.testing.assert_array_equal(blocked[1], whole[1])


def _varied_activities(n: int) -> pd.DataFrame:
    """Activities of several actors, languages, countries, sectors, periods and partners."""
    words = ["water", "school", "meals", "Tahoua", "forages", "health", "returnees", "grant",
             "district", "nutrition", "eau", "pour", "santé"]
    rng = np.random.default_rng(3)
    rows = []
    for i in range(n):
        actor = ["Swedish Sida", "B", "C", "D"][i % 4]
        rows.append({
            "id": f"x{i}", "actor": actor, "actor_key": actor.lower(),
            "title": " ".join(rng.choice(words, 3)), "description": " ".join(rng.choice(words, 9)),
            "countries": tuple(rng.choice(["NE", "ML", "NG"], i % 3, replace=False)),
            "sectors": (["14030", "11220", "Labour mobility"][i % 3],),
            "start_date": f"20{15 + i % 6}-0{1 + i % 9}-01", "language": ["en", "fr"][i % 2],
            "funders": ("Swedish Sida",) if i % 5 == 0 else (),
        })
    return _frame(*rows)


def test_evidence_and_scores_in_chunks_equal_one_chunk(monkeypatch):
    """Candidates are compared EVIDENCE_CHUNK pairs at a time: the chunk boundaries must
    not change a feature, a score or which pairs are reported."""
    from overlap import score

    activities = _varied_activities(24)
    a, b = np.triu_indices(len(activities), k=1)
    pairs = pd.DataFrame({"a": a, "b": b, "similarity": np.linspace(0.9, 0.1, len(a))})
    index = TextIndex.build(activities, frozenset({"en", "fr"}))
    whole = evidence(activities, pairs, index)
    whole_scores = score_pairs(activities, pairs, ScoreConfig(report_threshold=0.0), BUILT_IN,
                               index, whole)
    monkeypatch.setattr(score, "EVIDENCE_CHUNK", 7)
    monkeypatch.setattr(score, "REASONS_CHUNK", 5)  # reasons, too, are written in chunks
    chunked = evidence(activities, pairs, index)
    pd.testing.assert_frame_equal(chunked, whole)
    assert chunked["title"].nunique() > 3 and chunked["role_link"].sum() > 0
    # known rows are kept, the unknown ones computed in chunks
    known = whole[list(score.PAIRWISE)].copy()
    known.iloc[::3] = np.nan
    pd.testing.assert_frame_equal(evidence(activities, pairs, index, known), whole)
    chunked_scores = score_pairs(activities, pairs, ScoreConfig(report_threshold=0.0), BUILT_IN,
                                 index, evidence(activities, pairs, index))
    pd.testing.assert_frame_equal(chunked_scores, whole_scores)
    assert len(whole_scores) == len(pairs) and whole_scores["reasons"].nunique() > 5
