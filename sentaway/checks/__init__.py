"""One module per family of claims. Each registers, for the claims it checks, a function that states the
official measure closest to the claim's words and computes it from data/ (never typed in)."""

from ..verdicts import Evidence

CHECKS = {}
# Other reasonable definitions or releases to recompute each claim under (robustness).
VARIANTS = {}


def check(*claim_ids, variants: dict | None = None):
    def register(function):
        for claim_id in claim_ids:
            CHECKS[claim_id] = function
            if variants:
                VARIANTS[claim_id] = variants
        return function
    return register


def count_interval(value: float, step: float = 10) -> tuple[float, float]:
    """The range a count published to the nearest `step` can have come from."""
    return value - step / 2, value + step / 2


def share_interval(part: float, rest: float, step: float = 10) -> tuple[float, float]:
    """Share part / (part + rest) at the extremes of two counts rounded to `step`."""
    h = step / 2
    return 100 * (part - h) / (part - h + rest + h), 100 * (part + h) / (part + h + rest - h)


def change_interval(start: float, end: float, step: float = 10) -> tuple[float, float]:
    h = step / 2
    return 100 * ((end - h) / (start + h) - 1), 100 * ((end + h) / (start - h) - 1)


def load_all() -> dict:
    from . import cost, missing, other, out_of_area, regional  # noqa: F401  (registers their checks)

    return CHECKS
