"""The 2012 inquiry's figures on children in children's homes and what they cost."""

from .. import extracts
from ..verdicts import Evidence
from . import check, count_interval

SFR_LABEL = "Secure units, children's homes and hostels"


def _homes_count(year: int, definition: str):
    frame = extracts.placements()
    if definition == "homes_and_hostels_2010":
        row = extracts.one(frame, year=2010, geographic_level="national", placement="childrens_homes_hostels")
        return row, "Children's homes and hostels (SSDA903 code K2, excluding secure units), 31 March 2010", 100
    row = extracts.one(frame, year=year, geographic_level="national", placement="secure_childrens_homes_hostels",
                       locality="all")
    return row, f"{SFR_LABEL}, 31 March {year}", 10


@check("inquiry-children-in-homes-2012-cunningham",
       variants={"2010, homes and hostels without secure units": {"definition": "homes_and_hostels_2010"},
                 "2012, secure units, children's homes and hostels": {"year": 2012}})
def children_in_homes(claim, variant=None) -> Evidence:
    variant = variant or {}
    # Said in mid-2012: the latest published count was at 31 March 2011.
    year = variant.get("year", 2011)
    row, label, step = _homes_count(year, variant.get("definition", "secure_homes_hostels"))
    low, high = count_interval(float(row.value), step)
    return Evidence(claim.claim_id, official_measure=f"Children looked after in {label}", comparable=True,
                    official_value=float(row.value), official_low=low, official_high=high, unit="children",
                    official_year=str(row.year),
                    caveat=("the official category also counts children in secure units and hostels, not only children's homes"
                            if "K2" not in label else "the 2010 category counts homes and hostels, and is rounded to the nearest 100"),
                    source_file=row.source_file, release=row.release, filters=f"national; placement = {row.placement}",
                    rounding=row.rounding)
