"""Read project exports (CSV, XLSX, JSON, JSONL) into one table of canonical columns.

Reading is separate from normalising: this stage only finds the rows and decides
which column feeds which canonical field; values stay as the text the file holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from overlap.errors import InputError
from overlap.schema import CANONICAL_FIELDS, SOURCE_FIELDS

SUPPORTED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson", ".xml"}

#: Common header names per canonical field, in English, French and Spanish,
#: written in normalised form (lower case, no accents, words separated by a space).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "project id", "activity id", "project code", "code", "ref", "reference",
        "identifier", "iati identifier", "project number", "project no",
        "identifiant", "id du projet", "code projet", "code du projet", "numero",
        "codigo", "id del proyecto", "codigo del proyecto",
    ),
    "actor": (
        "actor", "organisation", "organization", "org", "organisation name",
        "organization name", "agency", "partner", "partner name", "reporting org",
        "reporting organisation", "reporting organization", "publisher", "lead agency",
        "acteur", "organisme", "partenaire", "structure", "agence",
        "socio", "organizacion", "entidad", "agencia", "actor principal",
    ),
    "title": (
        "title", "project title", "project name", "activity title", "activity name",
        "name", "project", "titre", "titre du projet", "intitule", "intitule du projet",
        "nom du projet", "projet", "titulo", "titulo del proyecto", "nombre del proyecto",
        "proyecto", "nombre",
    ),
    "description": (
        "description", "project description", "activity description", "summary",
        "abstract", "objective", "objectives", "details", "narrative", "activities",
        "objectif", "objectifs", "resume", "description du projet", "objectif du projet",
        "descripcion", "objetivo", "objetivos", "resumen", "descripcion del proyecto",
    ),
    "countries": (
        "country", "countries", "recipient country", "recipient countries",
        "country code", "country iso", "iso3", "iso2",
        "pays", "pays beneficiaire", "pais", "paises", "pais beneficiario",
    ),
    "locations": (
        "location", "locations", "region", "regions", "province", "district", "city",
        "area", "zone", "place", "admin1", "admin 1", "state",
        "lieu", "lieux", "localite", "localisation", "ville", "commune",
        "ubicacion", "lugar", "localidad", "departamento", "municipio",
    ),
    "sectors": (
        "sector", "sectors", "thematic area", "theme", "themes", "topic", "cluster",
        "secteur", "secteurs", "thematique", "domaine", "sector tematico", "tema",
        "area tematica",
    ),
    "start_date": (
        "start date", "start", "from", "begin", "beginning", "date start",
        "start date planned", "start date actual",
        "date de debut", "debut", "date debut", "fecha de inicio", "inicio",
        "fecha inicio",
    ),
    "end_date": (
        "end date", "end", "to", "until", "date end", "end date planned", "end date actual",
        "date de fin", "fin", "date fin", "fecha de fin", "fecha de termino",
        "fecha fin", "termino",
    ),
    "budget": (
        "budget", "amount", "value", "total budget", "budget usd", "budget eur",
        "funding amount", "cost", "montant", "budget total", "cout",
        "presupuesto", "monto", "importe",
    ),
    "currency": ("currency", "devise", "monnaie", "moneda", "divisa"),
    "funders": (
        "donor", "donors", "funder", "funders", "funded by", "funding source",
        "funding organisation", "funding organization", "bailleur", "bailleurs",
        "bailleur de fonds", "bailleurs de fonds", "finance par", "donante", "donantes",
        "financiador", "financiado por", "fuente de financiacion",
    ),
    "implementers": (
        "implementing partner", "implementing partners", "implementer", "implementers",
        "implementing agency", "implementing organisation", "implementing organization",
        "partenaire de mise en oeuvre", "partenaires de mise en oeuvre", "operateur",
        "partenaire operationnel", "socio implementador", "socios implementadores",
        "ejecutor", "entidad ejecutora",
    ),
    "participating_orgs": ("participating orgs", "participating organisations",
                           "participating organizations"),
    "language": ("language", "lang", "langue", "idioma", "lengua"),
}

_SYNONYM_TO_FIELD = {
    synonym: name for name, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms
}


def normalise_header(header: str) -> str:
    """'Date de début (prévue)' -> 'date de debut prevue'."""
    text = unicodedata.normalize("NFKD", str(header))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("_", " ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _header_candidates(header: str) -> list[str]:
    """The header, then the header without a bracketed part ('Budget (USD)' -> 'budget')."""
    full = normalise_header(header)
    bare = normalise_header(re.sub(r"\(.*?\)|\[.*?\]", " ", str(header)))
    return [full] if bare == full else [full, bare]


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


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Choose, for each canonical field, the column that feeds it.

    Explicit overrides win; then the first header whose normalised form is a known
    synonym. A column feeds at most one field.
    """
    overrides = overrides or {}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    by_normalised = {normalise_header(h): h for h in headers}
    for name, column in overrides.items():
        if name not in CANONICAL_FIELDS:
            raise InputError(
                f"--map {name}={column}: unknown field {name!r}",
                expected="one of " + ", ".join(CANONICAL_FIELDS),
            )
        actual = column if column in headers else by_normalised.get(normalise_header(column))
        if actual is None:
            continue  # checked per file by the caller, which knows the file name
        mapping[name] = actual
        used.add(actual)
    for header in headers:
        if header in used:
            continue
        for candidate in _header_candidates(header):
            name = _SYNONYM_TO_FIELD.get(candidate)
            if name and name not in mapping:
                mapping[name] = header
                used.add(header)
                break
    return {name: mapping[name] for name in CANONICAL_FIELDS if name in mapping}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(paths: list[Path]) -> list[Path]:
    """Expand folders into their supported files (sorted, hidden files skipped)."""
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


def _decode(path: Path, source: SourceFile) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig",):
        try:
            text = raw.decode(encoding)
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
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"cannot read as CSV: {_first_line(exc)}", file=str(path)) from None
    return frame, [i + 2 for i in range(len(frame))]


def _read_xlsx(path: Path, source: SourceFile) -> tuple[pd.DataFrame, list[int]]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(
            f"cannot read as an Excel workbook: {_first_line(exc)}",
            file=str(path),
            expected="an .xlsx file",
        ) from None
    frames, rows = [], []
    for name, sheet in sheets.items():
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
    if value is None:
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
    return _records_frame(data, path), [i + 1 for i in range(len(data))]


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
    frame = _records_frame(records, path)
    return frame, rows


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
    frame, rows = reader(path, source)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, rows, source


@dataclass
class ReadResult:
    """All activities read, still as text, plus per-file facts."""

    activities: pd.DataFrame
    sources: list[SourceFile]

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sources for p in s.problems]


def to_canonical(
    frame: pd.DataFrame, rows: list[int], source: SourceFile, overrides: dict[str, str]
) -> pd.DataFrame:
    """Rename mapped columns to canonical fields; record what was mapped and what not."""
    headers = list(frame.columns)
    mapping = map_columns(headers, overrides)
    for name, column in overrides.items():
        if name not in mapping:
            source.problems.append(Problem(
                "error", f"--map {name}={column}: no such column "
                f"(columns: {', '.join(headers)})", str(source.path), column=column,
            ))
    source.mapping = mapping
    source.unmapped_columns = [h for h in headers if h not in mapping.values()]
    source.rows = len(frame)
    if "title" not in mapping and "description" not in mapping:
        source.problems.append(Problem(
            "error",
            "no text column: expected a title or description column "
            f"(e.g. 'Title', 'Description', 'Titre du projet', 'Objectif'); found: {', '.join(headers)}",
            str(source.path),
        ))
    out = pd.DataFrame({name: frame[column].astype(str) for name, column in mapping.items()})
    if "actor" not in mapping:
        out["actor"] = actor_from_filename(source.path)
        source.details["actor_from"] = "file name"
    out["source_file"] = str(source.path)
    out["source_row"] = rows
    for name in (*CANONICAL_FIELDS, *SOURCE_FIELDS):
        if name not in out:
            out[name] = ""
    return out[[*CANONICAL_FIELDS, *SOURCE_FIELDS]]


def actor_from_filename(path: Path) -> str:
    """One export per actor: 'unhcr_projects-2024.csv' -> 'unhcr projects-2024'."""
    return path.stem.replace("_", " ").strip()


def read_inputs(paths: list[Path], overrides: dict[str, str] | None = None) -> ReadResult:
    """Read every file; problems are collected, not raised, so `inspect` can list them all."""
    overrides = overrides or {}
    frames, sources = [], []
    for path in discover(paths):
        try:
            frame, rows, source = read_table(path)
        except InputError as exc:
            source = SourceFile(path=path, format="unreadable")
            source.problems.append(Problem("error", exc.detail, str(path), exc.row, exc.column))
            sources.append(source)
            continue
        sources.append(source)
        frames.append(to_canonical(frame, rows, source, overrides))
    columns = [*CANONICAL_FIELDS, *SOURCE_FIELDS]
    activities = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return ReadResult(activities=activities, sources=sources)
