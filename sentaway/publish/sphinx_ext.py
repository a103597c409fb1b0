"""Sphinx extension: stamps every page with the book's version and build date (one source of truth:
sentaway.__version__), since _config.yml cannot read files; the stamp's words are in book/words/stamp.yml."""

import datetime as dt
import html
import re
import subprocess
from pathlib import Path

import pydata_sphinx_theme
from packaging.version import Version

from sentaway import __version__
from sentaway.analysis import coverage, numbers, words
from sentaway.paths import REPO
from sentaway.publish import anchors, citation, council_pages, formulas, releases, search
from sentaway.publish.csp import add_to_site
from sentaway.publish.icons import replace_in_site, theme_script


def source_commit() -> tuple[str, bool]:
    """(the commit the build came from, whether the working tree had uncommitted changes); ('', False)
    where git or the history is absent (an unpacked archive)."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip() != ""
        return sha, dirty
    except (OSError, subprocess.CalledProcessError):
        return "", False


def _source_markdown(repository: str) -> str:
    sha, dirty = source_commit()
    if not sha:
        return words.say("stamp", "source.unknown", repository=repository)
    return words.say("stamp", "source.commit", sha=sha, repository=repository, dirty=dirty)


def _version_note() -> str:
    """Said after the version where it is a development one (set by make release after a release)."""
    if not Version(__version__).is_devrelease:
        return ""
    recorded = releases.load_all()
    return words.say("stamp", "development", released=recorded[-1].version if recorded else "none")


def _stamp(app, config):
    today = dt.date.today().isoformat()
    config.version = config.release = __version__
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = words.say("stamp", "footer", version=__version__, today=numbers.date(today))
    config.html_theme_options = options
    # Unset, the theme logs "invalid theme mode" as a console error on every page.
    config.html_context = {**(config.html_context or {}), "default_mode": "auto"}
    substitutions = dict(config.myst_substitutions or {})
    repository = (config.html_theme_options or {}).get("repository_url", "") or "https://github.com/sent-away/sent-away"
    cited = {**citation.credits(), **citation.page_citation("index")}
    substitutions.update({"version": __version__, "build_date": numbers.date(today), "baseurl": config.html_baseurl or "",
                          "source": _source_markdown(repository.rstrip("/")), "version_note": _version_note(),
                          "authors": cited["authors"], "publisher": cited["publisher"], "cite_address": cited["address"]})
    # What the data hold, for prose that names the releases and their years ({{ ees_years }}: sentaway.analysis.coverage).
    substitutions.update(coverage.facts())
    config.myst_substitutions = substitutions


def _finish(app, exception):
    """Lighten and secure the built site: lean icons instead of Font Awesome's script, the CSP, and CSV downloads a
    spreadsheet opens as data."""
    if exception is None and app.builder.format == "html":
        static = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
        replace_in_site(Path(app.outdir), theme_script(static))
        _focusable_table_wrappers(Path(app.outdir))
        _static_header_buttons(Path(app.outdir))
        # After the steps above (the frame gets them once, each copy with it), before the search and the policy.
        councils, entries = council_pages.add_to_site(Path(app.outdir), Path(app.srcdir),
                                                      lambda name: meta_tags(app.config.html_baseurl, name))
        search.add_to_site(Path(app.outdir), entries)
        anchors.add_to_site(Path(app.outdir), releases.renames())  # old ids of renamed claims and of gone charts still land
        add_to_site(Path(app.outdir), [*app.env.found_docs, *councils])
        formulas.neutralise_site(Path(app.outdir))  # every CSV offered opens in a spreadsheet without running a formula


# The chart libraries (_config.yml html_js_files): loaded only by the pages that draw a chart.
CHART_SCRIPTS = {"vendor/vega.min.js", "vendor/vega-interpreter.js", "vendor/vega-embed.min.js", "sentaway-charts.js"}


# The council list's finder: loaded only by the page that has the list.
FINDER_SCRIPT = "sentaway-councils.js"


def _chart_scripts_where_charts_are(app, pagename, templatename, context, doctree):
    """A page without a chart does not load Vega (about 900 KB), and a page without the council list not its finder:
    their scripts are filtered in place (Sphinx gives every page the same list and restores it before the next)."""
    body = context.get("body", "")
    unused = (CHART_SCRIPTS if 'class="sa-chart"' not in body else set()) | \
        ({FINDER_SCRIPT} if "data-sa-council-finder" not in body else set())
    if unused:
        scripts = context.get("script_files", [])
        scripts[:] = [s for s in scripts if str(getattr(s, "filename", s)).removeprefix("_static/") not in unused]


# The theme writes its header buttons with inline document.write() scripts; the same buttons are written into the page
# as plain HTML instead (no inline script needed), and the search field's button is named by what it shows ("Search
# Ctrl+K"), not aria-label="Search" alone, which axe reports (label-content-name-mismatch, serious).
WRITTEN_BUTTON = re.compile(r"<script>\s*document\.write\(`(\s*<button\b.*?</button>\s*)`\);\s*</script>", re.S)


def _static_header_buttons(outdir) -> None:
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = WRITTEN_BUTTON.sub(lambda m: m.group(1).replace(
            'search-button-field search-button__button" title="Search" aria-label="Search"',
            'search-button-field search-button__button" title="Search"'), text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _focusable_table_wrappers(outdir) -> None:
    """The theme wraps Markdown tables in a div that scrolls sideways on a phone; keyboard users must be able
    to focus it to scroll it (the book's own tables carry tabindex themselves)."""
    wrapper = '<div class="pst-scrollable-table-container">'
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        if wrapper in text:
            page.write_text(text.replace(wrapper, '<div class="pst-scrollable-table-container" tabindex="0">'),
                            encoding="utf-8")


def meta_tags(baseurl: str, pagename: str) -> str:
    """What a page's "copy citation" buttons (book/assets/sentaway-register.js) cite: who wrote and publishes the
    book (CITATION.cff), its version and build date, and the absolute address to cite (sentaway.publish.citation:
    a release's permanent address; for a development build, the last release's)."""
    base = (baseurl or "").rstrip("/") + "/"
    cited = {**citation.credits(), **citation.page_citation(pagename)}
    values = {"version": __version__, "built": dt.date.today().isoformat(), "canonical": f"{base}{pagename}.html",
              "authors": cited["authors"], "publisher": cited["publisher"], "address": cited["address"],
              "development": cited["development"], "release-claims": cited["claims"]}
    return "".join(f'<meta name="sentaway:{name}" content="{html.escape(value)}">\n' for name, value in values.items())


def _page_meta(app, pagename, templatename, context, doctree):
    context["metatags"] = context.get("metatags", "") + meta_tags(app.config.html_baseurl, pagename)


def setup(app):
    app.connect("config-inited", _stamp)
    app.connect("html-page-context", _page_meta)
    app.connect("html-page-context", _chart_scripts_where_charts_are)
    app.connect("html-collect-pages", council_pages.frame_page)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
