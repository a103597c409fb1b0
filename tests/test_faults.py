"""Faults where a claim or a model needs a number that the files withhold, and the rounding rules."""

import math

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from sentaway import claims, extracts, register, verdicts
from sentaway.extract.write import observed_rounding


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


def test_a_sum_over_suppressed_cells_is_reported_with_bounds():
    result = extracts.bounded_sum([10, None, 20, None], ["", "x", "", "c"], cell_max=5)
    assert result == {"known": 30.0, "low": 30.0, "high": 40.0, "suppressed": 2, "exact": False}
    assert extracts.bounded_sum([10, None], ["", "x"], total=14)["high"] == 14
    assert math.isinf(extracts.bounded_sum([10, None], ["", "x"])["high"])
    assert extracts.bounded_sum([1, 2], ["", ""]) == {"known": 3.0, "low": 3.0, "high": 3.0, "suppressed": 0, "exact": True}


@given(st.integers(min_value=1, max_value=10**7))
def test_a_cited_number_lies_inside_its_own_interval(number):
    low, high = verdicts.cited_interval(str(number), "point")
    assert low <= number <= high
    assert high - low == verdicts.precision(str(number))


@given(st.integers(min_value=1, max_value=10**6).map(lambda n: n * 10))
def test_counts_rounded_to_ten_are_seen_as_such(tens):
    assert observed_rounding([tens, 20, 30]) in ("nearest 10", "nearest 100 (nearest 10 below 1,000)")


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20))
def test_observed_rounding_never_claims_more_rounding_than_the_values_show(values):
    rule = observed_rounding(values)
    if rule == "nearest 10":
        assert all(v % 10 == 0 for v in values)
    if rule.startswith("nearest 100"):
        assert all(v % 100 == 0 for v in values if v >= 1000)
