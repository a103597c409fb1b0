"""Claims about children in children's homes placed outside their council ("out of area")."""

import math

import numpy as np

from .. import out_of_area
from ..verdicts import Evidence, cited_interval, format_value, overlaps
from . import check, count_interval

HOMES_ONLY = out_of_area.HOMES_SERIES["secure_childrens_homes"]
TRANSCRIBED = out_of_area.TRANSCRIBED_LABEL

NO_SPLIT = ("no raw official file splits children in children's homes by placement locality for {year}: the split "
            "is published from 2019 (children's homes alone from 2020); DfE's national Table A2 for 2017-18 and the "
            "2012/2013 data packs that carried earlier figures are not among the raw files")


def _split_points(column: str) -> list[dict]:
    """Official (and transcribed) children's-homes values by locality, one row per year and definition."""
    homes = out_of_area.homes_by_locality()
    rows = homes[homes[column].notna() & homes.series.isin(["Official, by locality", "Transcribed, by locality"])]
    unit = "percent" if column == "share_outside" else "children"
    return [{"measure": f"Children's homes ({r.definition})", "year": int(r.year), "value": float(getattr(r, column)),
             "unit": unit, "release": r.release} for r in rows.itertuples()]


def _all_children_points() -> list[dict]:
    table = out_of_area.all_children_by_locality()
    return [{"measure": "All looked-after children (proxy)", "year": int(r.year), "value": float(r.share_outside),
             "unit": "percent", "release": r.release} for r in table.itertuples()]


def interpolation_test(year: int, claim, column: str) -> str:
    """Is a cited value consistent with the official record? The same test as the growth chapter: a
    log-linear trend through the official children's-homes points (2015 transcribed, 2020-2024) and its 95%
    prediction interval for the claim's year, set against the cited value at the precision it was stated."""
    from ..growth import trend_at

    trend = trend_at(year)
    predicted, low, high = trend["number" if column == "outside" else "share"]
    unit = "children" if column == "outside" else "percent"
    inside = overlaps(cited_interval(claim.cited_value, claim.cited_bound), (low, high))
    kind = ("" if trend["kind"] == "interpolation" else
            f" This is an extrapolation, {trend['first'] - year} year(s) before the first official point, so it tests little.")
    return (f"A log-linear trend through the official children's-homes points ({trend['first']} transcribed, then "
            f"{trend['points'][1]}-{trend['last']}) gives {format_value(predicted, unit)} for {year} (95% prediction interval "
            f"{format_value(low, unit)} to {format_value(high, unit)}); the cited {format_value(float(claim.cited_value), unit)} is "
            + ("inside that interval: consistent with the official record." if inside else
               "outside that interval: not consistent with the official record, unless the series moved unevenly.")
            + kind + " The growth chapter shows this test in full.")


@check("ooa-share-2012-localgov", "ooa-share-2012-cunningham", "ooa-share-2017-huffpost", "ooa-share-2018-localgov")
def share_of_homes_outside(claim, variant=None) -> Evidence:
    year = int(claim.year)
    nearest = _split_points("share_outside") + [p for p in _all_children_points() if abs(p["year"] - year) <= 1]
    return Evidence(
        claim.claim_id, official_measure="Share of children in secure homes and children's homes placed outside the "
        "responsible council's boundary, at 31 March", comparable=False, unit="percent", official_year=str(year),
        missing=NO_SPLIT.format(year=year) + ". The share for all looked-after children is shown as the nearest official measure.",
        nearest=nearest, consistency=interpolation_test(year, claim, "share_outside"),
        source_file="data/cla_placements.csv; data/transcribed_placement_location.csv",
        release="CLA 2023 and 2024 (EES); SFR; A focus on placement location (transcribed)",
        rounding="shares recomputed from counts rounded to the nearest 10")


@check("ooa-number-2012-localgov", "ooa-number-2012-huffpost", "ooa-number-2017-huffpost", "ooa-number-2018-localgov")
def number_of_homes_outside(claim, variant=None) -> Evidence:
    year = int(claim.year)
    homes = out_of_area.homes_by_locality()
    totals = homes[(homes.series == "Official, total only") & (homes.year == year)]
    nearest = _split_points("outside")
    if not totals.empty:
        row = totals.iloc[0]
        nearest.append({"measure": f"All children in {row.definition.lower()} (any locality)", "year": year,
                        "value": float(row["all"]), "unit": "children", "release": row.release})
    return Evidence(
        claim.claim_id, official_measure="Children in secure homes and children's homes placed outside the responsible "
        "council's boundary, at 31 March", comparable=False, unit="children", official_year=str(year),
        missing=NO_SPLIT.format(year=year) + ".", nearest=nearest,
        consistency=interpolation_test(year, claim, "outside"),
        source_file="data/cla_placements.csv; data/transcribed_placement_location.csv",
        release="CLA 2023 and 2024 (EES); SFR; A focus on placement location (transcribed)",
        rounding="counts rounded to the nearest 10")


@check("ooa-number-change-2012-2018-localgov", "ooa-number-change-2012-2017-huffpost")
def growth_of_homes_outside(claim, variant=None) -> Evidence:
    start, end = (int(y) for y in claim.year.split("-"))
    points = [p for p in _split_points("outside") if p["measure"].endswith(f"({HOMES_ONLY})")]
    nearest = []
    if len(points) >= 2:
        first, last = points[0], points[-1]
        per_year = 100 * ((last["value"] / first["value"]) ** (1 / (last["year"] - first["year"])) - 1)
        nearest.append({"measure": f"Official growth, children's homes outside, {first['year']}-{last['year']} (per cent, whole period)",
                        "year": last["year"], "value": 100 * (last["value"] / first["value"] - 1), "unit": "percent",
                        "release": "CLA 2024 (EES)"})
        nearest.append({"measure": f"Official growth per year over {first['year']}-{last['year']}", "year": last["year"],
                        "value": per_year, "unit": "percent", "release": "CLA 2024 (EES)"})
    claimed_per_year = 100 * ((1 + float(claim.cited_value) / 100) ** (1 / (end - start)) - 1)
    return Evidence(
        claim.claim_id, official_measure=f"Change in children in children's homes placed outside their council, {start}-{end}",
        comparable=False, unit="percent", official_year=claim.year, nearest=nearest,
        missing=NO_SPLIT.format(year=f"{start} or {end}" if end < 2019 else start) + ".",
        consistency=(f"The claim implies growth of {claimed_per_year:.1f}% a year; the official children's-homes series grew "
                     + (f"{nearest[1]['value']:.1f}% a year from {points[0]['year']} to {points[-1]['year']}." if nearest else "at a rate the files cannot give.")),
        source_file="data/cla_placements.csv", release="CLA 2024 (EES)", rounding="counts rounded to the nearest 10")


@check("ooa-number-thousands-localgov")
def thousands_outside(claim, variant=None) -> Evidence:
    points = [p for p in _split_points("outside") if p["measure"].endswith(f"({HOMES_ONLY})")]
    first = points[0]
    return Evidence(
        claim.claim_id, official_measure="Children in secure homes and children's homes placed outside their council",
        comparable=True, official_value=first["value"], official_low=count_interval(first["value"])[0],
        official_high=count_interval(first["value"])[1], unit="children", official_year=str(first["year"]),
        caveat=(f"the earliest official children's-homes figure by locality is for 31 March {first['year']}, not the "
                "time of speaking; the claim is a vague magnitude (\"thousands\")."),
        nearest=points, source_file="data/cla_placements.csv", release=first["release"],
        filters="national; placement = secure_childrens_homes; locality = outside; provider = all",
        rounding="nearest 10")
