"""Who stands behind the book, declared once: the authors and the publisher in CITATION.cff (`authors`, and
`contact`, the publisher who answers for the book), the book's address and its repository in _config.yml
(`html.baseurl`, `repository.url`). Read by the pages' citations (sphinx_ext.py) and the About page (pages.py)."""

from functools import lru_cache

import yaml

from sentaway.paths import REPO

CITATION = REPO / "CITATION.cff"
CONFIG = REPO / "_config.yml"


class CreditsError(ValueError):
    pass


def _load(path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise CreditsError(f"{path.name}: cannot be read ({error})") from None


def _names(entities, path, key) -> list[str]:
    names = [str(e.get("name") or " ".join(filter(None, [e.get("given-names"), e.get("family-names")])))
             for e in entities or [] if isinstance(e, dict)]
    if not names or not all(names):
        raise CreditsError(f"{path.name}: `{key}` must name at least one person or group")
    return names


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@lru_cache(maxsize=None)
def credits() -> dict:
    """{authors, publisher, baseurl, repository, issues}: as the citations and the About page name them."""
    cff, config = _load(CITATION), _load(CONFIG)
    authors = _joined(_names(cff.get("authors"), CITATION, "authors"))
    publisher = _joined(_names(cff.get("contact"), CITATION, "contact"))
    repository = str((config.get("repository") or {}).get("url") or "").rstrip("/")
    baseurl = str((config.get("html") or {}).get("baseurl") or "")
    return {"authors": authors, "publisher": publisher, "baseurl": baseurl if baseurl.endswith("/") else baseurl + "/",
            "repository": repository, "issues": repository + "/issues" if repository else ""}
