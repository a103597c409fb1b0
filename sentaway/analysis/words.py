"""The book's words kept out of Python: book/words/<name>.yml holds the sentences (Jinja templates) that code
fills with numbers and chooses between. A missing key or value stops with the file and key named. A sentence
writes its numbers with sentaway.analysis.numbers as filters: {{ share | percent(0) }}, {{ n | count }}; what the
data hold is `data` (sentaway.analysis.coverage): {{ data.ees_years }} names the releases, so no sentence types them."""

from functools import lru_cache

import yaml
from jinja2 import Environment, StrictUndefined, UndefinedError

from sentaway.analysis import coverage, numbers
from sentaway.paths import REPO, note_read

FOLDER = REPO / "book" / "words"
_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
_ENV.filters.update({name: getattr(numbers, name) for name in ("count", "number", "percent", "points", "year", "p_value", "date")})


class WordsError(KeyError):
    pass


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    path = FOLDER / f"{name}.yml"
    note_read(f"book/words/{name}.yml")  # part of the reading notebook's cache key
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def entry(name: str, key: str):
    """The value at a dotted key ('reasons.bound') of book/words/<name>.yml."""
    value = load(name)
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise WordsError(f"book/words/{name}.yml: no entry {key!r}")
        value = value[part]
    return value


@lru_cache(maxsize=None)
def _template(name: str, key: str):
    return _ENV.from_string(entry(name, key))  # compiled once: a page says some sentences hundreds of times


def say(name: str, key: str, **values) -> str:
    """The sentence at `key`, filled with `values` (plain text: escaped where it reaches HTML) and `data`, what the
    data hold (read only if the sentence names it)."""
    try:
        return _template(name, key).render(data=coverage.data(), **values)
    except UndefinedError as error:
        raise WordsError(f"book/words/{name}.yml, {key}: {error.message}") from None


class File:
    """One words file, so a module that speaks from it names it once: say = words.File("checks").say."""

    def __init__(self, name: str):
        self.name = name

    def say(self, key: str, **values) -> str:
        return say(self.name, key, **values)

    def entry(self, key: str):
        return entry(self.name, key)
