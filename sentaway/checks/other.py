"""Figures from the 2012 inquiry that are not about placement locality, missing counts or spend."""

from .. import extracts
from ..verdicts import Evidence
from . import check


@check("inquiry-runaway-ratio-2012-cunningham")
def runaway_ratio(claim, variant=None) -> Evidence:
    return Evidence(claim.claim_id, official_measure="Likelihood of running away, children in care vs children at home",
                    comparable=False, unit="ratio", official_year=claim.year,
                    missing=("the official files count looked-after children who went missing (from 2015) but hold no "
                             "figure for children living at home, so no ratio can be formed; the figure is a research estimate"))


@check("inquiry-one-la-all-outside-2012-cunningham")
def one_authority_all_outside(claim, variant=None) -> Evidence:
    frame = extracts.placements()
    la = frame[(frame.geographic_level == "local_authority") & (frame.placement == "all") & (frame.year.isin([2011, 2012]))
               & frame.locality.isin(["inside", "outside"]) & (frame.status == "")]
    wide = la.pivot_table(index=["year", "area_name"], columns="locality", values="value", aggfunc="first").dropna()
    wide["share"] = 100 * wide.outside / (wide.inside + wide.outside)
    top = wide.sort_values("share").groupby(level="year").tail(1)
    nearest = [{"measure": f"Highest LA share of ALL looked-after children placed outside its boundary ({name})",
                "year": int(year), "value": float(row.share), "unit": "percent", "release": "SFR"}
               for (year, name), row in top.iterrows()]
    return Evidence(claim.claim_id, official_measure="Share of one authority's children in children's homes placed outside its boundary",
                    comparable=False, unit="percent", official_year=claim.year, nearest=nearest,
                    missing=("the raw files split children in children's homes by locality only nationally and only from 2019; "
                             "by local authority, only all looked-after children are split by locality"),
                    source_file="data/cla_placements.csv", release="SFR21/2011; SFR20/2012")
