"""What a citation of this build names, each declared once: the authors and the publisher in CITATION.cff (`authors`, and
`contact`, the publisher who answers for the book), the book's address and its repository in _config.yml
(`html.baseurl`, `repository.url`); and the address a page's citations give (page_citation). Read by the pages'
citations (sphinx_ext.py) and the About page (pages.py)."""

import zipfile
from functools import lru_cache

import yaml
from packaging.version import Version

from sentaway import __version__
from sentaway.paths import REPO
from sentaway.publish import releases as store

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


def _archive_pages(release) -> set[str]:
    """The pages of a recorded release's deposited archive, each as the latest layout names it."""
    archive = store.deposited(release)
    if not archive.is_file():
        return set()
    moves = store.moves()
    with zipfile.ZipFile(archive) as zipped:
        names = [n.split("/", 2)[2] for n in zipped.namelist() if n.count("/") >= 2 and n.split("/")[1] == "site"]
    return {moves.get(name, name) for name in names if name.endswith(".html")}


@lru_cache(maxsize=None)
def _last_release() -> tuple[str, frozenset, frozenset]:
    """(version, its pages as now named, its claim ids) of the newest recorded release; ('', ...) if none."""
    recorded = store.load_all()
    if not recorded:
        return "", frozenset(), frozenset()
    last = recorded[-1]
    claims = frozenset(row["claim_id"] for row in store.register(last.version))
    return last.version, frozenset(_archive_pages(last)), claims


def page_citation(pagename: str) -> dict:
    """What a page's copy-citation buttons cite: {address, development, claims}. A release cites its permanent
    address (v<version>/<page>); a development build is no release, so it cites the same page of the last
    release (`development`: that version) and lists the claims that release holds (a claim it lacks is cited at
    the page alone)."""
    base, page = credits()["baseurl"], f"{pagename}.html"
    if not Version(__version__).is_devrelease:
        return {"address": f"{base}v{__version__}/{page}", "development": "", "claims": ""}
    version, pages, claims = _last_release()
    if not version:
        return {"address": f"{base}{page}", "development": "none", "claims": ""}
    target = page if page in pages else "index.html"
    return {"address": f"{base}v{version}/{target}", "development": version,
            "claims": " ".join(sorted(claims)) if target == page else ""}
