"""What the writers of several extracts compute alike: the rounding the published numbers show."""

from collections import defaultdict


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


def add_rounding(rows: list, by: tuple[str, ...] = ("source_file", "year", "geographic_level"),
                 counted=lambda row: True) -> None:
    """Set each counted row's `rounding` to what its group's published counts show ('not applicable' for the
    others: percentages, averages)."""
    groups = defaultdict(list)
    for row in rows:
        if counted(row):
            groups[tuple(getattr(row, c) for c in by)].append(row.value)
    found = {key: observed_rounding(values) for key, values in groups.items()}
    for row in rows:
        row.rounding = found[tuple(getattr(row, c) for c in by)] if counted(row) else "not applicable"
