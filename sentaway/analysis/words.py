"""The book's words kept out of Python: book/words/<name>.yml holds the sentences (Jinja templates) that code
fills with numbers and chooses between. A missing key or value stops with the file and key named. A sentence
writes its numbers with sentaway.analysis.numbers as filters: {{ share | percent(0) }}, {{ n | count }}; what the
data hold is `data` (sentaway.analysis.coverage): {{ data.ees_years }} names the releases, so no sentence types them.

A sentence is plain text (say), or Markdown for a page's prose (prose): then the sentence's own words are the book's
Markdown and every value put into it is escaped, so text from a data file is text on the page, never markup."""

import re
from functools import lru_cache

import yaml
from jinja2 import Environment, StrictUndefined, UndefinedError

from sentaway.analysis import coverage, numbers
from sentaway.paths import REPO, note_read

FOLDER = REPO / "book" / "words"


def escape_markdown(text: str) -> str:
    """Every ASCII punctuation mark backslash-escaped (CommonMark allows it for all of them): nothing in the text is
    read as markup, a role, HTML or an entity. Line breaks become spaces, so no value can start a block of its own."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(str(text).splitlines()))


class Prose(str):
    """Markdown the book wrote (a words file's sentence, every value in it escaped): the only text a page pastes as
    Markdown (sentaway.present.chapter); any other string is shown as text."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _markdown_value(value) -> str:
    return value if isinstance(value, Prose) else escape_markdown(value)


FILTERS = {name: getattr(numbers, name) for name in ("count", "number", "percent", "points", "year", "p_value", "date")}
_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
# The same sentences as Markdown: each {{ value }}, after its filters, escaped (unless it is the book's own Prose).
_MARKDOWN_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                            finalize=_markdown_value)
for _env in (_ENV, _MARKDOWN_ENV):
    _env.filters.update(FILTERS)


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
def _template(name: str, key: str, markdown: bool = False):
    # compiled once: a page says some sentences hundreds of times
    return (_MARKDOWN_ENV if markdown else _ENV).from_string(entry(name, key))


def _render(name: str, key: str, markdown: bool, values: dict) -> str:
    try:
        return _template(name, key, markdown).render(data=coverage.data(), **values)
    except UndefinedError as error:
        raise WordsError(f"book/words/{name}.yml, {key}: {error.message}") from None


def say(name: str, key: str, **values) -> str:
    """The sentence at `key`, filled with `values` (plain text: escaped where it reaches HTML) and `data`, what the
    data hold (read only if the sentence names it)."""
    return _render(name, key, False, values)


def prose(name: str, key: str, **values) -> Prose:
    """The sentence at `key` as Markdown for a page's prose: its own words are Markdown, each value is escaped."""
    return Prose(_render(name, key, True, values))


class File:
    """One words file, so a module that speaks from it names it once: say = words.File("checks").say."""

    def __init__(self, name: str):
        self.name = name

    def say(self, key: str, **values) -> str:
        return say(self.name, key, **values)

    def prose(self, key: str, **values) -> Prose:
        return prose(self.name, key, **values)

    def entry(self, key: str):
        return entry(self.name, key)
