"""The pages no notebook makes, put beside the executed ones before Jupyter Book builds from book/executed/ (so every
page sits at the site's root): the hand-written pages of book/pages/ copied as they are, and the About page
written from book/templates/about.md.j2 with the corrections log computed from the recorded releases. A page is
written only when its text changed, so an unchanged page leaves the site's key as it was."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sentaway.paths import REPO
from sentaway.analysis import numbers
from sentaway.present.register_view import quote_parts
from sentaway.publish import changes, citation
from sentaway.publish import releases as store

PAGES = REPO / "book" / "pages"
TEMPLATES = REPO / "book" / "templates"
QUOTE_CHARS = 90


def _write(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def corrections(root: Path = store.RELEASES, current: set[str] | None = None) -> list[dict]:
    """Each recorded release after the first, newest first: the claims whose verdict it changed (before, after
    and why), and how many official figures changed and claims were added or removed. `current`: the claim ids of
    this build's register, which the log links to."""
    found = []
    for pair in changes.all_pairs(store.load_all(root), root):
        verdicts = []
        for change in pair.changed:
            fields = {f["column"]: f for f in change.fields}
            if "verdict" in fields:
                verdicts.append({"claim_id": change.claim_id, "quote": quote_parts(change.new, QUOTE_CHARS),
                                 "old": fields["verdict"]["old"], "new": fields["verdict"]["new"],
                                 "causes": change.causes, "here": current is None or change.claim_id in current})
        values = sum(any(f["group"] == "value" for f in change.fields) for change in pair.changed)
        found.append({"old": pair.old.version, "old_date": numbers.date(pair.old.date), "new": pair.new.version,
                      "new_date": numbers.date(pair.new.date), "verdicts": verdicts, "n_values": values,
                      "added": len(pair.added), "removed": len(pair.removed)})
    return found


def about_page(root: Path = store.RELEASES, current: set[str] | None = None) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    recorded = store.load_all(root)
    return env.get_template("about.md.j2").render(
        **citation.credits(), pairs=corrections(root, current), latest=recorded[-1].version if recorded else "none")


def stage(executed: Path, current: set[str] | None = None) -> list[str]:
    """Put the pages no notebook makes into `executed` (book/executed/); their names."""
    names = []
    for page in sorted(PAGES.glob("*.md")):
        _write(executed / page.name, page.read_text(encoding="utf-8"))
        names.append(page.name)
    _write(executed / "about.md", about_page(current=current))
    return names + ["about.md"]
