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


def _residential_spend(financial_year: str, measure: str):
    frame = extracts.spend()
    row = extracts.one(frame, financial_year=financial_year, geographic_level="national", line="residential_care", measure=measure)
    unknown = extracts.one(frame, financial_year=financial_year, geographic_level="national", line="residential_care",
                           measure=f"{measure}_las_unknown")
    if unknown.value:
        raise extracts.NotComputable(f"{int(unknown.value)} councils' {measure} unknown in {financial_year}")
    return row


SPEND_VARIANTS = {"2011-12 gross expenditure": {"financial_year": "2011-12"},
                  "2010-11 net current expenditure": {"measure": "net_current_expenditure"}}
SPEND_CAVEAT = ("the section 251 'residential care' line covers all of councils' residential placements for looked-after "
                "children, not only children's homes, and is a year's spending set against a count on one day")


@check("cost-annual-spend-2012-cunningham", variants=SPEND_VARIANTS)
def annual_spend(claim, variant=None) -> Evidence:
    v = {"financial_year": "2010-11", "measure": "total_expenditure", **(variant or {})}
    row = _residential_spend(v["financial_year"], v["measure"])
    return Evidence(claim.claim_id, official_measure=f"Councils' {v['measure'].replace('_', ' ')} on residential care for looked-after children, England, {v['financial_year']}",
                    comparable=True, official_value=float(row.value), unit="gbp", official_year=v["financial_year"],
                    caveat=SPEND_CAVEAT + "; said in 2012, the latest outturn published then was 2010-11.",
                    source_file=row.source_file, release=row.release, filters=f"sum of councils; line = {row.line_label}",
                    rounding="pounds, summed from council returns (not rounded)",
                    nearest=[{"measure": "Residential care, total expenditure (GBP)", "year": int(r.year_ending_march),
                              "value": float(r.value), "unit": "gbp", "release": r.release}
                             for r in extracts.spend().query("geographic_level == 'national' and line == 'residential_care' and measure == 'total_expenditure'").itertuples()])


@check("cost-per-child-2012-cunningham", variants=SPEND_VARIANTS)
def spend_per_child(claim, variant=None) -> Evidence:
    v = {"financial_year": "2010-11", "measure": "total_expenditure", **(variant or {})}
    spend = _residential_spend(v["financial_year"], v["measure"])
    year = int(v["financial_year"][:4]) + 1
    children, label, step = _homes_count(year, "secure_homes_hostels")
    value = float(spend.value) / float(children.value)
    return Evidence(claim.claim_id, official_measure=(f"Residential care {v['measure'].replace('_', ' ')} {v['financial_year']} per child "
                    f"in {label.lower()}"), comparable=True, official_value=value,
                    official_low=float(spend.value) / (float(children.value) + step / 2),
                    official_high=float(spend.value) / (float(children.value) - step / 2), unit="gbp",
                    official_year=v["financial_year"], caveat=SPEND_CAVEAT + ".",
                    source_file=f"{spend.source_file}; {children.source_file}", release=f"{spend.release}; {children.release}",
                    rounding="spend in pounds; children rounded to the nearest 10")
