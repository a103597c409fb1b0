"""Small glue between a chapter notebook and the page: inserting computed figures and charts."""

import re

from IPython.display import HTML, Markdown, display
from myst_nb import glue


def escape_markdown(text: str) -> str:
    """Every ASCII punctuation mark backslash-escaped (CommonMark allows it for all of them): nothing in the text is
    read as markup, a role, HTML or an entity."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


class Words(str):
    """Words that may hold text from a data file (a footnote, a release or council name). Pasted with {glue:text}
    they are plain text (set in bold, as the theme sets every pasted figure); with {glue:md}, Markdown with every
    punctuation mark escaped, so they read as ordinary prose and are still never markup."""

    def _repr_markdown_(self) -> str:
        return escape_markdown(self)


def glue_all(facts: dict, text: bool = False) -> None:
    """Make each computed figure available to the prose ({glue:text} for numbers, {glue:md} for words).
    text=True glues words as Words instead: text from a data file then reaches the page escaped, never read as
    Markdown, whether pasted with {glue:text} or {glue:md}."""
    for name, value in facts.items():
        if isinstance(value, str):
            glue(name, Words(value) if text else Markdown(value), display=False)
        else:
            glue(name, value, display=False)


def show_chart(figure_html: str) -> None:
    display(HTML(figure_html))
