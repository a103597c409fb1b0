"""What a council's page says first, as numbers (its words are in book/words/councils.yml): its latest share placed
outside its boundary beside its region and England, its rank in both (none where its share is suppressed), how the
share changed over the years its code covers (and England's over the same years), the releases that change crosses,
and whether other councils placed more children inside its boundary than it placed outside."""

import pandas as pd

from sentaway.analysis import coverage
from sentaway.analysis.councils import codes, placements


def _value(row, column):
    value = row[column]
    return None if pd.isna(value) else float(value)


def latest(code: str) -> dict:
    """The council's latest year: its figures, its region's and England's, its ranks; `suppressed` is the symbol where
    no share can be computed (then no rank)."""
    rows = placements.council(code)
    row = rows.iloc[-1]
    return {"year": int(row.year), "release": row.release, "looked_after": _value(row, "looked_after"),
            "outside": _value(row, "placed_outside"), "share": _value(row, "share"), "suppressed": row.share_status,
            "region_share": _value(row, "region_share"), "england_share": _value(row, "england_share"),
            "rank_england": _value(row, "rank_england"), "of_england": int(row.of_england),
            "tied_england": bool(row.tied_england), "rank_region": _value(row, "rank_region"),
            "of_region": int(row.of_region), "tied_region": bool(row.tied_region)}


def change(code: str) -> dict | None:
    """The share in the first and last years with one (None where fewer than two years have a share), England's in the
    same years, and the kinds of release the two years come from (a change across SFR and EES names that seam)."""
    rows = placements.council(code)
    rows = rows[rows.share.notna() & rows.share_status.eq("")]
    if len(rows) < 2:
        return None
    first, last = rows.iloc[0], rows.iloc[-1]
    kinds = [coverage.kind(first.release), coverage.kind(last.release)]
    return {"first_year": int(first.year), "last_year": int(last.year), "first": float(first.share),
            "last": float(last.share), "points": float(last.share) - float(first.share),
            "england_first": _value(first, "england_share"), "england_last": _value(last, "england_share"),
            "first_release": first.release, "last_release": last.release, "crosses": kinds[0] != kinds[1],
            "gaps": sorted(set(range(int(first.year), int(last.year) + 1)) - set(int(y) for y in rows.year))}


def balance(code: str) -> dict | None:
    """The latest year with a net: children other councils placed inside its boundary, its own placed outside, the net
    and whether it is a net importer (more placed in), exporter or neither; None where no year has one."""
    rows = placements.council(code)
    rows = rows[rows.net.notna()]
    if rows.empty:
        return None
    row = rows.iloc[-1]
    net = float(row.net)
    return {"year": int(row.year), "release": row.release, "placed_in": _value(row, "placed_in_by_other_councils"),
            "outside": _value(row, "placed_outside"), "net": net, "printed": bool(row.net_printed),
            "role": "importer" if net > 0 else "exporter" if net < 0 else "balanced"}


def of(council: codes.Council) -> dict:
    return {"latest": latest(council.code), "change": change(council.code), "balance": balance(council.code)}
