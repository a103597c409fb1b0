"""Small glue between a chapter notebook and the page: inserting computed figures, words and charts.

The one way text reaches a page's prose: a string is text (escaped), whatever pastes it ({glue:text}, {glue:md},
show); only the book's own Markdown (sentaway.analysis.words.Prose: a words file's sentence with its values
escaped) is pasted as Markdown. So a footnote, a council's or a release's name from a data file can never become a
heading, a link, an image, a role or raw HTML, and a new glue cannot forget to escape it (tests/present/test_escaping.py
holds that notebooks paste through here only)."""

import numbers as _numbers

from IPython.display import HTML, display
from myst_nb import glue

from sentaway.analysis.words import Prose, escape_markdown

__all__ = ["Prose", "Words", "escape_markdown", "glue_all", "show", "show_chart"]


class Words(str):
    """Text that may come from a data file (a footnote, a release or council name). Pasted with {glue:text} it is
    plain text (set in bold, as the theme sets every pasted figure); with {glue:md} or shown, Markdown with every
    punctuation mark escaped, so it reads as ordinary prose and is still never markup."""

    def _repr_markdown_(self) -> str:
        return escape_markdown(self)


def as_pasted(value):
    """What a page pastes for `value`: a number as it is (formatted by the role), the book's Prose as Markdown,
    anything else as text (Words)."""
    if isinstance(value, Prose):
        return value
    if isinstance(value, _numbers.Number) and not isinstance(value, bool):
        return value
    return Words(str(value))


def glue_all(facts: dict) -> None:
    """Make each computed figure available to the prose ({glue:text} for numbers and words, {glue:md} for words
    that read as prose): strings are text, escaped; only Prose is Markdown."""
    for name, value in facts.items():
        glue(name, as_pasted(value), display=False)


def show(value) -> None:
    """Show words as a paragraph of the page: Prose as Markdown, any other text escaped."""
    display(as_pasted(value))


def show_chart(figure_html: str) -> None:
    display(HTML(figure_html))
