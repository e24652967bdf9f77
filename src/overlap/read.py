"""Read project exports (CSV, XLSX, JSON, JSONL) into one table of canonical columns.

Reading is separate from normalising: this stage only finds the rows and decides
which column feeds which canonical field; values stay as the text the file holds.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import pandas as pd

from overlap.columns import (
    LINK_FIELDS,
    PARTICIPANT_ROLES,
    ColumnPlan,
    hashtag_row,
    map_columns,
    map_hashtags,
)
from overlap.errors import InputError
from overlap.schema import CANONICAL_FIELDS, LIST_FIELDS, LIST_SEPARATOR, SOURCE_FIELDS, TEXT_FIELDS

SUPPORTED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson", ".xml"}

#: A workbook is a zip: what it declares it unpacks to is checked before it is opened, so a
#: small file holding gigabytes of sheet (a zip bomb) is refused instead of filling memory.
MAX_WORKBOOK_UNPACKED_BYTES = 200 * 2**20
#: Unpacked / packed size of one part; real sheets compress about 10 times.
MAX_COMPRESSION_RATIO = 100
#: Parts smaller than this unpacked are not held to the ratio (tiny parts compress oddly).
RATIO_CHECKED_FROM_BYTES = 2**20
#: Rows read per sheet; a longer sheet is refused rather than cut short.
MAX_SHEET_ROWS = 250_000

@dataclass
class Problem:
    """One thing wrong with the input; errors stop a run, warnings are counted."""

    severity: str  # "error" | "warning"
    message: str
    file: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class SourceFile:
    """What was read from one file, for `inspect` and run.json."""

    path: Path
    format: str
    rows: int = 0
    sha256: str = ""
    encoding: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: extra facts a format reader wants shown (e.g. IATI version, dangling links)
    details: dict[str, object] = field(default_factory=dict)
    #: ids one organisation lists on several rows (numbered): rows, activities, the first listed
    repeated_ids: dict[str, object] = field(default_factory=dict)
    #: cross-references to other activities the file declares (``ReadResult.links`` rows)
    links: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "format": self.format,
            "rows": self.rows,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "mapping": self.mapping,
            "unmapped_columns": self.unmapped_columns,
            "details": self.details,
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(paths: list[Path], exclude: list[str] | None = None) -> list[Path]:
    """Expand folders into their supported files (sorted; hidden and excluded files skipped).

    ``exclude`` holds glob patterns matched against each file's name and path.
    """
    exclude = exclude or []
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                    and not child.name.startswith("~$")
                    and not any(child.match(p) or fnmatch(child.name, p) for p in exclude)
                ):
                    found.append(child)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError("no such file or folder", file=str(path))
    if not found:
        raise InputError(
            "no input files found",
            file=", ".join(str(p) for p in paths),
            expected="CSV, XLSX, JSON, JSONL or IATI XML files",
        )
    return found


#: byte-order marks of UTF-16, as Excel's "Unicode text" and some IATI exports start
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(path: Path, source: SourceFile) -> str:
    raw = path.read_bytes()
    if raw.startswith(UTF16_BOMS):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"starts as UTF-16 (byte-order mark) but is not valid UTF-16: {exc.reason} "
                             f"at byte {exc.start}", file=str(path),
                             expected="UTF-8, or UTF-16 as Excel's 'Unicode text' writes it") from None
        source.encoding = "utf-16"
        return text
    try:
        text = raw.decode("utf-8-sig")
        source.encoding = "utf-8-bom" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text
    except UnicodeDecodeError:
        pass
    source.encoding = "cp1252"
    source.problems.append(
        Problem("warning", "not valid UTF-8; read as Windows-1252 (cp1252)", str(path))
    )
    return raw.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _read_csv(path: Path, source: SourceFile) -> tuple[pd.DataFrame, list[int]]:
    text = _decode(path, source)
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    source.details["delimiter"] = delimiter
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            # index_col=False: rows longer than the header must not turn the first column
            # into the index and shift every field left; pandas warns instead, and we stop
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                index_col=False,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"cannot read as CSV: {_first_line(exc)}", file=str(path)) from None
    if any("Length of header" in str(w.message) for w in caught):
        _raise_for_long_rows(text, delimiter, path)
    rows = [i + 2 for i in range(len(frame))]
    _raise_for_swallowed_rows(frame, rows, delimiter, path)
    return frame, rows


def _fields(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # e.g. a field over the csv module's size limit
        return 0


def _raise_for_long_rows(text: str, delimiter: str, path: Path) -> None:
    """Name the first row with more fields than the header (read as is, every field would shift)."""
    try:
        records = (r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r)
        header = next(records, [])
        for row, record in enumerate(records, start=2):
            if len(record) > len(header):
                raise InputError(
                    f"{len(record)} fields where the header has {len(header)}: the fields cannot be "
                    "matched to the columns", file=str(path), row=row,
                    expected="as many fields in each row as in the header (no delimiter at the end of rows)")
    except csv.Error:
        pass
    raise InputError("rows with more fields than the header", file=str(path),
                     expected="as many fields in each row as in the header")


def _raise_for_swallowed_rows(frame: pd.DataFrame, rows: list[int], delimiter: str, path: Path) -> None:
    """Stop at a cell holding lines that look like rows of the file: a quote opened in it was
    not closed where the cell ends, so the rows after it were read into that one cell."""
    fields = max(len(frame.columns), 3)
    found = []
    for column in frame.columns:
        cells = frame[column]
        if cells.dtype != object and not isinstance(cells.dtype, pd.StringDtype):
            continue
        for position in cells.str.contains("\n", regex=False).to_numpy().nonzero()[0]:
            lines = cells.iat[position].splitlines()
            swallowed = sum(_fields(line, delimiter) >= fields for line in lines[1:])
            if swallowed:
                found.append((position, str(column), len(lines), swallowed))
                break
    if found:
        position, column, lines, swallowed = min(found)
        raise InputError(
            f"a quote opened in this cell is not closed: the cell runs over {lines} lines, "
            f"{swallowed} of them rows of the file", file=str(path), row=rows[position], column=column,
            expected='a closing quote (a quote inside a quoted cell is written "")')


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose zip declares more than the limits allow (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"cannot read as an Excel workbook: {_first_line(exc)}", file=str(path),
                         expected="an .xlsx file") from None
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise InputError(
            f"the workbook unpacks to {unpacked / 2**20:,.0f} MB, over the limit of "
            f"{MAX_WORKBOOK_UNPACKED_BYTES / 2**20:,.0f} MB", file=str(path),
            expected="a smaller workbook (or export the sheet as CSV)")
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                f"{part.filename} unpacks {ratio:,.0f} times its packed size, over the limit of "
                f"{MAX_COMPRESSION_RATIO} (a zip bomb?)", file=str(path),
                expected="a workbook as a spreadsheet program writes it")


def _read_xlsx(path: Path, source: SourceFile) -> tuple[pd.DataFrame, list[int]]:
    _check_workbook_size(path)
    try:
        # one row past the limit tells a sheet at the limit from a longer one
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, nrows=MAX_SHEET_ROWS + 1)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(
            f"cannot read as an Excel workbook: {_first_line(exc)}",
            file=str(path),
            expected="an .xlsx file",
        ) from None
    frames, rows = [], []
    for name, sheet in sheets.items():
        if len(sheet) > MAX_SHEET_ROWS:
            raise InputError(f"sheet {name!r} has more than {MAX_SHEET_ROWS:,} rows, the limit per sheet",
                             file=str(path), expected="a smaller sheet (or split it into files)")
        sheet = sheet.dropna(how="all")
        if sheet.empty:
            continue
        frames.append(sheet.assign(_sheet=name))
        rows.extend(int(i) + 2 for i in sheet.index)
    if not frames:
        raise InputError("the workbook has no rows", file=str(path))
    if len(frames) > 1:
        source.details["sheets"] = [str(f["_sheet"].iloc[0]) for f in frames]
    frame = pd.concat(frames, ignore_index=True).drop(columns="_sheet")
    return frame.map(_cell_to_text), rows


def _cell_to_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_value(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # null, or NaN from null
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_json_value(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        # {"name": ...} objects, e.g. organisations
        for key in ("name", "narrative", "title", "text", "code", "value"):
            if key in value:
                return _json_value(value[key])
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unnest(records: list[object], rows: list[int]) -> tuple[list[object], list[int]]:
    """Activities held one level down ({"country": ..., "projects": [{...}, ...]}) become
    one record each, carrying their parent's plain fields; other lists are left as they are.

    Applies when exactly one key holds lists of objects, the objects hold text (a value
    of several words) and the records themselves do not: activities with nested
    transactions stay activities.
    """
    if not records or not all(isinstance(r, dict) for r in records):
        return records, rows
    nested = {key for r in records for key, value in r.items()
              if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)}
    if len(nested) != 1:
        return records, rows
    (key,) = nested
    children = [child for r in records for child in r.get(key) or []]
    if any(_holds_text(r) for r in records) or not any(_holds_text(c) for c in children):
        return records, rows
    flat = []
    for record in records:
        parent = {k: v for k, v in record.items() if k != key and not isinstance(v, (list, dict))}
        flat.extend({**parent, **child} for child in record.get(key) or [{}])
    # each activity is one record, numbered in order (as a row is in a table)
    return flat, list(range(1, len(flat) + 1))


def _holds_text(record: dict) -> bool:
    """A value of more than five words: a title or a description, not a name or a code."""
    return any(isinstance(v, str) and len(v.split()) > 5 for v in record.values())


def _records_frame(records: list[object], path: Path) -> pd.DataFrame:
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError(
                f"record {number} is a {type(record).__name__}",
                file=str(path),
                row=number,
                expected="one JSON object per activity",
            )
    frame = pd.DataFrame.from_records(records)
    return frame.map(_json_value) if len(frame) else frame


def _read_json(path: Path, source: SourceFile) -> tuple[pd.DataFrame, list[int]]:
    text = _decode(path, source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            file=str(path),
            row=exc.lineno,
        ) from None
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise InputError(
                "the JSON object holds no single list of activities",
                file=str(path),
                expected='a list of objects, or an object with one list (e.g. {"activities": [...]})',
            )
        data = lists[0]
    if not isinstance(data, list):
        raise InputError("the JSON holds no list of activities", file=str(path),
                         expected="a list of objects")
    records, rows = _unnest(data, [i + 1 for i in range(len(data))])
    return _records_frame(records, path), rows


def _read_jsonl(path: Path, source: SourceFile) -> tuple[pd.DataFrame, list[int]]:
    records, rows = [], []
    for number, line in enumerate(_decode(path, source).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=str(path), row=number) from None
        rows.append(number)
    records, rows = _unnest(records, rows)
    return _records_frame(records, path), rows


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def detect_format(path: Path) -> str:
    """Decide the format by content where the extension may lie."""
    suffix = path.suffix.lower()
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(UTF16_BOMS):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "xml"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if stripped.startswith((b"[", b"{")):
        first_line = stripped.split(b"\n", 1)[0].strip()
        if stripped.startswith(b"{") and first_line.endswith(b"}") and b"\n{" in stripped:
            return "jsonl"
        return "json"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    return "csv"


_TABLE_READERS = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json, "jsonl": _read_jsonl}


def read_table(path: Path) -> tuple[pd.DataFrame, list[int], SourceFile]:
    """Read one tabular file into a frame of text cells, its row numbers, and facts."""
    source = SourceFile(path=path, format="")
    try:
        source.sha256 = sha256_of(path)
        source.format = detect_format(path)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    reader = _TABLE_READERS.get(source.format)
    if reader is None:
        raise InputError(f"unsupported format {source.format!r}", file=str(path),
                         expected="CSV, XLSX, JSON or JSONL")
    try:
        frame, rows = reader(path, source)
    except RecursionError:
        raise InputError(f"nested more than {sys.getrecursionlimit()} levels deep: too deep to read",
                         file=str(path),
                         expected="a flat list of activity records") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    # exports often end with rows of empty cells (",,,,"): they are not activities
    filled = frame.astype(str).apply(lambda column: column.str.strip().ne("") & column.ne("nan"))
    keep = filled.any(axis=1).to_numpy() if len(frame.columns) else []
    frame = frame.loc[keep].reset_index(drop=True)
    rows = [row for row, kept in zip(rows, keep) if kept]
    return frame, rows, source


@dataclass
class ReadResult:
    """All activities read, still as text, plus per-file facts."""

    activities: pd.DataFrame
    sources: list[SourceFile]
    #: declared cross-references between activities (IATI): from_id, to_id, type, element
    links: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["from_id", "to_id", "type", "element", "source_file"])
    )

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sources for p in s.problems]


def plan_columns(
    frame: pd.DataFrame, rows: list[int], source: SourceFile, overrides: dict[str, str]
) -> tuple[pd.DataFrame, list[int], ColumnPlan]:
    """Find the column plan; an HXL hashtag row is used for it and dropped from the data."""
    headers = list(frame.columns)
    tag_row = hashtag_row(frame)
    if tag_row is not None:
        tags = headers if tag_row == -1 else [str(v) for v in frame.iloc[tag_row]]
        plan = map_hashtags(headers, tags)
        if tag_row >= 0:
            keep = [i for i in range(len(frame)) if i > tag_row]
            frame = frame.iloc[keep].reset_index(drop=True)
            rows = [rows[i] for i in keep]
        source.format += " (HXL)"
        if overrides:
            override_plan = map_columns(headers, overrides)
            plan.fields.update({k: override_plan.fields[k] for k in overrides if k in override_plan.fields})
    else:
        plan = map_columns(headers, overrides)
        if len(plan.admin_names) + len(plan.admin_codes) >= 2:
            source.format += " (3W table)"
    if plan.text_from:
        source.details["text_from"] = plan.text_from
    return frame, rows, plan


def _admin_paths(frame: pd.DataFrame, plan: ColumnPlan) -> list[str]:
    """'Amhara > North Wollo > Bugna [ET030101]': the names, then the finest P-code."""
    names = [frame[c].astype(str).str.strip() for c in plan.admin_names]
    codes = [frame[c].astype(str).str.strip() for c in plan.admin_codes]
    paths = []
    for i in range(len(frame)):
        path = " > ".join(n.iat[i] for n in names if n.iat[i] and n.iat[i] != "nan")
        code = next((c.iat[i] for c in reversed(codes) if c.iat[i] and c.iat[i] != "nan"), "")
        paths.append(f"{path} [{code}]".strip() if code else path)
    return paths


def _ids_per_place(out: pd.DataFrame, source: SourceFile) -> None:
    """3W tables give a project one row per place: such a row is the project at that
    place, so its id becomes 'Projet_5 @ CD5402ZS02' (the place's P-code or path)."""
    ids = out["id"] if "id" in out else None
    if ids is None or not ids.ne("").any():
        return
    repeated = ids.ne("") & ids.duplicated(keep=False)
    if not repeated.any():
        return
    places = out["locations"].str.extract(r"\[([^\]]+)\]\s*$")[0].fillna(out["locations"])
    out.loc[repeated, "id"] = ids[repeated] + " @ " + places[repeated]
    source.details["ids"] = "a project's rows at several places are told apart by place"


def _month_as_period(frame: pd.DataFrame, plan: ColumnPlan, source: SourceFile) -> pd.Series | None:
    """A reporting month with a year gives the period; without a year it cannot."""
    values = frame[plan.fields["month"][0]].astype(str)
    if not values.str.contains(r"\b(?:19|20)\d\d\b", regex=True).any():
        source.problems.append(Problem(
            "warning", f"column {plan.fields['month'][0]!r} holds months without a year "
            "(e.g. 'August'): periods are not compared", str(source.path),
        ))
        return None
    return values


def to_canonical(
    frame: pd.DataFrame, rows: list[int], source: SourceFile, overrides: dict[str, str],
    strict: bool = False,
) -> pd.DataFrame:
    """Build canonical columns from the file's; record what was mapped and what not.

    ``strict`` leaves repeated ids as they are, for normalising to refuse."""
    frame, rows, plan = plan_columns(frame, rows, source, overrides)
    headers = list(frame.columns)
    for name, column in overrides.items():
        if name not in plan.fields:
            source.problems.append(Problem(
                "error", f"--map {name}={column}: no such column "
                f"(columns: {', '.join(headers)})", str(source.path), column=column,
            ))
    source.mapping = plan.describe()
    source.unmapped_columns = [h for h in headers if h not in plan.used()]
    source.rows = len(frame)
    if "title" not in plan.fields and "description" not in plan.fields:
        source.problems.append(Problem(
            "error",
            "no text column: expected a title or description column "
            f"(e.g. 'Title', 'Description', 'Titre du projet', 'Objectif'); found: {', '.join(headers)}",
            str(source.path),
        ))
    out = pd.DataFrame(index=range(len(frame)))
    for name, columns in plan.fields.items():
        parts = [cells(frame[c], name) for c in columns]
        out[name] = parts[0] if len(parts) == 1 else _joined(parts)
    for name, columns in plan.fallbacks.items():
        if name in out:
            for column in columns:
                empty = out[name].isin(["", "nan"])
                out.loc[empty, name] = cells(frame.loc[empty, column], name)
    _tag_participants(out)
    if plan.admin_names or plan.admin_codes:
        out["locations"] = _admin_paths(frame, plan)
        _ids_per_place(out, source)
    if "month" in plan.fields and "start_date" not in plan.fields:
        period = _month_as_period(frame, plan, source)
        if period is not None:
            out["start_date"] = period.to_numpy()
            out["end_date"] = period.to_numpy()
    if "actor" not in plan.fields:
        out["actor"] = actor_from_filename(source.path)
        for column in reversed(plan.actor_from):  # the first role filled wins
            actors = cells(frame[column], "actor")
            named = ~actors.isin(["", "nan"])
            out.loc[named, "actor"] = actors[named]
        source.details["actor_from"] = plan.actor_source()
    out["source_file"] = str(source.path)
    out["source_row"] = rows
    for name in (*CANONICAL_FIELDS, *SOURCE_FIELDS):
        if name not in out:
            out[name] = ""
    if not strict:
        _number_repeated_ids(out, source)
    _declared_links(out, source)
    return out[[*CANONICAL_FIELDS, *SOURCE_FIELDS]]


_LIST_LITERAL = re.compile(r"\[\s*(?:\]|['\"].*['\"]\s*,?\s*\])", re.S)


def list_literal(text: str) -> list[str] | None:
    """The strings of a cell written as a Python list of strings ("['a', "b's"]"), as
    some IATI flattenings store narratives; None for any other text. Only such a cell is
    parsed, and by ``ast.literal_eval``: nothing in a cell is ever run."""
    if not _LIST_LITERAL.fullmatch(text):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return list(dict.fromkeys(item.strip() for item in value if item.strip()))


#: fields holding several values, as the reader joins them: canonical lists, roles, links
_MULTI_VALUE = frozenset({*LIST_FIELDS, *PARTICIPANT_ROLES, *LINK_FIELDS})


def cells(column: pd.Series, name: str) -> pd.Series:
    """A column's cells as text for field ``name``; list literals become that field's
    form: values joined by "; " for lists, paragraphs for text, the first (an
    organisation named in several languages, say) for a single value."""
    text = column.astype(str).str.strip()
    literal = text.str.startswith("[") & text.str.endswith("]")
    if not literal.any():
        return text
    joiner = LIST_SEPARATOR if name in _MULTI_VALUE else "\n" if name in TEXT_FIELDS else None

    def unlist(cell: str) -> str:
        items = list_literal(cell)
        if items is None:
            return cell
        return joiner.join(items) if joiner else next(iter(items), "")

    return text.mask(literal, text[literal].map(unlist))


def _joined(parts: list[pd.Series]) -> list[str]:
    """Columns feeding one field: each row's values in column order, repeats dropped."""
    return [
        LIST_SEPARATOR.join(dict.fromkeys(v for v in values if v and v != "nan"))
        for values in zip(*parts)
    ]


_ITEM_SPLIT = re.compile(r"\s*[;|\n]\s*")


def _tag_participants(out: pd.DataFrame) -> None:
    """Organisations read from an accountable or extending column join the participating
    organisations as "code:name" (IATI's role codes), after those read as such."""
    tagged = [out[name].map(lambda cell, code=code: LIST_SEPARATOR.join(
                  f"{code}:{item}" for item in _ITEM_SPLIT.split(cell) if item and item != "nan"))
              for name, code in PARTICIPANT_ROLES.items() if name in out]
    if tagged:
        before = [out["participating_orgs"]] if "participating_orgs" in out else []
        out["participating_orgs"] = _joined([*before, *tagged])


_ID_SPLIT = re.compile(r"\s*[;,|\n]\s*")


def _declared_links(out: pd.DataFrame, source: SourceFile) -> None:
    """Parent, child and sibling columns (ids of other activities, several separated by
    ';' or ',') become declared links, as IATI's related-activity elements do."""
    for name, kind in LINK_FIELDS.items():
        if name not in out:
            continue
        column = source.mapping[name]
        for from_id, cell in zip(out["id"], out[name]):
            from_id = " ".join(from_id.split())
            for to_id in dict.fromkeys(" ".join(i.split()) for i in _ID_SPLIT.split(cell)):
                if from_id and to_id and to_id not in (from_id, "nan"):
                    source.links.append({"from_id": from_id, "to_id": to_id, "type": kind,
                                         "element": column, "source_file": str(source.path)})
    if any(name in out for name in LINK_FIELDS):
        source.details["links"] = len(source.links)


#: a file's repeated ids listed in run.json; the rest are counted
MAX_REPEATS_LISTED = 100
MAX_ROWS_LISTED = 20


def _number_repeated_ids(out: pd.DataFrame, source: SourceFile) -> None:
    """Keep every row of an organisation that lists one activity id on several rows
    with other details (how 3W tables record a project at one place with other figures):
    the repeats are numbered ('Projet_5 @ CD5402ZS02 #2'), counted in one warning, and
    listed in ``source.repeated_ids`` as possible double counting. A row repeating another
    word for word keeps that row's id: normalising skips it as a mere repeat."""
    content = [c for c in out.columns if c not in SOURCE_FIELDS]
    variant = out.groupby(content, sort=False).ngroup()  # rows alike in every field share one
    firsts = out.loc[out["id"].ne("") & ~variant.duplicated()]
    organisation = firsts["actor"].str.split().str.join(" ").str.casefold()
    groups = firsts.groupby([organisation, firsts["id"]], sort=False)
    order = groups.cumcount()
    if not order.gt(0).any():
        return
    taken = set(out["id"])
    numbered: dict[int, str] = {}
    for index, number in order[order.gt(0)].items():
        n = number + 1
        while f"{out.at[index, 'id']} #{n}" in taken:
            n += 1
        numbered[variant[index]] = f"{out.at[index, 'id']} #{n}"
        taken.add(numbered[variant[index]])
    renamed = variant.isin(list(numbered))
    out.loc[renamed, "id"] = variant[renamed].map(numbered)
    repeated = [group for _, group in groups if len(group) > 1]
    rows = sum(len(group) - 1 for group in repeated)
    source.repeated_ids = {
        "rows": rows,
        "activities": len(repeated),
        "listed": [
            {"actor": group["actor"].iat[0], "id": group["id"].iat[0],
             "rows": [int(r) for r in group["source_row"].iloc[:MAX_ROWS_LISTED]],
             "count": len(group)}
            for group in repeated[:MAX_REPEATS_LISTED]
        ],
    }
    source.problems.append(Problem(
        "warning",
        f"possible double counting within one organisation: {rows} repeated rows "
        f"({len(repeated)} activity ids listed more than once by one organisation with other "
        f"details, e.g. {repeated[0]['id'].iat[0]!r}); kept and numbered '#2', '#3', ... "
        "(listed in run.json; --strict refuses them)",
        str(source.path),
    ))


def actor_from_filename(path: Path) -> str:
    """One export per actor: 'unhcr_projects-2024.csv' -> 'unhcr projects-2024'."""
    return path.stem.replace("_", " ").strip()


def read_inputs(
    paths: list[Path], overrides: dict[str, str] | None = None, exclude: list[str] | None = None,
    strict: bool = False,
) -> ReadResult:
    """Read every file; problems are collected, not raised, so `inspect` can list them all.

    ``strict``: a file repeating an activity id of one organisation is refused (by
    normalising) rather than read with the repeats numbered."""
    overrides = overrides or {}
    frames, sources = [], []
    links = []
    for path in discover(paths, exclude):
        rows: list[int] | None = None
        try:
            if detect_format(path) == "xml":
                frame, source = read_xml(path)
            else:
                frame, rows, source = read_table(path)
        except InputError as exc:
            source = SourceFile(path=path, format="unreadable")
            source.problems.append(Problem("error", exc.detail, str(path), exc.row, exc.column))
            sources.append(source)
            continue
        sources.append(source)
        if rows is not None:  # a table: its columns are mapped to the canonical fields
            frame = to_canonical(frame, rows, source, overrides, strict)
        frames.append(frame)
        links.extend(source.links)
    columns = [*CANONICAL_FIELDS, *SOURCE_FIELDS]
    activities = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    result = ReadResult(activities=activities, sources=sources)
    if links:
        result.links = pd.DataFrame(links)
    return result


def read_xml(path: Path) -> tuple[pd.DataFrame, SourceFile]:
    """An IATI activity file: records come out already canonical, lists joined as text."""
    from overlap.iati import looks_like_iati, read_iati

    source = SourceFile(path=path, format="xml", sha256=sha256_of(path), encoding="xml")
    if not looks_like_iati(path):
        raise InputError("an XML file that is not IATI activity XML", file=str(path),
                         expected="<iati-activities> with <iati-activity> elements")
    iati = read_iati(path)
    source.format = f"IATI {iati.version or 'unknown version'}"
    source.rows = len(iati.records)
    source.mapping = {"*": "IATI elements (see README: IATI activity XML)"}
    for problem in iati.problems:
        line, _, message = problem.partition(": ")
        row = int(line[5:]) if line.startswith("line ") and line[5:].isdigit() else None
        source.problems.append(Problem("warning", message if row else problem, str(path), row))
    columns = [*CANONICAL_FIELDS, *SOURCE_FIELDS]
    frame = pd.DataFrame.from_records(
        [{name: _as_text(record.get(name)) for name in columns} for record in iati.records],
        columns=columns,
    )
    source.details["links"] = len(iati.links)
    source.links = [link | {"source_file": str(path)} for link in iati.links]
    return frame, source


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)
