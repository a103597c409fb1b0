"""Chapter 1's figures, checked against the extracts read independently with the csv module."""

import csv

import pytest

from sentaway.analysis import out_of_area
from sentaway.present import out_of_area_charts
from sentaway.read import params
from sentaway.paths import DATA


def _published():
    with open(DATA / "release_dates.csv", newline="", encoding="utf-8") as handle:
        return {r["release"]: r["published"] for r in csv.DictReader(handle)}


def _series():
    """(year, release) -> {inside, outside}: Table A2 rows for children's homes, then the characteristics rows."""
    found = {}
    with open(DATA / "sfr50_national_tables.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["table"] == "A2" and r["placement"] == "childrens_homes" and r["locality"] in ("inside", "outside"):
                found.setdefault((int(r["year"]), r["release"]), {})[r["locality"]] = int(r["value"])
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if (r["placement"], r["geographic_level"], r["provider"]) == ("childrens_homes", "national", "all") \
                    and r["locality"] in ("inside", "outside"):
                found.setdefault((int(r["year"]), r["release"]), {})[r["locality"]] = int(r["value"])
    return found


def _all_children(year, release):
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        values = {r["locality"]: int(r["value"]) for r in csv.DictReader(handle)
                  if (r["year"], r["release"], r["placement"], r["geographic_level"], r["provider"]) ==
                  (str(year), release, "all", "national", "all") and r["value"] and "net" not in r["source_file"]}
    return values


def test_the_chapter_series_runs_2013_2024_with_every_release():
    found = _series()
    table = out_of_area.series_by_release(2010, 2024)
    assert sorted(table.year.unique()) == list(range(2013, 2025))
    assert {(int(r.year), r.release) for r in table.itertuples()} == set(found)
    for r in table.itertuples():
        assert (r.inside, r.outside) == (found[(r.year, r.release)]["inside"], found[(r.year, r.release)]["outside"])


def test_headline_is_the_latest_release_and_disagreements_are_named():
    found, published = _series(), _published()
    latest = {}
    for (year, release) in found:
        if year not in latest or published[release] > published[latest[year]]:
            latest[year] = release
    table = out_of_area.series_by_release(2010, 2024)
    head = table[table.is_headline]
    assert dict(zip(head.year, head.release)) == latest
    differ = sorted({y for (y, _) in found if len({tuple(v.values()) for (yy, _), v in found.items() if yy == y}) > 1})
    h = out_of_area.headline(table, out_of_area.other_measures(2010, 2024), 2010, 2024)
    assert h.disagreement_years == out_of_area.describe_years(differ)
    inside, outside = found[(2024, latest[2024])]["inside"], found[(2024, latest[2024])]["outside"]
    assert (h.series_last_year, h.series_last_outside) == (2024, outside)
    assert h.series_last_share == pytest.approx(100 * outside / (inside + outside))
    first = found[(2013, latest[2013])]
    assert h.series_first_share == pytest.approx(100 * first["outside"] / (first["inside"] + first["outside"]))
    assert h.years_without_series == "2010-2012"
    spread = max(max(v["outside"] for (yy, _), v in found.items() if yy == y)
                 - min(v["outside"] for (yy, _), v in found.items() if yy == y) for y in {y for y, _ in found})
    assert h.disagreement_max_outside == spread


def test_all_children_share_matches_the_sfr():
    h = out_of_area.headline(out_of_area.series_by_release(2010, 2024), out_of_area.other_measures(2010, 2024),
                             2010, 2024)
    v = _all_children(h.all_first_year, "SFR21/2011")
    assert h.all_first_share == pytest.approx(100 * v["outside"] / (v["inside"] + v["outside"]))


def test_every_measure_is_named_in_words_and_none_is_called_childrens_homes_alone():
    others = out_of_area.other_measures(2010, 2024)
    assert set(others.measure) <= set(out_of_area.MEASURES.values())
    for key, words in out_of_area.MEASURES.items():
        assert "alone" not in words.lower()
        if key not in ("series", "all_children"):
            assert "wider group" in words
    assert out_of_area.MEASURES["series"].lower() == out_of_area.homes_series.DEFINITION.lower()


def test_no_line_joins_two_releases_or_two_measures(monkeypatch):
    captured = {}
    monkeypatch.setattr(out_of_area_charts.charts, "figure", lambda chart, **kw: captured.setdefault("chart", chart) and "")
    table = out_of_area.series_table(out_of_area.series_by_release(2010, 2024))
    out_of_area_charts.release_chart(table, y="outside", y_title="t", title="t", name="t", description="t")
    spec = captured["chart"].to_dict()
    line = next(layer for layer in spec["layer"] if layer["mark"] in ("line", {"type": "line"}))
    detail = (line.get("encoding") or spec["encoding"])["detail"]["field"]
    rows = next(iter(spec["datasets"].values()))
    groups = {}
    for row in rows:
        groups.setdefault(row[detail], set()).add((row["measure"], row["release"]))
    assert all(len(v) == 1 for v in groups.values()) and len(groups) == table.release.nunique()


def test_a_window_with_no_series_year_is_refused_with_the_years_it_has():
    with pytest.raises(ValueError, match="no year in 2010-2012; it runs 2013-2024"):
        out_of_area.headline(out_of_area.series_by_release(2010, 2012), out_of_area.other_measures(2010, 2012),
                             2010, 2012)


def test_headlines_follow_the_window():
    narrow = out_of_area.headline(out_of_area.series_by_release(2012, 2021), out_of_area.other_measures(2012, 2021),
                                  2012, 2021)
    assert (narrow.series_first_year, narrow.series_last_year, narrow.all_first_year) == (2013, 2021, 2012)
    assert narrow.years_without_series == "2012"


@pytest.mark.parametrize("bad, message", [
    ({"first_year": 2009}, "outside the data; allowed 2010 to 2024"),
    ({"first_year": "2012"}, "must be int"),
    ({"colour": "red"}, "unknown parameter 'colour'; allowed: first_year, last_year"),
    ({"first_year": 2020, "last_year": 2012}, "is after last_year"),
])
def test_bad_parameters_are_refused_with_what_is_allowed(bad, message):
    with pytest.raises(params.ParameterError, match=message):
        params.check("out_of_area", bad)


def test_params_file_is_valid_and_its_last_year_follows_the_data():
    declared = params.load()["out_of_area"]
    first, last = params.window("out_of_area", declared["first_year"], declared.get("last_year"))
    assert first <= last == max(params.data_years("out_of_area"))
    assert "last_year" not in declared  # left out: the latest year the data hold, so a new release needs no edit


def test_a_chart_title_says_whether_the_series_rose_or_fell_and_names_it_when_one_year_is_drawn():
    from sentaway.analysis import words

    def title(found):
        return words.say("out_of_area_chapter", f"titles.{found['title']}", **found)

    series = out_of_area.series_by_release(2013, 2024)
    assert title(out_of_area.trend(series, "share_outside")).startswith(
        "Children in children's homes: the share placed outside their council rose from ")
    falling = series.assign(year=2037 - series.year)  # the same values, years reversed
    assert " number placed outside their council fell from " in title(out_of_area.trend(falling, "outside"))
    one_year = series[series.year == 2024]
    assert title(out_of_area.trend(one_year, "outside")) == out_of_area.SERIES_NAME


def test_describe_years():
    assert out_of_area.describe_years([2010, 2011, 2012, 2016, 2018]) == "2010-2012, 2016 and 2018"
    assert out_of_area.describe_years([]) == "none"
    assert out_of_area.describe_years([2015]) == "2015"


@pytest.mark.parametrize("page", ["out_of_area", "growth"])
def test_no_other_definition_is_called_childrens_homes_alone(site, page):
    text = (site / f"{page}.html").read_text(encoding="utf-8").replace("’", "'").lower()
    assert "children's homes alone" not in text
    assert "children in children's homes subject to children's homes regulations" in text


def test_the_2010_wider_group_is_a_measure_of_its_own():
    """SFR27/2010 codes placements otherwise (K1 secure units, K2 homes and hostels) than the SFRs of 2011-2017
    ('secure units, children's homes and hostels'): its value is shown apart, never on the later years' line."""
    import csv

    from sentaway.paths import DATA

    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        k = sum(int(r["value"]) for r in csv.DictReader(handle) if r["release"] == "SFR27/2010"
                and r["geographic_level"] == "national" and r["placement"] in ("secure_units", "childrens_homes_hostels"))
    others = out_of_area.other_measures(2010, 2024)
    own = others[others.measure == out_of_area.MEASURES["ssda903_k1_k2"]]
    later = others[others.measure == out_of_area.MEASURES["secure_childrens_homes_hostels"]]
    assert list(own.year) == [2010] and int(own["all"].iloc[0]) == k
    assert 2010 not in set(later.year) and set(later.year) == set(range(2011, 2018))
    assert out_of_area.headline(out_of_area.series_by_release(2010, 2024), others, 2010, 2024).k1_k2_year == "2010"
