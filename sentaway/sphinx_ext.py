"""Sphinx extension: stamps every page with the book's version and build date (one source of truth:
sentaway.__version__), since _config.yml cannot read files."""

import datetime as dt

from . import __version__


def _stamp(app, config):
    today = dt.date.today().isoformat()
    config.version = config.release = __version__
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (
        f'<p class="sa-stamp">Sent Away, version {__version__}, built {today}. Data: Department for Education, '
        "<em>Children looked after in England</em> releases 2010-2024 (Open Government Licence v3.0).</p>"
    )
    config.html_theme_options = options
    # Unset, the theme logs "invalid theme mode" as a console error on every page.
    config.html_context = {**(config.html_context or {}), "default_mode": "auto"}
    substitutions = dict(config.myst_substitutions or {})
    substitutions.update({"version": __version__, "build_date": today, "baseurl": config.html_baseurl or ""})
    config.myst_substitutions = substitutions


def _finish(app, exception):
    """Lighten and secure the built pages: lean icons instead of Font Awesome's script, then the CSP."""
    if exception is None and app.builder.format == "html":
        from pathlib import Path

        import pydata_sphinx_theme

        from .csp import add_to_site
        from .icons import replace_in_site, theme_script

        static = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
        replace_in_site(Path(app.outdir), theme_script(static))
        _focusable_table_wrappers(Path(app.outdir))
        add_to_site(Path(app.outdir))


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


def setup(app):
    app.connect("config-inited", _stamp)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
