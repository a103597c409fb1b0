"""A Content-Security-Policy for every built page: nothing loads from outside the site, no eval, and
only the scripts the site itself ships may run.

Scripts the site ships are files under _static (allowed by 'self') and a fixed list of short inline
scripts and event handlers that the theme writes (KNOWN_SCRIPTS, KNOWN_HANDLERS, plus the one line per
page naming the page, built from the page names Sphinx knows, never read from the finished page). Each
is allowed by its sha256 hash. A page holding any other inline script or handler is not published: the
build stops naming the page, since it can only mean that some input reached the HTML unescaped. Data
blocks (application/json chart specs, application/ld+json ClaimReviews) are not scripts and need nothing.
"""

import base64
import hashlib
import html.parser
import re
from pathlib import Path

DATA_TYPES = ("application/json", "application/ld+json")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")

# Written by pydata-sphinx-theme 0.15.4 / sphinx-book-theme 1.1.4 (pinned in requirements.txt; the document.write
# buttons are 0.15's search and theme switchers) and earlier pins; a theme that
# writes other inline scripts stops the build (PolicyError) until they are listed here.
KNOWN_SCRIPTS = (
    '\n    document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";\n'
    '    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";\n  ',
    "DOCUMENTATION_OPTIONS.search_as_you_type = false;",
    '\n    // Activate the search field on page load\n    let searchInput = document.querySelector("form.bd-search input");\n'
    '    if (searchInput) {\n        searchInput.focus();\n        searchInput.select();\n'
    '        console.log("[PST]: Set focus on search field.");\n    }\n  ',
    '\n document.write(`\n   <button class="btn search-button-field search-button__button" title="Search" aria-label="Search" data-bs-placement="bottom" data-bs-toggle="tooltip">\n    <i class="fa-solid fa-magnifying-glass"></i>\n    <span class="search-button__default-text">Search</span>\n    <span class="search-button__kbd-shortcut"><kbd class="kbd-shortcut__modifier">Ctrl</kbd>+<kbd class="kbd-shortcut__modifier">K</kbd></span>\n   </button>\n `);\n ',
    '\ndocument.write(`\n  <button class="btn btn-sm nav-link pst-navbar-icon theme-switch-button" title="light/dark" aria-label="light/dark" data-bs-placement="bottom" data-bs-toggle="tooltip">\n    <i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"></i>\n    <i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark"></i>\n    <i class="theme-switch fa-solid fa-circle-half-stroke fa-lg" data-mode="auto"></i>\n  </button>\n`);\n',
    '\ndocument.write(`\n  <button class="btn btn-sm pst-navbar-icon search-button search-button__button" title="Search" aria-label="Search" data-bs-placement="bottom" data-bs-toggle="tooltip">\n    <i class="fa-solid fa-magnifying-glass fa-lg"></i>\n  </button>\n`);\n',
)
KNOWN_HANDLERS = ("toggleFullScreen()", "window.print()")
SPECIAL_PAGES = ("genindex", "search")


class PolicyError(RuntimeError):
    """A page holds a script the site does not ship."""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def known_scripts(pagenames) -> set[str]:
    return set(KNOWN_SCRIPTS) | {f"DOCUMENTATION_OPTIONS.pagename = '{name}';" for name in (*pagenames, *SPECIAL_PAGES)}


class _Scripts(html.parser.HTMLParser):
    """The page's inline scripts, event-handler attributes and javascript: URLs, as a browser parses them
    (so text that merely looks like markup, escaped, is not mistaken for it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self._body: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(value or "")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().replace("\t", "").startswith("javascript:"):
                self.urls.append(value)
        if tag == "script":
            kinds = dict(attrs)
            if "src" in kinds or (kinds.get("type") or "").strip().lower() in DATA_TYPES:
                self._body = None
            else:
                self._body = []

    def handle_data(self, data):
        if self._body is not None:
            self._body.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._body is not None:
            self.scripts.append("".join(self._body))
            self._body = None


def policy(page: str, known: set[str], name: str = "page") -> str:
    """The page's policy; PolicyError if it holds an inline script or handler not in the known lists."""
    found = _Scripts()
    found.feed(page)
    found.close()
    for body in found.scripts:
        if body not in known:
            raise PolicyError(f"{name}: holds an inline script the site does not ship ({body.strip()[:80]!r}); "
                              "some input reached the page unescaped, so the page is not published")
    for code in found.handlers:
        if code not in KNOWN_HANDLERS:
            raise PolicyError(f"{name}: holds an event handler the site does not ship ({code[:80]!r})")
    if found.urls:
        raise PolicyError(f"{name}: holds a javascript: link ({found.urls[0][:80]!r})")
    scripts = sorted({_hash(body) for body in found.scripts})
    handlers = sorted({_hash(code) for code in found.handlers})
    script_src = " ".join(["'self'"] + scripts + (["'unsafe-hashes'"] + handlers if handlers else []))
    return ("default-src 'self'; script-src " + script_src + "; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'")


def add_policy(path: Path, known: set[str], name: str = "") -> None:
    page = path.read_text(encoding="utf-8")
    name = name or str(path)
    if "<head>" not in page:
        raise PolicyError(f"{name}: has no <head>, so it cannot carry the Content-Security-Policy; it is not published")
    earlier = None
    stamped = page.find(HEAD + META_START)
    if stamped >= 0:
        # A page an earlier run of this step stamped, which an incremental Sphinx build left as it was: its stamp
        # is set aside and made again; the page is left untouched when the two are the same.
        end = page.index(">", stamped + len(HEAD)) + 1
        earlier, page = page[stamped + len(HEAD):end], page[:stamped] + "<head>" + page[end:]
    if re.search(r"http-equiv\s*=\s*[\"']?Content-Security-Policy", page, re.I):
        raise PolicyError(f"{name}: already holds a Content-Security-Policy, which only this step writes")
    meta = f'{META_START}{policy(page, known, name)}">'
    if meta != earlier:
        path.write_text(page.replace("<head>", HEAD + meta, 1), encoding="utf-8")


HEAD, META_START = "<head>\n    ", '<meta http-equiv="Content-Security-Policy" content="'  # where this step stamps


def add_to_site(outdir: Path, pagenames) -> None:
    """Every HTML file of the built site carries the policy. The theme's HTML under _static/ is the Jinja source of
    its layout (webpack-macros.html), never a page: it is not published."""
    known = known_scripts(pagenames)
    for path in sorted(outdir.rglob("*.html")):
        if "_static" in path.relative_to(outdir).parts:
            path.unlink()
        else:
            add_policy(path, known, path.relative_to(outdir).as_posix())
