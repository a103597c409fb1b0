"""The rounding an extract records is what its values show, never more."""

from hypothesis import given, strategies as st

from sentaway.extract.write import observed_rounding


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
