"""The children's-homes series over the claims' period, as plain functions for the chapter and the register:
the growth rate with its 95% interval, and its sensitivity to the series' two breaks. The period runs from the
series' first official year to the last year a claim cites (2012, the first cited year, has no official figure).
Numbers only."""

from __future__ import annotations

from functools import lru_cache

from sentaway.analysis.growth.rates import CountFit, count_fit
from sentaway.analysis.growth.sensitivity import Sensitivity, sensitivity
from sentaway.analysis.growth.series import childrens_homes, cited, validation_change, window


def claims_window() -> tuple[int, int]:
    """(first official year of the series, last cited year)."""
    return int(childrens_homes().year.min()), int(cited().year.max())


@lru_cache(maxsize=1)
def homes_growth() -> CountFit:
    """Quasi-Poisson growth of children in children's homes placed outside their council over the claims'
    period: .quasi.rate, .quasi.lo, .quasi.hi (% a year); .dispersion, .overdispersion_p; .first, .last."""
    return count_fit(window(childrens_homes(), *claims_window()))


@lru_cache(maxsize=1)
def homes_sensitivity() -> Sensitivity:
    return sensitivity(window(childrens_homes(), *claims_window()), homes_growth(), validation_change()["year"])
