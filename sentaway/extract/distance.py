"""Children looked after at 31 March by distance between home and placement, and placement locality.

Two formats are brought to one long shape (one published number per row):

- SFR underlying data (`*_CLA*` files) of the releases whose file has distance columns: one wide row
  per area (national, regional, LA); six column codes split all children by locality (inside / outside
  the responsible council's boundary) x distance (20 miles or less / over 20 miles / not known). Each
  code's definition in the year's metadata document is checked for expected words, so a code that
  changed meaning stops the extraction. The same file's totals (all children, and all children inside /
  outside the boundary) are kept too, so shares can be computed from this extract alone. The SFR files
  without distance columns are checked to have none, and their metadata to define none.
- explore-education-statistics (EES) national files, every release: filters `cla_group` (placement
  group) x `characteristic` (distance x locality), with a count and a percentage (of the group's total,
  distance not known included).

What the files hold, and what they do not:
- Placement groups are split by distance only in the EES files, only nationally. The SFR split is of
  all children only, but for every local authority.
- EES: 'not known' distance is not split by locality; SFR splits it.
- The EES releases group placements differently (see metadata/cla_distance.yml, field placement): the
  earlier releases put semi-independent living with secure and children's homes; later ones do not. A
  year in several releases keeps each release's rows (column release).

Which file of each release is read: sentaway/extract/releases.yml. Every label of every filter is
checked against metadata/cla_distance.sources.yml: an unknown label or a missing column stops with the
file and the label or column named.
"""

import re

from sentaway.raw.metadata import check_definition, definitions
from sentaway.raw.files import RawDataError, RawFiles
from . import shapes, sources
from .releases import Release, registry
from .tidy import count, level_of, published
from .write import add_rounding

NAME = "cla_distance"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
SFR_GEOGRAPHY = ["New_geog_code", "geog_l", "geog_c", "geog_n"]
EES_COLUMNS = ["time_period", "geographic_level", "country_code", "country_name", "cla_group", "characteristic",
               "number", "percentage"]


def _row(release: Release, year: int, file: str, area: tuple[str, str, str, str], placement: str, label: str,
         distance: str, locality: str, unit: str, text: str, where: str):
    level, code, old, name = area
    value, status = published(text, where)
    if unit == "children":
        value = count(value, where)
    elif value is not None and not 0 <= value <= 100:
        raise ValueError(f"{where}: percentage out of range {value}")
    return Row(year=year, release=release.label, source_file=file, geographic_level=level, area_code=code,
               old_la_code=old, area_name=name, placement=placement, placement_label=label, distance=distance,
               locality=locality, value=value, status=status, unit=unit, rounding="", where=where)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _records(raw: RawFiles, rel: str, required: list[str]) -> list[dict[str, str]]:
    header, rows = raw.rows(rel)
    lookup = {name.lower(): name for name in header}
    missing = [name for name in required if name.lower() not in lookup]
    if missing:
        raise RawDataError(
            f"{rel}: expected column(s) {', '.join(missing)} not found; the header has {', '.join(header)}"
        )
    # Keys as the caller spells them (a file may write CLA_Outbound for the metadata's CLA_OutBound).
    rename = {lookup[name.lower()]: name for name in required}
    return [{rename.get(h, h): v for h, v in zip(header, row)} for row in rows]


def _split_codes(year: int) -> list[str]:
    """The column codes that split by distance (not the totals every file has)."""
    return [code.format(year=year) for code, spec in LABELS["sfr_columns"].items() if spec["distance"] != "all"]


def sfr_without_distance(raw: RawFiles) -> dict[int, str]:
    """For each SFR release whose file has no distance column, a note saying so; raises if its file has a column, or
    its metadata a definition, that speaks of distance."""
    notes = {}
    metadata = dict(registry().files(raw, "sfr", "definitions"))
    for release, data_file in registry().files(raw, "sfr", "placements"):
        meta_file = metadata[release]
        header, _ = raw.rows(data_file)
        if {c.lower() for c in _split_codes(release.year)} & {name.lower() for name in header}:
            continue
        columns = [name for name in header if re.search(LABELS["distance_code"], name, re.I)]
        defined = [code for code, text in definitions(raw, meta_file).items()
                   if re.search(LABELS["distance_words"], text, re.I)]
        if columns or defined:
            raise RawDataError(
                f"{data_file}: distance column(s) {columns} / definition(s) {defined} in {meta_file}, not the columns "
                f"{sources.where(NAME)} names (sfr_columns)")
        notes[release.year] = f"{data_file}: no distance column; {meta_file}: no distance definition"
    return notes


def sfr_rows(raw: RawFiles) -> list:
    rows = []
    metadata = dict(registry().files(raw, "sfr", "definitions"))
    for release, data_file in registry().files(raw, "sfr", "placements"):
        year, meta_file = release.year, metadata[release]
        header, _ = raw.rows(data_file)
        if not {c.lower() for c in _split_codes(year)} & {name.lower() for name in header}:
            continue
        defs = definitions(raw, meta_file)
        codes = [(pattern.format(year=year), spec) for pattern, spec in LABELS["sfr_columns"].items()]
        records = _records(raw, data_file, SFR_GEOGRAPHY + [code for code, _ in codes])
        columns = []
        for code, spec in codes:
            definition = check_definition(defs, code, [w.format(year=year) for w in spec["words"]], meta_file)
            columns.append((code, spec["distance"], spec["locality"], definition))
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            code = item["New_geog_code"].strip()
            try:
                level = level_of(item["geog_l"], code, where)
            except ValueError as error:
                raise RawDataError(str(error)) from None
            old = item["geog_c"].strip() if level == "local_authority" else ""
            area = (level, code, old, item["geog_n"].strip())
            for column, distance, locality, definition in columns:
                rows.append(_row(release, year, data_file, area, "all", definition, distance, locality, "children",
                                 item[column], f"{where}, column {column}"))
    return rows


def ees_rows(raw: RawFiles) -> list:
    rows = []
    for release, data_file in registry().files(raw, "ees", "distance"):
        records = _records(raw, data_file, EES_COLUMNS)
        groups = sources.vocabulary(NAME, "groups", release)
        characteristics = sources.vocabulary(NAME, "characteristics", release)
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            if _norm(item["geographic_level"]) != "national":
                raise RawDataError(f"{where}: unknown geographic_level {item['geographic_level']!r} in a national file")
            label = item["cla_group"].strip()
            if label not in groups:
                raise groups.refuse(label, where, "cla_group", {i["cla_group"] for i in records})
            characteristic = item["characteristic"].strip()
            if characteristic not in characteristics:
                raise characteristics.refuse(characteristic, where, "characteristic",
                                             {i["characteristic"] for i in records})
            split = characteristics[characteristic]
            area = ("national", item["country_code"].strip(), "", item["country_name"].strip())
            for column, unit in (("number", "children"), ("percentage", "percent")):
                rows.append(_row(release, int(item["time_period"]), data_file, area, groups[label], label,
                                 split["distance"], split["locality"], unit, item[column], f"{where}, column {column}"))
    return rows


def extract(raw: RawFiles) -> list:
    sfr_without_distance(raw)
    rows = sfr_rows(raw) + ees_rows(raw)
    add_rounding(rows, counted=lambda row: row.unit == "children")
    return rows
