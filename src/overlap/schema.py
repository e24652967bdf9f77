"""The canonical activity record every reader produces and every stage consumes."""

from __future__ import annotations

#: Text fields: at least one of title/description must be non-empty.
TEXT_FIELDS = ("title", "description")

#: Fields holding several values; in DataFrames they are tuples of strings,
#: in CSV outputs they are joined with "; ".
LIST_FIELDS = (
    "countries",
    "locations",
    "sectors",
    "funders",
    "implementers",
    "participating_orgs",
)

#: Every canonical field, in output order.
CANONICAL_FIELDS = (
    "id",
    "actor",
    "title",
    "description",
    "countries",
    "locations",
    "sectors",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "funders",
    "implementers",
    "participating_orgs",
    "language",
)

#: Provenance columns added by the reader.
SOURCE_FIELDS = ("source_file", "source_row")

LIST_SEPARATOR = "; "
