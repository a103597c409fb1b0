"""Children looked after who went missing, or were away from placement without authorisation, every release.

Three formats are brought to one long shape (one published number per row):

- SFR underlying data (`*_Missing*` files): one wide row per area (national, regional, LA), eight
  column codes defined in that year's metadata document; each code's definition is checked for
  expected words, so a code that changed meaning stops the extraction.
- explore-education-statistics (EES) national files, every release: one file for missing, one for
  away without authorisation, filters `missing_status` x `characteristic`.
- EES LA file, every release: national, regional and LA rows, filter `cla_group` (spelt `CLA_group`
  in later releases).

What the files hold, and what they do not:
- Placement locality (inside / outside the responsible council's boundary) and placement type are
  given only for INCIDENTS, only nationally, and only in the EES national files (the first EES
  release has no locality table). No raw file splits CHILDREN who went missing by locality or
  placement type. Incidents by placement type in the SFR years are in Table G1 of the SFR national
  tables (sfr50_national_tables.csv, experimental statistics); the SFR underlying files and the LA
  file hold totals only.
- No missing or away figure is split by distance between home and placement: `distance` is 'all'
  on every row (kept so the shape matches the other extracts).

Left out on purpose (to keep the extract small and every row in the columns above):
- EES national files: the breakdowns by age at the start of the incident, by duration of the
  incident, by gender and by ethnic origin. Only their totals are read, and checked against the
  headline figures (a disagreement stops); the gender total is kept as `children_missing` /
  `children_away`, the only count of children who went missing that the national files carry.
- EES LA file: at local-authority level only the counts of children and incidents and the
  number of children looked after during the year (the denominator) are kept; the averages per
  child and the percentages are kept for national and regional rows only (they can be recomputed
  for an LA from the counts kept).

Which file of each release is read: sentaway/extract/releases.yml. Every label of every filter is
checked against metadata/cla_missing.sources.yml, including the labels that are not kept: an unknown
label or a missing column stops with the file and the label or column named.
"""

import re
from collections import defaultdict

from sentaway.raw.metadata import check_definition, definitions
from sentaway.raw.files import RawDataError, RawFiles
from . import shapes, sources
from .releases import Release, registry
from .tidy import count, level_of, published
from .write import add_rounding

NAME = "cla_missing"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
COUNT_UNITS = ("children", "incidents")
SFR_GEOGRAPHY = ["New_geog_code", "geog_l", "geog_c", "geog_n"]
EES_NATIONAL_COLUMNS = ["time_period", "geographic_level", "country_code", "country_name",
                        "missing_status", "characteristic", "number"]
EES_LA_COLUMNS = ["time_period", "geographic_level", "country_code", "region_code", "region_name",
                  "old_la_code", "la_name", "new_la_code", "number"]
TOPICS = ("missing", "away")  # the EES national tables, one per topic


def _row(release: Release, year: int, file: str, area: tuple[str, str, str, str], measure: str, label: str,
         placement: str, locality: str, unit: str, text: str, where: str):
    level, code, old, name = area
    value, status = published(text, where)
    if unit in COUNT_UNITS:
        value = count(value, where)
    elif value is not None and value < 0:
        raise ValueError(f"{where}: negative {unit} {value}")
    return Row(year=year, release=release.label, source_file=file, geographic_level=level, area_code=code,
               old_la_code=old, area_name=name, measure=measure, measure_label=label, placement=placement,
               locality=locality, distance="all", value=value, status=status, unit=unit, rounding="", where=where)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _records(raw: RawFiles, rel: str, required: list[str], either: tuple[str, ...] = ()) -> tuple[list[dict], str]:
    """Rows as dicts (numbered from line 2), checking the header; `either` names one column that may
    be spelt in any of the given ways, returned as the spelling found."""
    header, rows = raw.rows(rel)
    missing = [name for name in required if name not in header]
    found = ""
    if either:
        found = next((name for name in either if name in header), "")
        if not found:
            missing.append(" or ".join(either))
    if missing:
        raise RawDataError(
            f"{rel}: expected column(s) {', '.join(missing)} not found; the header has {', '.join(header)}"
        )
    return [dict(zip(header, row)) for row in rows], found


def sfr_rows(raw: RawFiles) -> list:
    rows = []
    metadata = dict(registry().files(raw, "sfr", "definitions"))
    for release, data_file in registry().files(raw, "sfr", "missing"):
        year, meta_file = release.year, metadata[release]
        defs = definitions(raw, meta_file)
        header, _ = raw.rows(data_file)
        codes = []
        for measure, spec in LABELS["sfr_measures"].items():
            spelt = [code for code in spec["codes"] if code in header]
            if len(spelt) != 1:
                raise RawDataError(f"{data_file}: expected one column of {' or '.join(spec['codes'])} ({measure}); "
                                   f"found {len(spelt)}")
            codes.append((measure, spec["unit"], spelt[0], spec["words"].format(year=year)))
        records, _ = _records(raw, data_file, SFR_GEOGRAPHY + [code for _, _, code, _ in codes])
        columns = [(m, unit, code, check_definition(defs, code, words, meta_file)) for m, unit, code, words in codes]
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            code = item["New_geog_code"].strip()
            try:
                level = level_of(item["geog_l"], code, where)
            except ValueError as error:
                raise RawDataError(str(error)) from None
            old = item["geog_c"].strip() if level == "local_authority" else ""
            area = (level, code, old, item["geog_n"].strip())
            for measure, unit, column, definition in columns:
                rows.append(_row(release, year, data_file, area, measure, definition, "all", "all", unit,
                                 item[column], f"{where}, column {column}"))
    return rows


def _national_area(item: dict[str, str], where: str) -> tuple[str, str, str, str]:
    if _norm(item["geographic_level"]) != "national":
        raise RawDataError(f"{where}: unknown geographic_level {item['geographic_level']!r} in a national file")
    return "national", item["country_code"].strip(), "", item["country_name"].strip()


def _national_file(raw: RawFiles, release: Release, topic: str, data_file: str) -> list:
    rows = []
    records, _ = _records(raw, data_file, EES_NATIONAL_COLUMNS)
    groups = sources.vocabulary(NAME, f"groups.{topic}", release)
    characteristics = sources.vocabulary(NAME, "characteristics", release)
    localities = sources.vocabulary(NAME, "localities", release)
    placements = sources.vocabulary(NAME, "placements", release)
    total_incidents = sources.label_key(LABELS["total_incidents"])
    children_total = sources.label_key(LABELS["children_total"][topic])
    breakdown = {kind: {sources.label_key(label) for label in labels}
                 for kind, labels in LABELS["breakdown_labels"].items()}
    incident_measure, children_measure = LABELS["incident_measure"][topic], LABELS["children_measure"][topic]
    totals: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)  # (year, kind) -> (value, where)
    for line, item in enumerate(records, start=2):
        where = f"{data_file}, line {line}"
        role = groups.get(item["missing_status"])
        if role is None:
            raise groups.refuse(item["missing_status"], where, "missing_status", {i["missing_status"] for i in records})
        label = item["characteristic"].strip()
        key = sources.label_key(label)
        year = int(item["time_period"])
        area = _national_area(item, where)
        value_where = f"{where}, column number"
        printed = {i["characteristic"] for i in records if i["missing_status"] == item["missing_status"]}

        def add(measure: str, unit: str, placement: str = "all", locality: str = "all") -> None:
            rows.append(_row(release, year, data_file, area, measure, label, placement, locality, unit,
                             item["number"], value_where))

        if role == "main":
            if label not in characteristics:
                under = f"characteristic (under {item['missing_status']!r})"
                raise characteristics.refuse(label, where, under, printed)
            spec = characteristics[label]
            add(spec["measure"], spec["unit"])
            if spec["measure"] == incident_measure:
                totals[(year, "incidents")].append((item["number"], value_where))
        elif role in ("locality", "placement"):
            if key == total_incidents:
                totals[(year, "incidents")].append((item["number"], value_where))
            elif role == "locality" and label in localities:
                add(incident_measure, "incidents", locality=localities[label])
            elif role == "placement" and label in placements:
                add(incident_measure, "incidents", placement=placements[label])
            else:
                vocabulary = localities if role == "locality" else placements
                raise vocabulary.refuse(label, where, f"characteristic (under {item['missing_status']!r})", printed)
        elif role == "children":
            if key == children_total:
                add(children_measure, "children")
                totals[(year, "children")].append((item["number"], value_where))
            elif key not in breakdown["children"]:
                raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
        elif role == "ethnicity":
            if not re.match(LABELS["ethnicity"], _norm(label)):
                raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
            if key == children_total:
                totals[(year, "children")].append((item["number"], value_where))
        else:  # incidents breakdown
            if key not in breakdown["incidents"]:
                raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
            if key == total_incidents:
                totals[(year, "incidents")].append((item["number"], value_where))
    # Every table's total must be the same published figure, or the breakdowns are of something else.
    for (year, kind), found in sorted(totals.items()):
        if len({value.strip() for value, _ in found}) > 1:
            shown = "; ".join(f"{value} ({where})" for value, where in found)
            raise RawDataError(f"{data_file}: {year} totals of {kind} disagree between tables: {shown}")
    return rows


def ees_national_rows(raw: RawFiles) -> list:
    rows = []
    for topic in TOPICS:
        for release, data_file in registry().files(raw, "ees", topic):
            rows += _national_file(raw, release, topic, data_file)
    return rows


def _ees_area(item: dict[str, str], where: str) -> tuple[str, str, str, str]:
    try:
        level = level_of(item["geographic_level"], "", where)
    except ValueError as error:
        raise RawDataError(str(error)) from None
    if level == "national":
        return level, item["country_code"].strip(), "", item.get("country_name", "England").strip()
    if level == "regional":
        return level, item["region_code"].strip(), "", item["region_name"].strip()
    return level, item["new_la_code"].strip(), item["old_la_code"].strip(), item["la_name"].strip()


def ees_la_rows(raw: RawFiles) -> list:
    rows = []
    for release, data_file in registry().files(raw, "ees", "la_missing"):
        records, group_column = _records(raw, data_file, EES_LA_COLUMNS, tuple(LABELS["la_group_column"]))
        groups = sources.vocabulary(NAME, "la_groups", release)
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            label = item[group_column].strip()
            spec = groups.get(label)
            if spec is None:
                raise groups.refuse(label, where, group_column, {i[group_column] for i in records})
            area = _ees_area(item, where)
            if area[0] == "local_authority" and not spec["at_la"]:
                continue
            rows.append(_row(release, int(item["time_period"]), data_file, area, spec["measure"], label, "all", "all",
                             spec["unit"], item["number"], f"{where}, column number"))
    return rows


def extract(raw: RawFiles) -> list:
    rows = sfr_rows(raw) + ees_national_rows(raw) + ees_la_rows(raw)
    add_rounding(rows, counted=lambda row: row.unit in COUNT_UNITS)
    return rows
