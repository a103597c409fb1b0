"""The readings of each claim: data/readings.csv, checked before anything uses it.

A reading names the official measure a claim's words could mean (a registered measure of sentaway.register.checks and
its parameters: year, list, release, definition), how that measure relates to the claim's words (same,
wider, narrower, context), its rank (1 = closest to the words) and why it is reasonable. A reviewer changes a
reading here and rebuilds; no code decides which measure a claim is about.
"""

import re
from functools import lru_cache

import pandas as pd

from sentaway.paths import data_file
from sentaway.register.verdicts import RELATIONS

COLUMNS = ["claim_id", "rank", "relation", "measure", "params", "reason"]


class ReadingsError(ValueError):
    pass


def parse_params(text: str) -> dict:
    """'year=2018; column=share_outside' -> {'year': '2018', 'column': 'share_outside'}. A value may hold '; '
    (a sentence) as long as what follows is not another `name=`."""
    if not text.strip():
        return {}
    params = {}
    for part in re.split(r";\s+(?=\w+=)", text.strip()):
        key, sep, value = part.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ReadingsError(f"parameter {part!r} is not name=value")
        params[key.strip()] = value.strip()
    return params


@lru_cache(maxsize=None)
def load() -> pd.DataFrame:
    from sentaway.register.checks import load_all  # the measures register themselves on import

    measures = load_all()
    path = data_file("readings.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ReadingsError(f"{path}: missing column(s) {', '.join(missing)}")
    for line, row in enumerate(frame.itertuples(), start=2):
        where = f"{path}, line {line} ({row.claim_id})"
        if row.relation not in RELATIONS:
            raise ReadingsError(f"{where}: relation {row.relation!r} not one of {list(RELATIONS)}")
        if row.measure not in measures:
            raise ReadingsError(f"{where}: measure {row.measure!r} is not defined in sentaway/register/checks")
        if not row.rank.isdigit():
            raise ReadingsError(f"{where}: rank {row.rank!r} is not a whole number")
        try:
            parse_params(row.params)
        except ReadingsError as error:
            raise ReadingsError(f"{where}: {error}") from None
    twice = frame[frame.duplicated(["claim_id", "rank"])]
    if not twice.empty:
        raise ReadingsError(f"{path}: claim {twice.claim_id.iloc[0]} has two readings of rank {twice['rank'].iloc[0]}")
    return frame


def for_claim(claim_id: str) -> list[dict]:
    rows = load()
    rows = rows[rows.claim_id == claim_id]
    return sorted(rows.to_dict(orient="records"), key=lambda r: int(r["rank"]))
