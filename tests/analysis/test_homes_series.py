"""The children's-homes series: every (year, release) value computed here from the raw workbook and CSVs,
independently of the extraction, must be what homes_series gives."""

import csv

import openpyxl
import pandas as pd
import pytest

from sentaway.analysis import homes_series

WORKBOOK = "dfe-cla-sfr/2017/SFR50_2017_National_tables.xlsx"
CHARACTERISTICS = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/national_cla_on_31_march_by_characteristics.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/national_cla_on_31_march_by_characteristics.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_characteristics.csv",
}
PUBLISHED = {"SFR50/2017": "2017-09-28", "CLA 2022 (EES)": "2022-11-17", "CLA 2023 (EES)": "2023-12-14",
             "CLA 2024 (EES)": "2024-11-14"}


def _a2(root) -> dict[tuple[int, str], dict[str, int]]:
    """Table A2: the row after the children's homes row whose label is 'inside ...', then 'outside ...'."""
    sheet = openpyxl.load_workbook(root / WORKBOOK, read_only=True)["A2"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if 2013 in r)
    columns = {year: header.index(year) for year in range(2013, 2018)}  # the first block: numbers
    start = next(i for i, r in enumerate(rows) if any(isinstance(c, str) and c.startswith("Children's homes subject") for c in r[:3]))
    found = {}
    for year, j in columns.items():
        found[(year, "SFR50/2017")] = {"all": rows[start][j], "inside": rows[start + 1][j], "outside": rows[start + 2][j]}
        assert "inside" in str(rows[start + 1][2]) and "outside" in str(rows[start + 2][2])
    return found


def _ees(root) -> dict[tuple[int, str], dict[str, int]]:
    found = {}
    for release, rel in CHARACTERISTICS.items():
        with open(root / rel, newline="", encoding="utf-8-sig") as handle:
            for r in csv.DictReader(handle):
                text = r["characteristic"].lower()
                if r["cla_group"] != "Placement" or "children's home" not in text:
                    continue
                locality = "inside" if "inside" in text else "outside" if "outside" in text else "all"
                if locality == "all" and "total children's homes" not in text:
                    continue
                found.setdefault((int(r["time_period"]), release), {})[locality] = int(r["number"])
    return found


@pytest.fixture(scope="module")
def expected(raw_root):
    return {**_a2(raw_root), **_ees(raw_root)}


@pytest.fixture(scope="module")
def series():
    return homes_series.by_release()


def test_every_year_from_every_release(expected, series):
    got = {(r.year, r.release): {"inside": r.inside, "outside": r.outside, "all": r.all} for r in series.itertuples()}
    assert got == expected
    assert sorted(series.year.unique()) == list(range(2013, 2025))


def test_pinned_values(series):
    row = series[(series.year == 2013) & (series.release == "SFR50/2017")].iloc[0]
    assert (row.inside, row.outside, row.table) == (2630, 2810, "SFR50/2017 national tables, Table A2")
    row = series[(series.year == 2018) & (series.release == "CLA 2022 (EES)")].iloc[0]
    assert (row.inside, row.outside) == (2390, 4090)
    assert row.table == "national_cla_on_31_march_by_characteristics.csv"


def test_share_outside(expected, series):
    for r in series.itertuples():
        e = expected[(r.year, r.release)]
        assert r.share_outside == pytest.approx(100 * e["outside"] / (e["inside"] + e["outside"]))


def test_headline_is_the_latest_release_each_year(expected, series):
    head = homes_series.headline()
    assert list(head.year) == list(range(2013, 2025))
    for r in head.itertuples():
        releases = [rel for (year, rel) in expected if year == r.year]
        latest = max(releases, key=PUBLISHED.get)
        assert r.release == latest and r.published == PUBLISHED[latest] and r.is_headline
        assert (r.inside, r.outside) == (expected[(r.year, latest)]["inside"], expected[(r.year, latest)]["outside"])
    assert series.is_headline.sum() == 12


def test_first_in_files_is_the_earliest_release(expected, series):
    for year in range(2013, 2025):
        releases = [rel for (y, rel) in expected if y == year]
        first = series[(series.year == year) & series.first_in_files]
        assert list(first.release) == [min(releases, key=PUBLISHED.get)]


def test_disagreements_show_both_releases(expected):
    table = homes_series.disagreements()
    years = {}
    for (year, release), values in expected.items():
        years.setdefault(year, []).append(tuple(values[k] for k in ("inside", "outside", "all")))
    differing = sorted(y for y, v in years.items() if len(set(v)) > 1)
    assert sorted(table.year.unique()) == differing
    assert 2020 in differing and 2019 not in differing  # 2019: the releases to 2022 and 2023 agree
    assert set(table[table.year == 2020].release) == {"CLA 2022 (EES)", "CLA 2023 (EES)", "CLA 2024 (EES)"}


def test_types_and_definition(series):
    assert list(series.columns) == homes_series.COLUMNS
    assert all(str(series[c].dtype) == "Int64" for c in ("inside", "outside", "all"))
    assert series.year.dtype.kind == "i" and series.share_outside.dtype.kind == "f"
    assert series.is_headline.dtype == bool and series.first_in_files.dtype == bool
    assert homes_series.DEFINITION == "children in children's homes subject to Children's Homes Regulations (secure units excluded)"
    assert (series.status == "").all()
    assert pd.to_datetime(series.published).notna().all()


def test_a_value_suppressed_in_the_latest_release_is_never_borrowed(monkeypatch):
    from sentaway.read import extracts

    real = extracts.placements()
    hit = ((real.release == "CLA 2024 (EES)") & (real.year == 2022) & (real.placement == "childrens_homes")
           & (real.locality == "outside"))
    assert hit.sum() == 1
    changed = real.copy()
    changed.loc[hit, "value"] = pd.NA
    changed.loc[hit, "status"] = "x"
    monkeypatch.setattr(extracts, "placements", lambda: changed)
    head = homes_series.headline()
    row = head[head.year == 2022].iloc[0]
    assert row.release == "CLA 2024 (EES)" and pd.isna(row.outside) and row.status == "outside: x"
    assert pd.isna(row.share_outside) and row.inside == 2540
