"""Readings with no official figure, and the 2012 inquiry's figure about one authority."""

from sentaway.read import extracts
from sentaway.register.verdicts import Evidence
from sentaway.register.checks import measure, say


@measure("not_published")
def not_published(claim, what: str = "") -> Evidence:
    """A reading the files cannot answer: `what` (from data/readings.csv) says exactly what is missing."""
    return Evidence(claim.claim_id, official_measure="", comparable=False, unit=claim.unit, official_year=claim.year,
                    missing=what)


@measure("la_highest_share_all_children")
def la_highest_share(claim, years: str) -> Evidence:
    """The highest council share of ALL looked-after children placed outside the boundary (context)."""
    wanted = [int(y) for y in years.split(";")]
    frame = extracts.placements()
    la = frame[(frame.geographic_level == "local_authority") & (frame.placement == "all") & frame.year.isin(wanted)
               & frame.locality.isin(["inside", "outside"]) & (frame.status == "")]
    wide = la.pivot_table(index=["year", "area_name"], columns="locality", values="value", aggfunc="first").dropna()
    wide["share"] = 100 * wide.outside / (wide.inside + wide.outside)
    top = wide.sort_values("share").groupby(level="year").tail(1).sort_index()
    (year, name), row = next(iter(top.iterrows())) if len(top) == 1 else list(top.iterrows())[-1]
    nearest = [{"measure": say("other.la_highest.nearest", council=n), "year": int(y), "value": float(r.share),
                "unit": "percent", "release": "SFR"} for (y, n), r in top.iterrows()]
    return Evidence(claim.claim_id, official_measure=say("other.la_highest.measure", year=year, council=name),
                    comparable=True,
                    official_value=float(row.share), unit="percent", official_year=str(year), nearest=nearest,
                    source_file="data/cla_placements.csv", release="; ".join(la.sort_values("year").release.unique()))
