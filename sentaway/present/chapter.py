"""Small glue between a chapter notebook and the page: inserting computed figures and charts."""

from IPython.display import HTML, Markdown, display
from myst_nb import glue


def glue_all(facts: dict) -> None:
    """Make each computed figure available to the prose ({glue:text} for numbers, {glue:md} for words)."""
    for name, value in facts.items():
        if isinstance(value, str):
            glue(name, Markdown(value), display=False)
        else:
            glue(name, value, display=False)


def show_chart(figure_html: str) -> None:
    display(HTML(figure_html))
