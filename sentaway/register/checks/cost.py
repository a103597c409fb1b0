"""The 2012 inquiry's figures on children in children's homes and what they cost."""

import pandas as pd

from sentaway.read import extracts
from sentaway.analysis import homes_series, reclassification
from sentaway.register.verdicts import Evidence
from sentaway.register.checks import count_interval, entry, largest_revision, measure, say
from sentaway.register.checks.out_of_area import release_year, series_revision

# A reading's definition: the placement code in data/ and the step its count is rounded to (words: cost.groups).
DEFINITIONS = {"secure_homes_hostels": ("secure_childrens_homes_hostels", 10),
               "homes_and_hostels_2010": ("childrens_homes_hostels", 100)}


def _homes_count(year: int, definition: str):
    (placement, step), words = DEFINITIONS[definition], entry(f"cost.groups.{definition}")
    row = extracts.one(extracts.placements(), year=year, geographic_level="national", placement=placement,
                       locality="all", provider="all")
    return row, words, step


def _group_revision(definition: str):
    """The largest revision of a group's count between releases in the files: councils' amendments only, never
    DfE's 2017 reclassification (a change of definition, named where a comparison crosses it)."""
    if definition == "childrens_homes":
        return series_revision("all")
    if definition != "secure_homes_hostels":
        return None  # given by one release only (the 2010 definition)
    table = reclassification.comparison()
    amended = table[~table.reclassified]
    rows = pd.concat([amended[["year", "first_release", "first_value"]].set_axis(["year", "release", "value"], axis=1),
                      amended[["year", "revised_release", "revised_value"]].set_axis(["year", "release", "value"], axis=1)])
    return largest_revision(rows, unit="children")


@measure("homes_count")
def homes_count(claim, year: str, definition: str) -> Evidence:
    """Children looked after in a children's-homes group at 31 March, as the SFR of that year printed it."""
    year = int(year)
    if definition == "childrens_homes":
        rows = homes_series.by_release()
        rows = rows[rows.year == year].sort_values("published")
        if rows.empty:
            raise extracts.NotComputable(say("cost.homes.no_figure", definition=homes_series.DEFINITION, year=year))
        row = rows.iloc[-1]
        value, words, source, release = float(row["all"]), homes_series.DEFINITION, row.source_file, row.release
        rounding = say("cost.homes.rounding")
        step = 10
    else:
        found, words, step = _homes_count(year, definition)
        value, source, release, rounding = float(found.value), found.source_file, found.release, found.rounding
    low, high = count_interval(value, step)
    low_1, high_1 = count_interval(value, step, slack=1)
    return Evidence(claim.claim_id, official_measure=say("cost.homes.measure", group=words, year=year), comparable=True,
                    revision=_group_revision(definition), publisher=say("publishers.dfe"),
                    period=say("periods.census", year=year), year=year,
                    short=say("cost.homes.short", group=words, year=year),
                    official_value=value, official_low=low, official_high=high, official_low_1=low_1,
                    official_high_1=high_1, unit="children", official_year=str(year), source_file=source,
                    release=release, first_published_in_files=release_year(release) == year,
                    filters=say("cost.homes.filters", group=words), rounding=rounding)


def _residential_spend(financial_year: str, measure_name: str):
    frame = extracts.spend()
    row = extracts.one(frame, financial_year=financial_year, geographic_level="national", line="residential_care",
                       measure=measure_name)
    unknown = extracts.one(frame, financial_year=financial_year, geographic_level="national", line="residential_care",
                           measure=f"{measure_name}_las_unknown")
    if unknown.value:
        raise extracts.NotComputable(say("cost.spend.unknown", councils=int(unknown.value), measure=measure_name,
                                         year=financial_year))
    return row


@measure("residential_spend")
def residential_spend(claim, financial_year: str, measure_name: str = "total_expenditure") -> Evidence:
    row = _residential_spend(financial_year, measure_name)
    value = float(row.value)
    return Evidence(claim.claim_id, official_measure=say("cost.spend.measure", measure=measure_name.replace("_", " "),
                                                         year=financial_year),
                    comparable=True, revision=_spend_revision(measure_name), publisher=say("publishers.dfe"),
                    period=say("periods.financial_year", year=financial_year), year=int(financial_year[:4]) + 1,
                    short=say("cost.spend.short", year=financial_year), official_value=value, official_low=value, official_high=value, unit="gbp",
                    official_year=financial_year, source_file=row.source_file, release=row.release,
                    first_published_in_files=True, filters=say("cost.spend.filters", line=row.line_label),
                    rounding=say("cost.spend.rounding"),
                    nearest=[{"measure": say("cost.spend.nearest"), "year": int(r.year_ending_march),
                              "value": float(r.value), "unit": "gbp", "release": r.release}
                             for r in extracts.spend().query("geographic_level == 'national' and line == 'residential_care' "
                                                             "and measure == 'total_expenditure'").itertuples()])


def _spend_revision(measure_name: str):
    frame = extracts.spend()
    rows = frame[(frame.geographic_level == "national") & (frame.line == "residential_care") & (frame.measure == measure_name)]
    return largest_revision(rows.rename(columns={"year_ending_march": "year"}), unit="gbp")


@measure("spend_per_child")
def spend_per_child(claim, financial_year: str, measure_name: str = "total_expenditure") -> Evidence:
    """Residential-care spend over children in secure units, children's homes and hostels: two wider groups, so
    context, never a bound."""
    spend = _residential_spend(financial_year, measure_name)
    year = int(financial_year[:4]) + 1
    children, words, step = _homes_count(year, "secure_homes_hostels")
    value = float(spend.value) / float(children.value)
    return Evidence(claim.claim_id, official_measure=say("cost.per_child.measure", measure=measure_name.replace("_", " "),
                                                         year=financial_year, group=words, census=year),
                    comparable=True, official_value=value,
                    official_low=float(spend.value) / (float(children.value) + step / 2),
                    official_high=float(spend.value) / (float(children.value) - step / 2), unit="gbp",
                    official_year=financial_year, source_file=f"{spend.source_file}; {children.source_file}",
                    release=f"{spend.release}; {children.release}",
                    rounding=say("cost.per_child.rounding"))
