"""Claims about children who went missing, and missing incidents ("reports")."""

import pandas as pd

from sentaway.read import extracts
from sentaway.read.extracts import NotComputable
from sentaway.register.verdicts import Evidence, Vintage
from sentaway.register.checks import count_interval, measure
from sentaway.register.checks.out_of_area import release_year

LABELS = {"children_missing": ("Children looked after who went missing at least once during the year", "children"),
          "missing_incidents": ("Missing incidents of children looked after during the year", "incidents")}
PLACEMENTS = {"all": "all placements",
              "secure_childrens_homes_semi_independent": "secure units, children's homes and semi-independent living",
              "secure_childrens_homes": "secure homes and children's homes"}
# The publisher's own words (SFR50/2017 national tables, Table G1) for the years it called experimental.
EXPERIMENTAL = ("DfE called these statistics experimental (\"based on data collected for the first time in 2015, "
                "and should be treated with caution\"; \"figures are not comparable between years\", SFR50/2017 "
                "Table G1)")


def _experimental(year: int) -> str:
    """The publisher's label where SFR50/2017 Table G1 marks the year's figures experimental ('' otherwise)."""
    tables = extracts.national_tables()
    rows = tables[(tables.table == "G1") & (tables.year == year)]
    return EXPERIMENTAL if rows.experimental.any() else ""


def _national(measure_name: str, placement: str) -> pd.DataFrame:
    frames = [extracts.missing()]
    tables = extracts.national_tables()
    frames.append(tables[tables.table == "G1"].assign(geographic_level="national", distance="all"))
    rows = []
    for frame in frames:
        frame = frame[(frame.geographic_level == "national") & (frame.measure == measure_name)
                      & (frame.placement == placement) & (frame.locality == "all")]
        if "distance" in frame:
            frame = frame[frame.distance == "all"]
        rows.append(frame[["year", "release", "source_file", "value", "status"]])
    return pd.concat(rows, ignore_index=True)


def _vintages(measure_name: str, placement: str, year: int) -> list[Vintage]:
    rows = _national(measure_name, placement)
    rows = rows[rows.year == year]
    if rows.empty:
        raise NotComputable(f"no official national figure for {LABELS[measure_name][0].lower()} from "
                            f"{PLACEMENTS[placement]} in the year ending 31 March {year}")
    vintages = {}
    for row in rows.itertuples():
        if row.status:
            continue
        value = float(row.value)
        low, high = count_interval(value)
        low_1, high_1 = count_interval(value, slack=1)
        key = (row.release, value)
        if key not in vintages:  # a release's underlying data and its national table can print the same figure
            vintages[key] = Vintage(row.release, published=extracts.release_date(row.release), value=value, low=low,
                                    high=high, low_1=low_1, high_1=high_1, source_file=row.source_file,
                                    first_publication=release_year(row.release) == year)
    if not vintages:
        raise NotComputable(f"every release withholds {LABELS[measure_name][0].lower()} for {year}")
    return sorted(vintages.values(), key=lambda v: (v.published, v.release))


@measure("missing_count")
def missing_count(claim, measure_name: str, year: str, placement: str = "all") -> Evidence:
    year = int(year)
    label, unit = LABELS[measure_name]
    vintages = _vintages(measure_name, placement, year)
    latest = vintages[-1]
    return Evidence(
        claim.claim_id, official_measure=f"{label} from {PLACEMENTS[placement]}, England, year ending 31 March {year}",
        comparable=True, official_value=latest.value, official_low=latest.low, official_high=latest.high,
        official_low_1=latest.low_1, official_high_1=latest.high_1, unit=unit, official_year=f"year ending 31 March {year}",
        vintages=vintages, source_file=latest.source_file, release=latest.release,
        first_published_in_files=any(v.first_publication for v in vintages),
        experimental=_experimental(year),
        filters=f"national; measure = {measure_name}; placement = {placement}", rounding="nearest 10",
        nearest=_points(measure_name, placement))


@measure("missing_change")
def missing_change(claim, measure_name: str, start: str, end: str, placement: str = "all") -> Evidence:
    """Change in a missing measure between two years (latest release of each): context for change claims."""
    start, end = int(start), int(end)
    a, b = (_vintages(measure_name, placement, y)[-1] for y in (start, end))
    label, _ = LABELS[measure_name]
    return Evidence(
        claim.claim_id, official_measure=f"Change in {label.lower()} from {PLACEMENTS[placement]}, {start} to {end}",
        comparable=True, official_value=100 * (b.value / a.value - 1), unit="percent", official_year=f"{start}-{end}",
        release=a.release if a.release == b.release else f"{a.release}; {b.release}",
        source_file=a.source_file, experimental=_experimental(start),
        rounding="change of counts rounded to the nearest 10")


def _points(measure_name: str, placement: str) -> list[dict]:
    rows = _national(measure_name, placement)
    rows = rows[rows.status == ""].sort_values("release").groupby("year", as_index=False).last()
    label, unit = LABELS[measure_name]
    return [{"measure": f"{label} ({PLACEMENTS[placement]})", "year": int(r.year), "value": float(r.value),
             "unit": unit, "release": r.release} for r in rows.itertuples()]


@measure("over_20_miles_share")
def over_20_miles_share(claim, year: str) -> Evidence:
    """Share of ALL looked-after children placed over 20 miles from home at 31 March: children on one day, not
    missing incidents (context)."""
    year = int(year)
    frame = extracts.distance()
    rows = frame[(frame.geographic_level == "national") & (frame.placement == "all") & (frame.unit == "children")
                 & (frame.status == "") & (frame.year == year)]
    if rows.empty:
        raise NotComputable(f"no national distance figures for 31 March {year}")
    rows = rows[rows.release == rows.release.max()]
    over = rows[(rows.distance == "over_20_miles") & (rows.locality == "all")].value.sum()
    if not over:
        over = rows[rows.distance == "over_20_miles"].value.sum()
    total = rows[(rows.distance == "all") & (rows.locality == "all")].value
    if len(total) != 1 or not over:
        raise NotComputable(f"no national total or over-20-miles count for 31 March {year}")
    return Evidence(claim.claim_id, official_measure=f"Share of all looked-after children placed over 20 miles from home, 31 March {year}",
                    comparable=True, official_value=100 * over / float(total.iloc[0]), unit="percent",
                    official_year=str(year), release=rows.release.iloc[0], source_file=rows.source_file.iloc[0],
                    rounding="share of counts rounded to the nearest 10")
