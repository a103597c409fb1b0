"""Results of pure functions of data/ kept for the length of one computation (`with memo.one_computation():`).

The register judges about 80 readings, and many ask for the same series (the children's-homes series by
release, a region's counts in one Ofsted list): computed once per register, not once per reading. Nothing is
kept between computations, so a test that swaps the data in between sees its own data; every caller gets its
own copy, so none can change what the next one is given.
"""

import contextlib
import copy
import functools

_kept: dict | None = None  # a dict only while a computation runs


def _key(function, args, kwargs):
    frozen = lambda v: tuple(v) if isinstance(v, list) else v  # noqa: E731 (provider types come as a list)
    return (function.__module__, function.__qualname__, tuple(map(frozen, args)),
            tuple(sorted((k, frozen(v)) for k, v in kwargs.items())))


def kept(function):
    """Keep `function`'s result, per arguments, while a computation runs; outside one, just call it."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if _kept is None:
            return function(*args, **kwargs)
        key = _key(function, args, kwargs)
        if key not in _kept:
            _kept[key] = function(*args, **kwargs)
        return copy.deepcopy(_kept[key])
    return wrapper


@contextlib.contextmanager
def one_computation():
    global _kept
    outermost = _kept is None
    if outermost:
        _kept = {}
    try:
        yield
    finally:
        if outermost:
            _kept = None
