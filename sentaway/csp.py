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
import re
from pathlib import Path

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
DATA_TYPES = ("application/json", "application/ld+json")

# Written by pydata-sphinx-theme 0.17.1 / sphinx-book-theme 1.3.0 (pinned in requirements.txt); a theme that
# writes other inline scripts stops the build (PolicyError) until they are listed here.
KNOWN_SCRIPTS = (
    '\n    document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";\n'
    '    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";\n  ',
    "DOCUMENTATION_OPTIONS.search_as_you_type = false;",
    '\n    // Activate the search field on page load\n    let searchInput = document.querySelector("form.bd-search input");\n'
    '    if (searchInput) {\n        searchInput.focus();\n        searchInput.select();\n'
    '        console.log("[PST]: Set focus on search field.");\n    }\n  ',
)
KNOWN_HANDLERS = ("toggleFullScreen()", "window.print()")
SPECIAL_PAGES = ("genindex", "search")


class PolicyError(RuntimeError):
    """A page holds a script the site does not ship."""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def known_scripts(pagenames) -> set[str]:
    return set(KNOWN_SCRIPTS) | {f"DOCUMENTATION_OPTIONS.pagename = '{name}';" for name in (*pagenames, *SPECIAL_PAGES)}


def _type(attrs: str) -> str:
    found = TYPE.search(attrs)
    return next((g for g in found.groups() if g is not None), "").strip().lower() if found else ""


def policy(page: str, known: set[str], name: str = "page") -> str:
    """The page's policy; PolicyError if it holds an inline script or handler not in the known lists."""
    scripts = set()
    for attrs, body in SCRIPT.findall(page):
        if re.search(r"\bsrc\s*=", attrs, re.I):
            if body.strip():
                raise PolicyError(f"{name}: a <script src> with a body")
            continue
        if _type(attrs) in DATA_TYPES:
            continue
        if body not in known:
            raise PolicyError(f"{name}: holds an inline script the site does not ship ({body.strip()[:80]!r}); "
                              "some input reached the page unescaped, so the page is not published")
        scripts.add(_hash(body))
    outside_scripts = SCRIPT.sub("", page)
    handlers = set()
    for groups in HANDLER.findall(outside_scripts):
        code = next(g for g in groups if g is not None) if any(g is not None for g in groups) else ""
        if code not in KNOWN_HANDLERS:
            raise PolicyError(f"{name}: holds an event handler the site does not ship ({code[:80]!r})")
        handlers.add(_hash(code))
    if re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", outside_scripts, re.I):
        raise PolicyError(f"{name}: holds a javascript: link")
    script_src = " ".join(["'self'"] + sorted(scripts) + (["'unsafe-hashes'"] + sorted(handlers) if handlers else []))
    return ("default-src 'self'; script-src " + script_src + "; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'")


def add_policy(path: Path, known: set[str], name: str = "") -> None:
    page = path.read_text(encoding="utf-8")
    name = name or str(path)
    if "<head>" not in page:
        return
    if re.search(r"http-equiv\s*=\s*[\"']?Content-Security-Policy", page, re.I):
        raise PolicyError(f"{name}: already holds a Content-Security-Policy, which only this step writes")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(page, known, name)}">'
    path.write_text(page.replace("<head>", "<head>\n    " + meta, 1), encoding="utf-8")


def add_to_site(outdir: Path, pagenames) -> None:
    known = known_scripts(pagenames)
    for path in sorted(outdir.rglob("*.html")):
        if "_static" not in path.parts:
            add_policy(path, known, path.relative_to(outdir).as_posix())
