"""Claims about children who went missing, and missing incidents ("reports")."""

from .. import extracts
from ..verdicts import Evidence
from . import check, count_interval

NO_LOCALITY = ("no raw official file splits {what} by placement locality (inside / outside the council boundary) "
               "before 2019, nor by placement type before 2019; children (as opposed to incidents) are never split by "
               "locality. The claim's figure was described as DfE figures released to the APPG, not a published table")
NO_DISTANCE = ("no raw official file splits missing incidents by the distance between home and placement in any year")


def _national(measure: str, **filters):
    frame = extracts.missing()
    frame = frame[(frame.geographic_level == "national") & (frame.measure == measure)]
    for column, wanted in {"placement": "all", "locality": "all", "distance": "all", **filters}.items():
        frame = frame[frame[column] == wanted]
    return frame[frame.status == ""]


def _latest(frame):
    """One value per year, from the latest release that gives it."""
    return frame.sort_values("release").groupby("year", as_index=False).last().sort_values("year")


def _points(measure: str, label: str, unit: str, **filters) -> list[dict]:
    return [{"measure": label, "year": int(r.year), "value": float(r.value), "unit": unit, "release": r.release}
            for r in _latest(_national(measure, **filters)).itertuples()]


def _context() -> list[dict]:
    return (_points("children_missing", "All children who went missing (all placements)", "children")
            + _points("missing_incidents", "All missing incidents (all placements)", "incidents")
            + _points("missing_incidents", "Missing incidents, placed outside the council boundary (all placement types)", "incidents", locality="outside")
            + _points("missing_incidents", "Missing incidents, placed inside the council boundary (all placement types)", "incidents", locality="inside"))


def _total(claim, measure: str, label: str, unit: str) -> Evidence:
    year = int(claim.year)
    rows = _national(measure)
    releases = sorted(rows[rows.year == year].release)
    if not releases:
        raise extracts.NotComputable(f"no official national {measure} for {year}")
    row = extracts.one(rows, year=year, release=releases[-1])
    low, high = count_interval(float(row.value))
    return Evidence(
        claim.claim_id, official_measure=label, comparable=True, official_value=float(row.value), official_low=low,
        official_high=high, unit=unit, official_year=f"year ending 31 March {year}", source_file=row.source_file,
        release=row.release, filters=f"national; measure = {measure}", rounding=row.rounding,
        nearest=_points(measure, label, unit))


@check("missing-all-children-2017-pa")
def children_missing_total(claim, variant=None) -> Evidence:
    return _total(claim, "children_missing", "Children looked after who went missing at least once during the year (all placements)", "children")


@check("missing-all-reports-2017-pa")
def incidents_total(claim, variant=None) -> Evidence:
    return _total(claim, "missing_incidents", "Missing incidents of children looked after during the year (all placements)", "incidents")


@check("missing-20miles-reports-2017-pa", "missing-20miles-share-2017-pa")
def incidents_by_distance(claim, variant=None) -> Evidence:
    return Evidence(claim.claim_id, official_measure="Missing incidents from placements 20 miles or more from home",
                    comparable=False, unit="incidents" if claim.quantity == "count" else "percent",
                    official_year=claim.year, missing=NO_DISTANCE + ". The nearest official figure is the share of "
                    "all looked-after children placed over 20 miles from home at 31 March (a count of children on one day, "
                    "not of missing incidents).",
                    nearest=_points("missing_incidents", "All missing incidents (all placements)", "incidents")
                    + _over_20_miles(), source_file="data/cla_missing.csv; data/cla_distance.csv", release="SFR50/2017")


def _over_20_miles() -> list[dict]:
    """Share of all looked-after children placed over 20 miles from home, 31 March, latest release per year."""
    frame = extracts.distance()
    frame = frame[(frame.geographic_level == "national") & (frame.placement == "all") & (frame.unit == "children")
                  & (frame.status == "")]
    points = []
    for year, rows in frame.groupby("year"):
        rows = rows[rows.release == rows.release.max()]
        over = rows[(rows.distance == "over_20_miles") & (rows.locality == "all")].value.sum()
        if not over:
            over = rows[(rows.distance == "over_20_miles")].value.sum()
        total = rows[(rows.distance == "all") & (rows.locality == "all")].value
        if len(total) == 1 and over:
            points.append({"measure": "All looked-after children placed over 20 miles from home (share)", "year": int(year),
                           "value": 100 * over / total.iloc[0], "unit": "percent", "release": rows.release.iloc[0]})
    return points


@check("missing-ooa-children-2015-localgov", "missing-ooa-children-2018-localgov",
       "missing-inarea-children-change-2015-2018-localgov", "missing-ooa-change-2015-2017-pa",
       "missing-inarea-change-2015-2017-pa")
def children_by_locality(claim, variant=None) -> Evidence:
    return Evidence(claim.claim_id, official_measure="Children who went missing from children's homes, by placement locality",
                    comparable=False, unit="children" if claim.quantity == "count" else "percent", official_year=claim.year,
                    missing=NO_LOCALITY.format(what="children who went missing") + ".", nearest=_context(),
                    consistency=_total_growth(claim), source_file="data/cla_missing.csv", release="SFR; CLA 2022-2024 (EES)")


@check("missing-ooa-incidents-2015-huffpost", "missing-ooa-incidents-2017-huffpost", "missing-ooa-incidents-annual-huffpost",
       "missing-ooa-incidents-change-2015-2017-huffpost", "missing-ooa-incidents-doubling-huffpost",
       "missing-inarea-incidents-change-2015-2017-huffpost")
def incidents_by_locality(claim, variant=None) -> Evidence:
    return Evidence(claim.claim_id, official_measure="Missing incidents from children's homes, by placement locality",
                    comparable=False, unit="incidents" if claim.quantity == "count" else "percent", official_year=claim.year,
                    missing=NO_LOCALITY.format(what="missing incidents") + ".", nearest=_context(),
                    consistency=_total_growth(claim), source_file="data/cla_missing.csv", release="SFR; CLA 2022-2024 (EES)")


def _total_growth(claim) -> str:
    """For a change claim: the change in the all-placements totals over the same years, for scale."""
    if "-" not in claim.year:
        return ""
    start, end = claim.year.split("-")
    parts = []
    for measure, label in (("children_missing", "children who went missing"), ("missing_incidents", "missing incidents")):
        values = {p["year"]: p["value"] for p in _points(measure, label, "")}
        if int(start) in values and int(end) in values:
            rise = 100 * (values[int(end)] / values[int(start)] - 1)
            parts.append(f"all {label} rose {rise:.0f}% ({values[int(start)]:,.0f} to {values[int(end)]:,.0f})")
    return ("Over the same years, across all placements and localities, " + " and ".join(parts) + "."
            if parts else "")
