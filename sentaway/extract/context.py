"""Context for each children's services authority: region (DfE), deprivation (IMD 2019) and
rural-urban classification (ONS), one row per upper-tier local authority as DfE identifies it.

Which authorities: every local-authority row (old_la_code, new_la_code) in the DfE "LA of placement,
net gain" files of the explore-education-statistics releases to 2022, 2023 and 2024 (years 2018-2024).
Those files already restate earlier years on later boundaries and also keep the abolished authorities
(Bournemouth 837, Poole 836, the old Dorset county 835; Northamptonshire 928; Cumbria 909), so the list
covers the authorities of the SFR years 2011-2017 as well as today's. Region (`region_code`,
`region_name`) is as the DfE files print it: London is split into Inner London (E13000001) and Outer
London (E13000002); `region9_code` / `region9_name` give the nine English regions, London as one
(E12000007). An authority printed in two regions, or under two names in the same release, stops.

Deprivation: `ons-context/imd19.csv`, the English Indices of Deprivation 2019 summaries for upper-tier
local authorities on April 2019 boundaries (151 areas, published by MHCLG). Matched on the ONS code; three
authorities whose code changed while their area did not are matched to their 2019 code and say so in
`imd_match` (Buckinghamshire E06000060 = county E10000002 from April 2020; North Yorkshire E06000065 =
E10000023 and Somerset E06000066 = E10000027 from April 2023). Authorities that did not exist on April
2019 boundaries (Bournemouth, Poole, the old Dorset county: abolished 1 April 2019; North and West
Northamptonshire, 2021; Cumberland, Westmorland and Furness, 2023) get empty IMD values with status ':'
(not available), never 0: the summaries are population-weighted over LSOAs and cannot be rebuilt from
other areas' summaries.

Rural-urban: `ons-context/17_10_2023_-_Rural-Urban_Classification_2011_lookup_tables_for_higher_level_
geographies.csv`, the 2011 Rural-Urban Classification of upper-tier authorities on 2021 boundaries
(title lines, header on line 4, trailing empty lines). Matched on the ONS code, with the same two 2023
recodes (North Yorkshire, Somerset); authorities absent from 2021 boundaries get empty values with ':'.
`RUC11_LAD11_ENv2.csv` (lower-tier 2011 districts) is not used: it would need a district-to-county
lookup that no raw file carries.

Drift: each file's columns must be exactly those below (a renamed or missing column stops, naming it and
the file); an IMD or RUC code listed twice, an unknown region, or an IMD value that is not a number stops.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from jinja2 import Environment, StrictUndefined

from sentaway.raw.files import RawDataError, RawFiles
from .catalogue import load
from .tidy import Source
from .write import csv_text

NETGAIN = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/la_cla_on_31_march_la_of_placement_net_gain.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/la_cla_on_31_march_la_of_placement_netgain.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/la_cla_on_31_march_la_of_placement_netgain.csv",
}
NETGAIN_COLUMNS = ["time_period", "geographic_level", "region_code", "region_name", "old_la_code", "la_name",
                   "new_la_code"]

IMD_FILE = "ons-context/imd19.csv"
IMD_RELEASE = "English Indices of Deprivation 2019, upper-tier local authority summaries"
IMD_PUBLISHER = "Ministry of Housing, Communities and Local Government"
IMD_CODE = "Upper Tier Local Authority District code (2019)"
IMD_NAME = "Upper Tier Local Authority District name (2019)"
# Column in the file (after stripping) -> field (unit and description: metadata/la_context.yml). Order = CSV order.
IMD_MEASURES = {
    "IMD - Average rank": "imd_average_rank",
    "IMD - Rank of average rank": "imd_rank_of_average_rank",
    "IMD - Average score": "imd_average_score",
    "IMD - Rank of average score": "imd_rank_of_average_score",
    "IMD - Proportion of LSOAs in most deprived 10% nationally": "imd_prop_lsoas_most_deprived_10pct",
    "IMD - Rank of proportion of LSOAs in most deprived 10% nationally": "imd_rank_of_prop_most_deprived_10pct",
    "IMD 2019 - Extent": "imd_extent",
    "IMD 2019 - Rank of extent": "imd_rank_of_extent",
    "IMD 2019 - Local concentration": "imd_local_concentration",
    "IMD 2019 - Rank of local concentration": "imd_rank_of_local_concentration",
}
IMD_COLUMNS = [IMD_CODE, IMD_NAME] + list(IMD_MEASURES)

RUC_FILE = ("ons-context/17_10_2023_-_Rural-Urban_Classification_2011_lookup_tables_for_higher_level_"
            "geographies.csv")
RUC_RELEASE = "Rural-Urban Classification 2011 of Counties and Unitary Authorities (2021 boundaries)"
RUC_PUBLISHER = "Office for National Statistics"
RUC_TITLE = "Rural-Urban Classification"
RUC_HEADER_LINE = 4
RUC_COLUMNS = ["Upper Tier Local Authority Area 2021 Code", "Upper Tier Local Authority Area 2021 Name",
               "Rural-Urban Classification 2011 (6 fold)", "Rural-Urban Classification 2011 (3 fold)"]

# Which lookup area an authority whose code changed, or that is no area there, is matched to, and the words of
# the match columns: context.yml beside this module.
AREAS = yaml.safe_load(Path(__file__).with_name("context.yml").read_text(encoding="utf-8"))
_WORDS = Environment(undefined=StrictUndefined, autoescape=False)

REGION9 = {
    "E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East of England",
    "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
}
LONDON_PARTS = {"E13000001": "Inner London", "E13000002": "Outer London"}

COLUMNS = (["new_la_code", "old_la_code", "la_name", "region_code", "region_name", "region9_code", "region9_name",
            "first_year", "last_year", "imd_area_code", "imd_match"]
           + list(IMD_MEASURES.values())
           + ["imd_status", "ruc_area_code", "ruc_match", "ruc11_6fold", "ruc11_3fold", "ruc_status", "source_files"])


@dataclass
class ContextRow:
    new_la_code: str
    old_la_code: str
    la_name: str
    region_code: str
    region_name: str
    first_year: int
    last_year: int
    dfe_source: Source
    imd_area_code: str = ""
    imd_match: str = ""
    imd: dict[str, Decimal | None] = field(default_factory=dict)
    imd_status: str = ""
    ruc_area_code: str = ""
    ruc_match: str = ""
    ruc6: str = ""
    ruc3: str = ""
    ruc_status: str = ""
    sources: tuple[Source, ...] = ()

    @property
    def source(self) -> Source:
        """The file behind the row's main measures: IMD 2019 where matched, else the DfE file naming the authority.
        `sources` lists every file the row draws on."""
        return next((s for s in self.sources if s.file == IMD_FILE), self.dfe_source)

    @property
    def region9_code(self) -> str:
        return "E12000007" if self.region_code in LONDON_PARTS else self.region_code

    @property
    def region9_name(self) -> str:
        return REGION9[self.region9_code]

    def sort_key(self) -> tuple:
        return (self.new_la_code, self.old_la_code)


def _check_columns(rel: str, header: list[str], expected: list[str], line: int = 1, exact: bool = False) -> None:
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected] if exact else []
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"expected column(s) {', '.join(repr(c) for c in missing)} not found")
        if extra:
            parts.append(f"unexpected column(s) {', '.join(repr(c) for c in extra)}")
        raise RawDataError(f"{rel}, line {line}: {'; '.join(parts)} (the file's layout changed); "
                           f"the header has {', '.join(repr(c) for c in header)}")


# ---------------------------------------------------------------- authorities and regions (DfE)

def authorities(raw: RawFiles) -> list[ContextRow]:
    """Every local authority in the net-gain files, with its region; the latest release gives the name."""
    found: dict[tuple[str, str], ContextRow] = {}
    for release, rel in NETGAIN.items():   # oldest release first: later ones overwrite the name
        header, rows = raw.rows(rel)
        _check_columns(rel, header, NETGAIN_COLUMNS)
        index = {name: header.index(name) for name in NETGAIN_COLUMNS}
        names: dict[tuple[str, str], tuple[str, int]] = {}
        for number, cells in enumerate(rows, start=2):
            get = lambda name: cells[index[name]].strip()  # noqa: E731
            if get("geographic_level").lower() != "local authority":
                continue
            where = f"{rel}, line {number}"
            code, old, name = get("new_la_code"), get("old_la_code"), get("la_name")
            region, region_name = get("region_code"), get("region_name")
            if code[:3] not in ("E06", "E08", "E09", "E10") or not old.isdigit():
                raise RawDataError(f"{where}: unexpected local authority codes new_la_code={code!r}, old_la_code={old!r}")
            if region not in REGION9 and region not in LONDON_PARTS:
                raise RawDataError(f"{where}: unknown region_code {region!r} ({region_name!r})")
            try:
                year = int(get("time_period"))
            except ValueError:
                raise RawDataError(f"{where}: time_period {get('time_period')!r} is not a year") from None
            key = (code, old)
            earlier = names.setdefault(key, (name, number))
            if earlier[0] != name:
                raise RawDataError(f"{where}: {code}/{old} is named {name!r}, but {earlier[0]!r} on line {earlier[1]}")
            row = found.get(key)
            if row is None:
                found[key] = ContextRow(code, old, name, region, region_name, year, year, Source(rel, release))
                continue
            if (row.region_code, row.region_name) != (region, region_name):
                raise RawDataError(f"{where}: {name} ({code}) in region {region} {region_name!r}, but in "
                                   f"{row.region_code} {row.region_name!r} in {row.dfe_source.file}")
            row.la_name, row.dfe_source = name, Source(rel, release)
            row.first_year, row.last_year = min(row.first_year, year), max(row.last_year, year)
    if not found:
        raise RawDataError(f"{', '.join(NETGAIN.values())}: no local authority rows found")
    return list(found.values())


# ---------------------------------------------------------------- IMD 2019

def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise RawDataError(f"{where}: {text!r} is not a number") from None
    if not value.is_finite():
        raise RawDataError(f"{where}: {text!r} is not a finite number")
    return value


def imd(raw: RawFiles) -> dict[str, tuple[str, dict[str, Decimal]]]:
    """{2019 upper-tier code: (name, {field: value})}."""
    header, rows = raw.rows(IMD_FILE)
    _check_columns(IMD_FILE, header, IMD_COLUMNS, exact=True)
    index = {name: header.index(name) for name in IMD_COLUMNS}
    out: dict[str, tuple[str, dict[str, Decimal]]] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        code = cells[index[IMD_CODE]].strip()
        if code in out:
            raise RawDataError(f"{IMD_FILE}, line {number}: {IMD_CODE} {code} listed twice")
        values = {name: _decimal(cells[index[column]].strip(), f"{IMD_FILE}, line {number}, column {column!r}")
                  for column, name in IMD_MEASURES.items()}
        out[code] = (cells[index[IMD_NAME]].strip(), values)
    if not out:
        raise RawDataError(f"{IMD_FILE}: no areas found")
    return out


# ---------------------------------------------------------------- rural-urban classification

def ruc(raw: RawFiles) -> dict[str, tuple[str, str, str]]:
    """{2021 upper-tier code: (name, 6-fold, 3-fold)}."""
    lines = list(csv.reader(io.StringIO(raw.text(RUC_FILE), newline="")))
    if not lines or RUC_TITLE.lower() not in " ".join(lines[0]).lower():
        first = ",".join(lines[0]).strip(",") if lines else ""
        raise RawDataError(f"{RUC_FILE}, line 1: expected it to say {RUC_TITLE!r}, found {first!r}")
    header = [c.strip() for c in lines[RUC_HEADER_LINE - 1]] if len(lines) >= RUC_HEADER_LINE else []
    _check_columns(RUC_FILE, header, RUC_COLUMNS, line=RUC_HEADER_LINE, exact=True)
    index = {name: header.index(name) for name in RUC_COLUMNS}
    out: dict[str, tuple[str, str, str]] = {}
    for number, cells in enumerate(lines[RUC_HEADER_LINE:], start=RUC_HEADER_LINE + 1):
        if not any(c.strip() for c in cells):
            continue
        get = lambda i: cells[index[RUC_COLUMNS[i]]].strip()  # noqa: E731
        code = get(0)
        if code in out:
            raise RawDataError(f"{RUC_FILE}, line {number}: {RUC_COLUMNS[0]} {code} listed twice")
        if not (get(2) and get(3)):
            raise RawDataError(f"{RUC_FILE}, line {number}: {code} has no classification")
        out[code] = (get(1), get(2), get(3))
    if not out:
        raise RawDataError(f"{RUC_FILE}: no areas found")
    return out


# ---------------------------------------------------------------- together

def _lookup(code: str, table: dict, year: str) -> tuple[str, str]:
    """(code in the lookup or '', how matched / why not)."""
    words = AREAS["match"]
    if code in table:
        return code, words["found"]
    same = AREAS["same_area"].get(code)
    if same and same["code"] in table:
        return same["code"], _WORDS.from_string(words["same_area"]).render(year=year, **same)
    reason = AREAS["not_an_area"].get(code, words["unknown"])
    return "", _WORDS.from_string(words["none"]).render(year=year, reason=reason)


def extract(raw: RawFiles) -> list[ContextRow]:
    rows = authorities(raw)
    deprivation = imd(raw)
    rural = ruc(raw)
    imd_source = Source(IMD_FILE, IMD_RELEASE, IMD_PUBLISHER)
    ruc_source = Source(RUC_FILE, RUC_RELEASE, RUC_PUBLISHER)
    for row in rows:
        sources = [row.dfe_source]
        row.imd_area_code, row.imd_match = _lookup(row.new_la_code, deprivation, "April 2019")
        if row.imd_area_code:
            row.imd = dict(deprivation[row.imd_area_code][1])
            sources.append(imd_source)
        else:
            row.imd = dict.fromkeys(IMD_MEASURES.values())
            row.imd_status = ":"
        row.ruc_area_code, row.ruc_match = _lookup(row.new_la_code, rural, "2021")
        if row.ruc_area_code:
            _, row.ruc6, row.ruc3 = rural[row.ruc_area_code]
            sources.append(ruc_source)
        else:
            row.ruc_status = ":"
        row.sources = tuple(sources)
    return rows


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def to_csv(rows: list[ContextRow]) -> str:
    seen: set[tuple[str, str]] = set()
    records = []
    for r in sorted(rows, key=ContextRow.sort_key):
        if (r.new_la_code, r.old_la_code) in seen:
            raise ValueError(f"{r.dfe_source.file}: {r.new_la_code}/{r.old_la_code} listed twice")
        seen.add((r.new_la_code, r.old_la_code))
        records.append(
            [r.new_la_code, r.old_la_code, r.la_name, r.region_code, r.region_name, r.region9_code, r.region9_name,
             str(r.first_year), str(r.last_year), r.imd_area_code, r.imd_match]
            + [_number(r.imd[name]) for name in IMD_MEASURES.values()]
            + [r.imd_status, r.ruc_area_code, r.ruc_match, r.ruc6, r.ruc3, r.ruc_status,
               "; ".join(s.file for s in r.sources)])
    return csv_text(COLUMNS, records)


# What data/la_context.csv holds: metadata/la_context.yml (the enums it names are the lists given here).
RESOURCE = load("la_context", region9_codes=REGION9, region9_names=REGION9.values())
