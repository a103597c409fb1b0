"""Where each official figure came from and where each quote was said, as links, from one committed list each:
data/release_links.csv (a release label -> the publisher's page for it, with that page's title) and
data/quote_links.csv (a source text -> the page where it was said or published, with its title). A link's text is
the release it names when the page is that release's own, else the title of the page it leads to, so no link
names a document other than the one it opens."""

import csv
import html
from functools import lru_cache

from sentaway.paths import data_file
from sentaway.read.extracts import release_links

RELEASE_PAGE = "release page"


def release_parts(release: str) -> list[str]:
    """The releases a cell names ('CLA YYYY (EES); SFRnn/YYYY')."""
    return [part.strip() for part in str(release or "").split(";") if part.strip()]


def release_link(label: str) -> str:
    """One release, linked to its publisher's page: the label itself where the page is the release's own, else
    the label and the page's title; the label alone where the list has no page for it."""
    link = release_links().get(label)
    text = html.escape(label)
    if not link:
        return text
    url, title = html.escape(link["url"]), html.escape(link["title"])
    if link["page"] == RELEASE_PAGE:
        return f'<a href="{url}" class="sa-release" rel="external" title="{title}">{text}</a>'
    return f'{text} (<a href="{url}" class="sa-release" rel="external">{title}</a>)'


def release_html(release: str) -> str:
    """Each release a figure came from, linked (release_link), joined by '; '."""
    return "; ".join(release_link(part) for part in release_parts(release))


def unlinked(labels) -> list[str]:
    """The release labels among `labels` (cells) that data/release_links.csv gives no page."""
    return sorted({part for cell in labels for part in release_parts(cell) if part not in release_links()})


@lru_cache(maxsize=None)
def quote_links() -> dict[str, dict]:
    """data/quote_links.csv: a source text (seed file) -> {outlet, title, url, note}; url '' where none is known."""
    with open(data_file("quote_links.csv"), encoding="utf-8", newline="") as handle:
        return {row["seed_file"]: row for row in csv.DictReader(handle)}


def said_at(seed_file: str) -> dict:
    """Where a text was said or published: {url, title, note} ('' where the list records no address)."""
    row = quote_links().get(str(seed_file or ""), {})
    return {"url": row.get("url", ""), "title": row.get("title", ""), "note": row.get("note", "")}
