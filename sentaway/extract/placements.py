"""Children looked after at 31 March by placement type and locality, national and by LA, every release.

Two formats are harmonised here:
- SFR underlying data: one wide row per area, column codes defined in each year's metadata document (checked
  against the definition text, so a code that changed meaning stops the extraction); the oldest release's file
  by SSDA903 placement code;
- explore-education-statistics (EES) tidy files, every release: the national provider x placement type x locality
  file, the LA net-gain file, CLA numbers, and the national characteristics file, whose 'Placement' rows give
  children in children's homes subject to Children's Homes Regulations (secure units excluded) inside / outside
  the boundary, secure units inside / outside, and the group totals.

Which file of each release is read: sentaway/extract/releases.yml. Column codes and labels, and the releases that
print each label: metadata/cla_placements.sources.yml. EES labels are read by their words (numbering, case and
spacing aside): a renumbered or reordered release cannot swap inside and outside, and an unknown or ambiguous
label stops with the file, line and label. Every row keeps its release: a year in three releases is three rows,
and a value one release suppressed stays suppressed in that release's row.
"""

import re

from sentaway.raw.metadata import check_definition, definitions
from sentaway.raw.files import RawFiles, RawDataError
from . import shapes, sources
from .releases import Release, registry
from .tidy import level_of, published
from .write import add_rounding

NAME = "cla_placements"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
EES_GEOGRAPHY = ["time_period", "geographic_level", "country_code"]
EES_LA = ["region_code", "region_name", "old_la_code", "la_name", "new_la_code"]

# (column code, year) of columns in a data file that its metadata document does not define: listed in data/README.md.
SKIPPED: list[tuple[str, str]] = []


def _row(release: Release, year: int, file: str, area: tuple[str, str, str, str], placement: str, label: str,
         locality: str, provider: str, text: str, where: str):
    level, code, old, name = area
    value, status = published(text, where)
    return Row(year=year, release=release.label, source_file=file, geographic_level=level, area_code=code,
               old_la_code=old, area_name=name, placement=placement, placement_label=label, locality=locality,
               provider=provider, value=value, status=status, rounding="", where=where)


def _definitions(raw: RawFiles, table: str) -> dict[Release, str]:
    return {release: path for release, path in registry().files(raw, "sfr", table)}


def sfr_rows(raw: RawFiles) -> list:
    rows = []
    metadata = _definitions(raw, "definitions")
    for release, data_file in registry().files(raw, "sfr", "placements"):
        year, meta_file = release.year, metadata[release]
        defs = definitions(raw, meta_file)
        header, records = raw.rows(data_file)
        present = {LABELS["sfr_aliases"].get(name, name).lower(): name for name in header}
        columns = []
        for pattern, spec in LABELS["sfr_columns"].items():
            code = pattern.format(year=year)
            required = spec.get("required", False)
            if code.lower() not in present:
                if required:
                    raise RawDataError(f"{data_file}: expected column {code} not found in the header")
                continue
            definition = check_definition(defs, code, spec["words"], meta_file, required)
            if definition is None:
                SKIPPED.append((code, str(year)))
                continue
            columns.append((header.index(present[code.lower()]), present[code.lower()], spec["placement"],
                            spec["locality"], definition))
        for line, record in enumerate(records, start=2):
            item = dict(zip(header, record))
            code = item["New_geog_code"].strip()
            level = level_of(item["geog_l"], code, f"{data_file}, line {line}")
            old = item["geog_c"].strip() if level == "local_authority" else ""
            area = (level, code, old, item["geog_n"].strip())
            for index, name, placement, locality, definition in columns:
                rows.append(_row(release, year, data_file, area, placement, definition, locality, "all",
                                 record[index], f"{data_file}, line {line}, column {name}"))
    return rows


def sfr_wide_rows(raw: RawFiles) -> list:
    """The oldest SFR file (table placements_wide). Its header lists placement codes in the metadata's order, but
    the values run in alphabetical order of the codes (the national row only adds up, and foster care with other
    carers is only the largest placement, read that way). Read by code order, and check that it holds."""
    rows = []
    codes = LABELS["ssda903_codes"]
    metadata = _definitions(raw, "definitions_wide")
    for release, data_file in registry().files(raw, "sfr", "placements_wide"):
        year, meta_file = release.year, metadata[release]
        defs = definitions(raw, meta_file)
        header, records = raw.rows(data_file)
        place_columns = [i for i, name in enumerate(header) if name.startswith("MarPlace_")]
        codes_in_header = [header[i].split("_")[1] for i in place_columns]
        if sorted(codes_in_header) != sorted(codes):
            raise RawDataError(f"{data_file}: placement codes {codes_in_header} differ from those expected")
        codes_by_position = sorted(codes_in_header)
        total_column = LABELS["wide_total"].format(year=year)
        total_index = header.index(total_column)
        national = next(r for r in records if r[0].strip().lower() == "national")
        values = {code: float(national[i]) if national[i].strip().replace(".", "").isdigit() else 0.0
                  for code, i in zip(codes_by_position, place_columns)}
        if max(values, key=values.get) != LABELS["wide_largest"] \
                or abs(sum(values.values()) - float(national[total_index])) > 300:
            raise RawDataError(f"{data_file}: the values no longer read in alphabetical code order; check the header")
        for line, record in enumerate(records, start=2):
            level = level_of(record[0], "", f"{data_file}, line {line}")
            old = record[1].strip() if level == "local_authority" else ""
            area = (level, "", old, record[2].strip())
            rows.append(_row(release, year, data_file, area, "all", defs[total_column], "all", "all",
                             record[total_index], f"{data_file}, line {line}, column {total_column}"))
            for code, index in zip(codes_by_position, place_columns):
                column = f"MarPlace_{code}_{year}"
                rows.append(_row(release, year, data_file, area, codes[code], defs[column], "all", "all",
                                 record[index], f"{data_file}, line {line}, value for {column}"))
    return rows


def _ees_area(item: dict[str, str], where: str) -> tuple[str, str, str, str]:
    level = level_of(item["geographic_level"], "", where)
    if level == "national":
        return level, item["country_code"], "", item.get("country_name", "England")
    if level == "regional":
        return level, item["region_code"], "", item["region_name"]
    return level, item["new_la_code"], item["old_la_code"], item["la_name"]


def _numbering(text: str) -> tuple[str, str]:
    """'2a. Foster placements' -> ('2', 'a'); '4. Other placement' -> ('4', '')."""
    match = re.match(r"^\s*(\d+)([a-z]?)[.:]?\s", text)
    return (match.group(1), match.group(2)) if match else ("", "")


def ees_placement_rows(raw: RawFiles) -> list:
    rows = []
    for release, data_file in registry().files(raw, "ees", "placements_by_provider"):
        sections = sources.vocabulary(NAME, "sections", release)
        types = sources.vocabulary(NAME, "placement_types", release)
        providers = sources.vocabulary(NAME, "providers", release)
        records = raw.records(data_file, EES_GEOGRAPHY + ["placement_type", "placement_provider", "number"])
        printed = {item["placement_type"] for item in records}
        # First the sections, by their words: number -> (placement, locality, line).
        found: dict[str, tuple[str, str, int]] = {}
        for line, item in enumerate(records, start=2):
            number, letter = _numbering(item["placement_type"])
            if letter or item["placement_type"] not in sections:
                continue
            spec = sections[item["placement_type"]]
            first = found.setdefault(number, (spec["placement"], spec["locality"], line))
            if first[:2] != (spec["placement"], spec["locality"]):
                raise RawDataError(f"{data_file}, line {line}: ambiguous placement_type {item['placement_type']!r}: "
                                   f"section {number} is also labelled otherwise (line {first[2]})")
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            label = item["placement_type"]
            number, letter = _numbering(label)
            if not letter and label in sections:
                placement, locality = sections[label]["placement"], sections[label]["locality"]
            elif letter and label in types and number in found:
                section_placement, locality, _ = found[number]
                if section_placement != "all":
                    raise RawDataError(f"{where}: placement_type {label!r} sits in section {number}, which is not "
                                       "a section of all children")
                placement = types[label]
            else:
                raise (types if letter else sections).refuse(label, where, "placement_type", printed)
            if item["placement_provider"] not in providers:
                raise providers.refuse(item["placement_provider"], where, "placement_provider",
                                       {i["placement_provider"] for i in records})
            text = label.strip().partition(". ")[2] or label.strip()
            provider = providers[item["placement_provider"]]
            rows.append(_row(release, int(item["time_period"]), data_file, _ees_area(item, where), placement, text,
                             locality, provider, item["number"], f"{where}, column number"))
    return rows


def ees_characteristics_rows(raw: RawFiles) -> list:
    """Children's homes (subject to Children's Homes Regulations, secure units excluded) inside / outside
    the boundary, secure units, and the group totals, from each release's national characteristics file."""
    rows = []
    group = LABELS["characteristics_group"]
    for release, data_file in registry().files(raw, "ees", "characteristics"):
        header, _ = raw.rows(data_file)
        group_column = next((name for name in header if name.lower() == "cla_group"), "cla_group")
        records = raw.records(data_file, EES_GEOGRAPHY + ["country_name", group_column, "characteristic", "number"])
        accepted = sources.vocabulary(NAME, "characteristics", release)
        in_group = [item for item in records if sources.label_key(item[group_column]) == group]
        seen: dict[tuple[int, str], int] = {}
        kept = []
        for line, item in enumerate(records, start=2):
            if sources.label_key(item[group_column]) != group:
                continue
            where = f"{data_file}, line {line}"
            label = item["characteristic"].strip()
            if label not in accepted:
                raise accepted.refuse(label, where, f"characteristic (cla_group {item[group_column]!r})",
                                      {i["characteristic"] for i in in_group})
            year = int(item["time_period"])
            if accepted[label] is None:  # (labels not kept may repeat: the foster breakdown does, inside and outside)
                continue
            key = sources.label_key(label)
            if (year, key) in seen:
                raise RawDataError(f"{where}: ambiguous characteristic {label!r}: the same words as line "
                                   f"{seen[(year, key)]} for {year}")
            seen[(year, key)] = line
            area = _ees_area(item, where)
            if area[0] != "national":
                raise RawDataError(f"{where}: geographic_level {item['geographic_level']!r} in a national file")
            spec = accepted[label]
            kept.append(_row(release, year, data_file, area, spec["placement"], label, spec["locality"], "all",
                             item["number"], f"{where}, column number"))
        wanted = {(spec["placement"], spec["locality"]) for spec in accepted.accepted.values() if spec}
        missing = wanted - {(r.placement, r.locality) for r in kept}
        if not kept or missing:
            raise RawDataError(f"{data_file}: expected cla_group 'Placement' rows for {sorted(missing)} not found")
        rows += kept
    return rows


def ees_la_rows(raw: RawFiles) -> list:
    """By LA: children placed outside their LA's boundary, and all looked after."""
    rows = []
    for table, spec in LABELS["la_tables"].items():
        wanted, column = spec["label"], spec["column"]
        label = wanted.split(". ", 1)[-1]
        for release, data_file in registry().files(raw, "ees", table):
            records = raw.records(data_file, EES_GEOGRAPHY + EES_LA + [column, "number"])
            kept = 0
            for line, item in enumerate(records, start=2):
                if sources.label_key(item[column]) != sources.label_key(wanted):
                    continue
                where = f"{data_file}, line {line}"
                rows.append(_row(release, int(item["time_period"]), data_file, _ees_area(item, where), "all", label,
                                 spec["locality"], "all", item["number"], f"{where}, column number"))
                kept += 1
            if not kept:
                raise RawDataError(f"{data_file}: no rows with {column} = {wanted!r}")
    return rows


def extract(raw: RawFiles) -> list:
    SKIPPED.clear()
    rows = sfr_wide_rows(raw) + sfr_rows(raw) + ees_placement_rows(raw) + ees_characteristics_rows(raw) + ees_la_rows(raw)
    add_rounding(rows)
    return rows


def to_csv(rows: list) -> str:
    return shapes.csv_text(NAME, rows)
