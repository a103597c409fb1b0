"""Readings with no official figure, the 2012 inquiry's figure about one authority, and statements about how the
data are collected, checked against the publisher's own table notes."""

import re

import pandas as pd

from sentaway.paths import data_file
from sentaway.read import extracts
from sentaway.register.verdicts import Evidence
from sentaway.register.checks import measure, not_revised, say
from sentaway.register.checks.out_of_area import SERIES


@measure("not_published")
def not_published(claim, what: str = "") -> Evidence:
    """A reading the files cannot answer: `what` (from data/readings.csv) says exactly what is missing."""
    return Evidence(claim.claim_id, official_measure="", comparable=False, unit=claim.unit, official_year=claim.year,
                    missing=what)


@measure("la_highest_share_all_children")
def la_highest_share(claim, years: str) -> Evidence:
    """The highest council share of ALL looked-after children placed outside the boundary, in the last of `years`
    (the others shown beside it): the literal reading of "every single child in its care". Councils' counts are
    published unrounded, so the share is exact."""
    wanted = [int(y) for y in years.split(";")]
    frame = extracts.placements()
    la = frame[(frame.geographic_level == "local_authority") & (frame.placement == "all") & frame.year.isin(wanted)
               & frame.locality.isin(["inside", "outside"]) & (frame.status == "")]
    wide = la.pivot_table(index=["year", "area_name"], columns="locality", values="value", aggfunc="first").dropna()
    wide["share"] = 100 * wide.outside / (wide.inside + wide.outside)
    top = wide.sort_values("share").groupby(level="year").tail(1).sort_index()
    (year, name), row = list(top.iterrows())[-1]
    releases = dict(la.groupby("year").release.first())
    nearest = [{"measure": say("other.la_highest.nearest", council=n), "year": int(y), "value": float(r.share),
                "unit": "percent", "release": releases[y]} for (y, n), r in top.iterrows()]
    share = float(row.share)
    return Evidence(claim.claim_id, official_measure=say("other.la_highest.measure", year=year, council=name),
                    comparable=True, official_value=share, official_low=share, official_high=share, unit="percent",
                    official_year=str(year), nearest=nearest, source_file=la.source_file.iloc[0],
                    release=releases[year], first_published_in_files=True, publisher=say("publishers.dfe"), series=SERIES,
                    period=say("periods.census", year=year), year=int(year),
                    short=say("other.la_highest.short", council=name), rounding=la.rounding.iloc[0])


def _table_note(table: str, pattern: str):
    """The first note of an SFR national table (data/sfr50_national_notes.csv) matching `pattern`, and its match."""
    notes = pd.read_csv(data_file("sfr50_national_notes.csv"), dtype=str, keep_default_na=False)
    for note in notes[notes.table == table].itertuples():
        found = re.search(pattern, note.text)
        if found:
            return note, found
    raise extracts.NotComputable(say("other.note.no_note", table=table, pattern=pattern))


@measure("missing_collection_start")
def missing_collection_start(claim) -> Evidence:
    """When councils began to report every missing incident, read from the publisher's own table notes: Table A2's
    footnote on the change ('changed from 2015': the collection year ending 31 March 2015, which began on 1 April
    2014) and Table G1's remark on data 'collected for the first time'."""
    footnote, found = _table_note("A2", r"changed from (\d{4})")
    remark, _ = _table_note("G1", r"collected for the first time")
    end = int(found.group(1))
    return Evidence(claim.claim_id, official_measure=say("other.note.missing_start.measure", start=end - 1, end=end),
                    comparable=True, series=SERIES, official_value=float(end - 1), official_low=float(end - 1),
                    official_high=float(end), unit="year", official_year=str(end), release=footnote.release,
                    source_file=footnote.source_file, first_published_in_files=True, publisher=say("publishers.dfe"),
                    period=say("other.note.period"), revision=not_revised(say("other.note.not_revised")),
                    note=say("other.note.who", table="A2", release=footnote.release, note=footnote.note),
                    says=say("other.note.missing_start.says", end=end, start=end - 1, remark=remark.text,
                             footnote=footnote.text))


@measure("missing_old_threshold")
def missing_old_threshold(claim) -> Evidence:
    """How long a child had to be missing to be counted before the collection changed (Table A2's footnote)."""
    note, found = _table_note("A2", r"more than (\d+) hours")
    hours = float(found.group(1))
    return Evidence(claim.claim_id, official_measure=say("other.note.threshold.measure"), comparable=True, series=SERIES,
                    official_value=hours, official_low=hours, official_high=hours, unit="hours",
                    release=note.release, source_file=note.source_file, first_published_in_files=True,
                    publisher=say("publishers.dfe"), period=say("other.note.period"),
                    revision=not_revised(say("other.note.not_revised")),
                    note=say("other.note.who", table="A2", release=note.release, note=note.note),
                    says=say("other.note.threshold.says", text=note.text))
