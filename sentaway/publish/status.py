"""The build status page, book/executed/build_status.md (book/templates/build_status.md.j2): each run (page) of each
notebook, its parameters, run time and result in the build that wrote it. What it was made from is kept in
_build/status.json, so a build that runs nothing writes it again from that (an edit to its template is published)."""

import json

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sentaway import __version__
from sentaway.paths import BUILD, REPO
from sentaway.publish import cache, stamp

STATUS_RECORD = BUILD / "status.json"  # what book/executed/build_status.md was last written from


def write(ran: list[str], merged: list[str] = (), date: str | None = None) -> None:
    """Write the page for a build that ran `ran` and merged new prose into `merged` (the others cached), on `date`."""
    date = date or stamp.today()
    rows = []
    for run in cache.runs({}):
        kept = cache.record(run.record_file)
        rows.append({"notebook": run.notebook.name,
                     "parameters": [f"{k} = {v!r}" for k, v in kept.get("parameters", {}).items()],
                     "result": "ran" if run.page in ran else "merged" if run.page in merged else "cached",
                     "seconds": kept.get("seconds", "?"), "finished": kept.get("finished", "?")})
    templates = Environment(loader=FileSystemLoader(REPO / "book" / "templates"), undefined=StrictUndefined,
                            autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    text = templates.get_template("build_status.md.j2").render(rows=rows, version=__version__, date=date)
    page = cache.EXECUTED / "build_status.md"
    if not page.exists() or page.read_text() != text:
        page.write_text(text)
    STATUS_RECORD.write_text(json.dumps({"ran": list(ran), "merged": list(merged), "date": date}))


def rewrite(merged: list[str]) -> None:
    """Nothing ran: the page still says what the build that made these outputs did, written again (only if it
    differs) from what that build kept, so an edit to the page's template is published too."""
    last = {} if merged else cache.record(STATUS_RECORD)
    write(last.get("ran", []), merged or last.get("merged", []), last.get("date"))
