"""The council pages, put into the book's page frame in one step.

notebooks/councils.ipynb writes each council's page body as a side file, book/executed/councils/<page>.html
(sentaway/present/council_pages.py). Building 160 more pages through Sphinx would cost most of a cold build's time
(about 30 ms a page for the theme's navigation alone), so Sphinx renders one frame page instead, TEMPLATE, through the
theme like any page (header, navigation, stamp, the site's scripts and styles, the citation meta tags), with markers
where a page's title and body go; at the end of the build each body is put into a copy of that frame, the frame's
page name is replaced by the council page's (its address, canonical link and meta tags: sphinx_ext.meta_tags), and
the frame itself is removed. The copies then go through the site's last steps like every page (the search data, the
Content-Security-Policy), so a council page is held to the same rules as the rest of the book. The frame is finished
as Sphinx writes it like every page (sentaway.publish.finish), except for what names the page: it has no search entry
of its own and no policy, which each copy gets here; the frame and its copies are written on every Sphinx run (an
incremental one too), since every page's navigation is theirs. Finishing a copy (its policy: the whole page parsed)
is most of that cost, so a copy is finished again only when what it is made of changed (`kept`: the record of what each
was made from and what was written), which leaves the output as a full build writes it."""

import hashlib
import json
import re
from pathlib import Path

from sentaway.sidefiles import COUNCILS as AREA

TEMPLATE = "council-page-frame"
TITLE, BODY = "@@sa-council-title@@", "@@sa-council-body@@"
SEARCH = "search.json"
META = re.compile(r'(<meta name="sentaway:[^>]*>\n)+')
LIST_LINK = '<li class="toctree-l1"><a class="reference internal" href="councils.html">'


def bodies(srcdir: Path) -> list[Path]:
    """The council pages' bodies the notebook wrote, in the order of their names."""
    folder = Path(srcdir) / AREA
    return sorted(folder.glob("*.html")) if folder.is_dir() else []


def frame_page(app):
    """Sphinx html-collect-pages: the frame, rendered by the theme once, where there are council pages to frame."""
    if bodies(app.srcdir):
        yield TEMPLATE, {"title": TITLE, "body": BODY}, "page.html"


def _title(body: str, name: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", body, re.S)
    if not found:
        raise ValueError(f"{AREA}/{name}.html: a council page's body has no <h1> title")
    return found.group(1).strip()


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def add_to_site(outdir: Path, srcdir: Path, meta_tags, finished=lambda name, page: page, kept: Path | None = None,
                salt: str = "") -> tuple[list[str], list[dict]]:
    """Write every council page into the site from the frame; return their page names and their entries for the site
    search. `meta_tags(pagename)`: the page's sentaway:* meta tags (sphinx_ext.meta_tags); `finished(name, page)`: the
    page as published (its Content-Security-Policy, which names the page, so a copy's cannot be the frame's). With
    `kept` (a file beside Sphinx's environment), a page whose unfinished text and `salt` (what else `finished` reads)
    are those of the last build, and whose written file is still what that build wrote, is not finished again."""
    frame_file = Path(outdir) / f"{TEMPLATE}.html"
    found = bodies(srcdir)
    before = json.loads(kept.read_text(encoding="utf-8")) if kept is not None and kept.is_file() else {}
    if kept is not None:
        kept.unlink(missing_ok=True)  # rewritten when every page is written: a run that stops keeps no record
    if not found:
        frame_file.unlink(missing_ok=True)
        return [], []
    frame = frame_file.read_text(encoding="utf-8")
    for marker in (TITLE, BODY, TEMPLATE):
        if marker not in frame:
            raise ValueError(f"{frame_file.name}: the theme no longer writes {marker!r} where the frame expects it")
    # The council pages sit under the council list in the book's navigation.
    frame = frame.replace(LIST_LINK, LIST_LINK.replace('"toctree-l1"', '"toctree-l1 current active"'), 1)
    names, record, salt = [], {}, _sha(salt)
    for body_file in found:
        name = body_file.stem
        body = body_file.read_text(encoding="utf-8")
        page = META.sub(lambda m: meta_tags(name), frame, count=1).replace(TEMPLATE, name)
        page = page.replace(TITLE, _title(body, name)).replace(BODY, body)
        target = Path(outdir) / f"{name}.html"
        made_from = _sha(f"{salt}\0{name}\0{page}")
        last = before.get(name)
        if last and last[0] == made_from and target.is_file() and _sha(target.read_bytes()) == last[1]:
            record[name] = last
        else:
            text = finished(name, page)
            target.write_text(text, encoding="utf-8")
            record[name] = [made_from, _sha(text)]
        names.append(name)
    frame_file.unlink()
    if kept is not None:
        kept.write_text(json.dumps(record), encoding="utf-8")
    search_file = Path(srcdir) / AREA / SEARCH
    entries = json.loads(search_file.read_text(encoding="utf-8")) if search_file.is_file() else []
    return names, entries
