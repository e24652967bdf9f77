"""Property-based fuzzing of every reader and of `normalise`: whatever the bytes, reading
ends in a result or in an error the user is shown (OverlapError: exit 2), never a traceback,
and prints no warning.

Profiles (HYPOTHESIS_PROFILE): ``test`` (the default, a few seconds, in `make test`) and
``fuzz`` (`make fuzz`, thousands of files per reader).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from overlap.columns import HEADER_SYNONYMS  # noqa: E402
from overlap.config import load_config  # noqa: E402
from overlap.errors import OverlapError  # noqa: E402
from overlap.normalise import normalise  # noqa: E402
from overlap.pipeline import read_activities  # noqa: E402
from overlap.read import ReadResult, SourceFile  # noqa: E402
from overlap.schema import CANONICAL_FIELDS, SOURCE_FIELDS  # noqa: E402

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("test", max_examples=15, deadline=None, derandomize=True,
                          suppress_health_check=_QUIET)
settings.register_profile("fuzz", max_examples=2000, deadline=None,
                          suppress_health_check=_QUIET)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "test")

#: a run's config without the language model: detection is not what is fuzzed here
CONFIG = load_config(None, {"embed": {"embedder": "tfidf"}})
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32",
             "shift_jis", "koi8-r")

# ---------------------------------------------------------------- what files hold

#: headers a reader knows (every canonical field's names), and anything else
headers = st.one_of(
    st.sampled_from([s for synonyms in HEADER_SYNONYMS.values() for s in synonyms]),
    st.sampled_from(["#org+name", "#activity+name", "#adm1+name", "#adm2+code", "#date+start"]),
    st.text(max_size=12),
)
#: cell values: plausible ones (dates, amounts, codes) and hostile ones
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "nan", "2021", "2021-13", "31/02/2020", "1e400", "12e3", "-5",
                     "1,234.50", "1.234,50", "=HYPERLINK(\"x\")", "\x00", "\x1b[2J", "\"",
                     "NE; ML; SN", "2020-01-01T00:00", "9999-12-31", "0000-00-00"]),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def csv_files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(1, 8))
    header = draw(st.lists(headers, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=8))
    quote = draw(st.booleans())

    def line(values: list[str]) -> str:
        if quote:
            values = ['"' + v.replace('"', '""') + '"' for v in values]
        return delimiter.join(values)

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(line(values) for values in [header, *rows])
    return encode(text, draw(st.sampled_from(ENCODINGS)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | cells,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(headers, children, max_size=4),
    max_leaves=20,
)
records = st.dictionaries(headers, json_values, max_size=8)


@st.composite
def json_files(draw) -> bytes:
    data = draw(st.one_of(
        st.lists(records, max_size=6),
        st.dictionaries(st.text(max_size=10), st.lists(records, max_size=6), max_size=3),
        json_values,
    ))
    text = json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return encode(text, draw(st.sampled_from(ENCODINGS)))


@st.composite
def jsonl_files(draw) -> bytes:
    lines = draw(st.lists(st.one_of(records.map(json.dumps), json_values.map(json.dumps),
                                    st.text(max_size=20)), max_size=8))
    return encode("\n".join(lines), draw(st.sampled_from(ENCODINGS)))


IATI_ELEMENTS = ("iati-identifier", "reporting-org", "title", "description",
                 "participating-org", "recipient-country", "sector", "activity-date", "budget",
                 "related-activity", "narrative", "value", "location")
IATI_ATTRIBUTES = ("ref", "type", "role", "code", "iso-date", "value-date", "currency",
                   "vocabulary", "xml:lang", "default-currency", "version")


def xml_elements(depth: int = 2):
    attributes = st.dictionaries(st.sampled_from(IATI_ATTRIBUTES), cells, max_size=3)
    text = cells.map(lambda v: escape("".join(c for c in v if c >= " " or c in "\t\n")))
    if depth == 0:
        return st.tuples(st.sampled_from(IATI_ELEMENTS), attributes, text, st.just([]))
    return st.tuples(st.sampled_from(IATI_ELEMENTS), attributes, text,
                     st.lists(xml_elements(depth - 1), max_size=3))


def render(element) -> str:
    tag, attributes, text, children = element
    attrs = "".join(f" {name}={quoteattr(''.join(c for c in value if c >= ' '))}"
                    for name, value in attributes.items())
    return f"<{tag}{attrs}>{text}{''.join(render(child) for child in children)}</{tag}>"


@st.composite
def xml_files(draw) -> bytes:
    activities = draw(st.lists(st.lists(xml_elements(), max_size=6), max_size=4))
    body = "".join("<iati-activity>" + "".join(render(e) for e in children) + "</iati-activity>"
                   for children in activities)
    version = draw(st.sampled_from(["1.05", "2.03", "", "x"]))
    root = f'<iati-activities version="{version}">{body}</iati-activities>'
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
    declared = draw(st.sampled_from([encoding, "utf-8", None]))
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    document = head + root
    if draw(st.booleans()):  # cut short, as a download that failed
        document = document[: draw(st.integers(0, len(document)))]
    return encode(document, encoding)


def printable_only(text: str) -> str:
    """What a worksheet cell can hold (openpyxl refuses control characters)."""
    return "".join(c for c in text if c >= " " and c != "\x7f")


@st.composite
def xlsx_files(draw) -> bytes:
    width = draw(st.integers(1, 5))
    header = draw(st.lists(headers, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(st.one_of(cells, st.integers(), st.floats(allow_nan=False,
                                                                          allow_infinity=False)),
                                  min_size=width, max_size=width), max_size=5))
    buffer = io.BytesIO()
    clean = [[printable_only(v) if isinstance(v, str) else v for v in row] for row in rows]
    columns = list(dict.fromkeys(printable_only(h) or f"c{i}" for i, h in enumerate(header)))
    pd.DataFrame([row[:len(columns)] for row in clean], columns=columns).to_excel(
        buffer, index=False)
    data = buffer.getvalue()
    if draw(st.booleans()):  # damaged: a byte range overwritten
        start = draw(st.integers(0, len(data) - 1))
        data = data[:start] + draw(st.binary(max_size=64)) + data[start + 64:]
    return data


SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".xml", ".xlsx")

# ---------------------------------------------------------------- the properties


@contextmanager
def nothing_on_stderr():
    """No warning either: under cron, whatever reaches stderr is mailed."""
    with warnings.catch_warnings(record=True) as printed:
        warnings.simplefilter("always")
        yield
    assert [f"{w.category.__name__}: {w.message}" for w in printed] == []


def read_without_traceback(files: dict[str, bytes]) -> None:
    """Read and normalise the files as `overlap run` does: a result, or an OverlapError."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        with nothing_on_stderr():
            try:
                read_activities([Path(folder)], CONFIG)
            except OverlapError:
                pass


@settings(settings.get_profile(PROFILE))
@given(st.binary(max_size=4096), st.sampled_from(SUFFIXES))
def test_random_bytes_under_any_name(data, suffix):
    read_without_traceback({f"file{suffix}": data})


@settings(settings.get_profile(PROFILE))
@given(csv_files(), st.sampled_from([".csv", ".tsv", ".txt"]))
def test_random_csv(data, suffix):
    read_without_traceback({f"a{suffix}": data})


@settings(settings.get_profile(PROFILE))
@given(json_files())
def test_random_json(data):
    read_without_traceback({"a.json": data})


@settings(settings.get_profile(PROFILE))
@given(jsonl_files())
def test_random_jsonl(data):
    read_without_traceback({"a.jsonl": data})


@settings(settings.get_profile(PROFILE))
@given(xml_files())
def test_random_iati_xml(data):
    read_without_traceback({"a.xml": data})


@settings(settings.get_profile(PROFILE), max_examples=max(5, settings.get_profile(PROFILE)
                                                          .max_examples // 5))
@given(xlsx_files())
def test_random_xlsx(data):
    read_without_traceback({"a.xlsx": data})


@settings(settings.get_profile(PROFILE))
@given(st.lists(st.tuples(csv_files(), json_files()), min_size=1, max_size=2))
def test_several_files_together(pairs):
    files = {}
    for number, (csv_data, json_data) in enumerate(pairs):
        files[f"actor{number}.csv"] = csv_data
        files[f"other{number}.json"] = json_data
    read_without_traceback(files)


@st.composite
def read_results(draw) -> ReadResult:
    rows = draw(st.lists(st.fixed_dictionaries({
        name: cells for name in CANONICAL_FIELDS
    }), max_size=10))
    frame = pd.DataFrame(rows, columns=list(CANONICAL_FIELDS)).fillna("")
    frame["source_file"] = draw(st.sampled_from(["a.csv", "b.json"]))
    frame["source_row"] = list(range(2, len(frame) + 2))
    sources = [SourceFile(path=Path(name), format="csv") for name in ("a.csv", "b.json")]
    return ReadResult(activities=frame[[*CANONICAL_FIELDS, *SOURCE_FIELDS]], sources=sources)


@settings(settings.get_profile(PROFILE))
@given(read_results(), st.booleans())
def test_normalise_takes_any_text_cells(read, publisher_ids):
    with nothing_on_stderr():
        result = normalise(read, publisher_ids=publisher_ids)
    assert len(result.activities) <= len(read.activities)
    assert all(p.severity in ("error", "warning") for p in result.problems)
