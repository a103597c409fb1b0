"""A cell suppressed anywhere in the series the book models is shown as suppressed and stops no chapter (issue 23,
point 4): the children's-homes series with one year's 'outside' suppressed by its latest release, through the
out-of-area chapter and the growth chapter's fits, forecast and charts."""

import csv
import dataclasses
import io
import shutil

import pytest

from sentaway import paths
from sentaway.read import extracts

YEAR, RELEASE = 2021, "CLA 2024 (EES)"


@pytest.fixture
def suppressed(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    rows = list(csv.reader(io.StringIO((data / "cla_placements.csv").read_text(encoding="utf-8"))))
    col = {name: i for i, name in enumerate(rows[0])}
    hits = [r for r in rows[1:] if (r[col["year"]], r[col["release"]], r[col["placement"]], r[col["locality"]],
                                    r[col["geographic_level"]]) == (str(YEAR), RELEASE, "childrens_homes", "outside", "national")]
    assert len(hits) == 1
    hits[0][col["value"]], hits[0][col["status"]] = "", "c"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (data / "cla_placements.csv").write_text(out.getvalue(), encoding="utf-8")
    monkeypatch.setattr(paths, "DATA", data)
    extracts._read.cache_clear()
    yield
    extracts._read.cache_clear()


def test_the_out_of_area_chapter_shows_the_year_as_suppressed(suppressed):
    from sentaway.analysis import homes_series, out_of_area
    from sentaway.present import out_of_area_charts

    head = homes_series.headline().set_index("year")
    assert head.outside.isna()[YEAR] and head.status[YEAR] == "outside: c"
    series = out_of_area.series_by_release(2010, 2024)
    dataclasses.asdict(out_of_area.headline(series, out_of_area.other_measures(2010, 2024), 2010, 2024))
    table = out_of_area.series_table(series)
    out_of_area_charts.release_chart(table, y="outside", y_title="children", y_format=",.0f", title="t", name="n",
                                     description="d")


def test_the_growth_chapter_leaves_the_year_out_of_its_fits_and_says_why(suppressed):
    from sentaway.analysis.growth import page
    from sentaway.present import growth_charts, growth_prose

    result = page.build(2013, 2018, "childrens_homes")  # as notebooks/growth.ipynb does
    growth_prose.values(result)
    frame = result.forecast.frame.set_index("year")
    assert frame.official.isna()[YEAR] and frame.status[YEAR] == "outside: c"
    growth_charts.forecast_chart(result.forecast, result.series_label, result.reform)
