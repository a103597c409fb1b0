"""How much a reader's browser downloads for each page of the built site: the page and every local file it
loads with scripting on (shared assets counted for every page that loads them)."""

import html.parser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LIMIT_BYTES = int(1.5 * 1024 * 1024)  # the publication's budget for one page with its assets


class _Refs(html.parser.HTMLParser):
    """What a page loads with scripting on: <noscript> content (static chart SVGs) is not fetched then."""

    def __init__(self):
        super().__init__()
        self.refs = set()
        self.in_noscript = 0

    def handle_endtag(self, tag):
        if tag == "noscript":
            self.in_noscript -= 1

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "noscript":
            self.in_noscript += 1
        if self.in_noscript:
            return
        if tag == "script" and attrs.get("src"):
            self.refs.add(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").split()
            if "stylesheet" in rel or "icon" in rel or attrs.get("as") in ("script", "style", "font"):
                self.refs.add(attrs["href"])
        elif tag in ("img", "source") and attrs.get("src"):
            self.refs.add(attrs["src"])


def page_weights(site: Path) -> tuple[int, list[tuple[int, str]]]:
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = []
    for page in site.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        files = {page.resolve()}
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # remote or data: URIs are not the site's own bytes
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_file():
                files.add(target)
        pages.append((sum(f.stat().st_size for f in files), str(page.relative_to(site))))
    return total, sorted(pages, reverse=True)
