"""Context for each children's services authority: region (DfE), deprivation (IMD) and rural-urban
classification (ONS), one row per upper-tier local authority as DfE identifies it.

Which authorities: every local-authority row (old_la_code, new_la_code) in the DfE "LA of placement,
net gain" table of every explore-education-statistics release. Those files restate earlier years on
later boundaries and keep the abolished authorities, so the list covers the authorities of the SFR
years as well as today's. Region (`region_code`, `region_name`) is as the DfE files print it, London
split into Inner and Outer London; `region9_code` / `region9_name` give the nine English regions,
London as one. An authority printed in two regions, or under two names in the same release, stops.

Deprivation and rural-urban classification: the summaries for upper-tier authorities of the files in
metadata/la_context.sources.yml, matched on the ONS code; an authority whose code changed while its
area did not is matched to its earlier code, and says so; one that was no area on the file's
boundaries gets empty values with status ':' (not available), never 0 (the summaries are
population-weighted over small areas and cannot be rebuilt from other areas' summaries). The files,
the matches and why: that sources file.

Drift: each file's columns must be exactly those its sources file gives (a renamed or missing column
stops, naming it and the file); an IMD or RUC code listed twice, an unknown region, or an IMD value
that is not a number stops.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from jinja2 import Environment, StrictUndefined

from sentaway.raw.files import RawDataError, RawFiles
from . import shapes, sources
from .releases import registry
from .tidy import Source

NAME = "la_context"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
NETGAIN_COLUMNS = LABELS["netgain_columns"]
IMD, RUC = LABELS["imd"], LABELS["ruc"]
IMD_FILE, RUC_FILE = IMD["file"], RUC["file"]
IMD_CODE, IMD_NAME = IMD["code"], IMD["name"]
IMD_MEASURES: dict[str, str] = IMD["measures"]   # column in the file (after stripping) -> field, in CSV order
IMD_COLUMNS = [IMD_CODE, IMD_NAME] + list(IMD_MEASURES)
RUC_COLUMNS: list[str] = RUC["columns"]
RUC_HEADER_LINE = RUC["header_line"]
REGION9: dict[str, str] = LABELS["regions9"]
LONDON_PARTS: dict[str, str] = LABELS["london_parts"]
_WORDS = Environment(undefined=StrictUndefined, autoescape=False)


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
        """The file behind the row's main measures: the IMD file where matched, else the DfE file naming the authority.
        `sources` lists every file the row draws on."""
        return next((s for s in self.sources if s.file == IMD_FILE), self.dfe_source)

    @property
    def region9_code(self) -> str:
        return LABELS["london"] if self.region_code in LONDON_PARTS else self.region_code

    @property
    def region9_name(self) -> str:
        return REGION9[self.region9_code]


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
    """Every local authority in the net-gain files, with its region; the latest release gives the names (an earlier
    spelling differing only in case or spacing is the same name)."""
    found: dict[tuple[str, str], ContextRow] = {}
    tables = registry().files(raw, "ees", "la_net_gain")
    for release, rel in tables:   # oldest release first: later ones overwrite the name
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
            if sources.label_key(earlier[0]) != sources.label_key(name):
                raise RawDataError(f"{where}: {code}/{old} is named {name!r}, but {earlier[0]!r} on line {earlier[1]}")
            row = found.get(key)
            if row is None:
                found[key] = ContextRow(code, old, name, region, region_name, year, year, Source(rel, release.label))
                continue
            if (row.region_code, sources.label_key(row.region_name)) != (region, sources.label_key(region_name)):
                raise RawDataError(f"{where}: {name} ({code}) in region {region} {region_name!r}, but in "
                                   f"{row.region_code} {row.region_name!r} in {row.dfe_source.file}")
            row.la_name, row.region_name, row.dfe_source = name, region_name, Source(rel, release.label)
            row.first_year, row.last_year = min(row.first_year, year), max(row.last_year, year)
    if not found:
        raise RawDataError(f"{', '.join(rel for _, rel in tables)}: no local authority rows found")
    return list(found.values())


# ---------------------------------------------------------------- deprivation (IMD)

def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise RawDataError(f"{where}: {text!r} is not a number") from None
    if not value.is_finite():
        raise RawDataError(f"{where}: {text!r} is not a finite number")
    return value


def imd(raw: RawFiles) -> dict[str, tuple[str, dict[str, Decimal]]]:
    """{upper-tier code on the file's boundaries: (name, {field: value})}."""
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
    """{upper-tier code on the file's boundaries: (name, 6-fold, 3-fold)}."""
    lines = list(csv.reader(io.StringIO(raw.text(RUC_FILE), newline="")))
    if not lines or RUC["title"].lower() not in " ".join(lines[0]).lower():
        first = ",".join(lines[0]).strip(",") if lines else ""
        raise RawDataError(f"{RUC_FILE}, line 1: expected it to say {RUC['title']!r}, found {first!r}")
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
    words = LABELS["match"]
    if code in table:
        return code, words["found"]
    same = LABELS["same_area"].get(code)
    if same and same["code"] in table:
        return same["code"], _WORDS.from_string(words["same_area"]).render(year=year, **same)
    reason = LABELS["not_an_area"].get(code, words["unknown"])
    return "", _WORDS.from_string(words["none"]).render(year=year, reason=reason)


def _authorities_with_context(raw: RawFiles) -> list[ContextRow]:
    rows = authorities(raw)
    deprivation = imd(raw)
    rural = ruc(raw)
    imd_source = Source(IMD_FILE, IMD["release"])
    ruc_source = Source(RUC_FILE, RUC["release"])
    for row in rows:
        sources = [row.dfe_source]
        row.imd_area_code, row.imd_match = _lookup(row.new_la_code, deprivation, IMD["boundaries"])
        if row.imd_area_code:
            row.imd = dict(deprivation[row.imd_area_code][1])
            sources.append(imd_source)
        else:
            row.imd = dict.fromkeys(IMD_MEASURES.values())
            row.imd_status = ":"
        row.ruc_area_code, row.ruc_match = _lookup(row.new_la_code, rural, RUC["boundaries"])
        if row.ruc_area_code:
            _, row.ruc6, row.ruc3 = rural[row.ruc_area_code]
            sources.append(ruc_source)
        else:
            row.ruc_status = ":"
        row.sources = tuple(sources)
    return rows


def extract(raw: RawFiles) -> list:
    """One row per authority, in la_context.csv's columns."""
    rows = []
    for r in _authorities_with_context(raw):
        measures = {name: r.imd[name] for name in IMD_MEASURES.values()}
        rows.append(Row(new_la_code=r.new_la_code, old_la_code=r.old_la_code, la_name=r.la_name,
                        region_code=r.region_code, region_name=r.region_name, region9_code=r.region9_code,
                        region9_name=r.region9_name, first_year=r.first_year, last_year=r.last_year,
                        imd_area_code=r.imd_area_code, imd_match=r.imd_match, **measures, imd_status=r.imd_status,
                        ruc_area_code=r.ruc_area_code, ruc_match=r.ruc_match, ruc11_6fold=r.ruc6, ruc11_3fold=r.ruc3,
                        ruc_status=r.ruc_status, source_files="; ".join(s.file for s in r.sources),
                        where=f"{r.dfe_source.file}: {r.new_la_code}/{r.old_la_code}", sources=r.sources))
    return rows
