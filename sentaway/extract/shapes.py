"""Each extract's shape, declared once: metadata/<extract>.yml gives its columns (name, type, description, allowed
codes), its key and the order of its rows. From it come the row type an extractor fills, the writer of its CSV, and
(sentaway/extract/catalogue.py) its entry in datapackage.json and data/README.md; validate.py checks the CSV against
that entry.

In an extract's file a field given by a name alone is the shared one of metadata/fields.yml. A field's enum given by
a name instead of a list is a list of the extract's sources file (metadata/<extract>.sources.yml: under `lists`, or
a mapping's keys, or with `.values` its values), or `symbols`, the suppression symbols (sentaway/raw/suppression.yml), names joined by ' + ' being joined lists. A field's
`order` (a list) or `sort: natural` and the resource's `order` (columns) say how rows are sorted; they are not
published. Rows are sorted by those columns, an enum's values in the enum's order; a row whose key repeats stops.
"""

import copy
import csv
import io
import re
from dataclasses import field as dc_field, make_dataclass
from decimal import Decimal
from functools import lru_cache

from sentaway.raw.suppression import CODES
from . import sources

METADATA = sources.METADATA
UNPUBLISHED = ("order", "sort")   # a field's keys that shape the CSV but are no part of its schema


MetadataError = sources.MetadataError


def where(name: str) -> str:
    return f"sentaway/extract/metadata/{name}.yml"


def read(name: str) -> dict:
    return sources.metadata(f"{name}.yml")


def _named_list(extract: str, names: str) -> list:
    found = []
    for name in names.split(" + "):
        if name == "symbols":
            found += ["", *CODES]
            continue
        data = sources.load(extract) if (sources.METADATA / f"{extract}.sources.yml").is_file() else {}
        head, _, part = name.partition(".")
        named = data.get("lists", {}).get(head, data.get(head))
        if not isinstance(named, (list, dict)):
            raise MetadataError(f"{where(extract)}: enum {name!r} is no list of {sources.where(extract)}")
        found += list(named.values() if part == "values" else named)
    return found


@lru_cache(maxsize=None)
def spec(name: str) -> dict:
    """The resource described by metadata/<name>.yml, its shared fields and named enums filled in; descriptions
    are still templates (catalogue.py renders them)."""
    resource = read(name)
    shared, fields = read("fields"), []
    for item in resource["fields"]:
        if isinstance(item, str):
            if item not in shared:
                raise MetadataError(f"{where(name)}: field {item!r} is not in {where('fields')}")
            item = shared[item]
        item = copy.deepcopy(item)
        enum = item.get("constraints", {}).get("enum")
        if isinstance(enum, str):
            item["constraints"]["enum"] = _named_list(resource.get("lists_in", name), enum)
        fields.append(item)
    if resource["path"] != f"{resource['name']}.csv" or resource["name"] != name:
        raise MetadataError(f"{where(name)}: expected name {name} and path {name}.csv")
    columns = [f["name"] for f in fields]
    for key in resource.get("primaryKey", []) + resource.get("order", []):
        if key not in columns:
            raise MetadataError(f"{where(name)}: {key!r} in primaryKey or order is no column")
    return {**resource, "fields": fields}


def columns(name: str) -> list[str]:
    return [f["name"] for f in spec(name)["fields"]]


@lru_cache(maxsize=None)
def row_type(name: str) -> type:
    """A row of the extract: one attribute per column (each given by name, none left out), `where` (the raw file,
    line and column it came from, for messages) and `sources` (the raw files it draws on, when not just its own
    source_file)."""
    title = "".join(part.title() for part in name.split("_")) + "Row"
    attributes = [(column, object) for column in columns(name)]
    return make_dataclass(title, attributes + [("where", str), ("sources", tuple, dc_field(default=()))],
                          kw_only=True)


def _natural(text: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(text))]


def _sort_key(name: str):
    fields = {f["name"]: f for f in spec(name)["fields"]}
    parts = []
    for column in spec(name).get("order", []):
        f = fields[column]
        ranked = f.get("order") or f.get("constraints", {}).get("enum")
        if isinstance(ranked, str):
            ranked = _named_list(spec(name).get("lists_in", name), ranked)
        if ranked:
            parts.append(lambda row, c=column, r=list(ranked): r.index(getattr(row, c)))
        elif f.get("sort") == "natural":
            parts.append(lambda row, c=column: _natural(getattr(row, c)))
        else:
            parts.append(lambda row, c=column: getattr(row, c))
    return lambda row: tuple(part(row) for part in parts)


def _whole(value, where: str, minimum) -> str:
    if value != int(value):
        raise ValueError(f"{where}: expected a whole count, found {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{where}: negative count {value}")
    return str(int(value))


def cell(f: dict, value, where: str) -> str:
    """A value as the CSV writes it, by the field's type: integers whole; numbers as published (a float in at most
    12 significant digits, a Decimal exactly); booleans true / false; nothing (a suppressed cell) as empty."""
    kind = f["type"]
    if value is None:
        return ""
    if kind in ("string", "date"):
        if not isinstance(value, str):
            raise ValueError(f"{where}: column {f['name']} holds {value!r}, not text")
        return value
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, str):  # a number kept as the file wrote it
        return value
    if kind == "integer":
        return _whole(value, where, f.get("constraints", {}).get("minimum"))
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0" if text == "-0" else text
    if isinstance(value, int):
        return str(value)
    return format(value, ".12g")


def csv_text(name: str, rows: list) -> str:
    """The extract's CSV: its columns, rows in its order (as given, where it declares none), each key once."""
    resource = spec(name)
    fields = resource["fields"]
    if resource.get("order"):
        rows = sorted(rows, key=_sort_key(name))
    key = resource.get("primaryKey", [])
    seen: dict[tuple, str] = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in fields])
    for row in rows:
        identity = tuple(str(getattr(row, k)) for k in key)
        if identity in seen:
            raise ValueError(f"{row.where}: a second value for the same key {identity} (first at {seen[identity]})")
        seen[identity] = row.where
        writer.writerow([cell(f, getattr(row, f["name"]), row.where) for f in fields])
    return out.getvalue()
