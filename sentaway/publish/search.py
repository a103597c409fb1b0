"""Search that works from disk and finds claims: each page's readable text and the register's claims are written to
_static/sentaway-search-data.js, which book/assets/sentaway-search.js uses on the search page for excerpts (Sphinx's
own excerpts fetch each page, which a browser refuses for files opened from disk, and show nothing) and for the claims
and tables Sphinx does not index (HTML outputs).

A page's entry is taken as Sphinx writes the page (`entry`) and kept beside Sphinx's environment, one file a page, so
an incremental build reads again only the pages it wrote; the data file is put together from the entries of every
page of the book (`write_data`)."""

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

DATA = "sentaway-search-data.js"
# Not searched: Sphinx's own pages, and the build status page (it reports on one build, and is not the book's content).
SKIP_PAGES = {"search", "genindex", "build_status"}
MAX_CHARS = 36_000  # per page: enough for excerpts, small enough for the search page's weight budget
HOOK = '<script src="searchindex.js"></script>'


def _text(node) -> str:
    for tag in node.find_all(["script", "style", "noscript", "svg", "button"]):
        tag.decompose()
    for tag in node.select(".headerlink, .sa-chart-view, .sa-register-tools"):
        tag.decompose()
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def entry(pagename: str, text: str) -> dict:
    """A written page's part of the search data: {"page": {doc, title, text}, "claims": [the register's rows]}."""
    rel = f"{pagename}.html"
    soup = BeautifulSoup(text, "html.parser")
    article = soup.select_one("article.bd-article") or soup.body
    title = soup.title.get_text().split(" — ")[0].strip() if soup.title else rel
    claims = [{"id": row["data-claim"], "quote": row.get("data-quote", ""), "speaker": row.get("data-speaker", ""),
               "outlet": row.get("data-outlet", ""), "date": row.get("data-date", ""),
               "verdict": row.get("data-verdict", ""), "topic": row.get("data-topic", ""), "url": f"{rel}#{row['id']}"}
              for row in (article.select("table[data-sa-register] tr[data-claim]") if rel.endswith("register.html") else [])]
    return {"page": {"doc": pagename, "title": title, "text": _text(article)[:MAX_CHARS]}, "claims": claims}


def keep(folder: Path, pagename: str, text: str) -> None:
    """Keep a written page's entry in `folder` (beside Sphinx's environment)."""
    if pagename in SKIP_PAGES:
        return
    path = folder / f"{pagename}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entry(pagename, text), ensure_ascii=False), encoding="utf-8")


def write_data(outdir: Path, folder: Path, pagenames, extra: list[dict] = ()) -> None:
    """_static/sentaway-search-data.js from the kept entries of `pagenames` (every page of the book), in page order,
    then `extra`: pages given as entries already ({doc, title, text}: the council pages, whose text is the same for
    each and which are not read again here); written only when it changed."""
    pages, claims = [], []
    for name in sorted(set(pagenames) - SKIP_PAGES, key=lambda n: f"{n}.html"):
        kept = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        pages.append(kept["page"])
        claims += kept["claims"]
    data = json.dumps({"pages": pages + list(extra), "claims": claims}, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    text = f"window.SA_SEARCH = {data};\n"
    target = outdir / "_static" / DATA
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def search_page(text: str) -> str:
    """The search page, loading the search data and the script that uses it after Sphinx's index."""
    if HOOK in text and DATA not in text:
        text = text.replace(HOOK, HOOK + f'\n  <script src="_static/{DATA}"></script>'
                                         '\n  <script src="_static/sentaway-search.js"></script>', 1)
    return text
