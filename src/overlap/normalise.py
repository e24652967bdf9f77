"""Turn the text cells read from exports into clean, comparable activity records.

Errors here (no actor, duplicate ids) stop a run; problems with one value (a date
that does not parse, a row without text) are warnings: the value or the row is
skipped and counted, never silently lost.
"""

from __future__ import annotations

import datetime
import functools
import gettext
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from overlap.read import Problem, ReadResult
from overlap.schema import LIST_FIELDS

_WHITESPACE = re.compile(r"\s+")
#: separators between several values in one cell; commas only for code-like fields
_LIST_SPLIT = re.compile(r"\s*[;|\n]\s*")
_LIST_SPLIT_WITH_COMMA = re.compile(r"\s*[;|,\n]\s*")


@dataclass
class Normalised:
    activities: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[Problem] = field(default_factory=list)
    #: the languages detected (text digest -> language), which a rerun reuses
    detected_languages: dict[str, str] = field(default_factory=dict)


def clean_text(value: str) -> str:
    """Whitespace runs collapsed to one space (str.split: the regex's whitespace, 4x faster)."""
    return " ".join(value.split()) if value else ""


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: for comparing names (cached:
    the same few thousand organisation names are folded again and again)."""
    if not text.isascii():  # ASCII has no accents to take off (most names: 0.4 s a run)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", re.sub(r"[^\w]+", " ", text.casefold())).strip()


_ACRONYM_IN_BRACKETS = re.compile(r"\(([A-Za-z][A-Za-z0-9&\-\. ]{1,14})\)\s*$")


def actor_key(name: str, aliases: dict[str, str] | None = None) -> str:
    """The key one organisation has whatever its spelling.

    'United Nations High Commissioner for Refugees (UNHCR)' and 'unhcr' share the
    key 'unhcr': a trailing acronym in brackets is the organisation's short name.
    Aliases (folded alias -> canonical name) are applied first and last.
    """
    aliases = aliases or {}
    name = clean_text(name)
    name = aliases.get(fold(name), name)
    match = _ACRONYM_IN_BRACKETS.search(name)
    key = fold(match.group(1)) if match else fold(name)
    key = key.replace(" ", "") if match else key
    return fold(aliases.get(key, key))


_NAME_LINK_WORDS = frozenset(
    "for of the and in on de des du la le les et pour y del el los las und fur".split()
)


@functools.lru_cache(maxsize=65536)
@functools.lru_cache(maxsize=65536)
def org_keys(name: str) -> frozenset[str]:
    """Every key an organisation may be known by: its folded name, the acronym in
    brackets, and the initials of a long name ('U.S. Agency for International
    Development' -> 'usaid'), so that an implementer naming 'USAID' as its funder
    meets the actor 'U.S. Agency for International Development'."""
    name = clean_text(name)
    if not name:
        return frozenset()
    keys = {actor_key(name)}
    bare = fold(re.sub(r"\(.*?\)", " ", name))
    if bare:
        keys.add(bare)
        words = [w for w in bare.split() if w not in _NAME_LINK_WORDS]
        if len(words) >= 3:
            keys.add("".join(w[0] for w in words))
    return frozenset(k for k in keys if len(k) >= 2)


#: an IATI organisation identifier: country or agency prefix, then a code with a digit
#: ('CA-3', 'XM-DAC-5-7', 'GB-CHC-285908'; not 'XI-IATI', a registration agency alone)
_PUBLISHER_PREFIX = re.compile(r"^[A-Z]{2}-[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")


def publisher_prefix(ids: list[str]) -> str:
    """The identifier all of an actor's activity ids begin with, if it names an organisation.

    IATI activity ids start with the publisher's organisation identifier, whatever
    name the publisher goes by in a given file or language.
    """
    if len(ids) < 2:
        return ""
    parts = [i.split("-")[:-1] for i in ids]
    common: list[str] = []
    for segments in zip(*parts):
        if len(set(segments)) > 1:
            break
        common.append(segments[0])
    prefix = "-".join(common)
    if not _PUBLISHER_PREFIX.match(prefix) or not any(c.isdigit() for c in prefix):
        return ""
    return prefix


def publisher_aliases(actor_keys: pd.Series, ids: pd.Series) -> dict[str, tuple[str, str]]:
    """Actor keys that publish under one organisation identifier -> (canonical key, prefix).

    'Deutschland - Auswärtiges Amt' and 'Germany - Federal Foreign Office' publish
    under XM-DAC-5-7: one organisation in two languages, so one actor. The
    canonical key is the one with most activities.
    """
    groups = ids.groupby(actor_keys.to_numpy(), sort=True)
    prefixes = {key: publisher_prefix(group.tolist()) for key, group in groups}
    sizes = groups.size()
    by_prefix: dict[str, list[str]] = {}
    for key, prefix in prefixes.items():
        if prefix:
            by_prefix.setdefault(prefix, []).append(key)
    merged: dict[str, tuple[str, str]] = {}
    for prefix, keys in by_prefix.items():
        if len(keys) < 2:
            continue
        canonical = max(keys, key=lambda k: (sizes[k], k))
        merged.update({k: (canonical, prefix) for k in keys if k != canonical})
    return merged


def named_organisations(funders, implementers, participants) -> list[str]:
    """Names of the organisations an activity names; participants are 'role:name'."""
    names = [*funders, *implementers]
    for participant in participants:
        role, colon, name = participant.partition(":")
        names.append(name if colon and role.strip().isdigit() else participant)
    return [n.strip() for n in names if n.strip()]


def activity_keys(activities: pd.DataFrame) -> np.ndarray:
    """(actor, id) as one string: what identifies an activity from run to run."""
    return (activities["actor_key"] + "\x1f" + activities["id"]).to_numpy()


def add_org_keys(frame: pd.DataFrame, aliases: dict[str, str] | None = None) -> None:
    """Organisation keys, computed once: whom each activity names, and who it is."""
    aliases = aliases or {}
    # one publisher's activities mostly name the same organisations: key each list once
    named: dict[tuple, frozenset[str]] = {}
    for lists in zip(frame["funders"], frame["implementers"], frame["participating_orgs"]):
        if lists not in named:
            named[lists] = frozenset().union(
                *(org_keys(aliases.get(fold(n), n)) for n in named_organisations(*lists)))
    frame["named_keys"] = [
        named[lists] for lists in zip(frame["funders"], frame["implementers"], frame["participating_orgs"])
    ]
    frame["actor_keys"] = [
        org_keys(aliases.get(fold(a), a)) | {k} for a, k in zip(frame["actor"], frame["actor_key"])
    ]


@functools.lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    """Folded country name or code (English, French, Spanish) -> ISO 3166 alpha-2."""
    import pycountry

    lookup: dict[str, str] = {}
    translations = []
    for language in ("fr", "es"):
        try:
            translations.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
            )
        except OSError:
            pass
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.alpha_2, country.alpha_3, country.name}
        for attribute in ("official_name", "common_name"):
            if hasattr(country, attribute):
                names.add(getattr(country, attribute))
        for translation in translations:
            names.add(translation.gettext(country.name))
        for name in names:
            lookup[fold(name)] = code
            short = fold(re.sub(r",.*$|\(.*?\)", "", name))
            lookup.setdefault(short, code)
    lookup.update({
        "uk": "GB", "great britain": "GB", "england": "GB", "usa": "US", "u s": "US",
        "ivory coast": "CI", "cote d ivoire": "CI", "drc": "CD", "dr congo": "CD",
        "rdc": "CD", "democratic republic of congo": "CD", "congo kinshasa": "CD",
        "congo brazzaville": "CG", "syria": "SY", "syrie": "SY", "russia": "RU",
        "iran": "IR", "laos": "LA", "vietnam": "VN", "south korea": "KR",
        "north korea": "KP", "tanzania": "TZ", "bolivia": "BO", "venezuela": "VE",
        "moldova": "MD", "palestine": "PS", "turkey": "TR", "turquie": "TR",
        "kosovo": "XK", "gambia": "GM", "the gambia": "GM", "micronesia": "FM",
    })
    return lookup


def country_code(value: str) -> str:
    """ISO alpha-2 code for a country name or code in en/fr/es, else the cleaned value."""
    return _country_lookup().get(fold(value), clean_text(value))


_PCODE = re.compile(r"\[([A-Z]{2})[0-9A-Z]*\]\s*$")


def countries_from_pcodes(locations: tuple[str, ...]) -> tuple[str, ...]:
    """P-codes start with the country's ISO alpha-2 code: 'Bulen [ET060207]' -> ET."""
    codes = set(_country_lookup().values())
    found = (m.group(1) for m in (_PCODE.search(item) for item in locations) if m)
    return tuple(dict.fromkeys(code for code in found if code in codes))


@functools.lru_cache(maxsize=1 << 16)
def split_list(value: str, allow_comma: bool = False) -> tuple[str, ...]:
    if not value or not value.strip():
        return ()
    pattern = _LIST_SPLIT_WITH_COMMA if allow_comma else _LIST_SPLIT
    seen: dict[str, None] = {}
    for item in pattern.split(value.strip()):
        item = clean_text(item)
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


_FRENCH_MONTHS = {
    "janvier": "january", "fevrier": "february", "mars": "march", "avril": "april",
    "mai": "may", "juin": "june", "juillet": "july", "aout": "august",
    "septembre": "september", "octobre": "october", "novembre": "november",
    "decembre": "december", "enero": "january", "febrero": "february", "marzo": "march",
    "abril": "april", "mayo": "may", "junio": "june", "julio": "july", "agosto": "august",
    "septiembre": "september", "octubre": "october", "noviembre": "november",
    "diciembre": "december",
}


@functools.lru_cache(maxsize=65536)
def parse_date(value: str, *, end: bool = False) -> str | None:
    """ISO date for the many ways exports write one; None when it cannot be read.

    A bare year or year-month means its first day for a start date and its last
    day for an end date, so that '2021' to '2021' spans the whole year.
    """
    text = clean_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12-31" if end else f"{text}-01-01"
    if re.fullmatch(r"\d{4}-\d{1,2}", text):
        try:
            period = pd.Period(text, freq="M")
        except ValueError:  # month 13, year 0
            return None
        return (period.end_time if end else period.start_time).date().isoformat()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", text):
        try:
            parsed = pd.Timestamp(datetime.date.fromisoformat(text[:10]))
        except ValueError:
            return None
    else:
        words = fold(text)
        for foreign, english in _FRENCH_MONTHS.items():
            words = re.sub(rf"\b{foreign}\b", english, words)
        candidate = text if words == fold(text) else words
        try:
            with warnings.catch_warnings():
                # '20210101' has no day to put first: pandas says so on stderr (which cron
                # mails) though it reads the date right
                warnings.filterwarnings("ignore", "Parsing dates in", UserWarning)
                parsed = pd.to_datetime(candidate, dayfirst=True, errors="coerce")
        except (ValueError, OverflowError):
            parsed = pd.NaT
    if pd.isna(parsed) or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()


#: An amount in scientific notation ("12e3", "1.5E+6"), as spreadsheets export large numbers.
_SCIENTIFIC = re.compile(r"(?<![\d.,])[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+(?![\d.,])")


def parse_budget(value: str) -> float | None:
    """The amount in a budget cell, or None when there is no number or it is not finite
    ("1e400" is refused, never read as 1400)."""
    text = clean_text(value)
    if not text:
        return None
    scientific = _SCIENTIFIC.search(text)
    amount = float(scientific.group()) if scientific else _plain_amount(text)
    return amount if amount is not None and np.isfinite(amount) else None


def _plain_amount(text: str) -> float | None:
    """An amount with separators of either convention: 'USD 1,250,000', '1.234,50 €'."""
    digits = re.sub(r"[^\d,.\-]", "", text)
    if not re.search(r"\d", digits):
        return None
    if "," in digits and "." in digits:
        # the last separator is the decimal one: 1,234.50 or 1.234,50
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        head, _, tail = digits.rpartition(",")
        digits = digits.replace(",", "") if len(tail) == 3 else head.replace(",", "") + "." + tail
    elif digits.count(".") > 1:
        digits = digits.replace(".", "")
    try:
        return float(digits)
    except ValueError:
        return None


def normalise(read: ReadResult, aliases: dict[str, str] | None = None,
              publisher_ids: bool = True, detected: dict[str, str] | None = None) -> Normalised:
    """Clean every field; collect errors and warnings with their file, row and column.

    ``publisher_ids``: actors whose activity ids share one organisation identifier
    are one actor (see ``publisher_aliases``). ``detected``: languages an earlier
    run detected (``language.detect_all``).
    """
    aliases = aliases or {}
    frame = read.activities.copy()
    result = Normalised(activities=frame)
    mappings = {str(s.path): s.mapping for s in read.sources}

    def column_of(file: str, name: str) -> str:
        return mappings.get(file, {}).get(name, name)

    for name in ("id", "actor", "title", "description", "currency", "language"):
        frame[name] = frame[name].map(clean_text)

    # actor: required on every row
    for index in frame.index[frame["actor"] == ""]:
        file, row = frame.at[index, "source_file"], int(frame.at[index, "source_row"])
        result.problems.append(Problem(
            "error", "no actor: the cell is empty (expected the organisation that "
            "runs or reports the activity)", file, row, column_of(file, "actor"),
        ))

    # id: generated from the row when the file has no id column or the cell is empty
    missing_id = frame["id"] == ""
    for index in frame.index[missing_id]:
        file = frame.at[index, "source_file"]
        if "id" in mappings.get(file, {}):
            result.problems.append(Problem(
                "warning", "empty id; the row number is used instead", file,
                int(frame.at[index, "source_row"]), column_of(file, "id"),
            ))
    frame.loc[missing_id, "id"] = [
        f"{_stem(f)}:{r}" for f, r in zip(frame.loc[missing_id, "source_file"],
                                          frame.loc[missing_id, "source_row"])
    ]

    frame["actor_key"] = [actor_key(a, aliases) for a in frame["actor"]]
    if publisher_ids:
        _merge_publishers(frame, result)

    # an activity with no text but its sectors is a presence record (as a 3W table without
    # an activity column): its sectors name what is done and stand in for its title
    no_text = (frame["title"] == "") & (frame["description"] == "")
    labels = [_sector_label(split_list(s)) for s in frame.loc[no_text, "sectors"]]
    frame.loc[no_text, "title"] = labels
    for file, count in pd.Series([f for f, label in zip(frame.loc[no_text, "source_file"], labels)
                                  if label]).value_counts().sort_index().items():
        result.problems.append(Problem(
            "warning", f"{count} activities have no title or description: their sectors stand "
            "in as titles (compared as labels, never as duplicates)", file))

    # rows without any text are skipped, with a warning
    no_text = (frame["title"] == "") & (frame["description"] == "")
    for index in frame.index[no_text]:
        file = frame.at[index, "source_file"]
        problem = Problem("warning", "no title or description; row skipped", file,
                          int(frame.at[index, "source_row"]))
        result.problems.append(problem)
        result.skipped_rows.append(problem)
    frame = frame.loc[~no_text].copy()

    # duplicate ids within one actor make pairs ambiguous: an error naming both rows;
    # a row that repeats another word for word is only a repeat: skipped, with a warning
    content = [c for c in frame.columns if c not in ("source_file", "source_row")]
    repeats = frame.duplicated(subset=content, keep="first")
    for index in frame.index[repeats]:
        problem = Problem("warning", "repeats an earlier row of the same activity; row skipped",
                          frame.at[index, "source_file"], int(frame.at[index, "source_row"]))
        result.problems.append(problem)
        result.skipped_rows.append(problem)
    frame = frame.loc[~repeats].copy()
    duplicated = frame.duplicated(subset=["actor_key", "id"], keep=False)
    for (_, activity_id), group in frame[duplicated].groupby(["actor_key", "id"], sort=False):
        first = group.iloc[0]
        for _, later in group.iloc[1:].iterrows():
            result.problems.append(Problem(
                "error",
                f"duplicate id {activity_id!r} for actor {later['actor']!r} "
                f"(also at {first['source_file']} row {first['source_row']}); "
                "expected one row per activity",
                later["source_file"], int(later["source_row"]),
                column_of(later["source_file"], "id"),
            ))

    for name in LIST_FIELDS:
        allow_comma = name == "countries"
        frame[name] = [split_list(v, allow_comma) for v in frame[name]]
    frame["countries"] = [tuple(dict.fromkeys(country_code(c) for c in cs)) for cs in frame["countries"]]
    frame["countries"] = [
        cs or countries_from_pcodes(ls) for cs, ls in zip(frame["countries"], frame["locations"])
    ]

    for name, is_end in (("start_date", False), ("end_date", True)):
        parsed = []
        for index, value in zip(frame.index, frame[name]):
            date = parse_date(value, end=is_end)
            if date is None and clean_text(value):
                file = frame.at[index, "source_file"]
                result.problems.append(Problem(
                    "warning", f"unreadable date {value!r}; value skipped "
                    "(expected e.g. 2021-03-31, 31/03/2021 or 2021)",
                    file, int(frame.at[index, "source_row"]), column_of(file, name),
                ))
            parsed.append(date or "")
        frame[name] = parsed
    # ISO dates compare as text; which of the two is wrong is unknown: both are kept
    reversed_period = (frame["start_date"] != "") & (frame["end_date"] != "") & (
        frame["start_date"] > frame["end_date"])
    for index in frame.index[reversed_period]:
        file = frame.at[index, "source_file"]
        result.problems.append(Problem(
            "warning", f"starts ({frame.at[index, 'start_date']}) after it ends "
            f"({frame.at[index, 'end_date']}); dates kept as given",
            file, int(frame.at[index, "source_row"]), column_of(file, "start_date"),
        ))

    add_org_keys(frame, aliases)

    budgets = []
    for index, value in zip(frame.index, frame["budget"]):
        amount = parse_budget(value)
        if amount is None and clean_text(value):
            file = frame.at[index, "source_file"]
            result.problems.append(Problem(
                "warning", f"unreadable budget {value!r}; value skipped (expected a number)",
                file, int(frame.at[index, "source_row"]), column_of(file, "budget"),
            ))
        elif amount is not None and amount < 0:
            file = frame.at[index, "source_file"]
            result.problems.append(Problem(
                "warning", f"negative budget {value!r}; kept as given",
                file, int(frame.at[index, "source_row"]), column_of(file, "budget"),
            ))
        budgets.append(np.nan if amount is None else amount)
    frame["budget"] = budgets
    frame["language"] = frame["language"].str.lower().str[:2]
    unknown = frame["language"] == ""
    if unknown.any():
        from overlap.language import detect_all

        texts = [f"{t} {d}" for t, d in zip(frame.loc[unknown, "title"], frame.loc[unknown, "description"])]
        frame.loc[unknown, "language"], result.detected_languages = detect_all(texts, detected)

    # plain Python strings: the later stages loop over these columns in Python, which
    # is 4x slower over pandas' string arrays than over object arrays (measured)
    text_columns = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c])
                    and frame[c].dtype != object]
    result.activities = frame.astype({c: object for c in text_columns}).reset_index(drop=True)
    return result


def _merge_publishers(frame: pd.DataFrame, result: Normalised) -> None:
    """One actor per publisher identifier, with a warning naming the names merged."""
    merged = publisher_aliases(frame["actor_key"], frame["id"])
    if not merged:
        return
    names = frame.drop_duplicates("actor_key").set_index("actor_key")
    for key, (canonical, prefix) in merged.items():
        first = names.loc[key]
        result.problems.append(Problem(
            "warning",
            f"actors {first['actor']!r} and {names.at[canonical, 'actor']!r} publish under one "
            f"organisation identifier ({prefix}); counted as one actor "
            "(input.publisher_aliases = false keeps them apart)",
            first["source_file"],
        ))
    frame["actor_key"] = frame["actor_key"].map(lambda k: merged.get(k, (k, ""))[0])


#: sector cells that say nothing
_PLACEHOLDERS = {"", "null", "na", "n/a", "none", "-", "0"}


def _sector_label(sectors: tuple[str, ...]) -> str:
    """An activity's sectors as a label ("Education; Health"), "" when none says anything."""
    return "; ".join(s for s in sectors if s.strip().lower() not in _PLACEHOLDERS)


def _stem(file: str) -> str:
    return re.sub(r"\.[^./\\]+$", "", file.replace("\\", "/").rsplit("/", 1)[-1])
