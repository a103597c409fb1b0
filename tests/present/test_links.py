"""Sources a reader can click (issue 22, point 7): every official value and every chart's source line links to the
publisher's page for its release, every quote to where it was said, all from one committed list each
(data/release_links.csv, data/quote_links.csv) with the page's title; no link goes to a mirror, and no link's words
name a document other than the one it opens."""

import csv
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from sentaway.paths import DATA
from sentaway.present import links
from sentaway.read.extracts import release_links

# The official publishers' sites: a release's page is on one of these.
OFFICIAL = ("www.gov.uk", "explore-education-statistics.service.gov.uk")


def _mirrors() -> set[str]:
    """The sites data/claim_sources.csv says are mirrors or third-party copies (never linked)."""
    found = set()
    with open(DATA / "claim_sources.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for cell in (row["official_url"], row["read_at_url"]):
                for url, note in re.findall(r"(https?://\S+)\s*(\([^)]*\))?", cell):
                    if "mirror" in note.lower() or "mirrored at " + url in cell:
                        found.add(urlsplit(url).netloc.removeprefix("www."))
    return found


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href", "").startswith("http"):
            self._open = [dict(attrs)["href"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.found.append((self._open[0], " ".join(self._open[1].split())))
            self._open = None


def _site_links(site):
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        yield page, parser.found


def test_every_release_named_in_the_data_has_its_publisher_s_page_with_its_title():
    named = []
    for path in DATA.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if "release" in (reader.fieldnames or []):
                named += [row["release"] for row in reader]
    assert not links.unlinked(named), links.unlinked(named)
    for label, row in release_links().items():
        assert urlsplit(row["url"]).netloc in OFFICIAL, (label, row["url"])
        assert row["title"].strip() and row["publisher"] in ("Department for Education", "Ofsted"), (label, row)


def test_no_link_goes_to_a_mirror_and_every_quote_links_where_it_was_said(site):
    mirrors = _mirrors()
    assert {"pdfslide.us", "moam.info"} <= mirrors, mirrors  # the check reads the list the data keeps
    for seed, row in links.quote_links().items():
        assert row["url"] or row["note"], f"{seed}: no address and no word on why"
    offenders = [f"{page.name}: {url}" for page, found in _site_links(site) for url, _ in found
                 if urlsplit(url).netloc.removeprefix("www.") in mirrors]
    assert not offenders, offenders[:5]


def test_no_link_s_words_name_another_document(site):
    """A link to a release's page says the release or the page's title; to where a quote was said, the page's title or
    'where it was said'."""
    by_url = {}
    for label, row in release_links().items():
        by_url.setdefault(row["url"], set()).update({row["title"]} | ({label} if row["page"] == links.RELEASE_PAGE else set()))
    for row in links.quote_links().values():
        if row["url"]:
            by_url.setdefault(row["url"], set()).update({row["title"], "where it was said"})
    wrong, checked = [], 0
    for page, found in _site_links(site):
        for url, text in found:
            if url in by_url:
                checked += 1
                if text not in by_url[url]:
                    wrong.append(f"{page.name}: {text!r} -> {url}")
    assert checked > 50 and not wrong, wrong[:10]


def test_every_chart_and_every_official_value_links_to_its_release(site):
    unlinked = []
    for page in sorted(site.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="sa-chart".*?</figure>', text, flags=re.S):
            source = re.search(r'<p class="sa-source">(.*?)</p>', figure, flags=re.S).group(1)
            if 'class="sa-release"' not in source:
                unlinked.append(f"{page.name}: chart {figure[:120]}")
    register = (site / "register.html").read_text(encoding="utf-8")
    for cell in re.findall(r'<td class="sa-col-official"[^>]*>(.*?)</td>', register, flags=re.S):
        if 'class="sa-figure"' in cell and 'class="sa-release"' not in cell:
            unlinked.append(f"register.html: {cell[:80]}")
    for page in sorted(site.glob("claims_*.html")):
        for section in re.findall(r'<section class="sa-claim".*?</section>', page.read_text(encoding="utf-8"), flags=re.S):
            source = re.search(r"<dt>Official source</dt><dd>(.*?)</dd>", section, flags=re.S)
            if source and 'class="sa-release"' not in source.group(1):
                unlinked.append(f"{page.name}: {section[:80]}")
    assert not unlinked, unlinked[:10]
