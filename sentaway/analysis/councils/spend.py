"""What each council reported spending on residential care for looked-after children (section 251 outturn, the line
'Residential care'; data/s251_spend.csv), every financial year the files give, beside England's sum.

The returns name councils by DfE number only. A return goes to the code that DfE number has in the placement files'
years nearest its own (the SFR years 2011-2017 give both): DfE keeps a number only while the authority keeps its area,
so the returns of Bedfordshire and Cheshire (2008-09, split on 1 April 2009) belong to no council of the files and
are left out, and said to be (left_out)."""

from functools import lru_cache

import pandas as pd

from sentaway.analysis.councils import codes
from sentaway.read import extracts
from sentaway.analysis.councils.by_code import ByCode

LINE = "residential_care"
MEASURES = ["total_expenditure", "net_current_expenditure"]


@lru_cache(maxsize=None)
def _code_of() -> dict[tuple[str, int], str]:
    """(DfE number, year ending March) -> the code of the council that number named in the files' nearest year."""
    found = {}
    by_dfe: dict[str, list] = {}
    for council in codes.councils():
        by_dfe.setdefault(council.dfe, []).append(council)
    rows = extracts.spend()
    for dfe, year in rows[rows.geographic_level == "local_authority"][["old_la_code", "year_ending_march"]] \
            .drop_duplicates().itertuples(index=False):
        named = by_dfe.get(dfe, [])
        if named:
            nearest = min(named, key=lambda c: min(abs(y - int(year)) for y in c.years))
            found[(dfe, int(year))] = nearest.code
    return found


@lru_cache(maxsize=None)
def table() -> pd.DataFrame:
    """One row per council and financial year: gross and net spending on residential care, England's (the sum of the
    returns) and how many returns England's sum leaves out (empty or NULL)."""
    rows = extracts.spend()
    rows = rows[(rows.line == LINE) & rows.measure.isin(MEASURES + [f"{m}_las_unknown" for m in MEASURES])]
    local = rows[rows.geographic_level == "local_authority"].copy()
    local["code"] = [_code_of().get((d, int(y))) for d, y in zip(local.old_la_code, local.year_ending_march)]
    local = local[local.code.notna()]
    keys = ["code", "financial_year", "year_ending_march", "release", "source_file"]
    values = local.pivot_table(index=keys, columns="measure", values="value", aggfunc="first").reindex(columns=MEASURES)
    status = local.pivot_table(index=keys, columns="measure", values="status", aggfunc="first").reindex(columns=MEASURES)
    wide = values.join(status.fillna("").add_suffix("_status")).reset_index()
    england = rows[rows.geographic_level == "national"].pivot_table(index="financial_year", columns="measure",
                                                                    values="value", aggfunc="first")
    england = england.add_prefix("england_").reset_index()
    wide = wide.merge(england, on="financial_year", how="left")
    return wide.sort_values(["code", "year_ending_march"]).reset_index(drop=True)


def left_out() -> list[tuple[str, str]]:
    """(DfE number, name) of the returns that belong to no council of the files."""
    rows = extracts.spend()
    local = rows[(rows.geographic_level == "local_authority") & (rows.line == LINE)]
    return sorted({(d, n) for d, y, n in local[["old_la_code", "year_ending_march", "area_name"]].itertuples(index=False)
                   if (d, int(y)) not in _code_of()})


_BY_CODE = ByCode(table)
council = _BY_CODE.council  # the council's rows of table(), oldest first (none where the files give it none)
rows = _BY_CODE.rows  # the same as plain rows (dicts): what the pages read, many times over
