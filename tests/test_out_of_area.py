"""Chapter 1's figures, checked against the extract read independently with the csv module."""

import csv

import pytest

from sentaway import out_of_area, params
from sentaway.paths import DATA


def _value(year, release, placement, locality):
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if (r["year"], r["release"], r["placement"], r["locality"], r["geographic_level"], r["provider"]) == (
                    str(year), release, placement, locality, "national", "all"):
                return int(r["value"])
    raise KeyError((year, release, placement, locality))


def test_share_outside_for_childrens_homes_2024():
    homes = out_of_area.homes_by_locality()
    row = homes[(homes.year == 2024) & (homes.definition == "Secure homes and children's homes")].iloc[0]
    outside = _value(2024, "CLA 2024 (EES)", "secure_childrens_homes", "outside")
    inside = _value(2024, "CLA 2024 (EES)", "secure_childrens_homes", "inside")
    assert row.outside == outside
    assert row.share_outside == pytest.approx(100 * outside / (inside + outside))


def test_definitions_are_kept_apart_and_no_year_is_filled():
    homes = out_of_area.homes_by_locality()
    assert not homes.duplicated(["year", "definition"]).any()
    split = homes[homes.series == "Official, by locality"]
    # The provider x locality files start in 2018 (release to 2022); no year is filled from another release.
    assert split.year.min() == 2018
    assert set(split[split.year == 2018].release) == {"CLA 2022 (EES)"}


def test_all_children_share_2012_matches_the_sfr():
    table = out_of_area.all_children_by_locality()
    row = table[table.year == 2012].iloc[0]
    outside = _value(2012, "SFR20/2012", "all", "outside")
    inside = _value(2012, "SFR20/2012", "all", "inside")
    assert row.share_outside == pytest.approx(100 * outside / (inside + outside))


def test_headlines_follow_the_window():
    homes = out_of_area.homes_by_locality()
    children = out_of_area.all_children_by_locality()
    wide = out_of_area.headlines(homes, children, 2010, 2024)
    narrow = out_of_area.headlines(out_of_area.window(homes, 2012, 2021), out_of_area.window(children, 2012, 2021), 2012, 2021)
    assert wide["homes_last_year"] == 2024 and narrow["homes_last_year"] == 2021
    assert narrow["all_first_year"] == 2012
    assert narrow["years_without_split"] == "2012-2017"


@pytest.mark.parametrize("bad, message", [
    ({"first_year": 2009}, "outside the data; allowed 2010 to 2024"),
    ({"first_year": "2012"}, "must be int"),
    ({"colour": "red"}, "unknown parameter 'colour'; allowed: first_year, last_year"),
    ({"first_year": 2020, "last_year": 2012}, "is after last_year"),
])
def test_bad_parameters_are_refused_with_what_is_allowed(bad, message):
    with pytest.raises(params.ParameterError, match=message):
        params.check("out_of_area", bad)


def test_params_file_is_valid():
    assert params.load()["out_of_area"]["first_year"] <= params.load()["out_of_area"]["last_year"]


def test_describe_years():
    assert out_of_area.describe_years([2010, 2011, 2012, 2016, 2018]) == "2010-2012, 2016 and 2018"
    assert out_of_area.describe_years([]) == "none"
    assert out_of_area.describe_years([2015]) == "2015"
