"""EES placement files in cla_placements: labels read by their words (not numbering or order), each release kept."""

import csv

import pytest

from sentaway.extract import placements
from sentaway.paths import DATA
from sentaway.raw.files import RawDataError, RawFiles
from tables import make_raw, raw_dicts

CHAR = {
    "CLA 2022 (EES)": "dfe-cla-ees-to-2022/data/national_cla_on_31_march_by_characteristics.csv",
    "CLA 2023 (EES)": "dfe-cla-ees-to-2023/data/national_cla_on_31_march_by_characteristics.csv",
    "CLA 2024 (EES)": "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_characteristics.csv",
}
# The label of children's homes inside / outside the boundary in each release (independent of the code's table).
HOMES = {
    "CLA 2022 (EES)": ("5c.1 Children's home placement inside the council boundary", "5c.2 Children's home placement outside the council boundary"),
    "CLA 2023 (EES)": ("5c.1 Children's home placement inside the council boundary", "5c.2 Children's home placement outside the council boundary"),
    "CLA 2024 (EES)": ("4c.1 Children's home placement inside the council boundary", "4c.2 Children's home placement outside the council boundary"),
}


@pytest.fixture(scope="module")
def committed():
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _one(rows, **where):
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, len(found))
    return found[0]


@pytest.mark.parametrize("release", sorted(CHAR))
def test_childrens_homes_by_locality_each_release(raw_root, committed, release):
    raw = [r for r in raw_dicts(raw_root, CHAR[release]) if r["cla_group"] == "Placement"]
    years = sorted({r["time_period"] for r in raw})
    assert len(years) == 5
    for year in years:
        for label, locality in zip(HOMES[release], ("inside", "outside")):
            wanted = [r["number"] for r in raw if r["time_period"] == year and r["characteristic"] == label]
            row = _one(committed, release=release, year=year, placement="childrens_homes", locality=locality,
                       source_file=CHAR[release])
            assert [row["value"] or row["status"]] == wanted


def test_2018_childrens_homes_release_to_2022(committed):
    inside = _one(committed, year="2018", placement="childrens_homes", locality="inside")
    outside = _one(committed, year="2018", placement="childrens_homes", locality="outside")
    assert (inside["value"], outside["value"], inside["release"]) == ("2390", "4090", "CLA 2022 (EES)")


def test_each_release_keeps_its_own_row_for_a_shared_year(committed):
    rows = [r for r in committed if r["year"] == "2020" and r["placement"] == "childrens_homes" and r["locality"] == "outside"]
    assert sorted(r["release"] for r in rows) == ["CLA 2022 (EES)", "CLA 2023 (EES)", "CLA 2024 (EES)"]
    assert [r["value"] for r in sorted(rows, key=lambda r: r["release"])] == ["4580", "4590", "4590"]


def test_a_release_suppressed_value_stays_suppressed(committed):
    # The release to 2024 prints 'z' for semi-independent living in 2024 (supported accommodation replaced it).
    row = _one(committed, release="CLA 2024 (EES)", year="2024", placement="semi_independent_not_chr", locality="all")
    assert (row["value"], row["status"]) == ("", "z")


def test_providers_keep_one_code_across_releases(committed):
    codes = {r["release"]: r["provider"] for r in committed if r["provider"].startswith("other_public")}
    assert set(codes.values()) == {"other_public_provision"} and len(codes) == 3


# --- drift, on small synthetic files -----------------------------------------------------------

PROVIDER_HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,placement_type,placement_provider,number,percentage\n"


PROVIDER = "data/national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv"
CHARACTERISTICS = "data/national_cla_on_31_march_by_characteristics.csv"


@pytest.fixture
def ees(tmp_path, synthetic_releases):
    """One file of one release (folder dfe-cla-ees-to-<year>), of the text given."""
    def make(path: str, text: str, year: int = 2024):
        synthetic_releases({f"dfe-cla-ees-to-{year}": {"published": f"{year}-11-14"}})
        return make_raw(tmp_path, {f"dfe-cla-ees-to-{year}/{path}": text})
    return make


def provider_file(rows):
    return PROVIDER_HEADER + "".join(f'2024,Reporting year,National,E92000001,England,"{t}",All children,{n},\n' for t, n in rows)


def test_renumbered_sections_cannot_swap_inside_and_outside(ees):
    text = provider_file([("1. All children placed outside council boundary", 100),
                          ("1b. Secure homes and children's homes", 60),
                          ("2. All children placed inside council boundary", 50),
                          ("2b. Secure homes and children's homes", 20)])
    rows = placements.ees_placement_rows(ees(PROVIDER, text))
    found = {(r.placement, r.locality): r.value for r in rows}
    assert found == {("all", "outside"): 100, ("secure_childrens_homes", "outside"): 60,
                     ("all", "inside"): 50, ("secure_childrens_homes", "inside"): 20}


def test_an_unknown_placement_label_stops_with_file_line_and_the_entry_that_would_take_it(ees):
    text = provider_file([("2. All children placed inside council boundary", 50), ("2b. Childrens homes only", 20)])
    with pytest.raises(RawDataError, match=r"^dfe-cla-ees-to-2024/data/\S+locality\.csv, line 3: placement_type '2b\. "
                                           r"Childrens homes only' is not among the labels CLA 2024 \(EES\) is known to "
                                           r"print .* add to its entry in sentaway/extract/releases\.yml: "
                                           r"`dfe-cla-ees-to-2024: \{relabel: \{\"childrens homes only\": \"<one of: "):
        placements.ees_placement_rows(ees(PROVIDER, text))


def test_a_label_of_another_release_stops(ees):
    # The 2024 release's group, in a file of the release to 2023.
    text = provider_file([("2. All children placed inside council boundary", 50), ("2b. Secure homes and children's homes", 20)])
    with pytest.raises(RawDataError, match=r"locality\.csv, line 3: placement_type .* \(a label of other releases\) is "
                                           r"not among the labels CLA 2023 \(EES\)"):
        placements.ees_placement_rows(ees(PROVIDER, text, year=2023))


def test_an_ambiguous_section_stops(ees):
    text = provider_file([("2. All children placed inside council boundary", 50),
                          ("2. All children placed outside council boundary", 40)])
    with pytest.raises(RawDataError, match=r"locality\.csv, line 3: ambiguous placement_type"):
        placements.ees_placement_rows(ees(PROVIDER, text))


CHAR_HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,cla_group,characteristic,number,percentage\n"


def char_file(labels):
    return CHAR_HEADER + "".join(f'2024,Reporting year,National,E92000001,England,Placement,"{label}",{n},\n' for label, n in labels)


HOMES_2024 = [("4. Total secure homes and children's homes", 8640), ("4a Secure home placement inside the council boundary", 10),
              ("4b Secure home placement outside the council boundary", 90),
              ("4c Total children's homes subject to children's homes regulations", 8540),
              ("4c.1 Children's home placement inside the council boundary", 2780),
              ("4c.2 Children's home placement outside the council boundary", 5760),
              ("5a. Semi-independent living accommodation not subject to children's homes regulations", "z")]


def test_characteristics_read_by_words_whatever_the_numbering(ees):
    renumbered = [(label.replace("4c.1", "9z.2").replace("4c.2", "9z.1"), n) for label, n in HOMES_2024]
    rows = placements.ees_characteristics_rows(ees(CHARACTERISTICS, char_file(renumbered)))
    found = {(r.placement, r.locality): r.value for r in rows}
    assert found[("childrens_homes", "inside")] == 2780 and found[("childrens_homes", "outside")] == 5760


def test_an_unknown_characteristic_stops_with_file_line_and_label(ees):
    labels = HOMES_2024 + [("4c.3 Children's home placement on the boundary", 5)]
    with pytest.raises(RawDataError, match=r"characteristics\.csv, line 9: characteristic \(cla_group 'Placement'\) \"4c\.3 Children's home placement on the boundary\" is not among"):
        placements.ees_characteristics_rows(ees(CHARACTERISTICS, char_file(labels)))


def test_an_ambiguous_characteristic_stops(ees):
    labels = HOMES_2024 + [("4d.1 Children's home placement inside the council boundary", 5)]
    with pytest.raises(RawDataError, match=r"characteristics\.csv, line 9: ambiguous characteristic"):
        placements.ees_characteristics_rows(ees(CHARACTERISTICS, char_file(labels)))


def test_a_missing_childrens_homes_row_stops(ees):
    labels = [item for item in HOMES_2024 if "4c.2" not in item[0]]
    with pytest.raises(RawDataError, match=r"characteristics\.csv: expected cla_group 'Placement' rows for \[\('childrens_homes', 'outside'\)\]"):
        placements.ees_characteristics_rows(ees(CHARACTERISTICS, char_file(labels)))
