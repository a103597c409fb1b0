"""Children's homes and their registered places inside each council's boundary, at each Ofsted list in the files
(data/ofsted_providers.csv): the homes' own location, not the councils that place children in them.

Ofsted's lists name councils but give no codes: a list's council is matched on its name (names.norm) among the
councils DfE gave for the year the list falls in (the year ending 31 March on or after its date), in the first
release that gave that year, so a name shared by two codes (Dorset before and after 2019) goes to the code of the
time. A council a list does not name has no home on that list (the lists name every council with one). The lists
differ in kind (book/words/growth_chapter.yml, ofsted_lists): the first is the full register, the later ones list only
homes with a full inspection, so a change between them is partly a change of list; and the 2015 list gives no places."""

from functools import lru_cache

import pandas as pd

from sentaway.analysis import words
from sentaway.analysis.councils import codes, names
from sentaway.read import extracts
from sentaway.analysis.councils.by_code import ByCode

# Ofsted's 'children's homes of all types'.
HOMES_OF_ALL_TYPES = ["childrens_home", "secure_childrens_home", "residential_special_school_childrens_home"]
MEASURES = ["homes", "places", "homes_places_unknown"]


class HomesError(ValueError):
    pass


def list_kind(source_file: str) -> str:
    """'full' (every registered provider) or 'inspected' (providers with a full inspection only): what an Ofsted
    provider file lists, as book/words/growth_chapter.yml records it (ofsted_lists)."""
    kinds = words.entry("growth_chapter", "ofsted_lists")
    if source_file not in kinds:
        raise ValueError(f"book/words/growth_chapter.yml, ofsted_lists: no entry for {source_file} (data/ofsted_providers.csv): "
                         f"say whether it is the full register or the inspected providers only")
    return kinds[source_file]


def _year_of(snapshot: str) -> int:
    """The year ending 31 March on or after a date: 2014-09-30 -> 2015, 2016-03-31 -> 2016."""
    day = pd.Timestamp(snapshot)
    return day.year if (day.month, day.day) <= (3, 31) else day.year + 1


def _snapshot_rows() -> pd.DataFrame:
    rows = extracts.providers()
    return rows[rows.provider_type.isin(HOMES_OF_ALL_TYPES) & (rows.sector == "all") & rows.measure.isin(MEASURES)]


@lru_cache(maxsize=None)
def _printed_names() -> dict[str, set]:
    """code -> every name a release printed for it."""
    known = codes.council_rows()[["area_code", "area_name"]].drop_duplicates()
    found: dict[str, set] = {}
    for code, name in known.itertuples(index=False):
        found.setdefault(code, set()).add(name)
    return found


@lru_cache(maxsize=None)
def matched() -> dict[tuple[str, str], str]:
    """(snapshot date, Ofsted's council name) -> council code; a name no council (or two) matches stops."""
    rows = _snapshot_rows()
    rows = rows[rows.geographic_level == "local_authority"]
    found = {}
    for snapshot, names_there in rows.groupby("snapshot_date").area_name:
        candidates: dict[str, set] = {}
        for code in codes.covered_in(_year_of(snapshot)):
            for printed in _printed_names().get(code, ()):
                candidates.setdefault(names.norm(printed), set()).add(code)
        for name in sorted(set(names_there)):
            hits = candidates.get(names.norm(name), set())
            if len(hits) != 1:
                raise HomesError(f"data/ofsted_providers.csv, {snapshot}: Ofsted's council {name!r} matches "
                                 f"{len(hits)} councils of {_year_of(snapshot)} ({', '.join(sorted(hits)) or 'none'}); "
                                 "add its wording to sentaway/analysis/councils/names.py, ALIASES")
            found[(snapshot, name)] = hits.pop()
    return found


@lru_cache(maxsize=None)
def table() -> pd.DataFrame:
    """One row per council a list could name (a council DfE gave for the list's year) and list: homes and places of
    children's homes of all types inside its boundary, England's, and the list's date, file and kind."""
    rows = _snapshot_rows()
    lists = rows[["snapshot_date", "release", "source_file"]].drop_duplicates().sort_values("snapshot_date")
    local = rows[rows.geographic_level == "local_authority"].copy()
    local["code"] = [matched()[(s, n)] for s, n in zip(local.snapshot_date, local.area_name)]
    summed = local.groupby(["snapshot_date", "code", "measure"]).value.sum(min_count=1).unstack("measure")
    england = rows[rows.geographic_level == "national"].groupby(["snapshot_date", "measure"]).value.sum(min_count=1)
    england = england.unstack("measure").add_prefix("england_")
    found = []
    for item in lists.itertuples(index=False):
        year = _year_of(item.snapshot_date)
        has_places = local[(local.snapshot_date == item.snapshot_date) & (local.measure == "places")].value.notna().any()
        for code in codes.covered_in(year):
            values = summed.loc[(item.snapshot_date, code)] if (item.snapshot_date, code) in summed.index else None
            found.append({"code": code, "snapshot_date": item.snapshot_date, "year": year, "release": item.release,
                          "source_file": item.source_file, "kind": list_kind(item.source_file),
                          "homes": 0.0 if values is None else float(values.get("homes", 0) or 0),
                          "places": (0.0 if values is None else values.get("places")) if has_places else None,
                          "places_unknown": 0.0 if values is None else float(values.get("homes_places_unknown", 0) or 0),
                          **{k: england.loc[item.snapshot_date].get(k) for k in england.columns}})
    frame = pd.DataFrame(found)
    frame["places"] = pd.to_numeric(frame.places)
    return frame.sort_values(["code", "snapshot_date"]).reset_index(drop=True)


_BY_CODE = ByCode(table)
council = _BY_CODE.council  # the council's rows of table(), oldest first (none where the files give it none)
rows = _BY_CODE.rows  # the same as plain rows (dicts): what the pages read, many times over
