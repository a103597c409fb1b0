"""Provenance: every official figure links to its publisher's page, quotes to where they were said where an
address is recorded, and the methods page to the repository and the commit the site was built from."""

import re

from sentaway.register import register
from sentaway.present import links


def test_every_release_the_register_cites_has_a_publisher_page():
    table, _ = register.build()
    missing = links.unlinked(table.release)
    assert not missing, f"add these releases to data/release_links.csv with their publisher's page: {missing}"


def test_every_official_figure_on_the_register_links_to_its_release(site):
    page = (site / "register.html").read_text(encoding="utf-8")
    rows = re.findall(r'<td class="sa-col-official"[^>]*>(.*?)</td>', page, flags=re.S)
    with_figure = [cell for cell in rows if 'class="sa-figure"' in cell]
    assert with_figure
    unlinked = [cell for cell in with_figure if 'class="sa-release"' not in cell]
    assert not unlinked, unlinked[:3]
    for url in re.findall(r'<a href="([^"]+)" class="sa-release"', page):
        assert url.startswith("https://"), url


def test_quotes_with_a_recorded_address_link_to_it(site):
    from sentaway.read import claims

    said = claims.load()
    expected = {row.claim_id for row in said.itertuples() if links.said_at(row.seed_file)["url"]}
    assert expected, "no claim has an address where it was said"
    page = (site / "register.html").read_text(encoding="utf-8")
    for claim_id in expected:
        row = page[page.index(f'id="claim-{claim_id}"'):]
        row = row[:row.index("</tr>")]
        assert 'class="sa-said-at"' in row, claim_id


def test_methods_page_names_the_repository_and_commit(site):
    page = (site / "methods.html").read_text(encoding="utf-8")
    assert re.search(r'href="https://github\.com/[^"]+/commit/[0-9a-f]{40}"', page) or "carries no git history" in page
