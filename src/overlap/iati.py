"""Read IATI activity files (standard 1.0x and 2.0x) into canonical activity records.

The file is streamed: each ``<iati-activity>`` is turned into a record as soon as
its end tag is parsed and then freed, so memory stays bounded whatever the file
size. Parsing goes through defusedxml, so files declaring XML entities (billion
laughs, external entities) are refused instead of expanded.

Both versions are read by the same code: text is taken from ``<narrative>``
children when present (2.0x) and from the element itself otherwise (1.0x), and
role, date-type and vocabulary values are accepted as 2.0x codes or 1.0x names.

Language rule for the main ``title``, ``description`` and organisation names:
prefer English, else the activity's default language (``xml:lang`` or
``default-language`` on ``<iati-activity>``, else on ``<iati-activities>``), else
the first text in document order. Languages are reduced to lower-case primary
subtags ("EN-GB" -> "en"); text with no known language is keyed "". Every
language is kept in ``titles`` and ``descriptions``. The main description uses
the general descriptions (type 1, or untyped) when there are any, else all
descriptions; distinct texts of the chosen language are joined by a blank line.
``language`` is the language of the main description, or of the title when the
activity has no description.
"""

from __future__ import annotations

import codecs
import math
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import ErrorString, XMLParserType

from defusedxml import (
    DefusedXmlException,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from overlap.dac_sectors import dac_sector_label
from overlap.errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: participating-org role, 1.0x names -> 2.0x codes.
ROLE_CODES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
ROLE_FIELDS = {
    "1": "funders",
    "2": "accountable",
    "3": "extending",
    "4": "implementers",
}

#: activity-date type (2.0x code or 1.0x name) -> (which end, planned or actual).
DATE_KINDS = {
    "1": ("start", "planned"),
    "2": ("start", "actual"),
    "3": ("end", "planned"),
    "4": ("end", "actual"),
    "start-planned": ("start", "planned"),
    "start-actual": ("start", "actual"),
    "end-planned": ("end", "planned"),
    "end-actual": ("end", "actual"),
}

#: related-activity type codes -> link type suffix.
RELATED_TYPES = {
    "1": "parent",
    "2": "child",
    "3": "sibling",
    "4": "co-funded",
    "5": "third-party",
}

#: Sector vocabularies meaning "DAC 5-digit purpose code" (2.0x, 1.0x, or omitted).
DAC_VOCABULARIES = {"", "1", "DAC"}

#: Description types counted as "general" (2.0x code, 1.0x name, or omitted).
GENERAL_DESCRIPTION = {"", "1", "general"}

_IATI_TAG = re.compile(rb"<iati-activit(?:y|ies)[\s>/]")
_SPACE = re.compile(rb"\s*")
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
#: how far a prolog (comments before the root) is read looking for the root element
MAX_PROLOG_BYTES = 1 << 20
_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")

Note = Callable[[str], None]


@dataclass
class IatiRead:
    """What one IATI file yielded: records, the cross-references, and warnings."""

    records: list[dict] = field(default_factory=list)
    version: str = ""
    problems: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


def looks_like_iati(path: Path) -> bool:
    """True when the file starts like IATI XML, whatever its extension: an IATI tag
    within 4 KB of the root element's start, however long the comments before it."""
    try:
        head = _prolog_text(path)
    except OSError:
        return False
    root = _root_offset(head)
    return root is not None and _IATI_TAG.search(head, root, root + 4096) is not None


def _prolog_text(path: Path) -> bytes:
    """The file's start, as UTF-8, up to 4 KB past its prolog (declaration, comments,
    processing instructions, doctype) or ``MAX_PROLOG_BYTES`` in all."""
    with path.open("rb") as handle:
        raw = handle.read(4096)
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8")("ignore")
        head = decoder.decode(raw).encode("utf-8").removeprefix(b"\xef\xbb\xbf")
        while raw and len(head) < MAX_PROLOG_BYTES:
            root = _root_offset(head)
            if root is not None and len(head) - root >= 4096:
                break
            raw = handle.read(max(len(head), 1 << 16))  # doubling: few rescans
            head += decoder.decode(raw, final=not raw).encode("utf-8")
    return head


def _root_offset(head: bytes) -> int | None:
    """Where the root element starts, past the prolog; None when ``head`` holds no start
    tag after it (the prolog goes on past ``head``, or this is not XML)."""
    at: int | None = _SPACE.match(head).end()
    while at is not None and head.startswith(b"<", at):
        if head.startswith(b"<!DOCTYPE", at):
            at = _doctype_end(head, at)
        elif head.startswith(b"<!--", at):
            at = _after(head, b"-->", at + 4)
        elif head.startswith(b"<?", at):
            at = _after(head, b"?>", at + 2)
        else:
            return at
        at = None if at is None else _SPACE.match(head, at).end()
    return None


def _doctype_end(head: bytes, at: int) -> int | None:
    """Just past ``<!DOCTYPE ...>`` at ``at``, its internal subset ``[...]`` included."""
    close, subset = head.find(b">", at), head.find(b"[", at)
    if subset >= 0 and (close < 0 or subset < close):
        end = _after(head, b"]", subset)
        return None if end is None else _after(head, b">", end)
    return _after(head, b">", at)


def _after(head: bytes, token: bytes, start: int) -> int | None:
    found = head.find(token, start)
    return None if found < 0 else found + len(token)


def read_iati(path: Path) -> IatiRead:
    """Read every activity of an IATI file; raise InputError for unreadable or hostile files."""
    result = IatiRead()
    stream = _ActivityStream(path)
    first_line: dict[str, int] = {}
    seen_links: set[tuple[str, str, str]] = set()
    for activity, line, file_lang in stream:
        where = f"line {line}"
        notes: list[str] = []
        record = _record(activity, file_lang, notes.append)
        record.update(source_file=str(path), source_row=line)
        result.problems.extend(f"{where}: {note}" for note in notes)
        _check(record, where, first_line, result.problems)
        result.records.append(record)  # an activity without text is skipped, and counted, later
        result.links.extend(_new_links(activity, record["id"], seen_links))
        result.version = result.version or _activity_version(activity)
    if not stream.saw_iati:
        raise InputError(
            "not an IATI activity file: no <iati-activities> or <iati-activity> element",
            file=str(path),
            expected="an IATI activity XML file",
        )
    result.version = stream.version or result.version
    if not stream.activities:
        result.problems.append("the file contains no <iati-activity>")
    return result


class _LineRecorder(TreeBuilder):
    """Tree builder that notes the line of each <iati-activity> start tag.

    ElementTree elements carry no line numbers, and iterparse reports events a
    whole chunk late, so the line is read from expat while it is on the tag.
    """

    def __init__(self) -> None:
        super().__init__()
        self.expat: XMLParserType | None = None
        self.activity_lines: deque[int] = deque()

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        if tag == "iati-activity" and self.expat is not None:
            self.activity_lines.append(self.expat.CurrentLineNumber)
        return super().start(tag, attrs)


class _ActivityStream:
    """Iterate (activity element, start line, file default language), freeing each after use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = ""
        self.saw_iati = False
        self.activities = 0

    def __iter__(self) -> Iterator[tuple[Element, int, str]]:
        builder = _LineRecorder()
        parser = DefusedXMLParser(target=builder)
        builder.expat = parser.parser
        with _open(self.path) as handle:
            try:
                yield from self._walk(iterparse(handle, ("start", "end"), parser), builder)
            except ParseError as err:
                raise _malformed(self.path, err) from None
            except DefusedXmlException as err:
                raise _refused(self.path, err, parser.parser.CurrentLineNumber) from None
            except (LookupError, ValueError) as err:
                # expat reads UTF-8, UTF-16 and one-byte encodings only
                raise _undecodable(self.path, err) from None

    def _walk(
        self, events: Iterator[tuple[str, Element]], builder: _LineRecorder
    ) -> Iterator[tuple[Element, int, str]]:
        open_elements: list[Element] = []
        file_lang = ""
        for event, elem in events:
            if event == "start":
                if elem.tag == "iati-activities":
                    self.saw_iati = True
                    self.version = self.version or elem.get("version", "").strip()
                    file_lang = _default_lang(elem) or file_lang
                open_elements.append(elem)
                continue
            open_elements.pop()
            if elem.tag != "iati-activity":
                continue
            self.saw_iati = True
            self.activities += 1
            yield elem, builder.activity_lines.popleft(), file_lang
            # Drop the finished activity and its earlier siblings so memory stays flat.
            elem.clear()
            if open_elements:
                del open_elements[-1][:]


def _open(path: Path) -> IO[bytes]:
    """Open for reading, turning OS errors into a message naming the file."""
    try:
        return path.open("rb")
    except OSError as err:
        raise InputError(f"cannot open the file: {err.strerror}", file=str(path)) from None


def _malformed(path: Path, err: ParseError) -> InputError:
    line, column = err.position
    return InputError(
        f"malformed XML at line {line}, column {column + 1}: {ErrorString(err.code)}",
        file=str(path),
        row=line,
        expected="well-formed XML",
    )


def _undecodable(path: Path, err: LookupError | ValueError) -> InputError:
    declared = _DECLARED_ENCODING.search(_prolog_text(path)[:1024])
    encoding = declared.group(1).decode("ascii", "replace") if declared else "its declared encoding"
    return InputError(
        f"cannot read the XML in {encoding} ({err}); save the file as UTF-8",
        file=str(path),
        expected="IATI XML in UTF-8 or UTF-16",
    )


def _refused(path: Path, err: DefusedXmlException, line: int) -> InputError:
    if isinstance(err, EntitiesForbidden):
        what = f"declares XML entities (entity {err.name!r})"
    elif isinstance(err, ExternalReferenceForbidden):
        what = f"references an external entity ({err.sysid!r})"
    else:
        what = f"uses a forbidden XML feature ({err})"
    return InputError(
        f"refused: the file {what}; IATI files never need them and they can be used "
        "to exhaust memory ('billion laughs') or to read other files (external entities)",
        file=str(path),
        row=line,
        expected="IATI XML without <!ENTITY> declarations",
    )


def _record(activity: Element, file_lang: str, note: Note) -> dict:
    """Build the canonical record of one <iati-activity> element."""
    lang = _default_lang(activity) or file_lang
    titles = _texts(activity.findall("title"), lang, " / ")
    descriptions = _texts(_general_first(activity.findall("description")), lang, "\n\n")
    main_descriptions = _texts(_main_descriptions(activity), lang, "\n\n")
    title_lang, title = _pick(titles, lang)
    description_lang, description = _pick(main_descriptions, lang)
    reporting = activity.find("reporting-org")
    default_currency = activity.get("default-currency", "").strip()
    start_date, end_date = _dates(activity, note)
    budget, currency = _budget(activity, default_currency, note)
    return {
        "id": _text_of(activity.find("iati-identifier")).strip(),
        "actor": _name_or_code(reporting, lang),
        "actor_ref": _attr(reporting, "ref"),
        "actor_type": _attr(reporting, "type"),
        "title": title,
        "description": description,
        "titles": titles,
        "descriptions": descriptions,
        "language": description_lang if description else title_lang,
        "countries": _unique(
            _attr(c, "code").upper() for c in activity.findall("recipient-country")
        ),
        "regions": _unique(
            _name_or_code(r, lang, "code") for r in activity.findall("recipient-region")
        ),
        "locations": _unique(_name(loc.find("name"), lang) for loc in activity.findall("location")),
        "sectors": _sectors(activity, lang),
        "start_date": start_date,
        "end_date": end_date,
        "budget": budget,
        "currency": currency,
        **_participants(activity, lang),
        "status": _attr(activity.find("activity-status"), "code"),
        "humanitarian": _flag(activity.get("humanitarian")),
    }


def _check(record: dict, where: str, first_line: dict[str, int], problems: list[str]) -> None:
    """Warn about activities a user would otherwise lose or confuse."""
    ident = record["id"]
    if not ident:
        problems.append(f"{where}: activity has no <iati-identifier>")
    elif ident in first_line:
        problems.append(
            f"{where}: activity {ident!r} repeats the identifier of line {first_line[ident]}"
        )
    else:
        first_line[ident] = record["source_row"]


def _clean(text: str | None) -> str:
    """Collapse whitespace so the same text indented differently compares equal."""
    return " ".join(text.split()) if text else ""


def _text_of(elem: Element | None) -> str:
    return "".join(elem.itertext()) if elem is not None else ""


def _attr(elem: Element | None, name: str) -> str:
    return elem.get(name, "").strip() if elem is not None else ""


def _norm_lang(code: str) -> str:
    return code.strip().lower().split("-")[0]


def _default_lang(elem: Element) -> str:
    return _norm_lang(elem.get(XML_LANG) or elem.get("default-language") or "")


def _narratives(elem: Element, default_lang: str) -> list[tuple[str, str]]:
    """(language, text) pairs: <narrative> children in 2.0x, the element's own text in 1.0x."""
    lang = _norm_lang(elem.get(XML_LANG) or "") or default_lang
    children = elem.findall("narrative")
    if not children:
        return [(lang, _clean(_text_of(elem)))]
    return [(_norm_lang(n.get(XML_LANG) or "") or lang, _clean(_text_of(n))) for n in children]


def _texts(elements: Iterable[Element], default_lang: str, separator: str) -> dict[str, str]:
    """Language -> distinct texts of the elements joined, languages in document order."""
    grouped: dict[str, list[str]] = {}
    for elem in elements:
        for lang, text in _narratives(elem, default_lang):
            texts = grouped.setdefault(lang, [])
            if text and text not in texts:
                texts.append(text)
    return {lang: separator.join(texts) for lang, texts in grouped.items() if texts}


def _pick(texts: dict[str, str], default_lang: str) -> tuple[str, str]:
    """(language, text) chosen by the module's language rule; ("", "") when there is none."""
    for lang in ("en", default_lang):
        if lang in texts:
            return lang, texts[lang]
    return next(iter(texts.items()), ("", ""))


def _is_general(description: Element) -> bool:
    return description.get("type", "").strip().lower() in GENERAL_DESCRIPTION


def _general_first(descriptions: list[Element]) -> list[Element]:
    return sorted(descriptions, key=lambda d: not _is_general(d))


def _main_descriptions(activity: Element) -> list[Element]:
    """General descriptions that have text, else every description."""
    descriptions = activity.findall("description")
    general = [d for d in descriptions if _is_general(d) and _texts([d], "", "")]
    return general or descriptions


def _name(elem: Element | None, lang: str) -> str:
    return _pick(_texts([elem], lang, " / "), lang)[1] if elem is not None else ""


def _name_or_code(elem: Element | None, lang: str, code: str = "ref") -> str:
    """Name in the preferred language; the code attribute when no name is given."""
    return _name(elem, lang) or _attr(elem, code)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _sectors(activity: Element, lang: str) -> tuple[str, ...]:
    """Activity sectors, or the transactions' sectors when the activity declares none."""
    elements = activity.findall("sector") or activity.findall("transaction/sector")
    return _unique(_sector_label(sector, lang) for sector in elements)


def _sector_label(sector: Element, lang: str) -> str:
    """ "CODE Name" for DAC purpose codes, "v<vocabulary>:<code>" otherwise; "" if no code."""
    code = _attr(sector, "code")
    vocabulary = _attr(sector, "vocabulary")
    if vocabulary not in DAC_VOCABULARIES:
        return f"v{vocabulary}:{code}" if code else ""
    # Placeholders such as "NA" are not purpose codes.
    return dac_sector_label(code, _name(sector, lang)) if code.isdigit() else ""


def _participants(activity: Element, lang: str) -> dict[str, tuple[str, ...]]:
    """Organisations per role, plus every organisation as "role:name"."""
    by_role: dict[str, list[str]] = {role: [] for role in ROLE_FIELDS}
    tagged: list[str] = []
    for org in activity.findall("participating-org"):
        name = _name_or_code(org, lang)
        if not name:
            continue
        role = _attr(org, "role")
        role = ROLE_CODES.get(role.lower(), role)
        if role in by_role:
            by_role[role].append(name)
        tagged.append(f"{role or '?'}:{name}")
    fields = {ROLE_FIELDS[role]: _unique(names) for role, names in by_role.items()}
    return {**fields, "participating_orgs": _unique(tagged)}


def _iso_date(text: str | None) -> str | None:
    match = _ISO_DATE.match(text or "")
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def _dates(activity: Element, note: Note) -> tuple[str | None, str | None]:
    """Start and end dates, the actual date winning over the planned one."""
    found: dict[tuple[str, str], str] = {}
    for elem in activity.findall("activity-date"):
        kind = DATE_KINDS.get(_attr(elem, "type").lower())
        raw = elem.get("iso-date") or elem.text
        value = _iso_date(raw)
        if kind and value:
            found.setdefault(kind, value)
        elif kind and _clean(raw):
            note(
                f"activity-date type {elem.get('type')!r} has no readable date ({_clean(raw)!r}); ignored"
            )
    start = found.get(("start", "actual")) or found.get(("start", "planned"))
    end = found.get(("end", "actual")) or found.get(("end", "planned"))
    return start, end


def _amount(text: str | None) -> float | None:
    try:
        value = float((text or "").strip().replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _budget(activity: Element, default_currency: str, note: Note) -> tuple[float | None, str]:
    """Sum of budgets, one per period (the revised one, type 2, when present).

    Original and revised budgets cover the same period, so adding both would
    double count. Budgets in several currencies are not added up.
    """
    per_period: dict[tuple[str, str], Element] = {}
    for budget in activity.findall("budget"):
        period = (
            _attr(budget.find("period-start"), "iso-date"),
            _attr(budget.find("period-end"), "iso-date"),
        )
        if period not in per_period or _attr(budget, "type") == "2":
            per_period[period] = budget
    total, currencies = 0.0, []
    for budget in per_period.values():
        value = budget.find("value")
        if value is None:
            continue
        amount = _amount(value.text)
        if amount is None:
            note(f"unreadable budget value {value.text!r} ignored")
            continue
        total += amount
        currencies.append(_attr(value, "currency") or default_currency)
    if not currencies:
        return None, default_currency
    distinct = _unique(currencies)
    if len(distinct) > 1:
        note(f"budgets in several currencies ({', '.join(distinct)}); budget left empty")
        return None, default_currency
    return total, currencies[0]


def _flag(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def _activity_version(activity: Element) -> str:
    """The activity's own version attribute (some exports put it there, possibly namespaced)."""
    for name, value in activity.attrib.items():
        if name.rsplit("}", 1)[-1] == "version" and value.strip():
            return value.strip()
    return ""


def _new_links(activity: Element, activity_id: str, seen: set[tuple[str, str, str]]) -> list[dict]:
    """Cross-references to other activities not already reported for this file."""
    if not activity_id:
        return []
    links = []
    for to_id, kind, element in _references(activity):
        key = (activity_id, to_id, kind)
        if to_id and to_id != activity_id and key not in seen:
            seen.add(key)
            links.append(
                {
                    "from_id": activity_id,
                    "to_id": to_id,
                    "type": kind,
                    "element": element,
                }
            )
    return links


def _references(activity: Element) -> Iterator[tuple[str, str, str]]:
    """(other activity id, link type, element path) for each reference in the activity."""
    for org in activity.findall("transaction/provider-org"):
        yield (
            _attr(org, "provider-activity-id"),
            "provider-activity-id",
            "transaction/provider-org",
        )
    for org in activity.findall("transaction/receiver-org"):
        yield (
            _attr(org, "receiver-activity-id"),
            "receiver-activity-id",
            "transaction/receiver-org",
        )
    for related in activity.findall("related-activity"):
        kind = RELATED_TYPES.get(_attr(related, "type"))
        yield (
            _attr(related, "ref"),
            f"related-activity:{kind}" if kind else "related-activity",
            "related-activity",
        )
