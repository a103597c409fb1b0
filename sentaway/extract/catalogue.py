"""What each extract holds: one description feeds data/datapackage.json and data/README.md."""

import json

from .. import __version__
from sentaway.raw.suppression import CODES

OGL = {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
       "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}

STATUS_FIELD = {
    "name": "status", "type": "string",
    "description": "Empty where a number was published; otherwise the symbol the release printed in its place: "
    + "; ".join(f"{code} = {meaning}" for code, meaning in CODES.items())
    + ". The value is then empty, never 0.",
    "constraints": {"enum": [""] + list(CODES)},
}

RESOURCES = [
    {
        "name": "cla_placements",
        "path": "cla_placements.csv",
        "title": "Children looked after at 31 March by placement type and locality, England, 2010-2024",
        "description": (
            "One published count per row: children looked after at 31 March, by placement type and by "
            "locality (inside or outside the boundary of the council responsible for them), for England, "
            "regions and local authorities, as each release published it. SFR underlying data for 2010-2017 "
            "(wide files with column codes defined in each year's metadata document) and explore-education-"
            "statistics files of the releases to 2022, 2023 and 2024 are brought to one shape. A year given "
            "by two releases keeps both rows (column release), so revisions stay visible, and a value a release "
            "suppressed stays suppressed for that release. EES labels are recognised by their words (case, spacing "
            "and numbering normalised) against a table of the labels each release uses; an unknown label stops the "
            "extraction. From each release's national characteristics file: children in children's homes subject "
            "to Children's Homes Regulations (secure units excluded, placement childrens_homes) inside and outside "
            "the boundary, secure units inside and outside, semi-independent living not subject to the "
            "Regulations, and the release's group total, 2018-2024. Children's homes by locality before 2018 are in "
            "sfr50_national_tables.csv (Table A2, 2013-2017); the SFR underlying data split locality for all "
            "children only, 2011-2017."
        ),
        "primaryKey": ["year", "source_file", "geographic_level", "area_code", "old_la_code", "area_name",
                       "placement", "locality", "provider"],
        "fields": [
            {"name": "year", "type": "integer", "description": "Year ending 31 March (the count is at 31 March of this year)."},
            {"name": "release", "type": "string", "description": "The release the value comes from: SFR number/year, or 'CLA YYYY (EES)' for the explore-education-statistics release for the year ending 31 March YYYY."},
            {"name": "source_file", "type": "string", "description": "Raw file, relative to the raw folder (see MANIFEST.csv for its sha256 and origin)."},
            {"name": "geographic_level", "type": "string", "constraints": {"enum": ["national", "regional", "local_authority"]}},
            {"name": "area_code", "type": "string", "description": "ONS code (E92 England, E12/E13 region or London part, E06-E10 local authority); empty in the 2010 file, which has none."},
            {"name": "old_la_code", "type": "string", "description": "DfE three-digit local authority number, for local authority rows."},
            {"name": "area_name", "type": "string"},
            {"name": "placement", "type": "string", "description": "Harmonised placement type. 'all' = all placements. secure_childrens_homes_hostels (SFR 2011-2017): secure units, children's homes and hostels; from 2016 it includes dual-registered residential schools. secure_childrens_homes_semi_independent (releases to 2022 and 2023): secure units, children's homes and semi-independent living. secure_childrens_homes (release to 2024): secure homes and children's homes only. childrens_homes (EES characteristics files, 2018-2024): children's homes subject to Children's Homes Regulations, secure units excluded. secure_units (EES characteristics files; 2010 SSDA903 code K1): secure units (the 2024 release: secure homes), inside / outside only. semi_independent_not_chr (releases to 2022 and 2023, and 2024 for 2020-2023): semi-independent living accommodation not subject to Children's Homes Regulations. 2010 uses SSDA903 codes: secure_units (K1), childrens_homes_hostels (K2), etc."},
            {"name": "placement_label", "type": "string", "description": "The release's own definition or label for the row, verbatim."},
            {"name": "locality", "type": "string", "constraints": {"enum": ["all", "inside", "outside"]}, "description": "Placed inside or outside the boundary of the responsible local authority; 'all' where not split."},
            {"name": "provider", "type": "string", "description": "Placement provider (EES provider x placement x locality files only): own_provision_by_the_la, other_la_provision, other_public_provision (e.g. by a primary care trust), private_provision, voluntary_third_sector_provision, parents_or_other_person_with_parental_responsibility, placement_provider_not_reported; 'all' elsewhere."},
            {"name": "value", "type": "integer", "unit": "children", "description": "Number of children, as published (rounded as in column rounding). Empty when status is set.", "constraints": {"minimum": 0}},
            STATUS_FIELD,
            {"name": "rounding", "type": "string", "description": "Rounding the published numbers of this file, year and level show: read off the values themselves, since the stated rule is not always what was applied."},
        ],
    },
    {
        "name": "transcribed_placement_location",
        "path": "transcribed_placement_location.csv",
        "title": "TRANSCRIBED: placement locality of children looked after, 2015-2016 (DfE, A focus on placement location)",
        "description": (
            "Figures transcribed by hand from the preview of two official data sets that no raw file carries. "
            "Used only where the raw files cannot answer (children's homes split by locality before 2019), "
            "and marked as transcribed wherever the book shows them. Numbers rounded to the nearest 10; "
            "figures exclude children looked after under a series of short-term placements."
        ),
        "primaryKey": ["dataset_id", "time_period", "placement_group", "location"],
        "fields": [
            {"name": "dataset", "type": "string"},
            {"name": "dataset_id", "type": "string"},
            {"name": "time_period", "type": "integer"},
            {"name": "geographic_level", "type": "string"},
            {"name": "country_code", "type": "string"},
            {"name": "placement_group", "type": "string"},
            {"name": "location", "type": "string"},
            {"name": "number", "type": "integer", "unit": "children", "constraints": {"minimum": 0}},
            {"name": "percentage_of_location_total", "type": "number", "unit": "percent", "description": "The release's own percentage: share of all children placed outside (or inside) the boundary who are in this group."},
            {"name": "source_url", "type": "string", "description": "The official data set the row was transcribed from."},
        ],
    },
]


CLAIM_SOURCE_FIELDS = ["claim_topic", "year", "measure", "value", "unit", "publisher", "publication", "published_date",
                       "official_url", "read_at_url", "quote"]
RESOURCES.append({
    "name": "claim_sources",
    "path": "claim_sources.csv",
    "title": "NOT OFFICIAL VALUES: where each cited figure was printed before it was cited (transcribed)",
    "description": (
        "One row per printed figure, transcribed by hand from stored copies of public pages (press releases, written "
        "parliamentary questions and answers, press reports of DfE data packs, charity releases, previews of official "
        "data sets), exactly as printed. For the register's provenance only (was the figure public when said, where was "
        "it first printed, is it found only in the claimant's own restatement); never a claim's official value. "
        "Copied unchanged from ../shared/transcribed/claim_sources.csv, sha256 checked."
    ),
    "primaryKey": ["claim_topic", "year", "value"],
    "fields": [{"name": name, "type": "string"} for name in CLAIM_SOURCE_FIELDS],
})


def resource(name: str) -> dict:
    return next(spec for spec in all_resources() if spec["name"] == name)


def EXTRACTORS() -> list:
    """The extract modules after placements: each has extract(raw), to_csv(rows) and RESOURCE."""
    from . import context, distance, missing, national_notes, national_tables, providers, releases, spend

    return [missing, distance, providers, spend, context, national_tables, national_notes, releases]


def all_resources() -> list[dict]:
    return RESOURCES + [module.RESOURCE for module in EXTRACTORS()]


def datapackage(sources: dict[str, dict]) -> str:
    """datapackage.json text; `sources` maps each resource name to {raw file: manifest entry}."""
    package = {
        "profile": "tabular-data-package",
        "name": "sent-away-extracts",
        "title": "Sent Away: tidy extracts of official statistics on children looked after",
        "version": __version__,
        "licenses": [OGL],
        "resources": [],
    }
    for spec in all_resources():
        resource = {key: spec[key] for key in ("name", "path", "title", "description")}
        resource.update({
            "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8", "licenses": [OGL],
            "schema": {"fields": spec["fields"], "primaryKey": spec["primaryKey"],
                       "missingValues": [""]},
            "sources": [
                {"title": path, "path": entry["origin"], "sha256": entry["sha256"], "release": entry["release"]}
                for path, entry in sorted(sources[spec["name"]].items())
            ],
        })
        package["resources"].append(resource)
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def readme(sources: dict[str, dict], skipped: list[str]) -> str:
    lines = [
        "# data/: tidy extracts of the official files",
        "",
        "Written by `make data` (`python -m sentaway.extract`) from the raw official files; do not edit by hand. "
        "Machine-readable description: `datapackage.json`. Licence: Open Government Licence v3.0.",
        "",
        "Suppressed and special cells: the value is left empty and the column `status` holds the symbol the "
        "release printed; they are never read as 0.",
        "",
        "| symbol | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| `{code}` | {meaning} |" for code, meaning in CODES.items()]
    for spec in all_resources():
        lines += ["", f"## {spec['path']}", "", spec["title"], "", spec["description"], "",
                  "| column | type | description |", "| --- | --- | --- |"]
        for field in spec["fields"]:
            unit = f" Unit: {field['unit']}." if "unit" in field else ""
            lines.append(f"| `{field['name']}` | {field['type']} | {field.get('description', '')}{unit} |")
        lines += ["", "Source files (sha256 checked before reading):", ""]
        for path, entry in sorted(sources[spec["name"]].items()):
            lines.append(f"- `{path}` ({entry['release']}), sha256 `{entry['sha256'][:16]}…`")
    if skipped:
        lines += ["", "## Columns not extracted", ""]
        lines += [f"- {note}" for note in skipped]
    return "\n".join(lines) + "\n"
