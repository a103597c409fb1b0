"""Children's homes and other residential providers in England, by region and local authority, from
Ofsted's provider-level files (Children's social care data in England), aggregated by us.

Point-in-time stocks used (one per file; each file lists one provider per row):

- `providers_at_sept_14.csv`: providers at 30 September 2014 (Ofsted's biannual "providers and
  places" series, 31 March / 30 September). Region column `GOR`, places `Max/Estimated Places`.
  No registration-status or inspection columns.
- `providers_at_15.csv`: providers at 31 March 2015. Region column `Region` is Ofsted's own region,
  which merges the North East with Yorkshire and the Humber ("North East, Yorkshire and the
  Humber"): that snapshot has 8 regions, not 9, and its regional rows are not comparable with the
  other snapshots' for those two regions (its local-authority rows are). It has NO places column:
  every provider is counted in `homes_places_unknown` and `places` is empty with status ':'.
- `providers_at_16.csv`: providers at 31 March 2016 (header on line 2, under a line of group titles).
  Region `Government Office Region`, places `Places`.
- `provider_at_march.csv`: despite its name, ONE snapshot: providers at 31 March 2023 (line 1 says
  so and is checked; header on line 4). Region `Government Office Region` is used (the file also
  has `Ofsted region`, which merges the North East and Yorkshire and the Humber); 7 providers are
  'Suspended' rather than 'Active' and are counted (still registered).

Caveat on coverage (a trap): the 2015, 2016 and 2023 files are the "latest full inspection" lists;
every row carries an inspection, so providers registered but not yet inspected at the snapshot are
absent. They undercount the stock Ofsted published: e.g. 2,821 homes of type children's home in
the 2023 file (none registered after November 2022) against 2,880 published at 31 March 2023;
1,981 children's homes of all types in the 2016 file against 2,071 published at 31 March 2016. The
September 2014 file has no inspection columns. Places summed here are the file's registered
places and need not match the published totals either.

Left out, and why:
- `joiners_leavers_17.csv` .. `_23.csv` (providers that joined or left in each year to 31 March):
  deriving the stocks of 2017-2022 from them is not exact. Rolling the 31 March 2016 list forward
  through all seven files gives 3,734 providers at 31 March 2023 where the 2023 file has 3,546
  (274 URNs only in the derived list, 86 only in the file), and some joiners are already in the
  list / leavers are not in it; type, sector and places changes between years are not recorded.
- `Closed_providers_final.csv`: only URN, status and closing date of closed providers; no stock.
- Agencies without accommodation (independent fostering agencies, voluntary adoption agencies,
  adoption support agencies): they have no places (blank or 0 in the files); only residential
  provider types are kept.

Aggregation: every provider is counted once, in its snapshot, in England, in the region and in the
local authority where it is located (the home's own address, not the council that places children
there), by harmonised provider type and by sector ('all' plus each sector in the file). Measures:
`homes` (providers), `places` (sum of registered places over providers whose places are known),
`homes_places_unknown` (providers with no places recorded: empty, 0 or a suppression symbol; never
counted as 0 places). Where no provider of a group has known places, `places` is empty with status
':'. National and regional rows are given for every provider type x sector found in the file
(zeros included); local-authority rows only where the LA has at least one such provider.
Ofsted's "children's homes of all types" = childrens_home + secure_childrens_home +
residential_special_school_childrens_home. Short-break-only homes are included in childrens_home
(the 2014 file cannot separate them).

Drift: each file's header must be exactly the one below; any renamed, missing or extra column, an
unknown provider type, sector or region, a duplicated URN, or a local authority in two regions stops
with the file (and line) named.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sentaway.raw.files import RawDataError, RawFiles
from sentaway.raw.suppression import CellError, parse_cell
from .catalogue import load
from .tidy import Source
from .write import csv_text, LEVEL_ORDER, unique

PUBLISHER = "Ofsted"
COLUMNS = [
    "snapshot_date", "year", "release", "source_file", "geographic_level", "area_code", "area_name",
    "provider_type", "provider_type_label", "sector", "measure", "value", "status", "unit",
]
MEASURES = {"homes": "homes", "places": "places", "homes_places_unknown": "homes"}


@dataclass(frozen=True)
class Snapshot:
    file: str
    date: str                 # ISO
    header_line: int          # 1-based line of the column names
    header: tuple[str, ...]   # exact, after stripping
    urn: str
    type: str
    region: str
    la: str
    sector: str
    places: str | None        # None: the file has no places column
    status: str | None        # registration status column, if any
    title: str | None = None  # words line 1 must contain, if the file has a title line

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def release(self) -> str:
        y, m, d = self.date.split("-")
        month = {"03": "March", "09": "September"}[m]
        return f"Ofsted providers at {int(d)} {month} {y}"


_INSPECTION_16 = ("Event type", "Inspection date", "Event number", "Overall effectiveness",
                  "Outcomes for children and young people", "Quality of care",
                  "Safeguarding children and young people", "Leadership and management")

SNAPSHOTS = [
    Snapshot(
        "ofsted-providers/providers_at_sept_14.csv", "2014-09-30", 1,
        ("URN", "Provision Type", "LA", "Sector", "GOR", "Max/Estimated Places"),
        "URN", "Provision Type", "GOR", "LA", "Sector", "Max/Estimated Places", None),
    Snapshot(
        "ofsted-providers/providers_at_15.csv", "2015-03-31", 1,
        ("Web link", "URN", "Provision type", "Reg Status", "Setting Name", "Address 1", "Address 2", "Town",
         "County", "Postcode", "Region", "Local authority", "Sector", "Inspection type", "Inspection Date",
         "Inspection ID", "Overall effectiveness", "Outcomes for children and young people", "Quality of care",
         "The safety of children and young people", "Leadership and management",
         "Outcomes in education and related learning activities", "Linked ED URN", "Short breaks only"),
        "URN", "Provision type", "Region", "Local authority", "Sector", None, "Reg Status"),
    Snapshot(
        "ofsted-providers/providers_at_16.csv", "2016-03-31", 2,
        ("Web link", "URN", "Provision type", "Registration status", "Name", "Address 1", "Address 2", "Town",
         "County", "Postcode", "Government Office Region", "Local authority", "Sector", "Places",
         "Linked education URN", "Short breaks only children's home") + _INSPECTION_16,
        "URN", "Provision type", "Government Office Region", "Local authority", "Sector", "Places",
        "Registration status", title="Provider information"),
    Snapshot(
        "ofsted-providers/provider_at_march.csv", "2023-03-31", 4,
        ("Web link", "URN", "Linked Education URN", "Provision type", "Registration date", "Registration status",
         "Name", "Address 1", "Address 2", "Town", "County", "Postcode", "Ofsted region",
         "Government Office Region", "Local authority", "Parliamentary constituency", "Sector", "Places",
         "Short-break-only children's home", "Multi-building children's home",
         "Organisation which owns the provider", "Latest full inspection event type",
         "Latest full inspection date", "Latest full inspection publication date",
         "Latest full inspection event number",
         "Overall experiences and progress of children and young people",
         "Outcomes in education and related learning activities", "Health services",
         "How well children and young people are helped and protected",
         "The effectiveness of leaders and managers", "", ""),
        "URN", "Provision type", "Government Office Region", "Local authority", "Sector", "Places",
        "Registration status", title="Provider level as at 31 March 2023"),
]

# Provision type (lower case, as printed) -> harmonised slug; None = not a residential provider, left out.
PROVIDER_TYPES = {
    "children's home": "childrens_home",
    "secure children's home": "secure_childrens_home",
    "residential special school (>295 days/year)": "residential_special_school_childrens_home",
    "residential special school (registered as a children's home)": "residential_special_school_childrens_home",
    "residential special school": "residential_special_school",
    "boarding school": "boarding_school",
    "further education college": "further_education_college",
    "further education college with residential accommodation": "further_education_college",
    "residential family centre": "residential_family_centre",
    "secure training centre": "secure_training_centre",
    "residential holiday scheme for disabled children": "residential_holiday_scheme",
    "independent fostering agency": None,
    "voluntary adoption agency": None,
    "adoption support agency": None,
}
TYPE_ORDER = [
    "childrens_home", "secure_childrens_home", "residential_special_school_childrens_home",
    "residential_special_school", "boarding_school", "further_education_college", "residential_family_centre",
    "secure_training_centre", "residential_holiday_scheme",
]
SECTORS = {"private": "private", "voluntary": "voluntary", "local authority": "local_authority",
           "academy": "academy", "health authority": "health_authority"}
SECTOR_ORDER = ["all", "private", "voluntary", "local_authority", "academy", "health_authority"]
REGIONS = {
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands", "East of England",
    "London", "South East", "South West",
    "North East, Yorkshire and the Humber",  # Ofsted region (2015 file only)
}
REGISTERED = {"active", "suspended"}


@dataclass
class ProviderRow:
    snapshot_date: str
    year: int
    source: Source
    geographic_level: str
    area_code: str
    area_name: str
    provider_type: str
    provider_type_label: str
    sector: str
    measure: str
    value: int | Decimal | None
    status: str
    unit: str
    where: str

    def key(self) -> tuple:
        return (self.snapshot_date, self.source.file, self.geographic_level, self.area_code, self.area_name,
                self.provider_type, self.sector, self.measure)

    def sort_key(self) -> tuple:
        return (self.snapshot_date, self.source.file, LEVEL_ORDER[self.geographic_level], self.area_name,
                self.area_code, TYPE_ORDER.index(self.provider_type), SECTOR_ORDER.index(self.sector),
                list(MEASURES).index(self.measure))


@dataclass(frozen=True)
class Provider:
    urn: str
    provider_type: str
    label: str
    region: str
    la: str
    sector: str
    places: Decimal | None
    line: int


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().lower()


def _check_header(snap: Snapshot, header: list[str]) -> None:
    expected = list(snap.header)
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"expected column(s) {', '.join(repr(c) for c in missing)} not found")
        if extra:
            parts.append(f"unexpected column(s) {', '.join(repr(c) for c in extra)}")
        raise RawDataError(f"{snap.file}, line {snap.header_line}: {'; '.join(parts)} (the file's layout changed)")
    raise RawDataError(f"{snap.file}, line {snap.header_line}: columns in an unexpected order: {', '.join(header)}")


def _places(text: str, where: str) -> int | None:
    token = text.strip()
    if token == "":
        return None
    try:
        value, status = parse_cell(token, where)
    except CellError as error:
        raise RawDataError(str(error)) from None
    if status or value == 0:
        return None   # suppressed, or 0: no registered residential provider has no places
    if value < 0:
        raise RawDataError(f"{where}: negative places {text!r}")
    # 'Max/Estimated Places' (2014) holds one estimate with a fraction (110.8, a further education
    # college): kept exactly, so such sums are written with their decimals.
    return Decimal(token.replace(",", ""))


def providers(raw: RawFiles, snap: Snapshot) -> list[Provider]:
    """The residential providers one file lists, checked."""
    first, rows = raw.rows(snap.file)
    lines = [first] + rows   # raw.rows reads line 1 as the header: re-find the real one
    if snap.title is not None and snap.title.lower() not in " ".join(lines[0]).lower():
        raise RawDataError(f"{snap.file}, line 1: expected it to say {snap.title!r}, found {','.join(lines[0]).strip(',')!r}")
    header = [c.strip() for c in lines[snap.header_line - 1]]
    _check_header(snap, header)
    index = {name: header.index(name) for name in header if name}
    out: list[Provider] = []
    seen: dict[str, int] = {}
    region_of_la: dict[str, tuple[str, int]] = {}
    for number, cells in enumerate(lines[snap.header_line:], start=snap.header_line + 1):
        if not any(c.strip() for c in cells):
            continue
        where = f"{snap.file}, line {number}"
        get = lambda name: cells[index[name]].strip()  # noqa: E731
        urn = get(snap.urn)
        if not urn:
            raise RawDataError(f"{where}: no URN")
        if urn in seen:
            raise RawDataError(f"{where}: URN {urn} listed twice (first on line {seen[urn]})")
        seen[urn] = number
        if snap.status is not None and _norm(get(snap.status)) not in REGISTERED:
            raise RawDataError(f"{where}: registration status {get(snap.status)!r} (expected Active or Suspended)")
        label = get(snap.type)
        key = _norm(label)
        if key not in PROVIDER_TYPES:
            raise RawDataError(f"{where}: unknown provision type {label!r} in column {snap.type!r}")
        slug = PROVIDER_TYPES[key]
        region, la = get(snap.region), get(snap.la)
        if region not in REGIONS:
            raise RawDataError(f"{where}: unknown region {region!r} in column {snap.region!r}")
        if not la:
            raise RawDataError(f"{where}: no local authority in column {snap.la!r}")
        earlier = region_of_la.setdefault(la, (region, number))
        if earlier[0] != region:
            raise RawDataError(f"{where}: local authority {la!r} in region {region!r}, "
                               f"but in {earlier[0]!r} on line {earlier[1]}")
        sector_label = get(snap.sector)
        sector = SECTORS.get(_norm(sector_label))
        if sector is None:
            raise RawDataError(f"{where}: unknown sector {sector_label!r} in column {snap.sector!r}")
        if slug is None:
            continue
        places = _places(get(snap.places), f"{where}, column {snap.places}") if snap.places else None
        out.append(Provider(urn, slug, label, region, la, sector, places, number))
    if not out:
        raise RawDataError(f"{snap.file}: no residential providers found")
    return out


def snapshot_rows(raw: RawFiles, snap: Snapshot) -> list[ProviderRow]:
    listed = providers(raw, snap)
    source = Source(snap.file, snap.release, PUBLISHER)
    labels: dict[str, set[str]] = defaultdict(set)
    # (level, area, type, sector) -> [homes, places, unknown, first line]
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for p in listed:
        labels[p.provider_type].add(p.label)
        for level, area in (("national", "England"), ("regional", p.region), ("local_authority", p.la)):
            for sector in ("all", p.sector):
                g = groups.setdefault((level, area, p.provider_type, sector), [0, 0, 0, p.line])
                g[0] += 1
                if p.places is None:
                    g[2] += 1
                else:
                    g[1] += p.places
    # Zeros made explicit for England and each region, for every type x sector the file has.
    combos = {(t, s) for (_, _, t, s) in groups}
    areas = {("national", "England")} | {("regional", p.region) for p in listed}
    for level, area in areas:
        for t, s in combos:
            groups.setdefault((level, area, t, s), [0, 0, 0, 0])
    rows = []
    for (level, area, ptype, sector), (homes, places, unknown, line) in groups.items():
        where = f"{snap.file}, {level} {area}, {ptype}, {sector}" + (f" (first provider on line {line})" if line else "")
        label = "; ".join(sorted(labels[ptype]))
        known = homes - unknown
        values = {
            "homes": (homes, ""),
            "places": (places, "") if known or homes == 0 else (None, ":"),
            "homes_places_unknown": (unknown, ""),
        }
        for measure, (value, status) in values.items():
            rows.append(ProviderRow(snap.date, snap.year, source, level, "", area, ptype, label, sector, measure,
                                    value, status, MEASURES[measure], where))
    return rows


def extract(raw: RawFiles) -> list[ProviderRow]:
    rows: list[ProviderRow] = []
    for snap in SNAPSHOTS:
        rows.extend(snapshot_rows(raw, snap))
    return rows


def _number(value) -> str:
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return format(Decimal(value).normalize(), "f")


def to_csv(rows: list[ProviderRow]) -> str:
    records = []
    for r in unique(sorted(rows, key=ProviderRow.sort_key), lambda r: r.key()):
        if r.value is not None and (r.value < 0 or (r.unit == "homes" and r.value != int(r.value))):
            raise ValueError(f"{r.where}: {r.measure} {r.value} is not a whole, non-negative count")
        records.append([
            r.snapshot_date, str(r.year), r.source.release, r.source.file, r.geographic_level, r.area_code,
            r.area_name, r.provider_type, r.provider_type_label, r.sector, r.measure,
            _number(r.value), r.status, r.unit,
        ])
    return csv_text(COLUMNS, records)


# What data/ofsted_providers.csv holds: metadata/ofsted_providers.yml (the enums it names are the lists given here).
RESOURCE = load("ofsted_providers", provider_types=TYPE_ORDER, sectors=SECTOR_ORDER, measures=MEASURES)
