"""Decide which columns of a table feed which canonical fields.

Three kinds of tables arrive: plain exports (one header row, names in English,
French or Spanish), 3W/4W/5W tables (an admin hierarchy such as Region > Zone >
Woreda with P-codes, short activity names), and HXL-tagged tables (a row of
hashtags such as ``#org+name``, ``#adm1+code`` under or instead of the headers).
The result is a ``ColumnPlan``; `read` applies it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from overlap.errors import InputError
from overlap.iati import ROLE_CODES
from overlap.schema import CANONICAL_FIELDS

#: Common header names per canonical field, in English, French and Spanish,
#: written in normalised form (lower case, no accents, words separated by a space).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "project id", "activity id", "project code", "code", "ref", "reference",
        "identifier", "iati identifier", "project number", "project no",
        "identifiant", "id du projet", "code projet", "code du projet", "numero",
        "codigo", "id del proyecto", "codigo del proyecto", "id projet", "iati id",
    ),
    "actor": (
        "actor", "organisation", "organization", "org", "organisation name",
        "organization name", "agency", "partner", "partner name", "reporting org",
        "reporting organisation", "reporting organization", "publisher", "lead agency",
        "acteur", "organisme", "partenaire", "structure", "agence",
        "socio", "organizacion", "entidad", "agencia", "actor principal",
        "program partner name", "programme partner name", "program partner",
        "programme partner", "partenaire de programme", "nom organization",
        "nom organisation", "nom de l organisation", "org name",
        "reporting org narrative",  # IATI flattened to a table (e.g. the IATI Datastore's CSV)
    ),
    "title": (
        "title", "project title", "project name", "activity title", "activity name",
        "name", "project", "titre", "titre du projet", "intitule", "intitule du projet",
        "nom du projet", "projet", "titulo", "titulo del proyecto", "nombre del proyecto",
        "proyecto", "nombre", "activity", "activite", "nom activite projet",
        "nom activite", "activity name", "actividad", "title narrative", "programme name",
        "program name", "programme title", "program title", "policy name",
    ),
    "description": (
        "description", "project description", "activity description", "summary",
        "abstract", "objective", "objectives", "details", "narrative", "activities",
        "objectif", "objectifs", "resume", "description du projet", "objectif du projet",
        "descripcion", "objetivo", "objetivos", "resumen", "descripcion del proyecto",
        "description narrative",
    ),
    "countries": (
        "country", "countries", "recipient country", "recipient countries",
        "country code", "country iso", "iso3", "iso2", "country name",
        "pays", "pays beneficiaire", "pais", "paises", "pais beneficiario",
    ),
    "locations": (
        "location", "locations", "city", "area", "place", "places",
        "lieu", "lieux", "localite", "localisation", "ville",
        "ubicacion", "lugar", "localidad", "municipio",
    ),
    "sectors": (
        "sector", "sectors", "thematic area", "theme", "themes", "topic", "cluster",
        "secteur", "secteurs", "thematique", "domaine", "sector tematico", "tema",
        "area tematica", "secteur domaine", "cluster name", "sector name",
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
        "financiador", "financiado por", "fuente de financiacion", "donor name",
        "funding partner", "funding partners", "partner funding", "funding org",
    ),
    "implementers": (
        "implementing partner", "implementing partners", "implementer", "implementers",
        "implementing agency", "implementing organisation", "implementing organization",
        "partenaire de mise en oeuvre", "partenaires de mise en oeuvre", "operateur",
        "partenaire operationnel", "socio implementador", "socios implementadores",
        "ejecutor", "entidad ejecutora", "implementing partner name",
        "partner implementing", "implementing org",
    ),
    "participating_orgs": ("participating orgs", "participating organisations",
                           "participating organizations", "participating org narrative",
                           "actors involved", "organisations involved", "organizations involved"),
    "language": ("language", "lang", "langue", "idioma", "lengua"),
    # not canonical: organisations in IATI's other roles join participating_orgs
    "accountable": ("partner accountable", "accountable partner", "accountable org",
                    "accountable organisation", "accountable organization"),
    "extending": ("partner extending", "extending partner", "extending org",
                  "extending organisation", "extending organization"),
    # not canonical: ids of other activities this one declares (as IATI's related-activity)
    "parent": ("project parent", "parent project", "parent projects", "parent activity",
               "parent id", "parent project id", "parent activity id", "projet parent"),
    "child": ("project child", "project children", "child project", "child projects",
              "child activity", "child activities", "child id", "child ids", "projets enfants"),
    "sibling": ("project sibling", "project siblings", "sibling project", "sibling projects",
                "sibling activity", "sibling activities"),
    # not canonical: a reporting month gives the period when it has a year
    "month": ("month", "mois", "mes", "reporting month", "period", "periode"),
}

_SYNONYM_TO_FIELD = {
    synonym: name for name, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms
}

#: Admin-area words and their level in a hierarchy (1 = coarsest).
ADMIN_LEVELS = {
    "region": 1, "province": 1, "prov": 1, "state": 1, "governorate": 1, "admin1": 1,
    "adm1": 1, "admin 1": 1, "etat": 1, "departamento": 1,
    "zone": 2, "district": 2, "dist": 2, "territoire": 2, "territory": 2, "county": 2,
    "prefecture": 2, "admin2": 2, "adm2": 2, "admin 2": 2, "cercle": 2,
    "woreda": 3, "zone de sante": 3, "health zone": 3, "zs": 3, "sub county": 3,
    "commune": 3, "admin3": 3, "adm3": 3, "admin 3": 3, "arrondissement": 3,
    "kebele": 4, "admin4": 4, "adm4": 4, "admin 4": 4, "village": 5,
}
_CODE_WORDS = ("pcode", "pcod", "p code", "code")

#: Fields fed by several columns at once, their values joined.
MULTI_COLUMN_FIELDS = ("sectors",)

#: Roles without a canonical field -> IATI participating-org role code: their
#: organisations join ``participating_orgs`` as "code:name", as IATI's do.
PARTICIPANT_ROLES = {role: ROLE_CODES[role] for role in ("accountable", "extending")}

#: Columns declaring other activities -> the link type (IATI's related-activity types).
LINK_FIELDS = {kind: f"related-activity:{kind}" for kind in ("parent", "child", "sibling")}

#: Where a row's actor comes from when no column names it: the first of these roles
#: filled (the organisation that carries the activity out, else the one nearest to it).
ACTOR_FALLBACK = ("implementers", "extending", "accountable", "funders")

#: Fields read but not canonical, in the order a plan describes them.
EXTRA_FIELDS = (*PARTICIPANT_ROLES, *LINK_FIELDS, "month")


def normalise_header(header: str) -> str:
    """'Date de début (prévue)' -> 'date de debut prevue'; 'countryName' -> 'country name'."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(header))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("_", " ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _header_candidates(header: str) -> list[str]:
    """Forms to look up: the header, without a bracketed note, without a trailing number."""
    full = normalise_header(header)
    bare = normalise_header(re.sub(r"\(.*?\)|\[.*?\]", " ", str(header), flags=re.S))
    candidates = [full, bare, re.sub(r"\s*\d+$", "", bare)]
    return list(dict.fromkeys(c for c in candidates if c))


def admin_column(header: str) -> tuple[int, bool] | None:
    """(level, is P-code) when a header names an admin area, e.g. 'WoredaPcod' -> (3, True)."""
    for candidate in _header_candidates(header):
        words = candidate.split()
        is_code = any(w in _CODE_WORDS or w.endswith(("pcode", "pcod")) for w in words)
        compact = candidate.replace(" ", "")
        for name in sorted(ADMIN_LEVELS, key=len, reverse=True):
            key = name.replace(" ", "")
            if candidate == name or (is_code and key in compact) or (
                len(words) > 1 and name in candidate and words[-1] in ("name", "nom")
            ):
                return ADMIN_LEVELS[name], is_code
    return None


@dataclass
class ColumnPlan:
    """Which columns feed which canonical field, and how."""

    #: canonical field (or "month") -> its columns; most fields have one
    fields: dict[str, list[str]] = field(default_factory=dict)
    #: admin-area name columns, coarsest first, and their P-code columns
    admin_names: list[str] = field(default_factory=list)
    admin_codes: list[str] = field(default_factory=list)
    #: field -> columns whose value stands in when the field's cell is empty
    fallbacks: dict[str, list[str]] = field(default_factory=dict)
    #: where the activity text comes from when there is no title/description column
    text_from: str = ""
    #: with no actor column: the role columns a row's actor is taken from, first filled first
    actor_from: list[str] = field(default_factory=list)

    def used(self) -> set[str]:
        return (
            {c for cs in [*self.fields.values(), *self.fallbacks.values()] for c in cs}
            | set(self.admin_names) | set(self.admin_codes)
        )

    def describe(self) -> dict[str, str]:
        """Field -> a readable account of its columns, for `inspect` and run.json."""
        shown = {name: " + ".join(cols) for name, cols in self.fields.items()}
        for name, columns in self.fallbacks.items():
            if name in shown:
                shown[name] += "".join(f" (else {c})" for c in columns)
        if self.admin_names or self.admin_codes:
            path = " > ".join(self.admin_names)
            codes = " / ".join(self.admin_codes)
            shown["locations"] = (path + (f" [{codes}]" if codes else "")).strip()
        order = [*CANONICAL_FIELDS, *EXTRA_FIELDS]
        return {name: shown[name] for name in order if name in shown}

    def actor_source(self) -> str:
        """Where rows with no actor column get theirs, for `inspect` and run.json."""
        if not self.actor_from:
            return "file name"
        return ", then ".join([*self.actor_from, "the file name"])


def _take(plan: ColumnPlan, name: str, column: str) -> bool:
    if name in plan.fields and name not in MULTI_COLUMN_FIELDS:
        return False
    plan.fields.setdefault(name, []).append(column)
    return True


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> ColumnPlan:
    """Choose the columns of a plain or 3W table; explicit overrides win.

    A column feeds at most one field. Two or more admin-area columns (or one with
    its P-code) make a hierarchy feeding ``locations``.
    """
    plan = ColumnPlan()
    overrides = overrides or {}
    _apply_overrides(plan, headers, overrides)
    admin: dict[tuple[int, bool], str] = {}
    for header in headers:
        if header in plan.used():
            continue
        for candidate in _header_candidates(header):
            name = _SYNONYM_TO_FIELD.get(candidate)
            # a field given by --map takes no other column: a --map naming no column of
            # this file leaves its field unmapped, which the caller reports
            if name and name not in overrides and _take(plan, name, header):
                break
        else:
            level = admin_column(header)
            if level and level not in admin and "locations" not in plan.fields:
                admin[level] = header
    if admin:
        plan.admin_names = [admin[k] for k in sorted(admin) if not k[1]]
        plan.admin_codes = [admin[k] for k in sorted(admin) if k[1]]
    _fallbacks(plan, headers)
    _text_from_sector(plan)
    _actor_from_roles(plan)
    return plan


def _actor_from_roles(plan: ColumnPlan) -> None:
    """A table of activities without an actor column but with their organisations by
    role (a fund's programmes and contracts) takes each row's actor from those roles."""
    if "actor" not in plan.fields:
        plan.actor_from = [c for role in ACTOR_FALLBACK for c in plan.fields.get(role, [])]


def _fallbacks(plan: ColumnPlan, headers: list[str]) -> None:
    """'Donor Acronym' stands in where 'Donor Name' is empty; in 3W tables the
    implementing partner stands in for a missing programme partner."""
    for header in headers:
        if header in plan.used():
            continue
        words = normalise_header(header).split()
        if not words or words[-1] not in ("acronym", "acronyme", "acronimo", "abbreviation"):
            continue
        stem = " ".join(words[:-1])
        name = _SYNONYM_TO_FIELD.get(stem) or _SYNONYM_TO_FIELD.get(f"{stem} name") or (
            "actor" if not stem or stem in ("org", "organisation", "organization") else None
        )
        if name in plan.fields:
            plan.fallbacks.setdefault(name, []).append(header)
    is_3w = len(plan.admin_names) + len(plan.admin_codes) >= 2
    if is_3w and "actor" in plan.fields and "implementers" in plan.fields:
        plan.fallbacks.setdefault("actor", []).extend(plan.fields["implementers"])


def _apply_overrides(plan: ColumnPlan, headers: list[str], overrides: dict[str, str]) -> None:
    by_normalised = {normalise_header(h): h for h in headers}
    for name, column in overrides.items():
        if name not in CANONICAL_FIELDS:
            raise InputError(
                f"--map {name}={column}: unknown field {name!r}",
                expected="one of " + ", ".join(CANONICAL_FIELDS),
            )
        actual = column if column in headers else by_normalised.get(normalise_header(column))
        if actual is not None:  # a missing column is reported per file by the caller
            plan.fields[name] = [actual]


def _text_from_sector(plan: ColumnPlan) -> None:
    """Presence tables (who works in which sector where) have no activity text:
    the sector names what is done, so it stands in for the title."""
    if "title" in plan.fields or "description" in plan.fields:
        return
    if "sectors" in plan.fields and (plan.admin_names or plan.admin_codes):
        plan.fields["title"] = list(plan.fields["sectors"])
        plan.text_from = "sector (the table has no activity column)"


# ------------------------------------------------------------------------- HXL

_HASHTAG = re.compile(r"^\s*#[a-z][a-z0-9_]*", re.I)


def hashtag_row(frame: pd.DataFrame, look_at: int = 5) -> int | None:
    """Where the HXL hashtag row is: -1 for the header itself, else a data row index."""
    def is_tags(values) -> bool:
        cells = [str(v).strip() for v in values if str(v).strip() and str(v) != "nan"]
        tagged = [c for c in cells if _HASHTAG.match(c)]
        return len(tagged) >= 2 and len(tagged) >= 0.5 * len(cells)

    if is_tags(frame.columns):
        return -1
    for index in range(min(look_at, len(frame))):
        if is_tags(frame.iloc[index].tolist()):
            return index
    return None


def parse_hashtag(tag: str) -> tuple[str, frozenset[str]]:
    """'#org +name +impl' -> ('org', {'name', 'impl'})."""
    parts = re.split(r"\s*\+\s*", str(tag).strip().lstrip("#").lower())
    return parts[0].strip(), frozenset(p.strip() for p in parts[1:] if p.strip())


#: (hashtag, attribute that must be present or None, field, priority: lower wins)
_HXL_RULES: tuple[tuple[str, str | None, str, int], ...] = (
    ("org", "funder", "funders", 0),
    ("org", "donor", "funders", 0),
    ("org", "impl", "implementers", 0),
    ("org", "prog", "actor", 1),
    ("org", "name", "actor", 2),
    ("org", None, "actor", 3),
    ("org", "acronym", "actor", 4),
    ("activity", "desc", "description", 0),
    ("activity", "description", "description", 0),
    ("activity", None, "title", 1),
    ("sector", None, "sectors", 0),
    ("subsector", None, "sectors", 1),
    ("country", "code", "countries", 0),
    ("country", None, "countries", 1),
    ("loc", None, "locations", 0),
    ("date", "start", "start_date", 0),
    ("date", "end", "end_date", 0),
    ("date", None, "month", 1),
    ("value", None, "budget", 0),
    ("currency", None, "currency", 0),
    ("contact", None, "", 9),
)
_HXL_SKIPPED_ATTRIBUTES = {"type", "id", "code"}


def map_hashtags(headers: list[str], tags: list[str]) -> ColumnPlan:
    """A plan from an HXL hashtag row: hashtags and attributes name the fields."""
    plan = ColumnPlan()
    chosen: dict[str, list[tuple[int, str]]] = {}
    admin: dict[tuple[int, bool], str] = {}
    for header, tag in zip(headers, tags):
        if not _HASHTAG.match(str(tag)):
            continue
        hashtag, attributes = parse_hashtag(tag)
        level = re.fullmatch(r"adm([1-5])", hashtag)
        if level or hashtag == "region":
            key = (int(level.group(1)) if level else 0, "code" in attributes)
            admin.setdefault(key, header)
            continue
        if hashtag in ("org", "sector", "subsector") and attributes & _HXL_SKIPPED_ATTRIBUTES and not (
            attributes & {"name", "impl", "funder", "donor", "prog"}
        ):
            continue  # org types, sector codes: names are more useful
        for rule_tag, attribute, name, priority in _HXL_RULES:
            if rule_tag == hashtag and (attribute is None or attribute in attributes) and name:
                if name in MULTI_COLUMN_FIELDS:
                    plan.fields.setdefault(name, []).append(header)
                else:
                    chosen.setdefault(name, []).append((priority, header))
                break
    # the best-tagged column feeds the field; the others stand in where it is empty
    # (e.g. #org+acronym where #org+name was left blank)
    for name, options in chosen.items():
        ranked = [header for _, header in sorted(options, key=lambda option: option[0])]
        plan.fields[name] = ranked[:1]
        if ranked[1:]:
            plan.fallbacks[name] = ranked[1:]
    plan.admin_names = [admin[k] for k in sorted(admin) if not k[1] and k[0] > 0]
    plan.admin_codes = [admin[k] for k in sorted(admin) if k[1] and k[0] > 0]
    _text_from_sector(plan)
    _actor_from_roles(plan)
    return plan
