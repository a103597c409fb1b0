"""Chapter parameters: read from params.yml and checked before any notebook runs."""

from pathlib import Path

import yaml

from .paths import REPO

PARAMS_FILE = REPO / "params.yml"

# For each chapter: parameter -> (type, allowed values or (low, high) bounds).
YEARS = {"first_year": (int, (2010, 2024)), "last_year": (int, (2010, 2024))}
SCHEMA = {
    "out_of_area": YEARS,
    "claims_out_of_area": YEARS,
    "claims_missing": YEARS,
    "claims_regional": YEARS,
    "claims_cost": YEARS,
    "growth": {**YEARS, "series": (str, ["childrens_homes", "all_children", "homes_total"])},
    "register": {},
    "methods": {},
    "revisions": {},
}


class ParameterError(ValueError):
    pass


def check(chapter: str, params: dict) -> dict:
    """Return `params` if every name, type and value is allowed; else say what is allowed."""
    if chapter not in SCHEMA:
        raise ParameterError(f"unknown chapter {chapter!r}; chapters: {', '.join(SCHEMA)}")
    schema = SCHEMA[chapter]
    for name, value in params.items():
        if name not in schema:
            raise ParameterError(f"{chapter}: unknown parameter {name!r}; allowed: {', '.join(schema)}")
        kind, allowed = schema[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ParameterError(f"{chapter}: {name} must be {kind.__name__}, got {value!r}")
        if isinstance(allowed, tuple) and not allowed[0] <= value <= allowed[1]:
            raise ParameterError(f"{chapter}: {name}={value} is outside the data; allowed {allowed[0]} to {allowed[1]}")
        if isinstance(allowed, list) and value not in allowed:
            raise ParameterError(f"{chapter}: {name}={value!r} is not allowed; allowed: {', '.join(map(str, allowed))}")
    if "first_year" in params and "last_year" in params and params["first_year"] > params["last_year"]:
        raise ParameterError(f"{chapter}: first_year {params['first_year']} is after last_year {params['last_year']}")
    return params


def load(path: Path = PARAMS_FILE) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {chapter: check(chapter, values or {}) for chapter, values in data.items()}
