"""Search that works from disk and finds claims: at the end of the build, each page's readable text and the
register's claims are written to _static/sentaway-search-data.js, which book/assets/sentaway-search.js uses
on the search page for excerpts (Sphinx's own excerpts fetch each page, which a browser refuses for files
opened from disk, and show nothing) and for the claims and tables Sphinx does not index (HTML outputs)."""

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

DATA = "sentaway-search-data.js"
SKIP_PAGES = {"search.html", "genindex.html"}
MAX_CHARS = 36_000  # per page: enough for excerpts, small enough for the search page's weight budget
HOOK = '<script src="searchindex.js"></script>'


def _text(node) -> str:
    for tag in node.find_all(["script", "style", "noscript", "svg", "button"]):
        tag.decompose()
    for tag in node.select(".headerlink, .sa-chart-view, .sa-register-tools"):
        tag.decompose()
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def site_data(outdir: Path, extra: list[dict] = ()) -> dict:
    """Every page's title and text; `extra`: pages given as entries already ({doc, title, text}: the council pages,
    whose text is the same for each and which are not read again here)."""
    pages, claims = [], []
    given = {f"{entry['doc']}.html" for entry in extra}
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir).as_posix()
        if "_static" in path.parts or rel in SKIP_PAGES or rel in given:
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.bd-article") or soup.body
        title = soup.title.get_text().split(" — ")[0].strip() if soup.title else rel
        for row in article.select("table[data-sa-register] tr[data-claim]") if rel.endswith("register.html") else []:
            claims.append({"id": row["data-claim"], "quote": row.get("data-quote", ""), "speaker": row.get("data-speaker", ""),
                           "outlet": row.get("data-outlet", ""), "date": row.get("data-date", ""),
                           "verdict": row.get("data-verdict", ""), "topic": row.get("data-topic", ""),
                           "url": f"{rel}#{row['id']}"})
        pages.append({"doc": rel[: -len(".html")], "title": title, "text": _text(article)[:MAX_CHARS]})
    return {"pages": pages + list(extra), "claims": claims}


def add_to_site(outdir: Path, extra: list[dict] = ()) -> None:
    data = json.dumps(site_data(outdir, extra), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (outdir / "_static" / DATA).write_text(f"window.SA_SEARCH = {data};\n", encoding="utf-8")
    page = outdir / "search.html"
    text = page.read_text(encoding="utf-8")
    if HOOK in text and DATA not in text:
        text = text.replace(HOOK, HOOK + f'\n  <script src="_static/{DATA}"></script>'
                                         '\n  <script src="_static/sentaway-search.js"></script>', 1)
        page.write_text(text, encoding="utf-8")
