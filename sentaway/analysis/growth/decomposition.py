"""Where a change in the number placed outside came from: more children in the group, or a larger share of
them placed outside. The two parts add up exactly to the observed change. Numbers only."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Decomposition:
    series: str
    start: int
    end: int
    in_window: bool
    outside_start: float
    outside_end: float
    observed_change: float
    more_children: float
    larger_share: float

    @property
    def sum_of_parts(self) -> float:
        return self.more_children + self.larger_share


def decomposition(table: pd.DataFrame, first_year: int, last_year: int) -> Decomposition | None:
    """Change in the outside count between the first and last years with a total and share, split into
    'more children' (change in total x mean share) and 'a larger share' (change in share x mean total).
    The number outside is the series' modelled count (the published count; for all looked-after children the
    count adjusted for unrecorded locality) and the total is that count / share.
    Where the window holds fewer than two such years, the series' whole span is used (in_window False)."""
    rows = table[table["count"].notna() & table.share.notna() & (table.share > 0)]
    rows = rows.assign(outside=rows["count"], total=rows["count"] / rows.share)
    inside = rows[(rows.year >= first_year) & (rows.year <= last_year)]
    rows = inside if len(inside) >= 2 else rows
    if len(rows) < 2:
        return None
    a, b = rows.iloc[0], rows.iloc[-1]
    return Decomposition(series=table.series.iloc[0], start=int(a.year), end=int(b.year), in_window=len(inside) >= 2,
                         outside_start=float(a.outside), outside_end=float(b.outside),
                         observed_change=float(b.outside - a.outside),
                         more_children=float((b.total - a.total) * (a.share + b.share) / 2),
                         larger_share=float((b.share - a.share) * (a.total + b.total) / 2))


def table(decompositions: list[Decomposition], labels: dict[str, str]) -> pd.DataFrame:
    rows = [{"series": labels[d.series], "start": d.start, "end": d.end, "in window": d.in_window,
             "outside at start": d.outside_start, "outside at end": d.outside_end,
             "observed change": d.observed_change, "more children": d.more_children,
             "larger share": d.larger_share, "sum of parts": d.sum_of_parts} for d in decompositions]
    return pd.DataFrame(rows)
