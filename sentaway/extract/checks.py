"""What every release must pass before `make data` writes anything, each failure one line naming the file, year
and values:
- a value belongs to the release whose folder holds its file, and a file holds no year after the one its
  release's name says (a later year stops: a new release goes in a folder of its own);
- parts add up to their printed totals (children inside and outside the boundary against all of them), within
  the publisher's rounding: the checks are declared in metadata/<extract>.sources.yml, `totals`.
"""

from collections import defaultdict

from sentaway.raw.files import RawDataError, RawFiles
from . import shapes, sources
from .releases import registry

# Half the rounding unit a published value may be off by, from the extracts' `rounding` column.
HALF_UNIT = {"nearest 10": 5, "nearest 100 (nearest 10 below 1,000)": (5, 50)}


def years_within_releases(rows: list) -> None:
    """Each row of a release's file is of a year the release can hold, and names that release."""
    for row in rows:
        file, year = getattr(row, "source_file", None), getattr(row, "year", None)
        if not isinstance(year, int) or file is None:
            continue
        release = registry().release_of(file)
        if release is None:
            continue
        if year > release.year:
            raise RawDataError(f"{row.where}: year {year} in {registry().last_year(file)[1]}")
        if getattr(row, "release", release.label) != release.label:
            raise RawDataError(f"{row.where}: read as {row.release}, but its folder is {release.label}'s")


def _slack(row) -> float:
    half = HALF_UNIT.get(getattr(row, "rounding", ""), 0)
    if isinstance(half, tuple):
        return half[1] if row.value >= 1000 else half[0]
    return half


def _matches(row, wanted: dict) -> bool:
    return all(getattr(row, column) in (value if isinstance(value, list) else [value])
               for column, value in wanted.items())


def _shown(values: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items())


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def parts_add_up(name: str, rows: list, raw: RawFiles) -> None:
    """Every check of the extract's `totals`: in each group of rows alike in every key column the check does not
    name, the parts' sum equals the total (or, `relation: at_most`, does not exceed it), give or take half the
    rounding unit of each value. A group with a part or the total suppressed or absent is not checked; a check
    that finds no group at all stops too (its columns or labels have drifted)."""
    key = shapes.spec(name).get("primaryKey", [])
    for check in sources.load(name).get("totals", []):
        named = {column for spec in check["parts"] + [check["total"]] for column in spec}
        by = [column for column in key if column not in named]
        files = None
        if "tables" in check:
            files = {path for table in check["tables"]
                     for _, path in registry().files(raw, *table.split(".", 1))}
        first, last = int(check.get("from", 0)), int(check.get("until", 9999))
        groups = defaultdict(list)
        for row in rows:
            if (files is None or row.source_file in files) and first <= row.year <= last \
                    and _matches(row, check.get("where", {})):
                groups[tuple(getattr(row, c) for c in by)].append(row)
        checked = 0
        for members in groups.values():
            parts = [next((r for r in members if _matches(r, spec)), None) for spec in check["parts"]]
            total = next((r for r in members if _matches(r, check["total"])), None)
            if total is None or any(p is None for p in parts) or any(r.value is None for r in parts + [total]):
                continue
            checked += 1
            added = sum(p.value for p in parts)
            slack = sum(_slack(r) for r in parts + [total])
            apart = added - total.value
            if apart > slack or (check.get("relation", "equal") == "equal" and -apart > slack):
                sums = " + ".join(f"{_shown(spec)} {_number(p.value)}" for spec, p in zip(check["parts"], parts))
                area = getattr(total, "area_name", "England")
                raise RawDataError(
                    f"{total.where}: {total.year}, {area}: {sums} = {_number(added)}, but the printed "
                    f"total ({_shown(check['total'])}) is {_number(total.value)}: {check['what']} differ by "
                    f"{_number(abs(apart))}, more than the publisher's rounding allows ({slack})")
        if not checked:
            raise RawDataError(f"{sources.where(name)}, totals: {check['what']!r} found no rows to check; its tables, "
                               "columns or labels no longer match the extract")
