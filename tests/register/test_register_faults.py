"""Faults where a claim needs a number that the files withhold, and the interval a cited number stands for."""

import pandas as pd
from hypothesis import given, strategies as st

from sentaway.read import claims, extracts
from sentaway.register import register, verdicts


def test_a_suppressed_cell_a_claim_needs_makes_it_not_computable(monkeypatch):
    real = extracts.placements()

    def suppressed():
        frame = real.copy()
        hit = (frame.year == 2011) & (frame.geographic_level == "national") & (frame.placement == "secure_childrens_homes_hostels")
        frame.loc[hit, "value"] = pd.NA
        frame.loc[hit, "status"] = "x"
        return frame

    monkeypatch.setattr(extracts, "placements", suppressed)
    claim = claims.get("inquiry-children-in-homes-2012-cunningham")
    judged = register.judge_all(claim)
    reading, evidence, judgement = next(j for j in judged if "year=2011" in j[0]["params"])
    assert judgement.verdict == verdicts.UNCHECKABLE
    assert "suppressed (x)" in judgement.reason and "year=2011" in judgement.reason
    assert evidence.official_value is None  # never 0
    # The headline moves to the next reading that has a figure (the 2010 count), never to a zero.
    chosen = verdicts.headline(judged)
    assert "year=2010" in judged[chosen][0]["params"]


@given(st.integers(min_value=1, max_value=10**7))
def test_a_cited_number_lies_inside_its_own_interval(number):
    low, high = verdicts.cited_interval(str(number), "point")
    assert low <= number <= high
    assert high - low == verdicts.precision(str(number))
