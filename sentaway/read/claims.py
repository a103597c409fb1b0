"""The claims as said: data/claims.csv, checked for shape before anything uses it."""

from functools import lru_cache

import pandas as pd

from sentaway.paths import data_file

COLUMNS = ["claim_id", "family", "quote", "speaker", "outlet", "date", "seed_file", "cited_value", "cited_value_2",
           "unit", "year", "measure", "quantity", "denominator", "cited_bound", "endpoint_claims", "scope",
           "scope_reason", "source_public_when_said", "notes"]
FAMILIES = ["out_of_area", "missing", "distance", "regional", "cost", "other"]
QUANTITIES = ["share", "count", "change_percent", "change_points", "ratio", "money", "distance", "fact"]
# What is checked against the official files: statistics about children, and statements about how the data are
# collected (against the publisher's own table notes). Anything else is listed, not checked.
CHECKED = ["statistical", "data_collection"]


class ClaimsError(ValueError):
    pass


@lru_cache(maxsize=None)
def load() -> pd.DataFrame:
    path = data_file("claims.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ClaimsError(f"{path}: missing column(s) {', '.join(missing)}")
    duplicated = frame.claim_id[frame.claim_id.duplicated()].tolist()
    if duplicated:
        raise ClaimsError(f"{path}: claim_id repeated: {', '.join(duplicated)}")
    for line, row in enumerate(frame.itertuples(), start=2):
        if row.family not in FAMILIES:
            raise ClaimsError(f"{path}, line {line}: family {row.family!r} not one of {FAMILIES}")
        if row.scope in CHECKED:
            if row.quantity not in QUANTITIES:
                raise ClaimsError(f"{path}, line {line}: quantity {row.quantity!r} not one of {QUANTITIES}")
            try:
                float(row.cited_value)
            except ValueError:
                raise ClaimsError(f"{path}, line {line}: cited_value {row.cited_value!r} is not a number") from None
            if row.cited_bound not in ("point", "lower", "upper"):
                raise ClaimsError(f"{path}, line {line}: cited_bound {row.cited_bound!r} not point/lower/upper")
        elif row.scope != "out_of_scope":
            raise ClaimsError(f"{path}, line {line}: scope {row.scope!r} not one of {CHECKED + ['out_of_scope']}")
    return frame


def get(claim_id: str) -> pd.Series:
    frame = load()
    found = frame[frame.claim_id == claim_id]
    if found.empty:
        raise ClaimsError(f"no claim {claim_id!r} in data/claims.csv")
    return found.iloc[0]
