"""Children looked after who went missing, or were away from placement without authorisation, 2015-2024.

Three formats are brought to one long shape (one published number per row):

- SFR underlying data 2015-2017 (`*_Missing*` files): one wide row per area (national, regional,
  LA), eight column codes defined in that year's metadata document; each code's definition is
  checked for expected words, so a code that changed meaning stops the extraction.
- explore-education-statistics (EES) national files, releases to 2022 (2018-2022), 2023 (2019-2023)
  and 2024 (2020-2024): one file for missing, one for away without authorisation, filters
  `missing_status` x `characteristic`.
- EES LA file, releases to 2022 (2018-2022), 2023 and 2024: national, regional and LA rows,
  filter `cla_group` (spelt `CLA_group` from the 2023 release).

What the files hold, and what they do not:
- Placement locality (inside / outside the responsible council's boundary) and placement type are
  given only for INCIDENTS, only nationally, and only in the EES national files: placement type
  2018-2024 (the release to 2022 has no locality table), locality 2019-2024. No raw file splits
  CHILDREN who went missing by locality or placement type. Incidents by placement type 2015-2017
  are in Table G1 of the SFR50/2017 national tables (sfr50_national_tables.csv, experimental
  statistics); the SFR underlying files 2015-2017 and the LA file hold totals only.
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

Every label of every filter is checked against the lists below, including the labels that are
not kept: an unknown label or a missing column stops with the file and the label or column named.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sentaway.raw.metadata import check_definition, definitions
from sentaway.raw.files import RawDataError, RawFiles
from .catalogue import load
from .tidy import ParsedCell, Source, format_count, level_of
from .write import csv_text, LEVEL_ORDER, observed_rounding, unique

COLUMNS = [
    "year", "release", "source_file", "geographic_level", "area_code", "old_la_code", "area_name",
    "measure", "measure_label", "placement", "locality", "distance", "value", "status", "unit", "rounding",
]
COUNT_UNITS = ("children", "incidents")

# ---------------------------------------------------------------------------------------------
# SFR 2015-2017
# ---------------------------------------------------------------------------------------------
SFR = {
    # year: (data file, metadata file, release)
    2015: ("dfe-cla-sfr/2015/SFR34_Missing2015.csv", "dfe-cla-sfr/2015/Meta_Data_Document.txt", "SFR34/2015"),
    2016: ("dfe-cla-sfr/2016/SFR41_Missing2016.csv", "dfe-cla-sfr/2016/Meta_Data_Document.txt", "SFR41/2016"),
    2017: ("dfe-cla-sfr/2017/SFR50_Missing_2017.csv", "dfe-cla-sfr/2017/SFR50_2017_MetaData.txt", "SFR50/2017"),
}
# (measure, unit, code 2015-2016, code 2017, words the metadata definition must contain).
SFR_MEASURES = [
    ("children_missing", "children", "CLA_MissDuringYear", "Miss_Miss_DuringYear", "had a missing incident during the year"),
    ("missing_incidents", "incidents", "CLA_MissIncs", "Miss_Miss_Incs", "number of missing incidents"),
    ("children_missing_more_than_once", "children", "CLA_MissMoreOnce", "Miss_Miss_MoreOnce", "missing more than once"),
    ("children_missing_at_31_march", "children", "CLA_Miss31Mar", "Miss_Miss_31Mar", "missing at 31 march {year}"),
    ("children_away", "children", "CLA_AwayDuringYear", "Miss_Away_DuringYear",
     "away from placement without authorisation during the year"),
    ("away_incidents", "incidents", "CLA_AwayIncs", "Miss_Away_Incs",
     "number of away from placements without authorisation incidents"),
    ("children_away_more_than_once", "children", "CLA_AwayMoreOnce", "Miss_Away_MoreOnce",
     "without authorisation more than once"),
    ("children_away_at_31_march", "children", "CLA_Away31Mar", "Miss_Away_31Mar",
     "without authorisation at 31 march {year}"),
]
SFR_GEOGRAPHY = ["New_geog_code", "geog_l", "geog_c", "geog_n"]

# ---------------------------------------------------------------------------------------------
# EES national files
# ---------------------------------------------------------------------------------------------
EES_NATIONAL = {
    # (release, topic): file
    ("CLA 2022 (EES)", "missing"): "dfe-cla-ees-to-2022/data/official_statistics_national_cla_missing.csv",
    ("CLA 2022 (EES)", "away"): "dfe-cla-ees-to-2022/data/official_statistics_national_cla_away_without_authorisation.csv",
    ("CLA 2023 (EES)", "missing"): "dfe-cla-ees-to-2023/data/national_statistics_official_statistics_cla_who_were_missing.csv",
    ("CLA 2023 (EES)", "away"): "dfe-cla-ees-to-2023/data/national_statistics_official_statistics_cla_who_were_away_without_authorisation.csv",
    ("CLA 2024 (EES)", "missing"): "dfe-cla-ees-to-2024/data/official_statistics_cla_who_were_missing.csv",
    ("CLA 2024 (EES)", "away"): "dfe-cla-ees-to-2024/data/official_statistics_cla_who_were_away_without_authorisation.csv",
}
EES_NATIONAL_COLUMNS = ["time_period", "geographic_level", "country_code", "country_name",
                        "missing_status", "characteristic", "number"]

# missing_status (stripped, lower case; the files write one of them with a trailing space) -> role:
#   main      every characteristic is a headline measure (CHARACTERISTICS)
#   locality  incidents by placement locality; its 'total incidents' must equal the headline total
#   placement incidents by placement type; same check
#   children  breakdown of children (gender): only its total is kept
#   incidents breakdown of incidents (age, duration): not kept, total checked
#   ethnicity breakdown of children: not kept, total checked against the gender total
GROUPS = {
    "missing": {
        "children missing from placement": "main",
        "missing from placement incidents": "main",
        "placement locations from which children were missing": "locality",
        "placements from which children were missing": "placement",
        "children missing from placement by gender": "children",
        "children missing from placement by ethnic origin": "ethnicity",
        "age of children missing from placement": "incidents",
        "age of child missing from placement": "incidents",  # release to 2022
        "durations of missing from placement periods": "incidents",
    },
    "away": {
        "children away from placement without authorisation": "main",
        "children away from placement without authorisation from placement": "main",
        "away from placement without authorisation incidents": "main",
        "placement locations from which children were away from placement without authorisation": "locality",
        "placements from which children were away from placement without authorisation": "placement",
        "children away from placement without authorisation by gender": "children",
        "children away from placement without authorisation by ethnic origin": "ethnicity",
        "age of children who were away from placement without authorisation": "incidents",
        "durations of away from placement without authorisation periods": "incidents",
    },
}
# characteristic of a 'main' group -> (measure, unit)
CHARACTERISTICS = {
    "all children looked after during the year": ("children_looked_after_during_year", "children"),
    # missing
    "total number of missing incidents during the year": ("missing_incidents", "incidents"),
    "children missing more than once during the year": ("children_missing_more_than_once", "children"),
    "children missing on 31 march": ("children_missing_at_31_march", "children"),
    "children missing at 31 march": ("children_missing_at_31_march", "children"),  # release to 2022
    "children missing on 31 march who were unaccompanied asylum-seeking children":
        ("children_missing_at_31_march_uasc", "children"),
    "average number of incidents per looked after child who was missing": ("missing_incidents_per_child", "incidents_per_child"),
    "percentage of children looked after during the year who were missing": ("children_missing_percent", "percent"),
    "average (mean) number of days per missing incident": ("missing_incident_mean_days", "days"),
    "average (median) number of days per missing incident": ("missing_incident_median_days", "days"),
    # away
    "total number of away from placement without authorisation incidents during the year": ("away_incidents", "incidents"),
    "total away from placement without authorisation incidents during the year": ("away_incidents", "incidents"),  # 2022
    "children away from placement without authorisation more than once during the year":
        ("children_away_more_than_once", "children"),
    "children away from placement without authorisation on 31 march": ("children_away_at_31_march", "children"),
    "children away from placement without authorisation at 31 march": ("children_away_at_31_march", "children"),  # 2022
    "children away without authorisation from placement on 31 march who were unaccompanied asylum-seeking children":
        ("children_away_at_31_march_uasc", "children"),
    "average number of incidents per looked after child who was away from placement without authorisation":
        ("away_incidents_per_child", "incidents_per_child"),
    "percentage of children looked after during the year who were away from placement without authorisation":
        ("children_away_percent", "percent"),
    "average (mean) number of days per away from placement without authorisation incident": ("away_incident_mean_days", "days"),
    "average (median) number of days per away from placement without authorisation incident": ("away_incident_median_days", "days"),
}
TOTAL_INCIDENTS = "total incidents"
LOCALITIES = {
    "missing from placement inside council boundary": "inside",
    "missing from placement outside council boundary": "outside",
    "away from placement without authorisation inside council boundary": "inside",
    "away from placement without authorisation outside council boundary": "outside",
}
# Placement labels (numbering such as "4: " removed) -> harmonised placement, as in placements.py.
# The releases to 2022 and 2023 group semi-independent living with children's homes and show living
# independently apart; the release to 2024 puts semi-independent living with independent living.
PLACEMENTS = {
    "foster placements": "foster",
    "placed for adoption": "adoption",
    "adoption": "adoption",
    "placed with parents": "parents",
    "living independently": "independent_living",
    "secure units, children's homes and semi-independent living accommodation": "secure_childrens_homes_semi_independent",
    "secure homes and children's homes": "secure_childrens_homes",
    "independent and semi-independent living arrangements/supported accommodation": "independent_semi_independent",
    "other placements": "other",
}
# The placement labels each release uses (a label known only from another release stops).
ACCEPTED_PLACEMENTS = {
    "CLA 2022 (EES)": {"foster placements", "placed for adoption", "placed with parents", "living independently",
                       "secure units, children's homes and semi-independent living accommodation", "other placements"},
    "CLA 2023 (EES)": {"foster placements", "placed for adoption", "adoption", "placed with parents",
                       "living independently",
                       "secure units, children's homes and semi-independent living accommodation", "other placements"},
    "CLA 2024 (EES)": {"foster placements", "placed for adoption", "adoption", "placed with parents",
                       "secure homes and children's homes",
                       "independent and semi-independent living arrangements/supported accommodation", "other placements"},
}
CHILDREN_TOTAL = {
    "missing": "total children who were missing during the year",
    "away": "total children who were away from placement without authorisation during the year",
}
BREAKDOWN_LABELS = {
    "incidents": {
        TOTAL_INCIDENTS, "under 1 year", "1 to 4 years", "5 to 9 years", "10 to 15 years", "16 years and over",
        "less than 1 day", "between 1 and 2 days", "between 3 and 7 days", "between 8 and 10 days",
        "between 11 and 15 days", "between 16 and 20 days", "between 21 and 30 days", "more than 30 days",
    },
    "children": {"males", "females"},
}
ETHNICITY = re.compile(r"^(\d[a-e]?\. .+|total children who were (missing|away from placement without authorisation) during the year)$")
INCIDENT_MEASURE = {"missing": "missing_incidents", "away": "away_incidents"}
CHILDREN_MEASURE = {"missing": "children_missing", "away": "children_away"}

# ---------------------------------------------------------------------------------------------
# EES LA file
# ---------------------------------------------------------------------------------------------
EES_LA_FILES = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv",
}
EES_LA_COLUMNS = ["time_period", "geographic_level", "country_code", "region_code", "region_name",
                  "old_la_code", "la_name", "new_la_code", "number"]
# The filter column: cla_group (release to 2022), CLA_group (from the release to 2023).
LA_GROUP_COLUMN = ("cla_group", "CLA_group")
# cla_group -> (measure, unit, kept at local-authority level)
LA_GROUPS = {
    "children who had a missing incident during the year": ("children_missing", "children", True),
    "number of missing incidents during the year": ("missing_incidents", "incidents", True),
    "children who were away from placement without authorisation during the year": ("children_away", "children", True),
    "number of away from placement without authorisation incidents during the year": ("away_incidents", "incidents", True),
    "children looked after during the year": ("children_looked_after_during_year", "children", True),
    "children who went missing more than once during the year": ("children_missing_more_than_once", "children", False),
    "children missing at 31 march": ("children_missing_at_31_march", "children", False),
    "children who were away from placement without authorisation more than once during the year":
        ("children_away_more_than_once", "children", False),
    "children away from placement without authorisation at 31 march": ("children_away_at_31_march", "children", False),
    "average number of missing incidents per looked after child who went missing":
        ("missing_incidents_per_child", "incidents_per_child", False),
    # Per child who was away (13,650 / 3,610 = 3.8 in 2019), though the label does not say so.
    "average number of away from placement without authorisation incidents per looked after child":
        ("away_incidents_per_child", "incidents_per_child", False),
    "percentage of children who had a missing incident during the year": ("children_missing_percent", "percent", False),
    "percentage of children who were away from placement without authorisation during the year":
        ("children_away_percent", "percent", False),
}


@dataclass
class MissingRow(ParsedCell):
    year: int
    source: Source
    geographic_level: str
    area_code: str
    old_la_code: str
    area_name: str
    measure: str
    measure_label: str
    placement: str
    locality: str
    distance: str
    unit: str
    raw_value: str
    where: str
    value: float | None = field(init=False)
    status: str = field(init=False)

    def key(self) -> tuple:
        return (self.year, self.source.file, self.geographic_level, self.area_code, self.old_la_code,
                self.area_name, self.measure, self.placement, self.locality, self.distance)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _unnumbered(text: str) -> str:
    """'4: Secure homes and children's homes' -> "secure homes and children's homes"."""
    return re.sub(r"^\d+[a-z]?[.:]\s*", "", _norm(text))


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


# ---------------------------------------------------------------------------------------------



def sfr_rows(raw: RawFiles) -> list[MissingRow]:
    rows: list[MissingRow] = []
    for year, (data_file, meta_file, release) in SFR.items():
        source = Source(data_file, release)
        defs = definitions(raw, meta_file)
        codes = [(m, unit, code17 if year >= 2017 else code15, words.format(year=year))
                 for m, unit, code15, code17, words in SFR_MEASURES]
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
            for measure, unit, column, definition in columns:
                rows.append(MissingRow(year, source, level, code, old, item["geog_n"].strip(), measure, definition,
                                       "all", "all", "all", unit, item[column], f"{where}, column {column}"))
    return rows


def _national_area(item: dict[str, str], where: str) -> tuple[str, str, str, str]:
    if _norm(item["geographic_level"]) != "national":
        raise RawDataError(f"{where}: unknown geographic_level {item['geographic_level']!r} in a national file")
    return "national", item["country_code"].strip(), "", item["country_name"].strip()


def ees_national_rows(raw: RawFiles) -> list[MissingRow]:
    rows: list[MissingRow] = []
    for (release, topic), data_file in EES_NATIONAL.items():
        source = Source(data_file, release)
        records, _ = _records(raw, data_file, EES_NATIONAL_COLUMNS)
        groups = GROUPS[topic]
        totals: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)  # (year, kind) -> (value, where)
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            status_label = _norm(item["missing_status"])
            role = groups.get(status_label)
            if role is None:
                raise RawDataError(f"{where}: unknown missing_status {item['missing_status']!r}")
            label = item["characteristic"].strip()
            key = _unnumbered(label)
            year = int(item["time_period"])
            level, code, old, name = _national_area(item, where)
            value_where = f"{where}, column number"

            def add(measure: str, unit: str, placement: str = "all", locality: str = "all") -> None:
                rows.append(MissingRow(year, source, level, code, old, name, measure, label, placement, locality,
                                       "all", unit, item["number"], value_where))

            if role == "main":
                if key not in CHARACTERISTICS:
                    raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
                measure, unit = CHARACTERISTICS[key]
                add(measure, unit)
                if measure == INCIDENT_MEASURE[topic]:
                    totals[(year, "incidents")].append((item["number"], value_where))
            elif role in ("locality", "placement"):
                if key == TOTAL_INCIDENTS:
                    totals[(year, "incidents")].append((item["number"], value_where))
                elif role == "locality" and key in LOCALITIES:
                    add(INCIDENT_MEASURE[topic], "incidents", locality=LOCALITIES[key])
                elif role == "placement" and key in PLACEMENTS and key in ACCEPTED_PLACEMENTS[release]:
                    add(INCIDENT_MEASURE[topic], "incidents", placement=PLACEMENTS[key])
                else:
                    raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
            elif role == "children":
                if key == CHILDREN_TOTAL[topic]:
                    add(CHILDREN_MEASURE[topic], "children")
                    totals[(year, "children")].append((item["number"], value_where))
                elif key not in BREAKDOWN_LABELS["children"]:
                    raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
            elif role == "ethnicity":
                if not ETHNICITY.match(_norm(label)):
                    raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
                if key == CHILDREN_TOTAL[topic]:
                    totals[(year, "children")].append((item["number"], value_where))
            else:  # incidents breakdown
                if key not in BREAKDOWN_LABELS["incidents"]:
                    raise RawDataError(f"{where}: unknown characteristic {label!r} under {item['missing_status']!r}")
                if key == TOTAL_INCIDENTS:
                    totals[(year, "incidents")].append((item["number"], value_where))
        # Every table's total must be the same published figure, or the breakdowns are of something else.
        for (year, kind), found in sorted(totals.items()):
            if len({value.strip() for value, _ in found}) > 1:
                shown = "; ".join(f"{value} ({where})" for value, where in found)
                raise RawDataError(f"{data_file}: {year} totals of {kind} disagree between tables: {shown}")
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


def ees_la_rows(raw: RawFiles) -> list[MissingRow]:
    rows: list[MissingRow] = []
    for release, data_file in EES_LA_FILES.items():
        source = Source(data_file, release)
        records, group_column = _records(raw, data_file, EES_LA_COLUMNS, LA_GROUP_COLUMN)
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            label = item[group_column].strip()
            spec = LA_GROUPS.get(_norm(label))
            if spec is None:
                raise RawDataError(f"{where}: unknown {group_column} {label!r}")
            measure, unit, at_la = spec
            level, code, old, name = _ees_area(item, where)
            if level == "local_authority" and not at_la:
                continue
            rows.append(MissingRow(int(item["time_period"]), source, level, code, old, name, measure, label,
                                   "all", "all", "all", unit, item["number"], f"{where}, column number"))
    return rows


def extract(raw: RawFiles) -> list[MissingRow]:
    return sfr_rows(raw) + ees_national_rows(raw) + ees_la_rows(raw)


# ---------------------------------------------------------------------------------------------

def format_number(value: float | None, unit: str, where: str) -> str:
    """Counts as integers (a fraction stops); rates and percentages with a fixed, repr-stable format."""
    if unit in COUNT_UNITS:
        return format_count(value, where)
    if value is None:
        return ""
    if value < 0:
        raise ValueError(f"{where}: negative {unit} {value}")
    return format(value, ".12g")


def to_csv(rows: list[MissingRow]) -> str:
    groups = defaultdict(list)
    for row in rows:
        if row.unit in COUNT_UNITS:
            groups[(row.source.file, row.year, row.geographic_level)].append(row.value)
    rounding = {key: observed_rounding(values) for key, values in groups.items()}
    ordered = sorted(rows, key=lambda r: (
        r.year, r.source.release, r.source.file, LEVEL_ORDER[r.geographic_level], r.area_code, r.old_la_code,
        r.area_name, r.measure, r.placement, r.locality, r.distance,
    ))
    records = []
    for r in unique(ordered, lambda r: r.key()):
        records.append([
            str(r.year), r.source.release, r.source.file, r.geographic_level, r.area_code, r.old_la_code,
            r.area_name, r.measure, r.measure_label, r.placement, r.locality, r.distance,
            format_number(r.value, r.unit, r.where), r.status, r.unit,
            rounding.get((r.source.file, r.year, r.geographic_level), "not applicable")
            if r.unit in COUNT_UNITS else "not applicable",
        ])
    return csv_text(COLUMNS, records)


# What data/cla_missing.csv holds: metadata/cla_missing.yml.
RESOURCE = load("cla_missing")
