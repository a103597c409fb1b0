"""Reading the committed extracts in data/ (never the raw files)."""

import csv as _csv
from functools import lru_cache

import pandas as pd

from sentaway.paths import data_file

TEXT = {"release": str, "source_file": str, "area_code": str, "old_la_code": str, "area_name": str,
        "placement": str, "placement_label": str, "locality": str, "provider": str, "status": str,
        "rounding": str, "geographic_level": str, "table": str, "row_label": str, "parent_label": str,
        "measure": str, "status_meaning": str, "unit": str, "table_footnotes": str, "row_footnotes": str,
        "experimental": str, "published": str}


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    path = data_file(name)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: extract missing; run `make data` with the raw files beside the repo")
    return pd.read_csv(path, dtype=TEXT, keep_default_na=False, na_values={"value": [""], "number": [""]})


def placements() -> pd.DataFrame:
    frame = _read("cla_placements.csv").copy()
    frame["value"] = frame["value"].astype("Int64")
    return frame


def council_placements() -> pd.DataFrame:
    """Where each council's looked-after children are placed, and other councils' children placed in it
    (cla_council_placements.csv); value may be negative (net gain)."""
    frame = _read("cla_council_placements.csv").copy()
    frame["value"] = frame["value"].astype("Int64")
    return frame


def transcribed_placement_location() -> pd.DataFrame:
    return _read("transcribed_placement_location.csv").copy()


def missing() -> pd.DataFrame:
    frame = _read("cla_missing.csv").copy()
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


class NotComputable(ValueError):
    """An official value that the files leave suppressed or absent."""


def one(frame: pd.DataFrame, **filters) -> pd.Series:
    """The single row matching `filters`; stops if none, several, or suppressed (never read as 0)."""
    rows = frame
    for column, wanted in filters.items():
        rows = rows[rows[column] == wanted]
    described = ", ".join(f"{k}={v}" for k, v in filters.items())
    if rows.empty:
        raise NotComputable(f"no official row with {described}")
    if len(rows) > 1:
        raise ValueError(f"{len(rows)} rows with {described}: add a filter")
    row = rows.iloc[0]
    if row.get("status"):
        raise NotComputable(f"the row with {described} is suppressed ({row.status})")
    return row


def national_tables() -> pd.DataFrame:
    """The SFR national tables A2 and G1 (sfr50_national_tables.csv); experimental as a bool."""
    frame = _read("sfr50_national_tables.csv").copy()
    frame["value"] = frame["value"].astype("Int64")
    frame["experimental"] = frame["experimental"] == "true"
    return frame


def release_dates() -> pd.DataFrame:
    return _read("release_dates.csv").copy()


def providers() -> pd.DataFrame:
    frame = _read("ofsted_providers.csv").copy()
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


def spend() -> pd.DataFrame:
    frame = _read("s251_spend.csv").copy()
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


def release_date(release: str) -> str:
    """ISO publication date of a release ('' where data/release_dates.csv does not list it)."""
    table = release_dates().set_index("release")
    return table.published.get(release, "")


def distance() -> pd.DataFrame:
    frame = _read("cla_distance.csv").copy()
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


def la_context() -> pd.DataFrame:
    """One row per children's services authority: region, IMD 2019 measures (empty where the authority is no
    April 2019 area, never 0) and rural-urban classification."""
    frame = _read("la_context.csv").copy()
    for column in frame.columns:
        if column.startswith("imd_") and column not in ("imd_area_code", "imd_match", "imd_status"):
            frame[column] = pd.to_numeric(frame[column].replace("", None))
    for column in ("first_year", "last_year"):
        frame[column] = frame[column].astype(int)
    return frame


class LinksError(ValueError):
    pass


@lru_cache(maxsize=None)
def release_links() -> dict[str, dict]:
    """data/release_links.csv: release label -> {publisher, page, title, url}: the publisher's page for the release
    (its own page, or the collection or data set page that holds it) and that page's title."""
    path = data_file("release_links.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(_csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if not row.get("url", "").startswith("https://"):
            raise LinksError(f"{path}, line {line}: url {row.get('url')!r} is not an https:// address")
        if not (row.get("title") or "").strip():
            raise LinksError(f"{path}, line {line}: the page's title is missing")
    return {row["release"]: row for row in rows}
