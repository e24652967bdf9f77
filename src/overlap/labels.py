"""Names for the codes a run carries, in the words a reviewer reads: countries, sectors
of any IATI vocabulary, organisation roles, and the reasons that quote them.

The run's outputs (pairs.csv and the rest) keep the codes as read; only the report
shows these names. Kept in code, not fetched, so the report reads the same offline.
"""

from __future__ import annotations

import functools
import re

import pycountry

from overlap.dac_sectors import DAC_SECTOR_NAMES

#: Names pycountry gives in a form people do not write ("Congo, The Democratic Republic of the").
COUNTRY_NAMES = {"CD": "DR Congo", "PS": "Palestine", "XK": "Kosovo", "KP": "North Korea",
                 "VA": "Holy See", "FM": "Micronesia"}

#: OECD DAC sector categories (IATI SectorCategory codelist, vocabulary 2: 3-digit codes).
DAC_CATEGORY_NAMES = {
    "110": "Education", "111": "Education, level unspecified", "112": "Basic education",
    "113": "Secondary education", "114": "Post-secondary education", "120": "Health",
    "121": "Health, general", "122": "Basic health", "123": "Non-communicable diseases (NCDs)",
    "130": "Population policies/programmes and reproductive health",
    "140": "Water supply and sanitation", "150": "Government and civil society",
    "151": "Government and civil society, general", "152": "Conflict, peace and security",
    "160": "Other social infrastructure and services", "210": "Transport and storage",
    "220": "Communications", "230": "Energy", "231": "Energy policy",
    "232": "Energy generation, renewable sources", "233": "Energy generation, non-renewable sources",
    "234": "Hybrid energy plants", "235": "Nuclear energy plants", "236": "Energy distribution",
    "240": "Banking and financial services", "250": "Business and other services",
    "310": "Agriculture, forestry, fishing", "311": "Agriculture", "312": "Forestry", "313": "Fishing",
    "320": "Industry, mining, construction", "321": "Industry", "322": "Mineral resources and mining",
    "323": "Construction", "331": "Trade policies and regulations", "332": "Tourism",
    "410": "General environment protection", "430": "Other multisector",
    "510": "General budget support", "520": "Development food assistance",
    "530": "Other commodity assistance", "600": "Action relating to debt",
    "700": "Humanitarian aid", "720": "Emergency response",
    "730": "Reconstruction relief and rehabilitation", "740": "Disaster prevention and preparedness",
    "910": "Administrative costs of donors", "920": "Support to non-governmental organisations",
    "930": "Refugees in donor countries", "998": "Unallocated / unspecified",
}

#: The UN Sustainable Development Goals (IATI vocabulary 7).
SDG_GOALS = {
    "1": "No poverty", "2": "Zero hunger", "3": "Good health and well-being", "4": "Quality education",
    "5": "Gender equality", "6": "Clean water and sanitation", "7": "Affordable and clean energy",
    "8": "Decent work and economic growth", "9": "Industry, innovation and infrastructure",
    "10": "Reduced inequalities", "11": "Sustainable cities and communities",
    "12": "Responsible consumption and production", "13": "Climate action", "14": "Life below water",
    "15": "Life on land", "16": "Peace, justice and strong institutions", "17": "Partnerships for the goals",
}

#: IATI sector vocabularies whose codes have no names here: what to call a code of each.
VOCABULARY_WORDS = {
    "3": "COFOG function", "4": "NACE activity", "5": "NTEE code", "6": "AidData code",
    "8": "SDG target", "9": "SDG indicator", "10": "Humanitarian cluster", "11": "NAICS industry",
    "12": "UN system function", "98": "Publisher's own sector", "99": "Publisher's own sector",
    "WBTheme": "World Bank theme", "WBSector": "World Bank sector",
}

#: Groups of the page's sector filter, in the order listed.
SECTOR_GROUPS = ("DAC sectors", "DAC categories", "Sustainable Development Goals",
                 "Humanitarian clusters", "Publishers' own sectors", "Other vocabularies", "As written")

_VOCABULARY_CODE = re.compile(r"^v([A-Za-z0-9]+):(.+)$")
_DAC_LABEL = re.compile(r"^(\d{5})(?:\s+(.*))?$")


def country_name(code: str) -> str:
    """'SL' -> 'Sierra Leone'; anything not an ISO 3166 alpha-2 code stays as written."""
    if code in COUNTRY_NAMES:
        return COUNTRY_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return getattr(country, "common_name", country.name) if country is not None else code


@functools.lru_cache(maxsize=4096)
def sector_name(sector: str) -> tuple[str, str]:
    """(name, filter group) of a sector as activities hold it.

    '14031' and '14031 Basic drinking water supply' (the XML reader's label) ->
    'Basic drinking water supply'; '720' -> 'Emergency response'; 'v7:3' -> 'SDG 3: Good
    health and well-being'; 'v99:18' -> "Publisher's own sector 18"; free text stays.
    """
    text = sector.strip()
    dac = _DAC_LABEL.match(text)
    if dac:
        name = DAC_SECTOR_NAMES.get(dac.group(1)) or (dac.group(2) or "").strip()
        return name or f"DAC sector {dac.group(1)}", SECTOR_GROUPS[0]
    if text.isdigit() and len(text) == 3:
        return DAC_CATEGORY_NAMES.get(text, f"DAC category {text}"), SECTOR_GROUPS[1]
    coded = _VOCABULARY_CODE.match(text)
    if not coded:
        return text, SECTOR_GROUPS[-1]
    vocabulary, code = coded.groups()
    if vocabulary == "1":
        return sector_name(code)
    if vocabulary == "2":
        return sector_name(code) if len(code) == 3 and code.isdigit() else (code, SECTOR_GROUPS[1])
    if vocabulary == "7":
        goal = SDG_GOALS.get(code.removeprefix("0"))
        return (f"SDG {code}: {goal}" if goal else f"SDG {code}"), SECTOR_GROUPS[2]
    words = VOCABULARY_WORDS.get(vocabulary, f"Vocabulary {vocabulary}")
    group = {"8": 2, "9": 2, "10": 3, "98": 4, "99": 4}.get(vocabulary, 5)
    return f"{words} {code}", SECTOR_GROUPS[group]


def _countries_named(text: str) -> str:
    return ", ".join(country_name(code) for code in text.split(", "))


_REASON_START = re.compile(r"^(same |different |dates |shared |text similarity|Axis |.+ names .+ as partner)")


def reason_parts(reasons: str) -> list[str]:
    """A pair's reasons one by one: the scorer joins them with '; ', which also separates
    values inside one reason ('same sector: a; b'), so a part that does not start a
    reason continues the one before."""
    out: list[str] = []
    for part in reasons.split("; ") if reasons else []:
        if out and not _REASON_START.match(part):
            out[-1] += "; " + part
        else:
            out.append(part)
    return out


def readable_reason(reason: str) -> str:
    """One reason with its codes named: 'same country: SL' -> 'same country: Sierra Leone',
    'same sector: 14031' -> 'same sector: Basic drinking water supply'."""
    if reason.startswith("same country: "):
        return "same country: " + _countries_named(reason.removeprefix("same country: "))
    if reason.startswith("different countries: "):
        sides = reason.removeprefix("different countries: ").split(" vs ")
        return "different countries: " + " vs ".join(_countries_named(s) for s in sides)
    if reason.startswith("same sector: ") and reason != "same sector: same category":
        sectors = reason.removeprefix("same sector: ").split("; ")
        return "same sector: " + "; ".join(sector_name(s)[0] for s in sectors)
    conflict_place = re.match(r"^same country ((?:[A-Z]{2}(?:, )?)+?)((?:, [^A-Z].*)?)$", reason)
    if conflict_place:
        return "same country " + _countries_named(conflict_place.group(1)) + conflict_place.group(2)
    return reason


def readable_reasons(reasons: str) -> str:
    """A pair's reasons with every country and sector code named, joined as the scorer joins them."""
    return "; ".join(readable_reason(r) for r in reason_parts(reasons))
