"""Reading the committed extracts in data/ (never the raw files)."""

from functools import lru_cache

import pandas as pd

from .paths import DATA

TEXT = {"release": str, "source_file": str, "area_code": str, "old_la_code": str, "area_name": str,
        "placement": str, "placement_label": str, "locality": str, "provider": str, "status": str,
        "rounding": str, "geographic_level": str}


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    path = DATA / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: extract missing; run `make data` with the raw files beside the repo")
    return pd.read_csv(path, dtype=TEXT, keep_default_na=False, na_values={"value": [""], "number": [""]})


def placements() -> pd.DataFrame:
    frame = _read("cla_placements.csv").copy()
    frame["value"] = frame["value"].astype("Int64")
    return frame


def transcribed_placement_location() -> pd.DataFrame:
    return _read("transcribed_placement_location.csv").copy()
