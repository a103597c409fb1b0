"""The releases as data (sentaway/extract/releases.yml): every folder of the manifest is described or refused by
name, a release's files are found by its kind's patterns or named in its entry, and its year is its folder's."""

import pytest

from sentaway.extract.releases import ReleaseError, registry
from tables import make_raw

PROVIDER = "data/national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv"


def test_a_release_is_what_its_folder_says(synthetic_releases):
    synthetic_releases({"dfe-cla-ees-to-2031": {"published": "2031-11-20"}})
    (release,) = registry().releases
    assert (release.label, release.year, release.title) == (
        "CLA 2031 (EES)", 2031, "Children looked after in England including adoptions, reporting year 2031")
    assert registry().last_year("dfe-cla-ees-to-2031/data/x.csv")[0] == 2031


def test_a_table_two_files_match_stops_with_the_entry_to_add_and_the_entry_settles_it(tmp_path, synthetic_releases):
    synthetic_releases({"dfe-cla-ees-to-2031": {"published": "2031-11-20"}})
    raw = make_raw(tmp_path, {f"dfe-cla-ees-to-2031/{PROVIDER}": "a\n1\n",
                              "dfe-cla-ees-to-2031/data/national_cla_on_31_march_by_placement_provider_locality.csv": "a\n1\n"})
    with pytest.raises(ReleaseError, match=r"^dfe-cla-ees-to-2031: 2 files .* match 'data/national_cla_on_31_march_by_"
                                           r"placement_provider\*locality\*\.csv', the placements_by_provider table of the "
                                           r"ees releases; name the file in its entry in sentaway/extract/releases\.yml: "
                                           r"`dfe-cla-ees-to-2031: \{files: \{placements_by_provider: "):
        registry().files(raw, "ees", "placements_by_provider")
    synthetic_releases({"dfe-cla-ees-to-2031": {"published": "2031-11-20", "files": {"placements_by_provider": PROVIDER}}})
    assert registry().files(raw, "ees", "placements_by_provider")[0][1] == f"dfe-cla-ees-to-2031/{PROVIDER}"


@pytest.mark.parametrize("entries, message", [
    ({"dfe-cla-ees-to-2031": {"published": "20 November 2031"}}, "published '20 November 2031' is not a date"),
    ({"dfe-cla-ees-to-2031": {"published": "2031-11-20", "notes": "x"}}, "unknown key.s. notes"),
    ({"dfe-cla-sfr/2031": {"published": "2031-09-30"}}, "no release .its kind sfr gives none.: add release: "),
    ({"dfe-cla-ees-2031": {"published": "2031-11-20"}}, "the folder's name is of no kind of release"),
])
def test_a_mistaken_entry_is_named(synthetic_releases, entries, message):
    synthetic_releases(entries)
    with pytest.raises(ReleaseError, match=message):
        registry()


def test_a_listed_release_without_files_in_the_manifest_is_named(synthetic_releases):
    synthetic_releases({"dfe-cla-ees-to-2031": {"published": "2031-11-20"}})
    with pytest.raises(ReleaseError, match="releases: dfe-cla-ees-to-2031: no file of this folder in MANIFEST.csv"):
        registry().check_manifest([])
