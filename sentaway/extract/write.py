"""Writing extracts: sorted, fixed formatting, so regenerating from raw gives identical bytes."""

import csv
import io
from collections import defaultdict

from .tidy import Row, format_count

PLACEMENT_COLUMNS = [
    "year", "release", "source_file", "geographic_level", "area_code", "old_la_code", "area_name",
    "placement", "placement_label", "locality", "provider", "value", "status", "rounding",
]
LEVEL_ORDER = {"national": 0, "regional": 1, "local_authority": 2}


def unique(rows, key):
    """Yield rows in order, stopping at a second row with the same key (naming where both came from)."""
    seen: dict[tuple, str] = {}
    for row in rows:
        k = key(row)
        if k in seen:
            raise ValueError(f"{row.where}: a second value for the same key {k} (first at {seen[k]})")
        seen[k] = row.where
        yield row


def observed_rounding(values: list[float]) -> str:
    """The rounding the published numbers show (stated rules in metadata are not always followed)."""
    numbers = [v for v in values if v is not None]
    if not numbers:
        return "not applicable"
    large = [v for v in numbers if v >= 1000]
    if large and all(v % 100 == 0 for v in large) and all(v % 10 == 0 for v in numbers):
        return "nearest 100 (nearest 10 below 1,000)"
    if all(v % 10 == 0 for v in numbers):
        return "nearest 10"
    return "unrounded (whole numbers)"


def csv_text(columns: list[str], records: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(records)
    return out.getvalue()


def placements_csv(rows: list[Row]) -> str:
    groups = defaultdict(list)
    for row in rows:
        groups[(row.source.file, row.year, row.geographic_level)].append(row.value)
    rounding = {key: observed_rounding(values) for key, values in groups.items()}
    rows = sorted(rows, key=lambda r: (
        r.year, r.source.release, r.source.file, LEVEL_ORDER[r.geographic_level], r.area_code,
        r.old_la_code, r.area_name, r.placement, r.locality, r.provider,
    ))
    records = []
    key = lambda r: (r.year, r.source.file, r.geographic_level, r.area_code, r.old_la_code,  # noqa: E731
                     r.area_name, r.placement, r.locality, r.provider)
    for r in unique(rows, key):
        records.append([
            str(r.year), r.source.release, r.source.file, r.geographic_level, r.area_code, r.old_la_code,
            r.area_name, r.placement, r.placement_label, r.locality, r.provider,
            format_count(r.value, r.where), r.status, rounding[(r.source.file, r.year, r.geographic_level)],
        ])
    return csv_text(PLACEMENT_COLUMNS, records)
