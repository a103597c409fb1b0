"""Children looked after at 31 March by distance between home and placement, and placement locality.

Two formats are brought to one long shape (one published number per row):

- SFR underlying data 2017 (`SFR50_CLA2017.csv`): one wide row per area (national, regional, LA);
  six column codes split all children by locality (inside / outside the responsible council's
  boundary) x distance (20 miles or less / over 20 miles / not known). Each code's definition in
  the year's metadata document is checked for expected words, so a code that changed meaning stops
  the extraction. The same file's totals (all children, and all children inside / outside the
  boundary) are kept too, so shares can be computed from this extract alone.
  The SFR files 2011-2016 carry no distance column and their metadata defines none (checked by
  `sfr_years_without_distance`): distance starts in 2017.
- explore-education-statistics (EES) national files, releases to 2022 (2018-2022), 2023 (2019-2023)
  and 2024 (2020-2024): filters `cla_group` (placement group) x `characteristic` (distance x locality),
  with a count and a percentage (of the group's total, distance not known included).

What the files hold, and what they do not:
- Placement groups are split by distance only in the EES files, only nationally, from 2019. The
  SFR 2017 split is of all children only, but for every local authority.
- EES: 'not known' distance is not split by locality; SFR 2017 splits it.
- The EES releases group placements differently (see metadata/cla_distance.yml, field placement): the releases
  to 2022 and 2023 put semi-independent living with secure and children's homes; the release to 2024
  does not. A year in several releases keeps each release's rows (column release).

Every label of every filter is checked against the lists below: an unknown label or a missing
column stops with the file and the label or column named.
"""

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
    "placement", "placement_label", "distance", "locality", "value", "status", "unit", "rounding",
]
DISTANCES = ("all", "20_miles_or_less", "over_20_miles", "not_known")
LOCALITIES = ("all", "inside", "outside")

# ---------------------------------------------------------------------------------------------
# SFR 2017
# ---------------------------------------------------------------------------------------------
SFR = {
    # year: (data file, metadata file, release)
    2017: ("dfe-cla-sfr/2017/SFR50_CLA2017.csv", "dfe-cla-sfr/2017/SFR50_2017_MetaData.txt", "SFR50/2017"),
}
# Column code -> (distance, locality, words its metadata definition must contain, lower case).
SFR_COLUMNS = {
    "CLA_Mar{year}": ("all", "all", ["looked after at 31 march {year}"]),
    "CLA_InBound": ("all", "inside", ["within the local authority boundary"]),
    "CLA_OutBound": ("all", "outside", ["outside of the local authority boundary"]),
    "CLA_InLA_LTE20": ("20_miles_or_less", "inside", ["within the local authority boundary", "within 20 miles"]),
    "CLA_OutLA_LTE20": ("20_miles_or_less", "outside", ["outside of the local authority boundary", "within 20 miles"]),
    "CLA_InLA_GT20": ("over_20_miles", "inside", ["within the local authority boundary", "over 20 miles"]),
    "CLA_OutLA_GT20": ("over_20_miles", "outside", ["outside of the local authority boundary", "over 20 miles"]),
    "CLA_InLA_NoInfo": ("not_known", "inside", ["within the local authority boundary", "distance", "not known"]),
    "CLA_OutLA_NoInfo": ("not_known", "outside", ["outside of the local authority boundary", "distance", "not known"]),
}
SFR_GEOGRAPHY = ["New_geog_code", "geog_l", "geog_c", "geog_n"]

# Earlier SFR CLA files: checked to hold no distance column and no distance definition.
SFR_EARLIER = {
    2011: ("dfe-cla-sfr/2011/SFR21_CLA.csv", "dfe-cla-sfr/2011/Meta_Data_Document.doc"),
    2012: ("dfe-cla-sfr/2012/SFR20_CLA2012.csv", "dfe-cla-sfr/2012/Meta_Data_Document.doc"),
    2013: ("dfe-cla-sfr/2013/SFR36_CLA2013.csv", "dfe-cla-sfr/2013/Meta_Data_Document.docx"),
    2014: ("dfe-cla-sfr/2014/SFR36_CLA2014.csv", "dfe-cla-sfr/2014/Meta_Data_Document.txt"),
    2015: ("dfe-cla-sfr/2015/SFR34_CLA2015.csv", "dfe-cla-sfr/2015/Meta_Data_Document.txt"),
    2016: ("dfe-cla-sfr/2016/SFR41_CLA2016.csv", "dfe-cla-sfr/2016/Meta_Data_Document.txt"),
}
_DISTANCE_WORDS = re.compile(r"mile|distance", re.I)
_DISTANCE_CODE = re.compile(r"LTE\d|GT\d|NoInfo|dist|mile", re.I)

# ---------------------------------------------------------------------------------------------
# EES national files
# ---------------------------------------------------------------------------------------------
EES_FILES = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/national_cla_on_31_march_by_placement_distance_and_locality_of_placement.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/national_cla_on_31_march_by_placement_distance_and_placement_locality.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_placement_distance_and_placement_locality.csv",
}
EES_COLUMNS = ["time_period", "geographic_level", "country_code", "country_name", "cla_group", "characteristic",
               "number", "percentage"]
# cla_group (whitespace collapsed, lower case) -> harmonised placement, as in placements.py.
EES_GROUPS = {
    "all children": "all",
    # Release to 2022: the group of all children is labelled 'All new placements', but this is the file of
    # children looked after on 31 March (data guidance: "Children looked after on 31 March each year by
    # distance ..."), and the group's totals are the release's children looked after at 31 March (82,170 in
    # 2022; tested against cla_placements).
    "all new placements": "all",
    "secure units, childrens homes and semi-independent living accommodation": "secure_childrens_homes_semi_independent",
    "foster placements": "foster",
    "placed for adoption": "adoption",
    "placed with parents": "parents",
    "placed with parents or other person with parental responsibility": "parents",
    # Release to 2023: secure units, children's homes AND semi-independent living; living independently apart.
    "secure units, children's homes and semi-independent living accommodation": "secure_childrens_homes_semi_independent",
    "living independently": "independent_living",
    # Release to 2024: secure and children's homes only; semi-independent with independent living.
    "secure homes and children's homes": "secure_childrens_homes",
    "independent and semi-independent living arrangements/ supported accommodation": "independent_semi_independent",
    "independent and semi-independent living arrangements/supported accommodation": "independent_semi_independent",
    "other": "other",
    "other placements": "other",
}
# The cla_group labels each release uses (another label, even one known from another release, stops).
EES_ACCEPTED_GROUPS = {
    "CLA 2022 (EES)": {"all new placements", "foster placements", "placed for adoption", "placed with parents",
                       "secure units, childrens homes and semi-independent living accommodation",
                       "living independently", "other"},
    "CLA 2023 (EES)": {"all children", "foster placements", "placed for adoption", "placed with parents",
                       "secure units, children's homes and semi-independent living accommodation",
                       "living independently", "other"},
    "CLA 2024 (EES)": {"all children", "foster placements", "placed for adoption",
                       "placed with parents or other person with parental responsibility",
                       "secure homes and children's homes",
                       "independent and semi-independent living arrangements/ supported accommodation",
                       "other placements"},
}
# characteristic (numbering such as "1.ii " removed, whitespace collapsed, lower case) -> (distance, locality):
# read by its words, so a release that renumbered its rows could not swap inside and outside.
EES_CHARACTERISTICS = {
    "total": ("all", "all"),
    "20 miles or less": ("20_miles_or_less", "all"),
    "20 miles or less inside la boundary": ("20_miles_or_less", "inside"),
    "20 miles or less outside la boundary": ("20_miles_or_less", "outside"),
    "over 20 miles": ("over_20_miles", "all"),
    "over 20 miles inside la boundary": ("over_20_miles", "inside"),
    "over 20 miles outside la boundary": ("over_20_miles", "outside"),
    "distance not known or not recorded": ("not_known", "all"),
}


def _unnumbered(text: str) -> str:
    """'1.ii 20 miles or less outside LA boundary' -> '20 miles or less outside la boundary'."""
    return re.sub(r"^\d+\.(?:[ivx]+)?\s+", "", _norm(text))


@dataclass
class DistanceRow(ParsedCell):
    year: int
    source: Source
    geographic_level: str
    area_code: str
    old_la_code: str
    area_name: str
    placement: str
    placement_label: str
    distance: str
    locality: str
    unit: str
    raw_value: str
    where: str
    value: float | None = field(init=False)
    status: str = field(init=False)

    def key(self) -> tuple:
        return (self.year, self.source.file, self.geographic_level, self.area_code, self.old_la_code,
                self.area_name, self.placement, self.distance, self.locality, self.unit)


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
    # Keys as the caller spells them (the 2017 file writes CLA_Outbound for the metadata's CLA_OutBound).
    rename = {lookup[name.lower()]: name for name in required}
    return [{rename.get(h, h): v for h, v in zip(header, row)} for row in rows]




def sfr_years_without_distance(raw: RawFiles) -> dict[int, str]:
    """For each earlier SFR year, a note that it has no distance column nor definition; raises if one has."""
    notes = {}
    for year, (data_file, meta_file) in SFR_EARLIER.items():
        header, _ = raw.rows(data_file)
        columns = [name for name in header if _DISTANCE_CODE.search(name)]
        defined = [code for code, text in definitions(raw, meta_file).items() if _DISTANCE_WORDS.search(text)]
        if columns or defined:
            raise RawDataError(
                f"{data_file}: distance column(s) {columns} / definition(s) {defined} in {meta_file}: "
                "earlier years now carry distance, extend SFR in distance.py"
            )
        notes[year] = f"{data_file}: no distance column; {meta_file}: no distance definition"
    return notes


def sfr_rows(raw: RawFiles) -> list[DistanceRow]:
    rows: list[DistanceRow] = []
    for year, (data_file, meta_file, release) in SFR.items():
        source = Source(data_file, release)
        defs = definitions(raw, meta_file)
        codes = [(pattern.format(year=year), spec) for pattern, spec in SFR_COLUMNS.items()]
        records = _records(raw, data_file, SFR_GEOGRAPHY + [code for code, _ in codes])
        columns = []
        for code, (distance, locality, words) in codes:
            definition = check_definition(defs, code, [w.format(year=year) for w in words], meta_file)
            columns.append((code, distance, locality, definition))
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            area = item["New_geog_code"].strip()
            try:
                level = level_of(item["geog_l"], area, where)
            except ValueError as error:
                raise RawDataError(str(error)) from None
            old = item["geog_c"].strip() if level == "local_authority" else ""
            for code, distance, locality, definition in columns:
                rows.append(DistanceRow(year, source, level, area, old, item["geog_n"].strip(), "all", definition,
                                        distance, locality, "children", item[code], f"{where}, column {code}"))
    return rows


def ees_rows(raw: RawFiles) -> list[DistanceRow]:
    rows: list[DistanceRow] = []
    for release, data_file in EES_FILES.items():
        source = Source(data_file, release)
        records = _records(raw, data_file, EES_COLUMNS)
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            if _norm(item["geographic_level"]) != "national":
                raise RawDataError(f"{where}: unknown geographic_level {item['geographic_level']!r} in a national file")
            label = item["cla_group"].strip()
            placement = EES_GROUPS.get(_norm(label)) if _norm(label) in EES_ACCEPTED_GROUPS[release] else None
            if placement is None:
                raise RawDataError(f"{where}: unknown cla_group {label!r}")
            characteristic = item["characteristic"].strip()
            split = EES_CHARACTERISTICS.get(_unnumbered(characteristic))
            if split is None:
                raise RawDataError(f"{where}: unknown characteristic {characteristic!r}")
            distance, locality = split
            year = int(item["time_period"])
            for column, unit in (("number", "children"), ("percentage", "percent")):
                rows.append(DistanceRow(year, source, "national", item["country_code"].strip(), "",
                                        item["country_name"].strip(), placement, label, distance, locality, unit,
                                        item[column], f"{where}, column {column}"))
    return rows


def extract(raw: RawFiles) -> list[DistanceRow]:
    sfr_years_without_distance(raw)
    return sfr_rows(raw) + ees_rows(raw)


# ---------------------------------------------------------------------------------------------

def format_number(value: float | None, unit: str, where: str) -> str:
    if unit == "children":
        return format_count(value, where)
    if value is None:
        return ""
    if value < 0 or value > 100:
        raise ValueError(f"{where}: percentage out of range {value}")
    return format(value, ".12g")


def to_csv(rows: list[DistanceRow]) -> str:
    groups = defaultdict(list)
    for row in rows:
        if row.unit == "children":
            groups[(row.source.file, row.year, row.geographic_level)].append(row.value)
    rounding = {key: observed_rounding(values) for key, values in groups.items()}
    ordered = sorted(rows, key=lambda r: (
        r.year, r.source.release, r.source.file, LEVEL_ORDER[r.geographic_level], r.area_code, r.old_la_code,
        r.area_name, r.placement, DISTANCES.index(r.distance), LOCALITIES.index(r.locality), r.unit,
    ))
    records = []
    for r in unique(ordered, lambda r: r.key()):
        records.append([
            str(r.year), r.source.release, r.source.file, r.geographic_level, r.area_code, r.old_la_code,
            r.area_name, r.placement, r.placement_label, r.distance, r.locality,
            format_number(r.value, r.unit, r.where), r.status, r.unit,
            rounding[(r.source.file, r.year, r.geographic_level)] if r.unit == "children" else "not applicable",
        ])
    return csv_text(COLUMNS, records)


# What data/cla_distance.csv holds: metadata/cla_distance.yml (the enums it names are the lists given here).
RESOURCE = load("cla_distance", distances=DISTANCES)
