"""The record of every release (data/release_calendar.csv) and the principle it serves: a claim is judged on the release
current on its date, and where that release is not in the files the register names it and says so. The release
current on each claim's date is recomputed here from the CSV with the csv module, not through sentaway.read.calendar."""

import csv
from types import SimpleNamespace

import pytest

from sentaway.paths import DATA
from sentaway.read import calendar
from sentaway.register import conclusions, register, verdicts as V


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def built():
    frame, evidence = register.build()
    return frame.set_index("claim_id"), evidence


def _current(series: str, said: str, year):
    """The latest release of a series published on or before the claim's date that gives the year (any year for a
    snapshot series), by the CSV alone; a year-only date counts from its first day."""
    day = said if len(said) >= 10 else f"{said[:4]}-01-01"
    found = [r for r in _rows("release_calendar.csv") if r["series"] == series and r["published"]
             and r["published"] <= day
             and (year is None or int(r["years"][:4]) <= year <= int(r["years"][-4:]))]
    return max(found, key=lambda r: (r["published"], r["reference_date"]))["release"] if found else None


def test_every_claim_s_release_current_when_said_agrees_with_the_record(built):
    """For every claim judged on an official figure or bound of a recorded series, the register's 'release current
    when it was said' is the one the record gives, and no reason calls a release current when the record says a later
    one was."""
    table, evidence = built
    snapshot = {"ofsted_providers"}
    checked = 0
    for claim_id, found in evidence.items():
        row = table.loc[claim_id]
        if not found.series or not row.release_current_when_said:
            continue
        expected = _current(found.series, str(row.date), None if found.series in snapshot else found.year)
        if expected is None:  # no release of the series known to be out by then: the register says so
            assert row.release_current_when_said.startswith("not known: "), claim_id
            continue
        assert row.release_current_when_said.startswith(expected), (claim_id, row.release_current_when_said, expected)
        in_files = {r["release"]: r["in_files"] for r in _rows("release_calendar.csv")}[expected] == "yes"
        assert ("(not in our files)" in row.release_current_when_said) == (not in_files), claim_id
        checked += 1
        for release in {r["release"] for r in _rows("release_calendar.csv")} - {expected}:
            assert f"{release}, published" not in row.reason or "current when this was said" not in \
                row.reason.split(f"{release}, published", 1)[1][:80], (claim_id, release)
    assert checked >= 15
    # The regional claims, said on 8 May 2018: Ofsted's list for 31 March 2017 (31 August 2017) was current, not the
    # 31 March 2016 list the files hold.
    for claim_id in ("region-three-regions-share-pa", "region-north-west-share-huffpost"):
        row = table.loc[claim_id]
        assert row.release_current_when_said.startswith("Ofsted providers at 31 March 2017 (not in our files)")
        assert "Ofsted's figures for 31 March 2017, published 31 August 2017, were current when this was said" in row.reason
        assert "its figures for 31 March 2016 give" in row.reason and "current when this was said and not revised" \
            not in row.reason
        assert "Ofsted's figures for 31 March 2017, current at the time, are not in our files." in row.conclusion


def test_the_record_agrees_with_the_files():
    """Every release the extracts name for a recorded series is in the record as in the files, with the date
    data/release_dates.csv gives it; every release the record says is in the files is named by an extract."""
    record = {r["release"]: r for r in _rows("release_calendar.csv")}
    named = {r["release"] for r in _rows("cla_placements.csv")} | {r["release"] for r in _rows("ofsted_providers.csv")} \
        | {r["release"] for r in _rows("s251_spend.csv")} | {r["release"] for r in _rows("cla_missing.csv")}
    named.discard("A focus on placement location (transcribed)")
    assert named == {name for name, r in record.items() if r["in_files"] == "yes"}
    for row in _rows("release_dates.csv"):
        assert record[row["release"]]["published"] == row["published"], row["release"]
    for row in record.values():
        assert not row["published"] or row["published"] > row["reference_date"], row["release"]
        assert row["date_source"], row["release"]


# ---------------------------------------------------------------- the principle on a small made-up record

def _release(series, name, reference, published, in_files, years=None):
    year = int(reference[:4])
    first, last = years or (year, year)
    return calendar.Release(series, name, name, reference, first, last, published, in_files, "made up")


def _claim(value, date, year="2018", bound="point"):
    return SimpleNamespace(claim_id="x", cited_value=value, quantity="share", cited_bound=bound, date=date, year=year,
                           scope="statistical", scope_reason="", endpoint_claims="")


@pytest.fixture
def record(monkeypatch):
    """A made-up record: a revised series whose 2018 release is not in the files (the 2022 one revises it), and a
    snapshot series whose 2017 list is not in the files (2016's is) and whose 2018 list has no known date."""
    rows = [_release("dfe_cla", "R2017", "2017-03-31", "2017-09-28", True, (2013, 2017)),
            _release("dfe_cla", "R2018", "2018-03-31", "2018-11-15", False),
            _release("dfe_cla", "R2022", "2022-03-31", "2022-11-17", True, (2018, 2022)),
            _release("ofsted_providers", "L2016", "2016-03-31", "2016-07-20", True),
            _release("ofsted_providers", "L2017", "2017-03-31", "2017-08-31", False),
            _release("ofsted_providers", "L2018", "2018-03-31", "", False)]
    monkeypatch.setattr(calendar, "releases", lambda series=None: [r for r in rows if series in (None, r.series)])
    return rows


def _revised(low, high, revision=0.2):
    later = V.Vintage("R2022", published="2022-11-17", value=(low + high) / 2, low=low, high=high)
    return V.Evidence("x", "m", comparable=True, official_value=later.value, official_low=low, official_high=high,
                      unit="percent", vintages=[later], series="dfe_cla", year=2018, publisher="DfE",
                      revision=V.Revision(revision, True, "2020", "R2021", "R2022", 60.0, 60.2))


def test_principle_the_day_s_release_not_in_the_files_is_named_and_judged_by_a_yardstick(record):
    # Said in 2019: the record's R2018 was current and is not in the files. The 2022 revision is judged against
    # the series' largest revision, and the reason names the missing release.
    close = V.judge_reading(_claim("64", "2019-03-26"), _revised(63.3, 63.4), "same")
    assert close.verdict == V.ROUGHLY and close.day_missing and close.day.current.release == "R2018"
    assert "DfE's figures for 31 March 2018, published 15 November 2018, were current when this was said, and they " \
           "are not in our files" in close.reason and "R2022" in close.reason
    far = V.judge_reading(_claim("64", "2019-03-26"), _revised(62.0, 62.1), "same")
    assert far.verdict == V.UNCHECKABLE and "cannot be said" in far.reason
    # A match with the revision is only roughly right: the figure current then could differ by the yardstick ...
    level = V.judge_reading(_claim("64", "2019-03-26"), _revised(64.3, 64.4), "same")
    assert level.verdict == V.ROUGHLY and level.gap == 0
    # ... unless every figure the yardstick allows matches too.
    assert V.judge_reading(_claim("60", "2019-03-26", bound="lower"), _revised(63.9, 64.1), "same").verdict == V.MATCHES
    # Said before R2018 was out, the release current then is R2017, which does not give 2018: none is current.
    assert V.judge_reading(_claim("64", "2018-05-08"), _revised(63.9, 64.1), "same").day.current is None
    # The conclusion names the release too.
    basis = conclusions.Basis(far.verdict, _claim("64", "2019-03-26"), evidence=_revised(62.0, 62.1), judgement=far,
                              vintage=far.vintage)
    assert conclusions.conclusion(basis).startswith(
        "Cannot be checked against the figure public at the time: DfE's figures for 31 March 2018, published "
        "15 November 2018, are not in our files.")


def test_principle_a_snapshot_list_not_in_the_files_is_judged_by_how_far_lists_move(record):
    drift = V.Revision(0.4, True, "", "2014-09-30", "2016-03-31", 53.9, 54.5, unit="percent")
    listed = V.Vintage("L2016", value=54.5, low=54.5, high=54.5)

    def evidence(drift):
        return V.Evidence("x", "m", comparable=True, official_value=54.5, official_low=54.5, official_high=54.5,
                          unit="percent", vintages=[listed], series="ofsted_providers", snapshot="2016-03-31",
                          drift=drift, publisher="Ofsted", revision=V.Revision(0.0, none_why="never revised"))

    # Said on 8 May 2018: L2017 was current (not in the files) and L2018, of unknown date, may have been out; the
    # list judged is two years from the furthest, so the yardstick is twice the yearly drift.
    judged = V.judge_reading(_claim("54", "2018-05-08"), evidence(drift), "same")
    assert judged.day.current.release == "L2017" and [r.release for r in judged.day.maybe] == ["L2018"]
    assert judged.verdict == V.ROUGHLY and "Ofsted's figures for 31 March 2017, published 31 August 2017, were current" \
        in judged.reason and "unless the figures for 31 March 2018" in judged.reason
    assert "its figures for 31 March 2016 give 54.5%" in judged.reason and "0.8 percentage points" in judged.reason
    # With lists that never moved, no allowance: a claim off the list by more than rounding cannot be checked.
    still = V.Revision(0.0, True, "", "2014-09-30", "2016-03-31", 54.5, 54.5, unit="percent")
    assert V.judge_reading(_claim("53", "2018-05-08"), evidence(still), "same").verdict == V.UNCHECKABLE
    # Said on a day whose list is in the files, the list is judged directly, named as current.
    on_time = V.judge_reading(_claim("54", "2017-01-01"), evidence(drift), "same")
    assert not on_time.day_missing and "L2016" in on_time.reason and "the release current when this was said" in on_time.reason


def test_joiners_and_leavers_do_not_rebuild_a_list_region_by_region(raw_root):
    """What the regional reasons say of Ofsted's joiners-and-leavers lists, from the raw files: homes on the list of
    31 March 2023 registered by 31 March 2016, plus homes that left after then without joining after then, do not
    give the list of 31 March 2016 region by region (that list leaves out homes not yet inspected)."""
    from sentaway.register.checks import say

    folder = raw_root / "ofsted-providers"

    def rows(name):
        lines = (folder / name).read_text(encoding="utf-8-sig", errors="replace").splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(("URN", "Web link")))
        return list(csv.DictReader(lines[start:]))

    home, region, day = "Children's home", "Government Office Region", "2016-03-31"

    def iso(text):
        d, m, y = text.split("/")
        return f"{y}-{m}-{d}"

    later = [rows(f"joiners_leavers_{y}.csv") for y in range(17, 24)]
    joined = {r["URN"] for year in later for r in year if r["Joiner status"] == "Joiner"}
    rebuilt = {r["URN"]: r[region] for r in rows("provider_at_march.csv")
               if r["Provision type"] == home and r["Registration date"] and iso(r["Registration date"]) <= day}
    for year in later:
        rebuilt.update({r["URN"]: r[region] for r in year if r["Provision type"] == home
                        and r["Leaver status"] == "Leaver" and r["URN"] not in joined})
    listed = [r[region] for r in rows("providers_at_16.csv") if r["Provision type"] == home]
    counts = {name: (list(rebuilt.values()).count(name), listed.count(name)) for name in set(listed)}
    assert len(counts) == 9 and all(a != b for a, b in counts.values()), counts
    assert "do not reproduce the files' list for that day in any region" in say("regional.share.not_rebuilt")
