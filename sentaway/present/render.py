"""The page blocks' HTML templates (sentaway/present/templates/*.j2): their words and markup live there, and
Python passes the values. Values are escaped unless already HTML (wrapped in markupsafe.Markup); a value a
template names but is not given stops the build."""

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"

__all__ = ["Markup", "html", "macro"]


@lru_cache(maxsize=None)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def html(template: str, **values) -> str:
    """A whole template filled with `values`."""
    return _environment().get_template(template).render(**values)


def macro(template: str, name: str):
    """One macro of a template that holds several blocks (call it with its values; it returns HTML)."""
    return getattr(_environment().get_template(template).module, name)
