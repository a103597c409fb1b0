"""The home page: main points built from the register (chosen in data/main_points.csv), with verdicts above
the fold on a desktop, and the sentences on what nobody claimed."""

import sys
import types

import pandas as pd

from sentaway import home, register

DESKTOP = (1366, 768)


def test_main_points_come_from_the_register_in_the_chosen_order(site):
    table, _ = register.build()
    page = (site / "book/executed/index.html").read_text(encoding="utf-8")
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
    load(clean_browser, site / "book/executed/index.html")
    shown = clean_browser.execute_script("""
      const h = window.innerHeight;
      return Array.from(document.querySelectorAll('.sa-main-points .sa-point-verdict .sa-badge'))
        .filter(b => b.getBoundingClientRect().bottom <= h && b.getBoundingClientRect().top >= 0).length;""")
    assert shown >= 2, f"{shown} verdict(s) visible without scrolling at {DESKTOP}"


def test_the_homes_series_slot_is_empty_without_its_module_and_filled_with_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentaway.homes_series", None)  # import fails
    assert home.homes_series_sentence() == ""
    fake = types.ModuleType("sentaway.homes_series")
    fake.headline = lambda: pd.DataFrame({"year": [2013, 2018], "release": ["SFR50/2017", "CLA 2022 (EES)"],
                                          "inside": [1000, 1100], "outside": [1500, 2550], "all": [2500, 3650],
                                          "share_outside": [60.0, 69.86]})
    monkeypatch.setitem(sys.modules, "sentaway.homes_series", fake)
    sentence = home.homes_series_sentence()
    assert "2013-2018" in sentence and "1,500" in sentence and "2,550" in sentence and "69.9%" in sentence
    fake.headline = lambda: pd.DataFrame({"year": [2013]})  # not the promised columns: say nothing
    assert home.homes_series_sentence() == ""
