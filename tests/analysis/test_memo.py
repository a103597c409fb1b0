"""Results kept for one computation only: the register's repeated questions are answered once, and a change of
data between two computations is always seen."""

import pandas as pd

from sentaway.analysis import memo

calls = []
source = {"value": 1}


@memo.kept
def series(kind: str, types: list) -> pd.DataFrame:
    calls.append((kind, tuple(types)))
    return pd.DataFrame({"value": [source["value"]]})


def test_inside_one_computation_each_question_is_answered_once_and_each_caller_gets_its_own_copy():
    calls.clear()
    with memo.one_computation():
        first = series("homes", ["a"])
        first.loc[0, "value"] = 99  # a caller changing its copy changes nothing for the next
        second = series("homes", ["a"])
        series("places", ["a"])
        with memo.one_computation():  # nested: still the same computation
            series("homes", ["a"])
    assert calls == [("homes", ("a",)), ("places", ("a",))]
    assert second.loc[0, "value"] == 1


def test_nothing_is_kept_between_computations_or_outside_one():
    calls.clear()
    with memo.one_computation():
        series("homes", ["a"])
    source["value"] = 2
    try:
        with memo.one_computation():
            assert series("homes", ["a"]).loc[0, "value"] == 2
        assert series("homes", ["a"]).loc[0, "value"] == 2
    finally:
        source["value"] = 1
    assert len(calls) == 3
