"""What every page gets as Sphinx writes it, so that a page is finished on its own and an incremental build finishes
only the pages it writes: the icon stylesheet in place of Font Awesome's script, the theme's header buttons as plain
HTML, where the site was built from (the {{ source }} marker), scrollable tables that a keyboard can reach, the anchors of renamed claims, the page's part of the search data,
and last its Content-Security-Policy (sentaway.publish.sphinx_ext calls `page` for each page it writes)."""

import re
from pathlib import Path

from sentaway.publish import anchors, council_pages, csp, icons, incremental, search

# The theme writes its header buttons with inline document.write() scripts; the same buttons are written into the page
# as plain HTML instead (no inline script needed), and the search field's button is named by what it shows ("Search
# Ctrl+K"), not aria-label="Search" alone, which axe reports (label-content-name-mismatch, serious).
WRITTEN_BUTTON = re.compile(r"<script>\s*document\.write\(`(\s*<button\b.*?</button>\s*)`\);\s*</script>", re.S)
# The theme wraps Markdown tables in a div that scrolls sideways on a phone; keyboard users must be able to focus it to
# scroll it (the book's own tables carry tabindex themselves).
WRAPPER = '<div class="pst-scrollable-table-container">'


def static_header_buttons(text: str) -> str:
    return WRITTEN_BUTTON.sub(lambda m: m.group(1).replace(
        'search-button-field search-button__button" title="Search" aria-label="Search"',
        'search-button-field search-button__button" title="Search"'), text)


def focusable_table_wrappers(text: str) -> str:
    return text.replace(WRAPPER, '<div class="pst-scrollable-table-container" tabindex="0">')


class Pages:
    """What finishing a page needs, read once per build: the icons the stylesheet draws, the renamed claims, the
    scripts the policy allows (every page's name), and where the pages' search entries are kept."""

    def __init__(self, drawn: set[str], renames: dict[str, str], pagenames, entries: Path, source: str = ""):
        self.drawn, self.renames, self.entries, self.source = drawn, renames, entries, source
        self.known = csp.known_scripts(pagenames)

    def page(self, pagename: str, text: str) -> str:
        name = f"{pagename}.html"
        text = text.replace(incremental.SOURCE_MARKER, self.source)  # where the site was built from ({{ source }})
        text = icons.page(text, self.drawn, name)
        text = focusable_table_wrappers(static_header_buttons(text))
        if pagename == "search":
            text = search.search_page(text)
        elif pagename != council_pages.TEMPLATE:  # the council frame: each copy has its entry (council_pages)
            search.keep(self.entries, pagename, text)
        text = anchors.add(text, self.renames)  # old ids of renamed claims and of gone charts still land
        if pagename == council_pages.TEMPLATE:
            return text  # each copy gets its own policy, which names the page (sphinx_ext._finish_site)
        return csp.with_policy(text, self.known, name)
