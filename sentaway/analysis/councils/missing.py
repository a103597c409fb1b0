"""The council's looked-after children who went missing or were away from placement without authorisation during the
year, and the incidents, every year the files give them (data/cla_missing.csv), beside England's. As for placements,
each year's figures come from the latest release giving that code for that year. No file splits a council's missing
children by where they were placed (inside or outside its boundary): the splits are national only."""

from functools import lru_cache

import pandas as pd

from sentaway.analysis.councils import codes
from sentaway.read import extracts
from sentaway.analysis.councils.by_code import ByCode

MEASURES = ["children_missing", "missing_incidents", "children_away", "away_incidents"]


def _wide(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    values = rows.pivot_table(index=keys + ["release"], columns="measure", values="value", aggfunc="first")
    status = rows.pivot_table(index=keys + ["release"], columns="measure", values="status", aggfunc="first")
    return values.reindex(columns=MEASURES).join(status.reindex(columns=MEASURES).fillna("").add_suffix("_status")) \
        .reset_index()


@lru_cache(maxsize=None)
def table() -> pd.DataFrame:
    """One row per council and year: its counts from the latest release giving them, and England's from that release."""
    rows = extracts.missing()
    rows = rows[rows.measure.isin(MEASURES) & (rows.placement == "all") & (rows.locality == "all")
                & (rows.distance == "all")]
    published = codes.council_rows().drop_duplicates("release").set_index("release").published
    local = rows[(rows.geographic_level == "local_authority") & rows.area_code.isin(codes.by_code())]
    given = local[local.status != "z"][["area_code", "year", "release"]].drop_duplicates()
    wide = _wide(local, ["area_code", "year"]).merge(given, on=["area_code", "year", "release"])
    wide["published"] = wide.release.map(published)
    wide = wide.sort_values("published").drop_duplicates(["area_code", "year"], keep="last")
    england = _wide(rows[rows.geographic_level == "national"], ["year"])
    england = england[["year", "release"] + MEASURES].rename(columns={m: f"england_{m}" for m in MEASURES})
    wide = wide.merge(england, on=["year", "release"], how="left").rename(columns={"area_code": "code"})
    return wide.drop(columns="published").sort_values(["code", "year"]).reset_index(drop=True)


_BY_CODE = ByCode(table)
council = _BY_CODE.council  # the council's rows of table(), oldest first (none where the files give it none)
rows = _BY_CODE.rows  # the same as plain rows (dicts): what the pages read, many times over
