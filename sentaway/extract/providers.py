"""Children's homes and other residential providers in England, by region and local authority, from
Ofsted's provider-level files (Children's social care data in England), aggregated by us.

The files read, one point-in-time stock each (each file lists one provider per row), their columns, and what
each holds and lacks (coverage, regions, places): metadata/ofsted_providers.sources.yml.

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
(the oldest file cannot separate them).

Drift: each file's header must be exactly the one its sources file gives; any renamed, missing or extra column, an
unknown provider type, sector or region, a duplicated URN, or a local authority in two regions stops
with the file (and line) named.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sentaway.raw.files import RawDataError, RawFiles
from sentaway.raw.suppression import CellError, parse_cell
from . import shapes, sources
from .tidy import Source

NAME = "ofsted_providers"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
MONTHS = {"03": "March", "09": "September"}


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
        return f"Ofsted providers at {int(d)} {MONTHS[m]} {y}"


SNAPSHOTS = [Snapshot(s["file"], s["date"], s["header"], tuple(s["columns"]), **s["read"], title=s.get("title"))
             for s in LABELS["snapshots"]]


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


def _places(text: str, where: str) -> Decimal | None:
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
    # The oldest file's 'Max/Estimated Places' holds one estimate with a fraction (110.8, a further education
    # college): kept exactly, so such sums are written with their decimals.
    return Decimal(token.replace(",", ""))


def providers(raw: RawFiles, snap: Snapshot) -> list[Provider]:
    """The residential providers one file lists, checked."""
    types = sources.vocabulary(NAME, "provision_types")
    sectors = sources.vocabulary(NAME, "sectors")
    regions = {sources.label_key(region) for region in LABELS["regions"]}
    registered = {sources.label_key(status) for status in LABELS["registered"]}
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
    spelt: dict[str, str] = {}  # a region's words -> its first spelling in the file
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
        if snap.status is not None and sources.label_key(get(snap.status)) not in registered:
            raise RawDataError(f"{where}: registration status {get(snap.status)!r} (expected Active or Suspended)")
        label = get(snap.type)
        if label not in types:
            raise RawDataError(f"{where}: unknown provision type {label!r} in column {snap.type!r}")
        slug = types[label]
        region, la = get(snap.region), get(snap.la)
        if sources.label_key(region) not in regions:
            raise RawDataError(f"{where}: unknown region {region!r} in column {snap.region!r}")
        region = spelt.setdefault(sources.label_key(region), region)
        if not la:
            raise RawDataError(f"{where}: no local authority in column {snap.la!r}")
        earlier = region_of_la.setdefault(sources.label_key(la), (region, number))
        if earlier[0] != region:
            raise RawDataError(f"{where}: local authority {la!r} in region {region!r}, "
                               f"but in {earlier[0]!r} on line {earlier[1]}")
        sector_label = get(snap.sector)
        if sector_label not in sectors:
            raise RawDataError(f"{where}: unknown sector {sector_label!r} in column {snap.sector!r}")
        if slug is None:
            continue
        places = _places(get(snap.places), f"{where}, column {snap.places}") if snap.places else None
        out.append(Provider(urn, slug, label, region, la, sectors[sector_label], places, number))
    if not out:
        raise RawDataError(f"{snap.file}: no residential providers found")
    return out


def snapshot_rows(raw: RawFiles, snap: Snapshot) -> list:
    listed = providers(raw, snap)
    source = Source(snap.file, snap.release)
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
            if isinstance(value, Decimal):
                value = int(value) if value == int(value) else value.normalize()
            rows.append(Row(snapshot_date=snap.date, year=snap.year, release=source.release, source_file=source.file,
                            geographic_level=level, area_code="", area_name=area, provider_type=ptype,
                            provider_type_label=label, sector=sector, measure=measure, value=value, status=status,
                            unit=LABELS["units"][measure], where=where))
    return rows


def extract(raw: RawFiles) -> list:
    rows = []
    for snap in SNAPSHOTS:
        rows.extend(snapshot_rows(raw, snap))
    for row in rows:
        if row.value is not None and (row.value < 0 or (row.unit == "homes" and row.value != int(row.value))):
            raise ValueError(f"{row.where}: {row.measure} {row.value} is not a whole, non-negative count")
    return rows
