"""Sphinx extension of the book: every page stamped with the book's version, build date and source (one source of
truth: sentaway.__version__, sentaway.publish.stamp), since _config.yml cannot read files (the stamp's words are in
book/words/stamp.yml); each page finished as Sphinx writes it (sentaway.publish.finish), so that an incremental build
writes and finishes only the pages whose sources changed, kept equal to a full build (sentaway.publish.incremental);
the search data put together at the end from every page's entry."""

import html
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from markdown_it import MarkdownIt
from packaging.version import Version
from sphinx.errors import ExtensionError

from sentaway import __version__
from sentaway.analysis import coverage, numbers, words
from sentaway.publish import citation, council_pages, csp, finish, formulas, icons, incremental, releases, search, stamp


def _repository(config) -> str:
    return ((config.html_theme_options or {}).get("repository_url", "") or "https://github.com/sent-away/sent-away").rstrip("/")


def _source_html(repository: str, state: tuple[str, bool]) -> str:
    """Where the site was built from (book/words/stamp.yml's Markdown), as the HTML that replaces the marker."""
    sha, dirty = state
    said = words.say("stamp", "source.commit", sha=sha, repository=repository, dirty=dirty) if sha else \
        words.say("stamp", "source.unknown", repository=repository)
    return MarkdownIt("commonmark").renderInline(said).replace("<a href=", '<a class="reference external" href=')


def _version_note() -> str:
    """Said after the version where it is a development one (set by make release after a release)."""
    if not Version(__version__).is_devrelease:
        return ""
    recorded = releases.load_all()
    return words.say("stamp", "development", released=recorded[-1].version if recorded else "none")


def _stamp(app, config):
    today = stamp.today()
    config.version = config.release = __version__
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = words.say("stamp", "footer", version=__version__, today=numbers.date(today))
    config.html_theme_options = options
    # Unset, the theme logs "invalid theme mode" as a console error on every page.
    config.html_context = {**(config.html_context or {}), "default_mode": "auto"}
    substitutions = dict(config.myst_substitutions or {})
    cited = {**citation.credits(), **citation.page_citation("index")}
    # {{ source }}: a marker, filled in as each page is written (what the tree is changes with every commit and edit;
    # as configuration it would make Sphinx read every page again): sentaway.publish.incremental.outdated
    substitutions.update({"version": __version__, "build_date": numbers.date(today), "baseurl": config.html_baseurl or "",
                          "source": incremental.SOURCE_MARKER, "version_note": _version_note(),
                          "authors": cited["authors"], "publisher": cited["publisher"], "cite_address": cited["address"]})
    # What the data hold, for prose that names the releases and their years ({{ ees_years }}: sentaway.analysis.coverage).
    substitutions.update(coverage.facts())
    config.myst_substitutions = substitutions


SEARCH_ENTRIES = "sentaway-search"  # beside Sphinx's environment: each written page's search entry
COUNCILS_KEPT = "sentaway-council-pages.json"  # and what each council page was finished from
CSV_KEPT = "sentaway-csv.json"  # and each CSV as it was left safe
TEMPLATES = "sentaway-jinja"  # and the theme's templates, compiled (Jinja's bytecode cache)


def warm() -> None:
    """What the first page written would otherwise pay for, done while the build waits for its sources: the search
    entry's CSS selectors compiled."""
    search.entry("warm", '<html><head><title>t</title></head><body><article class="bd-article">t</article></body></html>')


def _finish_pages(app):
    """builder-inited: every page Sphinx writes is finished as it is written (Sphinx offers no hook on a page's final
    HTML, so its template renderer is wrapped: a full HTML document rendered for a page is that page). The theme's
    templates are compiled once and kept (Jinja checks each against its source's checksum before using it)."""
    if app.builder.format != "html":
        return
    compiled = Path(app.doctreedir) / TEMPLATES
    compiled.mkdir(parents=True, exist_ok=True)
    app.builder.templates.environment.bytecode_cache = FileSystemBytecodeCache(str(compiled))
    render = app.builder.templates.render
    state = {}

    def rendered(template, context):
        text = render(template, context)
        pagename = context.get("pagename")
        if not pagename or not text.lstrip().lower().startswith("<!doctype html"):
            return text
        if "pages" not in state:
            drawn = icons.defined(icons.STYLESHEET.read_text(encoding="utf-8"))
            state["pages"] = finish.Pages(drawn, releases.renames(), app.env.found_docs,
                                          Path(app.doctreedir) / SEARCH_ENTRIES,
                                          _source_html(_repository(app.config), incremental.tree_state(app)))
        try:
            return state["pages"].page(pagename, text)
        except (csp.PolicyError, icons.IconError) as error:
            raise ExtensionError(str(error)) from None

    app.builder.templates.render = rendered


def _finish_site(app, exception):
    """build-finished: the council pages from their frame, the search data from every page's entry, the theme's Font
    Awesome files out, and whatever a full build would not have made removed."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    # The council pages, from the frame finished as it was written (sentaway.publish.council_pages); their policies
    # name them, so the scripts the pages may run are known from every page's name, theirs included.
    names = [body.stem for body in council_pages.bodies(app.srcdir)]
    known = csp.known_scripts([*app.env.found_docs, *names])

    def finished(name, page):
        try:
            return csp.with_policy(page, known, f"{name}.html")
        except csp.PolicyError as error:
            raise ExtensionError(str(error)) from None

    kept = Path(app.doctreedir)
    # Every CSV offered opens in a spreadsheet without running a formula: checked on a second core (a fork of this
    # process) while the council pages are finished.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        csvs = pool.submit(formulas.neutralise_site, outdir, kept / CSV_KEPT)
        try:
            councils, entries = council_pages.add_to_site(outdir, Path(app.srcdir),
                                                          lambda name: meta_tags(app.config.html_baseurl, name), finished,
                                                          kept / COUNCILS_KEPT, json.dumps(sorted(known)))
        except ValueError as error:
            raise ExtensionError(str(error)) from None
        csvs.result()
    search.write_data(outdir, Path(app.doctreedir) / SEARCH_ENTRIES, app.env.found_docs, entries)
    icons.finish_static(outdir, icons.theme_static())
    incremental.sweep(app, councils)
    _policy_on_every_file(outdir, [*app.env.found_docs, *councils])


def _policy_on_every_file(outdir: Path, pagenames) -> None:
    """Every HTML file of the site carries the policy: the pages got theirs as they were written; any other (a file
    copied as it is) gets it here, and the theme's HTML under _static/ (the Jinja source of its layout,
    webpack-macros.html, never a page) is not published."""
    known = None
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir)
        if "_static" in rel.parts:
            path.unlink()
        elif csp.HEAD + csp.META_START not in path.read_text(encoding="utf-8"):
            known = known or csp.known_scripts(pagenames)
            try:
                csp.add_policy(path, known, rel.as_posix())
            except csp.PolicyError as error:
                raise ExtensionError(str(error)) from None


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


def meta_tags(baseurl: str, pagename: str) -> str:
    """What a page's "copy citation" buttons (book/assets/sentaway-register.js) cite: who wrote and publishes the
    book (CITATION.cff), its version and build date, and the absolute address to cite (sentaway.publish.citation:
    a release's permanent address; for a development build, the last release's)."""
    base = (baseurl or "").rstrip("/") + "/"
    cited = {**citation.credits(), **citation.page_citation(pagename)}
    values = {"version": __version__, "built": stamp.today(), "canonical": f"{base}{pagename}.html",
              "authors": cited["authors"], "publisher": cited["publisher"], "address": cited["address"],
              "development": cited["development"], "release-claims": cited["claims"]}
    return "".join(f'<meta name="sentaway:{name}" content="{html.escape(value)}">\n' for name, value in values.items())


def _page_meta(app, pagename, templatename, context, doctree):
    context["metatags"] = context.get("metatags", "") + meta_tags(app.config.html_baseurl, pagename)


def setup(app):
    app.connect("config-inited", _stamp)
    app.connect("html-page-context", _page_meta)
    app.connect("html-page-context", _chart_scripts_where_charts_are)
    app.connect("builder-inited", _finish_pages)
    app.connect("env-get-outdated", incremental.outdated)
    app.connect("doctree-read", incremental.note_stamped)
    app.connect("env-before-read-docs", incremental.before_read)
    app.connect("env-get-updated", incremental.updated)
    app.connect("write-started", incremental.before_write)
    app.connect("html-collect-pages", incremental.drop_empty_terms)
    app.connect("html-collect-pages", council_pages.frame_page)
    app.connect("build-finished", _finish_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
