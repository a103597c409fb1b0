"""Children looked after at 31 March by placement type and locality, 2010-2024, national and by LA.

Two formats are harmonised here:
- SFR underlying data 2010-2017: one wide row per area, column codes defined in each year's
  metadata document (checked below against the definition text, so a code that changed meaning
  stops the extraction);
- explore-education-statistics (EES) tidy files, releases to 2022, 2023 and 2024: the national
  provider x placement type x locality file, the LA net-gain file, CLA numbers (2023, 2024), and
  the national characteristics file, whose 'Placement' rows give children in children's homes
  subject to Children's Homes Regulations (secure units excluded) inside / outside the boundary,
  secure units inside / outside, and the group totals.

EES labels are read by their words, with the numbering prefix, case and spacing normalised, and
checked against the labels each release is known to use (EES_ACCEPTED, EES_CHARACTERISTICS): a
renumbered or reordered release cannot swap inside and outside, and an unknown or ambiguous label
stops with the file, line and label. Every row keeps its release: a year in three releases is three
rows, and a value one release suppressed stays suppressed in that release's row.
"""

import re

from sentaway.raw.metadata import check_definition, definitions
from sentaway.raw.files import RawFiles, RawDataError
from .tidy import Row, Source, level_of

SFR = {
    # year: (data file, metadata file, release)
    2011: ("dfe-cla-sfr/2011/SFR21_CLA.csv", "dfe-cla-sfr/2011/Meta_Data_Document.doc", "SFR21/2011"),
    2012: ("dfe-cla-sfr/2012/SFR20_CLA2012.csv", "dfe-cla-sfr/2012/Meta_Data_Document.doc", "SFR20/2012"),
    2013: ("dfe-cla-sfr/2013/SFR36_CLA2013.csv", "dfe-cla-sfr/2013/Meta_Data_Document.docx", "SFR36/2013"),
    2014: ("dfe-cla-sfr/2014/SFR36_CLA2014.csv", "dfe-cla-sfr/2014/Meta_Data_Document.txt", "SFR36/2014"),
    2015: ("dfe-cla-sfr/2015/SFR34_CLA2015.csv", "dfe-cla-sfr/2015/Meta_Data_Document.txt", "SFR34/2015"),
    2016: ("dfe-cla-sfr/2016/SFR41_CLA2016.csv", "dfe-cla-sfr/2016/Meta_Data_Document.txt", "SFR41/2016"),
    2017: ("dfe-cla-sfr/2017/SFR50_CLA2017.csv", "dfe-cla-sfr/2017/SFR50_2017_MetaData.txt", "SFR50/2017"),
}

# Column code -> (placement, locality, words its metadata definition must contain).
# Codes absent from a year's file are skipped; a code whose definition lacks the words stops.
SFR_COLUMNS = {
    "CLA_Mar{year}": ("all", "all", "looked after at 31 march"),
    "CLA_Fost": ("foster", "all", "foster"),
    "CLA_Adopt": ("adoption", "all", "adoption"),
    "CLA_Parent": ("parents", "all", "parent"),
    "CLA_Ocom": ("other_community", "all", "community"),
    "CLA_Secure": ("secure_childrens_homes_hostels", "all", "secure units, children"),
    "CLA_Ores": ("other_residential", "all", "other residential"),
    "CLA_RSch": ("residential_schools", "all", "residential schools"),
    "CLA_Miss": ("missing", "all", "missing"),
    "CLA_OthPl": ("other", "all", "other placements"),
    "CLA_InBound": ("all", "inside", "within"),
    "CLA_OutBound": ("all", "outside", "outside"),
}
# Spellings seen in the files for the same code (the 2011-2012 files write CLAA_InBound).
ALIASES = {"CLAA_InBound": "CLA_InBound"}

SFR_2010 = ("dfe-cla-sfr/2010/SFR27_2010_March.csv", "dfe-cla-sfr/2010/SFR27_2010_metadata_1.txt", "SFR27/2010")
# SSDA903 placement codes in the 2010 file -> harmonised placement.
CODES_2010 = {
    "Q1": "foster_relative_friend", "Q2": "foster_other", "A3": "adoption_consent_current_carer",
    "A4": "adoption_consent_other", "A5": "adoption_order_current_carer", "A6": "adoption_order_other",
    "P1": "parents", "P2": "independent_living", "P3": "residential_employment", "K1": "secure_units",
    "K2": "childrens_homes_hostels", "H5": "residential_not_childrens_homes_regulations",
    "R1": "residential_care_homes", "R2": "nhs_health_establishment", "R3": "family_centre",
    "R5": "young_offender_institution", "S1": "residential_schools", "M1": "missing_in_refuge",
    "M2": "missing_whereabouts_unknown_not_refuge", "M3": "missing_whereabouts_unknown", "Z1": "other",
}

EES_PLACEMENT_FILES = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/national_cla_on_31_march_by_placement_provider_and_locality_.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv",
}
EES_NET_GAIN_FILES = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/la_cla_on_31_march_la_of_placement_net_gain.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/la_cla_on_31_march_la_of_placement_netgain.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/la_cla_on_31_march_la_of_placement_netgain.csv",
}
EES_TOTAL_FILES = {
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/cla_number_and_rate_per_10k_children.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/cla_number_and_rate_per_10k_children.csv",
}
EES_CHARACTERISTICS_FILES = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/national_cla_on_31_march_by_characteristics.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/national_cla_on_31_march_by_characteristics.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_characteristics.csv",
}

# Labels are recognised by their words, never by their numbering or position: `_label_key` lowers the
# case, collapses spaces, straightens apostrophes and drops a numbering prefix ("2a. ", "5c.1 ", "4b ").
#
# Provider x placement x locality files. A top-level row ("2. All children placed inside council
# boundary") names a section by its words; its sub-rows ("2a. Foster placements") are the placement
# types within it and take the section's locality. So a release that renumbered or reordered its
# sections could not swap inside and outside.
EES_SECTIONS = {
    # section label -> (placement, locality)
    "all children looked after at 31 march": ("all", "all"),
    "all children placed inside council boundary": ("all", "inside"),
    "all children placed outside council boundary": ("all", "outside"),
    "other placement": ("other", "all"),
}
# placement type label (within a section) -> harmonised placement.
# The releases to 2022 and 2023 group semi-independent living with children's homes; the 2024 release does not.
EES_PLACEMENTS = {
    "foster placements": "foster",
    "other placement in the community": "other_community",
    "secure units, children's homes and semi-independent living accommodation": "secure_childrens_homes_semi_independent",
    "secure units, childrens homes and semi-independent living accommodation": "secure_childrens_homes_semi_independent",
    "secure homes and children's homes": "secure_childrens_homes",
    "independent and semi-independent living arrangements/supported accommodation": "independent_semi_independent",
    "other residential settings": "other_residential",
    "residential schools": "residential_schools",
    "placement with parents": "parents",
    "placed with parents or other person with parental responsibility": "parents",
    "placed for adoption": "adoption",
}
# placement_provider label -> harmonised provider (the same provider keeps one code across releases).
EES_PROVIDERS = {
    "all children": "all",
    "own provision (by the la)": "own_provision_by_the_la",
    "other la provision": "other_la_provision",
    "other public provision (eg by pct)": "other_public_provision",
    "other public provision (e.g., pct)": "other_public_provision",
    "private provision": "private_provision",
    "voluntary/third sector provision": "voluntary_third_sector_provision",
    "parents or other person with parental responsibility": "parents_or_other_person_with_parental_responsibility",
    "placement provider not reported": "placement_provider_not_reported",
}
_SECTIONS_ALL = set(EES_SECTIONS)
_PROVIDERS_2022 = set(EES_PROVIDERS) - {"other public provision (e.g., pct)"}
_PROVIDERS_2024 = set(EES_PROVIDERS) - {"other public provision (eg by pct)"}
# Labels each release may use (anything else stops, naming file, line and label).
EES_ACCEPTED = {
    "CLA 2022 (EES)": {
        "sections": _SECTIONS_ALL, "providers": _PROVIDERS_2022,
        "placements": {"foster placements", "other placement in the community",
                       "secure units, childrens homes and semi-independent living accommodation",
                       "other residential settings", "residential schools", "placement with parents",
                       "placed for adoption"},
    },
    "CLA 2023 (EES)": {
        "sections": _SECTIONS_ALL, "providers": _PROVIDERS_2022,
        "placements": {"foster placements", "other placement in the community",
                       "secure units, children's homes and semi-independent living accommodation",
                       "other residential settings", "residential schools", "placement with parents",
                       "placed for adoption"},
    },
    "CLA 2024 (EES)": {
        "sections": _SECTIONS_ALL, "providers": _PROVIDERS_2024,
        "placements": {"foster placements", "secure homes and children's homes",
                       "independent and semi-independent living arrangements/supported accommodation",
                       "other residential settings", "residential schools",
                       "placed with parents or other person with parental responsibility", "placed for adoption"},
    },
}

# National characteristics files, cla_group 'Placement': the children's homes rows, which split children
# in children's homes subject to Children's Homes Regulations (secure units excluded) by locality.
# label -> (placement, locality), or None for a label of the group that is recognised but not kept.
_CHARACTERISTICS_NOT_KEPT = {
    "total foster placements", "total foster placements inside council boundary",
    "total foster placements inside council boundary with relative or friend",
    "with relative or friend who is also approved adopter (ffa) or concurrent planning",
    "with relative or friend not ffa/concurrent planning",
    "total foster placements inside council boundary with other foster carer",
    "with other foster carer who is also approved adopter (ffa) or concurrent planning",
    "with other foster carer not ffa/concurrent planning",
    "total foster placements outside council boundary",
    "total foster placements outside council boundary with relative or friend",
    "total foster placements outside council boundary with other foster carer",
    "total placed for adoption",
    "placed for adoption with consent with current foster carer",
    "placed for adoption with placement order with current foster carer",
    "placed for adoption with consent not with current foster carer",
    "placed for adoption with placement order not with current foster carer",
    "total placed with parents or other person with parental responsibility",
    "total other residential settings", "residential care homes", "nhs trust providing medical or nursing care",
    "family centre or mother and baby unit", "young offenders institution or prison",
    "total residential schools", "total other placements", "total children", "living independently",
    "residential employment",
}
_HOMES = {
    "total children's homes subject to children's homes regulations": ("childrens_homes", "all"),
    "children's home placement inside the council boundary": ("childrens_homes", "inside"),
    "children's home placement outside the council boundary": ("childrens_homes", "outside"),
    "semi-independent living accommodation not subject to children's homes regulations": ("semi_independent_not_chr", "all"),
}
_CHARACTERISTICS_2022 = {
    **{label: None for label in _CHARACTERISTICS_NOT_KEPT},
    "total other placements in the community": None,
    "total secure units, children's homes and semi-independent living accommodation":
        ("secure_childrens_homes_semi_independent", "all"),
    "secure unit placement inside the council boundary": ("secure_units", "inside"),
    "secure unit placement outside the council boundary": ("secure_units", "outside"),
    **_HOMES,
}
EES_CHARACTERISTICS = {
    "CLA 2022 (EES)": _CHARACTERISTICS_2022,
    "CLA 2023 (EES)": _CHARACTERISTICS_2022,
    "CLA 2024 (EES)": {
        **{label: None for label in _CHARACTERISTICS_NOT_KEPT},
        "total independent and semi-independent living arrangements/ supported accommodation": None,
        "supported accommodation": None,
        "total secure homes and children's homes": ("secure_childrens_homes", "all"),
        "secure home placement inside the council boundary": ("secure_units", "inside"),
        "secure home placement outside the council boundary": ("secure_units", "outside"),
        **_HOMES,
    },
}
PLACEMENT_GROUP = "placement"
NET_GAIN_OUTSIDE = "2. Children who are the responsibility of this LA placed outside the LA boundary"
TOTAL_AT_MARCH = "Children looked after at 31 March each year"
EES_GEOGRAPHY = ["time_period", "geographic_level", "country_code"]
EES_LA = ["region_code", "region_name", "old_la_code", "la_name", "new_la_code"]


# (column code, year) of columns in a data file that its metadata document does not define: listed in data/README.md.
SKIPPED: list[tuple[str, str]] = []


def sfr_rows(raw: RawFiles) -> list[Row]:
    rows: list[Row] = []
    for year, (data_file, meta_file, release) in SFR.items():
        source = Source(data_file, release)
        defs = definitions(raw, meta_file)
        header, records = raw.rows(data_file)
        present = {ALIASES.get(name, name).lower(): name for name in header}
        columns = []
        for pattern, (placement, locality, words) in SFR_COLUMNS.items():
            code = pattern.format(year=year)
            required = placement in ("all", "secure_childrens_homes_hostels")
            if code.lower() not in present:
                if required:
                    raise RawDataError(f"{data_file}: expected column {code} not found in the header")
                continue
            definition = check_definition(defs, code, words, meta_file, required)
            if definition is None:
                SKIPPED.append((code, meta_file.split('/')[1]))
                continue
            columns.append((header.index(present[code.lower()]), present[code.lower()], placement, locality, definition))
        for line, record in enumerate(records, start=2):
            item = dict(zip(header, record))
            code = item["New_geog_code"].strip()
            level = level_of(item["geog_l"], code, f"{data_file}, line {line}")
            old = item["geog_c"].strip() if level == "local_authority" else ""
            for index, name, placement, locality, definition in columns:
                rows.append(Row(
                    year, source, level, code, old, item["geog_n"].strip(), placement, definition,
                    locality, "all", record[index], f"{data_file}, line {line}, column {name}",
                ))
    return rows


def sfr_2010_rows(raw: RawFiles) -> list[Row]:
    """SFR27/2010. Its header lists placement codes in the metadata's order, but the values run in
    alphabetical order of the codes (the national row only adds up, and foster care is only the
    largest placement, read that way). Read by code order, and check that it holds."""
    data_file, meta_file, release = SFR_2010
    source = Source(data_file, release)
    defs = definitions(raw, meta_file)
    header, records = raw.rows(data_file)
    place_columns = [i for i, name in enumerate(header) if name.startswith("MarPlace_")]
    codes_in_header = [header[i].split("_")[1] for i in place_columns]
    if sorted(codes_in_header) != sorted(CODES_2010):
        raise RawDataError(f"{data_file}: placement codes {codes_in_header} differ from those expected")
    codes_by_position = sorted(codes_in_header)
    total_index = header.index("MarTotal_2010")
    national = next(r for r in records if r[0].strip().lower() == "national")
    values = {code: float(national[i]) if national[i].strip().replace(".", "").isdigit() else 0.0
              for code, i in zip(codes_by_position, place_columns)}
    if max(values, key=values.get) != "Q2" or abs(sum(values.values()) - float(national[total_index])) > 300:
        raise RawDataError(f"{data_file}: the values no longer read in alphabetical code order; check the header")
    rows: list[Row] = []
    for line, record in enumerate(records, start=2):
        level = level_of(record[0], "", f"{data_file}, line {line}")
        old = record[1].strip() if level == "local_authority" else ""
        name = record[2].strip()
        rows.append(Row(2010, source, level, "", old, name, "all", defs["MarTotal_2010"], "all", "all",
                        record[total_index], f"{data_file}, line {line}, column MarTotal_2010"))
        for code, index in zip(codes_by_position, place_columns):
            column = f"MarPlace_{code}_2010"
            rows.append(Row(2010, source, level, "", old, name, CODES_2010[code], defs[column], "all", "all",
                            record[index], f"{data_file}, line {line}, value for {column}"))
    return rows


def _ees_area(item: dict[str, str], where: str) -> tuple[str, str, str, str]:
    level = level_of(item["geographic_level"], "", where)
    if level == "national":
        return level, item["country_code"], "", item.get("country_name", "England")
    if level == "regional":
        return level, item["region_code"], "", item["region_name"]
    return level, item["new_la_code"], item["old_la_code"], item["la_name"]


def _label_key(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = " ".join(text.split()).lower()
    return re.sub(r"^\d+[a-z]?(?:\.\d+)?[a-z]*\.?\s+", "", text)


def _numbering(text: str) -> tuple[str, str]:
    """'2a. Foster placements' -> ('2', 'a'); '4. Other placement' -> ('4', '')."""
    match = re.match(r"^\s*(\d+)([a-z]?)[.:]?\s", text)
    return (match.group(1), match.group(2)) if match else ("", "")


def ees_placement_rows(raw: RawFiles) -> list[Row]:
    rows: list[Row] = []
    for release, data_file in EES_PLACEMENT_FILES.items():
        source = Source(data_file, release)
        accepted = EES_ACCEPTED[release]
        records = raw.records(data_file, EES_GEOGRAPHY + ["placement_type", "placement_provider", "number"])
        # First the sections, by their words: number -> (placement, locality, line).
        sections: dict[str, tuple[str, str, int]] = {}
        for line, item in enumerate(records, start=2):
            number, letter = _numbering(item["placement_type"])
            key = _label_key(item["placement_type"])
            if letter or key not in accepted["sections"]:
                continue
            found = sections.setdefault(number, (*EES_SECTIONS[key], line))
            if found[:2] != EES_SECTIONS[key]:
                raise RawDataError(f"{data_file}, line {line}: ambiguous placement_type {item['placement_type']!r}: "
                                   f"section {number} is also labelled otherwise (line {found[2]})")
        for line, item in enumerate(records, start=2):
            where = f"{data_file}, line {line}"
            label = item["placement_type"]
            number, letter = _numbering(label)
            key = _label_key(label)
            if not letter and key in accepted["sections"]:
                placement, locality = EES_SECTIONS[key]
            elif letter and key in accepted["placements"] and number in sections:
                section_placement, locality, _ = sections[number]
                if section_placement != "all":
                    raise RawDataError(f"{where}: placement_type {label!r} sits in section {number}, which is not "
                                       "a section of all children")
                placement = EES_PLACEMENTS[key]
            else:
                raise RawDataError(f"{where}: unknown placement_type {label!r}")
            provider_key = _label_key(item["placement_provider"])
            if provider_key not in accepted["providers"]:
                raise RawDataError(f"{where}: unknown placement_provider {item['placement_provider']!r}")
            level, code, old, name = _ees_area(item, where)
            text = label.strip().partition(". ")[2] or label.strip()
            rows.append(Row(int(item["time_period"]), source, level, code, old, name, placement, text,
                            locality, EES_PROVIDERS[provider_key], item["number"], f"{where}, column number"))
    return rows


def ees_characteristics_rows(raw: RawFiles) -> list[Row]:
    """Children's homes (subject to Children's Homes Regulations, secure units excluded) inside / outside
    the boundary, secure units, and the group totals, from each release's national characteristics file."""
    rows: list[Row] = []
    for release, data_file in EES_CHARACTERISTICS_FILES.items():
        source = Source(data_file, release)
        header, _ = raw.rows(data_file)
        group_column = next((name for name in header if name.lower() == "cla_group"), "cla_group")
        records = raw.records(data_file, EES_GEOGRAPHY + ["country_name", group_column, "characteristic", "number"])
        accepted = EES_CHARACTERISTICS[release]
        seen: dict[tuple[int, str], int] = {}
        kept = 0
        for line, item in enumerate(records, start=2):
            if _label_key(item[group_column]) != PLACEMENT_GROUP:
                continue
            where = f"{data_file}, line {line}"
            label = item["characteristic"].strip()
            key = _label_key(label)
            if key not in accepted:
                raise RawDataError(f"{where}: unknown characteristic {label!r} in cla_group {item[group_column]!r}")
            year = int(item["time_period"])
            if accepted[key] is None:  # (labels not kept may repeat: the foster breakdown does, inside and outside)
                continue
            if (year, key) in seen:
                raise RawDataError(f"{where}: ambiguous characteristic {label!r}: the same words as line "
                                   f"{seen[(year, key)]} for {year}")
            seen[(year, key)] = line
            placement, locality = accepted[key]
            level, code, old, name = _ees_area(item, where)
            if level != "national":
                raise RawDataError(f"{where}: geographic_level {item['geographic_level']!r} in a national file")
            rows.append(Row(year, source, level, code, old, name, placement, label, locality, "all",
                            item["number"], f"{where}, column number"))
            kept += 1
        wanted = {spec for spec in accepted.values() if spec}
        found = {(r.placement, r.locality) for r in rows if r.source.file == data_file}
        if not kept or wanted - found:
            raise RawDataError(f"{data_file}: expected cla_group 'Placement' rows for {sorted(wanted - found)} not found")
    return rows


def ees_la_rows(raw: RawFiles) -> list[Row]:
    """By LA from 2018: children placed outside their LA's boundary, and all looked after."""
    rows: list[Row] = []
    for files, filter_column, wanted, locality in (
        (EES_NET_GAIN_FILES, "characteristic", NET_GAIN_OUTSIDE, "outside"),
        (EES_TOTAL_FILES, "population_count", TOTAL_AT_MARCH, "all"),
    ):
        for release, data_file in files.items():
            source = Source(data_file, release)
            records = raw.records(data_file, EES_GEOGRAPHY + EES_LA + [filter_column, "number"])
            kept = 0
            for line, item in enumerate(records, start=2):
                if item[filter_column] != wanted:
                    continue
                where = f"{data_file}, line {line}"
                level, code, old, name = _ees_area(item, where)
                label = wanted.split(". ", 1)[-1]
                rows.append(Row(int(item["time_period"]), source, level, code, old, name, "all", label,
                                locality, "all", item["number"], f"{where}, column number"))
                kept += 1
            if not kept:
                raise RawDataError(f"{data_file}: no rows with {filter_column} = {wanted!r}")
    return rows


def extract(raw: RawFiles) -> list[Row]:
    SKIPPED.clear()
    return (sfr_2010_rows(raw) + sfr_rows(raw) + ees_placement_rows(raw) + ees_characteristics_rows(raw)
            + ees_la_rows(raw))
