"""The home page: the bottom line first (a tally of the verdicts in the scale's words), main points built from the
register (chosen in data/main_points.csv), the sentences on what nobody claimed, abbreviations spelled out."""

from sentaway.analysis import numbers
from sentaway.present import home
from sentaway.register import register

DESKTOP = (1366, 768)


def test_main_points_come_from_the_register_in_the_chosen_order(site):
    table, _ = register.build()
    page = (site / "index.html").read_text(encoding="utf-8")
    chosen = home.chosen()
    assert 3 <= len(chosen) <= 8
    positions = [page.index(f'id="point-{claim_id}"') for claim_id in chosen]
    assert positions == sorted(positions)
    for claim_id in chosen:
        row = table.set_index("claim_id").loc[claim_id]
        block = page[page.index(f'id="point-{claim_id}"'):]
        block = block[:block.index("</li>")]
        assert row.verdict in block and f'href="register.html#claim-{claim_id}"' in block
        assert row.speaker.split(" (")[0] in block and numbers.date(row.date) in block
        assert "…" not in block  # no sentence cut short


def test_the_bottom_line_and_the_first_main_point_are_above_the_fold_on_a_desktop(site, clean_print_browser):
    clean_browser = clean_print_browser  # the desktop browser, resized back afterwards
    from test_phone import load

    clean_browser.set_window_size(*DESKTOP)
    load(clean_browser, site / "index.html")
    table, _ = register.build()
    tally = home.tally(table)
    text, shown = clean_browser.execute_script("""
      const h = window.innerHeight;
      const first = document.querySelector('article p:not(.sa-point-label)');
      const badges = Array.from(document.querySelectorAll('.sa-main-points .sa-point-verdict .sa-badge'))
        .filter(b => b.getBoundingClientRect().bottom <= h && b.getBoundingClientRect().top >= 0).length;
      return [Array.from(document.querySelectorAll('article p')).filter(p => p.getBoundingClientRect().bottom <= h)
                .map(p => p.textContent).join(' '), badges];""")
    assert tally.split(". ")[0] in " ".join(text.split()), text
    assert shown >= 1, f"{shown} verdict(s) visible without scrolling at {DESKTOP}"


def test_the_bottom_line_counts_every_figure_by_the_scale_s_own_words():
    """The tally follows the verdict scale: each verdict the register gives, in the scale's words and order, with
    its count; the counts add up to the figures checked, those not checked counted apart."""
    from sentaway.register.verdicts import OUT_OF_SCOPE, SCALE

    table, _ = register.build()
    sentence = home.tally(table)
    checked = table[table.verdict != OUT_OF_SCOPE]
    positions = []
    for name, _, _ in SCALE:
        count = int((checked.verdict == name).sum())
        if count:
            assert f"{count} “{name}”" in sentence or f"rated “{name}”" in sentence, (name, sentence)
            positions.append(sentence.index(f"“{name}”"))
    assert positions == sorted(positions) and f"checked {len(checked)} figures" in sentence
    assert f"also hold {len(table) - len(checked)} figures" in sentence


def test_the_home_page_spells_out_each_abbreviation_where_it_first_uses_it(site):
    import re

    from sentaway.analysis import words

    text = re.sub(r"<[^>]+>", " ", (site / "index.html").read_text(encoding="utf-8"))
    text = text[text.index("We checked"):]
    for abbreviation, meaning in words.entry("home", "abbreviations").items():
        found = re.search(r"(?<![A-Za-z])" + abbreviation + r"(?![A-Za-z])", text)
        if found:
            # After it ("SFR50/2017 (statistical first release)"), or before a possessive ("the ...'s (DfE)").
            assert meaning in " ".join(text[max(0, found.start() - 80):found.start() + 200].split()), abbreviation
    assert not re.search(r"[’'] \(|\);s\b", text), "a spelled-out abbreviation split a word"


def test_a_possessive_abbreviation_is_spelled_out_as_a_possessive():
    assert home.spell_out("Cannot be checked: DfE&#39;s figures. DfE is slow.", set()) == (
        "Cannot be checked: the Department for Education&#39;s (DfE) figures. DfE is slow.")
    assert home.spell_out("DfE’s figure, SFR50/2017", set()).startswith("The Department for Education’s (DfE) figure")


def test_the_homes_series_sentence_gives_the_claims_period_from_the_series():
    """2013 to the last year the out-of-area claims name (2018), values read here from data/ with csv."""
    import csv

    from sentaway.paths import DATA

    with open(DATA / "sfr50_national_tables.csv", newline="", encoding="utf-8") as handle:
        a2 = {r["locality"]: int(r["value"]) for r in csv.DictReader(handle)
              if r["table"] == "A2" and r["year"] == "2013" and r["placement"] == "childrens_homes"}
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        ees = {r["locality"]: int(r["value"]) for r in csv.DictReader(handle)
               if r["year"] == "2018" and r["release"] == "CLA 2022 (EES)" and r["placement"] == "childrens_homes"
               and r["geographic_level"] == "national" and r["provider"] == "all"}
    sentence = home.homes_series_sentence()
    assert "2013-2018" in sentence and f"{a2['outside']:,}" in sentence and f"{ees['outside']:,}" in sentence
    share = 100 * ees["outside"] / (ees["outside"] + ees["inside"])
    assert f"{share:.1f}%" in sentence and "CLA 2022 (EES)" in sentence
