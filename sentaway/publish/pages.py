"""The pages no notebook makes, put beside the executed ones before Jupyter Book builds from book/executed/ (so every
page sits at the site's root): the hand-written pages of book/pages/ copied as they are, and the About page
written from book/templates/about.md.j2 with the corrections log computed from the recorded releases. A page is
written only when its text changed, so an unchanged page leaves the site's key as it was. The About page is computed
again only when something it is made from may have changed (its key: the recorded releases, the book's templates and
words, CITATION.cff, _config.yml and the package's code), so a build with nothing to do does not load pandas for it."""

import hashlib
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sentaway.paths import BUILD, REPO
from sentaway.analysis import numbers
from sentaway.publish import changes, citation
from sentaway.publish import releases as store

PAGES = REPO / "book" / "pages"
TEMPLATES = REPO / "book" / "templates"
QUOTE_CHARS = 90
ABOUT_RECORD = BUILD / "about.json"
# What the About page is made from (a superset: any of these changed, it is computed again).
ABOUT_INPUTS = (store.RELEASES, TEMPLATES, REPO / "book" / "words", REPO / "sentaway", REPO / "CITATION.cff", REPO / "_config.yml")


def _write(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def corrections(root: Path = store.RELEASES, current: set[str] | None = None) -> list[dict]:
    """Each recorded release after the first, newest first: the claims whose verdict it changed (before, after
    and why), and how many official figures changed and claims were added or removed. `current`: the claim ids of
    this build's register, which the log links to."""
    from sentaway.present.register_view import quote_parts  # pandas: only when the page is computed again

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


def _about_key() -> str:
    digest = hashlib.sha256()
    for top in ABOUT_INPUTS:
        for path in sorted(p for p in ([top] if top.is_file() else top.rglob("*")) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stage(executed: Path, current: set[str] | None = None) -> list[str]:
    """Put the pages no notebook makes into `executed` (book/executed/); their names."""
    names = []
    for page in sorted(PAGES.glob("*.md")):
        _write(executed / page.name, page.read_text(encoding="utf-8"))
        names.append(page.name)
    for left in executed.glob("*.md"):  # a page deleted from book/pages/ (the build writes the other two)
        if left.name not in names and left.name not in ("about.md", "build_status.md"):
            left.unlink()
    about, key = executed / "about.md", _about_key() if current is None else None
    kept = json.loads(ABOUT_RECORD.read_text()) if ABOUT_RECORD.is_file() else {}
    if key is None or kept.get("key") != key or not about.is_file() \
            or kept.get("sha") != hashlib.sha256(about.read_bytes()).hexdigest():
        _write(about, about_page(current=current))
        if key is not None:
            ABOUT_RECORD.parent.mkdir(parents=True, exist_ok=True)
            ABOUT_RECORD.write_text(json.dumps({"key": key, "sha": hashlib.sha256(about.read_bytes()).hexdigest()}))
    return names + ["about.md"]
