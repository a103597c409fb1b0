"""The home page: main points built from the register (chosen in data/main_points.csv), with verdicts above
the fold on a desktop, and the sentences on what nobody claimed."""



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
        assert row.speaker.split(" (")[0] in block and str(row.date) in block


def test_main_points_with_verdicts_are_above_the_fold_on_a_desktop(site, clean_print_browser):
    clean_browser = clean_print_browser  # the desktop browser, resized back afterwards
    from test_phone import load

    clean_browser.set_window_size(*DESKTOP)
    load(clean_browser, site / "index.html")
    shown = clean_browser.execute_script("""
      const h = window.innerHeight;
      return Array.from(document.querySelectorAll('.sa-main-points .sa-point-verdict .sa-badge'))
        .filter(b => b.getBoundingClientRect().bottom <= h && b.getBoundingClientRect().top >= 0).length;""")
    assert shown >= 2, f"{shown} verdict(s) visible without scrolling at {DESKTOP}"


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
