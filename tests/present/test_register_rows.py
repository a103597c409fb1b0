"""The register's rows as a journalist scans them (issue 22, point 3): each quote shows the figure it states, cut
around it and never hiding it, so no two rows look alike unless they state the same figure."""

from sentaway.present import register_view
from sentaway.read import claims


def test_every_quote_shows_its_figure_and_no_two_rows_look_alike():
    said = claims.load()
    seen = {}
    for claim in said.itertuples():
        quote = " ".join(str(claim.quote).split())
        span = register_view.said_figure(quote, claim.cited_value, claim.unit)
        assert span is not None, f"{claim.claim_id}: the quote does not show {claim.cited_value} {claim.unit}"
        cut = register_view.short_quote(quote, span)
        assert cut["figure"] == quote[span[0]:span[1]] and len(cut["before"] + cut["figure"] + cut["after"]) <= 160
        assert all(word in quote for word in (cut["before"] + cut["figure"] + cut["after"]).replace("…", " ").split())
        shown = (cut["before"], cut["figure"], cut["after"])
        figure = (claim.cited_value, claim.unit)
        assert seen.setdefault(shown, figure) == figure, f"{claim.claim_id}: the same cut quote as another figure's"


def test_a_long_quote_is_cut_at_words_around_its_figure():
    quote = ("According to the latest figures, nearly two thirds (64%) of all children living in children’s homes now "
             "live out of borough - up from 46% in 2012.")
    cut = register_view.short_quote(quote, register_view.said_figure(quote, "46", "percent"), limit=60)
    assert cut["figure"] == "46%" and cut["before"].startswith("… ") and cut["after"] == " in 2012."
    assert not cut["before"][2:].startswith(("ut ", "f "))  # a word cut in two is left out whole
