"""Chapter parameters: read from params.yml and checked against the data before any notebook runs.

The years a chapter may show are the years its data files hold (read from data/ each build), so a new
year in the data is usable without editing code; a window holding too few of them is refused with the
years that would work. A window's end left out (None) is the first or last year its data hold.
"""

import csv
from functools import lru_cache
from pathlib import Path

import yaml

from sentaway.paths import DATA, REPO, data_file

PARAMS_FILE = REPO / "params.yml"

# Notebooks that make several pages: each is run once per page, with `page` set to the page's name (its file in
# book/executed/ and its address at the site's root, so the anchors journalists cite stay put); every other notebook is one page, named
# after it. A page has its own parameters in params.yml, under its name, and its own entries below.
PAGES = {"claims": ["claims_out_of_area", "claims_missing", "claims_regional", "claims_cost", "claims_distance",
                    "claims_other"]}

# For each chapter: the data files whose years it shows, and how many of those years a window must hold
# (a chart or a comparison needs two; a growth trend three).
YEARS_FROM = {
    "out_of_area": (["cla_placements.csv"], 2),
    "claims_out_of_area": (["cla_placements.csv"], 2),
    "claims_missing": (["cla_missing.csv", "cla_distance.csv"], 2),
    "claims_regional": (["ofsted_providers.csv"], 2),
    "claims_cost": (["s251_spend.csv", "cla_placements.csv"], 2),
    "claims_distance": (["cla_distance.csv"], 2),
    "claims_other": (["s251_spend.csv", "cla_placements.csv"], 2),
    "growth": (["cla_placements.csv"], 3),
}
# Files a chapter also reads (checks/regional.py reads placements): their years widen the range a window's
# ends may lie in, not what the chapter needs inside the window.
ALSO_READS = {"claims_regional": ["cla_placements.csv"]}
# The column holding the year (at 31 March, or the March a financial year ends) where it is not "year".
YEAR_COLUMN = {"s251_spend.csv": "year_ending_march", "transcribed_placement_location.csv": "time_period"}
WINDOW = {"first_year": (int, type(None)), "last_year": (int, type(None))}  # None: the data's first or last year
SCHEMA = {
    "out_of_area": WINDOW,
    "claims_out_of_area": WINDOW,
    "claims_missing": WINDOW,
    "claims_regional": WINDOW,
    "claims_cost": WINDOW,
    "claims_distance": WINDOW,
    "claims_other": WINDOW,
    "growth": {**WINDOW, "series": ["childrens_homes", "all_children", "homes_total"]},
    "register": {},
    "methods": {},
    "revisions": {},
}


class ParameterError(ValueError):
    def _render_traceback_(self):
        # IPython (and so papermill) shows this one line instead of a traceback.
        return [f"ParameterError: {self}"]


@lru_cache(maxsize=None)
def _file_years(folder: Path, name: str) -> tuple[int, ...]:
    column = YEAR_COLUMN.get(name, "year")
    path = folder / name
    if not path.is_file():
        raise ParameterError(f"{path}: missing, so the years it covers are unknown; run `make data`")
    # Each distinct value checked once: a file holds a few years over tens of thousands of rows, and every chapter's
    # page reads its files again (twice as fast as a DictReader checking every row).
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if column not in header:
            raise ParameterError(f"{path}, line 1: no column {column!r} to read the years from")
        index = header.index(column)
        for row in reader:
            text = row[index] if index < len(row) else ""
            if text not in seen and row:  # a blank line is no row (as csv.DictReader reads it)
                if not (len(text) == 4 and text.isdigit()):
                    raise ParameterError(f"{path}, line {reader.line_num}, column {column}: {text!r} is not a year")
                seen.add(text)
    return tuple(sorted(int(text) for text in seen))


def data_years(chapter: str) -> list[int]:
    """The years with data for a chapter (from the files in YEARS_FROM), noted as read by the build so a
    new year in a file re-runs the chapter."""
    files, _ = YEARS_FROM[chapter]
    years = set()
    for name in files:
        data_file(name)
        years.update(_file_years(DATA, name))
    return sorted(years)


def year_range(chapter: str) -> tuple[int, int]:
    """The bounds a chapter's window must lie within: the first and last year in the files it reads."""
    years = set(data_years(chapter))
    for name in ALSO_READS.get(chapter, []):
        data_file(name)
        years.update(_file_years(DATA, name))
    return min(years), max(years)


def _suggest(years: list[int], need: int) -> str:
    if len(years) < need:
        return f"the data hold only {len(years)} year(s), fewer than the {need} this chapter needs"
    return f"e.g. first_year={years[0]}, last_year={years[-1]}, or first_year={years[-need]}, last_year={years[-1]}"


def check_window(chapter: str, first_year: int, last_year: int) -> None:
    """Refuse a window that leaves the chapter with too few years of data, naming the years that would work."""
    if first_year > last_year:
        raise ParameterError(f"{chapter}: first_year {first_year} is after last_year {last_year}")
    files, need = YEARS_FROM[chapter]
    years = data_years(chapter)
    low, high = year_range(chapter)
    for name, value in (("first_year", first_year), ("last_year", last_year)):
        if not low <= value <= high:
            where = ", ".join(files + ALSO_READS.get(chapter, []))
            raise ParameterError(f"{chapter}: {name}={value} is outside the data; allowed {low} to {high} "
                                 f"(the years in {where}); {_suggest(years, need)}")
    inside = [y for y in years if first_year <= y <= last_year]
    if len(inside) < need:
        raise ParameterError(
            f"{chapter}: the window {first_year}-{last_year} holds {len(inside)} year(s) of data "
            f"({', '.join(map(str, inside)) or 'none'}); the chapter needs at least {need} to show anything. "
            f"Years with data ({', '.join(files)}): {', '.join(map(str, years))}; {_suggest(years, need)}")


def window(chapter: str, first_year: int | None, last_year: int | None) -> tuple[int, int]:
    """The years a chapter shows: an end left None is the first or last year its data hold."""
    low, high = year_range(chapter)
    return (low if first_year is None else first_year, high if last_year is None else last_year)


def check(chapter: str, params: dict) -> dict:
    """Return `params` if every name, type and value is allowed; else say what is allowed. A notebook of
    several pages (PAGES) is checked as the page its `page` names."""
    if chapter in PAGES:
        page = params.get("page")
        if page not in PAGES[chapter]:
            raise ParameterError(f"{chapter}: page={page!r} is not allowed; allowed: {', '.join(PAGES[chapter])}")
        return {"page": page, **check(page, {k: v for k, v in params.items() if k != "page"})}
    if chapter not in SCHEMA:
        raise ParameterError(f"unknown chapter {chapter!r}; chapters: {', '.join(SCHEMA)}")
    schema = SCHEMA[chapter]
    for name, value in params.items():
        if name not in schema:
            paged = any(chapter in pages for pages in PAGES.values())  # its notebook also takes `page`
            allowed = ", ".join((["page"] if paged else []) + list(schema)) or "none (this chapter takes no parameters)"
            raise ParameterError(f"{chapter}: unknown parameter {name!r}; allowed: {allowed}")
        allowed = schema[name]
        if isinstance(allowed, list):
            if value not in allowed:
                raise ParameterError(f"{chapter}: {name}={value!r} is not allowed; allowed: {', '.join(map(str, allowed))}")
        elif not isinstance(value, allowed) or isinstance(value, bool):
            kinds = " or ".join("None" if kind is type(None) else kind.__name__ for kind in
                                (allowed if isinstance(allowed, tuple) else (allowed,)))
            raise ParameterError(f"{chapter}: {name} must be {kinds}, got {value!r}")
    if chapter in YEARS_FROM:
        first, last = params.get("first_year"), params.get("last_year")
        if first is not None or last is not None:
            low, high = year_range(chapter)
            check_window(chapter, low if first is None else first, high if last is None else last)
    return params


IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}


def passed(namespace: dict) -> dict:
    """The parameters a notebook was given: its public names holding plain values (the parameters cell's
    defaults and whatever papermill injected), so a misspelt `-p` name is seen and refused by `check`."""
    plain = (int, float, str, bool, list, dict, type(None))
    return {name: value for name, value in namespace.items()
            if not name.startswith("_") and name not in IPYTHON_NAMES and isinstance(value, plain)}


class _Loader(yaml.SafeLoader):
    """YAML that refuses a key given twice (PyYAML would keep the last silently)."""


def _mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ParameterError(f"line {key_node.start_mark.line + 1}: {key!r} given twice "
                                 f"(first on line {seen[key]})")
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(path: Path = PARAMS_FILE) -> dict[str, dict]:
    """params.yml as {chapter: {name: value}}; a malformed file is named with its line."""
    shown = path.name if path.parent == REPO else str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except ParameterError as error:
        raise ParameterError(f"{shown}, {error}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ParameterError(f"{shown}{where}: not valid YAML ({error.problem or error.context})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ParameterError(f"{shown}: cannot be read ({error})") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{shown}, line 1: expected chapters with their parameters, found {type(data).__name__}")
    for chapter, values in data.items():
        if values is not None and not isinstance(values, dict):
            raise ParameterError(f"{shown}: chapter {chapter!r} must map parameter names to values, got {values!r}")
    return {chapter: values or {} for chapter, values in data.items()}


def runs(notebook: str, declared: dict[str, dict]) -> list[tuple[str, dict]]:
    """(page, parameters) for each run of a notebook: one per page (PAGES), else one named after it, with
    the parameters `declared` (params.yml, read or loaded) gives the page."""
    if notebook in PAGES:
        return [(page, {"page": page, **declared.get(page, {})}) for page in PAGES[notebook]]
    return [(notebook, declared.get(notebook, {}))]


def load(path: Path = PARAMS_FILE) -> dict[str, dict]:
    shown = path.name if path.parent == REPO else str(path)
    checked = {}
    for chapter, values in read(path).items():
        try:
            checked[chapter] = check(chapter, values)
        except ParameterError as error:
            raise ParameterError(f"{shown}: {error}") from None
    return checked
