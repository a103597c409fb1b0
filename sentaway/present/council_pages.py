"""Every council's page, and the list that leads to them, made in one step by notebooks/councils.ipynb (one run for all
councils: a run per council would cost a notebook's start-up 160 times).

Each council's page body is written from templates/council_page.html.j2 as a side file, councils/<page>.html
(sentaway.sidefiles); the build puts each into the site's page frame, the theme's header, navigation, stamp and
Content-Security-Policy included (sentaway/publish/council_pages.py), at <page>.html beside the book's other pages. The
figures of each page are also written as CSV (chart-data/<page>.csv), and every council's in one file
(chart-data/councils.csv). Every figure on a page carries its citation (data-cite-*), which book/assets/
sentaway-register.js turns into a copy button, as on the register; a figure not computed (a part suppressed) shows the
symbol the release printed and what it means."""

import json
from functools import lru_cache

import pandas as pd

from sentaway import sidefiles
from sentaway.analysis import coverage, numbers, words
from sentaway.analysis.councils import codes, findings, homes, missing, placements, spend
from sentaway.analysis.councils.names import slug
from sentaway.present import charts, claim_pages, council_charts, links, methods, register_view, render
from sentaway.read import councils as council_files
from sentaway.register import register

say = words.File("councils").say
AREA = sidefiles.COUNCILS  # the side-file folder of the pages' bodies
ALL_CSV = "councils"  # chart-data/councils.csv: every council's figures


@lru_cache(maxsize=None)
def _symbols() -> dict[str, str]:
    table = methods.suppression_table()
    return dict(zip(table.symbol, table.meaning))


@lru_cache(maxsize=None)
def _release(label: str) -> str:
    """A release as a citation names it (label, title, publisher, date), once per release."""
    return register_view.release_title(label)


def _years(years) -> str:
    return coverage.span(years) if years else numbers.MISSING


def _cell(value, status: str, kind: str = "count") -> dict:
    """A table cell: the number as the book writes it, or the symbol the release printed with its meaning."""
    if status:
        return {"text": status, "symbol": status, "meaning": _symbols().get(status, "")}
    if value is None or pd.isna(value):
        return {"text": numbers.MISSING, "symbol": "", "meaning": ""}
    text = {"count": numbers.count, "percent": numbers.percent, "money": lambda v: numbers.money(v, 2),
            "signed": lambda v: ("+" if v > 0 else "") + numbers.count(v)}[kind](float(value))
    return {"text": text, "symbol": "", "meaning": ""}


def _get(row, column):
    value = row.get(column) if isinstance(row, dict) else getattr(row, column, None)
    return None if value is None or pd.isna(value) else float(value)


def _ordinal(rank: float) -> str:
    rank = int(rank)
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def _rank_words(rank, of) -> tuple[str, str]:
    """('12th', 'highest') or, in the lower half, ('23rd', 'lowest'): counted from the nearer end."""
    ends = words.entry("councils", "rank_ends")
    if rank <= (of + 1) / 2:
        return _ordinal(rank), ends["high"]
    return _ordinal(of - rank + 1), ends["low"]


class _Row(dict):
    """A table's row as a dict whose columns read as attributes (row.year): much faster than itertuples here."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Page:
    """One council's page: its figures as rows, sentences and charts."""

    @staticmethod
    def _records(rows: list[dict]) -> list[_Row]:
        return [_Row(row) for row in rows]

    def __init__(self, council: codes.Council):
        self.council = council
        self.name = council.name
        self.placements = placements.rows(council.code)
        self.homes = homes.rows(council.code)
        self.missing = missing.rows(council.code)
        self.spend = spend.rows(council.code)
        self.found = findings.of(council)
        self._csv = None

    # ------------------------------------------------------------------ sentences
    def identity(self) -> str:
        c = self.council
        return say("identity", code=c.code, dfe=c.dfe, region=c.region, years=_years(c.years))

    def findings_text(self) -> list[dict]:
        """The page's first paragraphs: each {text, cite, anchor}."""
        c, found, out = self.council, self.found, []
        latest = found["latest"]
        values = dict(council=self.name, year=latest["year"], region=c.region, release=latest["release"],
                      region_share=latest["region_share"], england_share=latest["england_share"])
        if not latest["suppressed"] and latest["looked_after"] == 0:
            out.append({"text": say("findings.no_children", **values), "release": latest["release"]})
        elif latest["suppressed"] or latest["share"] is None:
            symbol = latest["suppressed"] or numbers.MISSING
            out.append({"text": say("findings.share_suppressed", symbol=symbol, meaning=_symbols().get(symbol, ""),
                                    **values), "release": latest["release"]})
        else:
            out.append({"text": say("findings.share", outside=latest["outside"], looked_after=latest["looked_after"],
                                    share=latest["share"], **values), "release": latest["release"]})
            rank_e, end_e = _rank_words(latest["rank_england"], latest["of_england"])
            rank_r, end_r = _rank_words(latest["rank_region"], latest["of_region"])
            out[-1]["text"] += " " + say("findings.rank", rank_england=rank_e, end_england=end_e,
                                         of_england=latest["of_england"], tied_england=latest["tied_england"],
                                         rank_region=rank_r, end_region=end_r, of_region=latest["of_region"],
                                         tied_region=latest["tied_region"], region=c.region)
        change = found["change"]
        if change:
            key = "change_up" if change["points"] > 0 else "change_down" if change["points"] < 0 else "change_same"
            text = say(f"findings.{key}", **change)
            if change["crosses"]:
                text += " " + say("findings.crosses", **change)
            if change["gaps"]:
                text += " " + say("findings.gaps", years=coverage.listed(change["gaps"]))
            out.append({"text": text, "release": f"{change['first_release']}; {change['last_release']}"})
        balance = found["balance"]
        if balance is None:
            out.append({"text": say("findings.no_balance", council=self.name), "release": ""})
        elif balance["placed_in"] is None or balance["outside"] is None:
            out.append({"text": say("findings.printed_net", council=self.name, **balance), "release": balance["release"]})
        else:
            out.append({"text": say(f"findings.{balance['role']}", council=self.name, **balance), "release": balance["release"]})
        for i, item in enumerate(out):
            item["anchor"] = f"finding-{i + 1}"
            item["cite"] = say("cite.finding", text=item["text"], releases="; ".join(
                _release(r) for r in links.release_parts(item["release"]))) if item["release"] else item["text"]
        return out

    def changes(self) -> list[dict]:
        """Each code change this council's code was part of, in words, with the other code's page."""
        table = codes.by_code()
        out = []
        for change in list(self.council.before) + list(self.council.after):
            before, after = table[change.before_code], table[change.after_code]
            overlap = sorted(set(before.years) & set(after.years))
            text = say("change_unrecorded" if change.area == "unrecorded" else "change", dfe=self.council.dfe,
                       date=numbers.date(change.date), what=change.what, source=change.source,
                       before_name=before.name, before_code=before.code, before_years=_years(before.years),
                       after_name=after.name, after_code=after.code, after_years=_years(after.years), area=change.area)
            if overlap:
                text += " " + say("overlap", years=coverage.listed(overlap), single=len(overlap) == 1)
            other = after if before.code == self.council.code else before
            out.append({"text": text, "url": change.url, "url_title": change.url_title,
                        "other": {"page": other.page, "name": other.name, "code": other.code}})
        return out

    def claims(self) -> list[dict]:
        """The register's claims about this council or said by its MP, grouped by relation."""
        groups = _claims_by_council().get(self.council.code, {})
        notes = {link.relation: link.note for link in council_files.links() if link.council_code == self.council.code}
        return [{"relation": relation, "heading": say(f"claims.{relation}", council=self.name),
                 "note": notes.get(relation, ""), "count": say("claims.count", n=len(items)), "claims": items}
                for relation, items in sorted(groups.items())]

    # ------------------------------------------------------------------ tables
    def share_rows(self) -> list[dict]:
        c, rows = self.council, []
        for r in self._records(self.placements):
            share = _cell(_get(r, "share"), r.share_status, "percent")
            region = _cell(_get(r, "region_share"), r.region_share_status if isinstance(r.region_share_status, str) else "",
                           "percent")
            england = _cell(_get(r, "england_share"), r.england_share_status if isinstance(r.england_share_status, str)
                            else "", "percent")
            cite = say("cite.share", council=self.name, code=c.code, year=r.year, outside=_cell(_get(r, "placed_outside"),
                       r.placed_outside_status)["text"], looked_after=_cell(_get(r, "looked_after"), r.looked_after_status)["text"],
                       share=share["text"], region=c.region, region_share=region["text"], england_share=england["text"],
                       release=_release(r.release))
            rank = "" if pd.isna(r.rank_england) else f"{_ordinal(r.rank_england)} of {int(r.of_england)}"
            rows.append({"id": f"share-{r.year}", "year": r.year, "release": render.Markup(links.release_html(r.release)),
                         "looked_after": _cell(_get(r, "looked_after"), r.looked_after_status),
                         "outside": _cell(_get(r, "placed_outside"), r.placed_outside_status),
                         "not_recorded": _cell(_get(r, "not_recorded"), r.not_recorded_status)
                         if r.year in placements.split_years() else _cell(None, ""),
                         "share": share, "region": region, "england": england, "rank": rank, "cite": cite})
        return rows

    def flow_rows(self) -> list[dict]:
        c, rows = self.council, []
        for r in self._records(self.placements):
            net = _cell(_get(r, "net"), r.net_status, "signed")
            role = "" if net["symbol"] or net["text"] == numbers.MISSING else words.entry("councils", "roles")[
                "importer" if r.net > 0 else "exporter" if r.net < 0 else "balanced"]
            placed_in = _cell(_get(r, "placed_in_by_other_councils"), r.placed_in_by_other_councils_status)
            outside = _cell(_get(r, "placed_outside"), r.placed_outside_status)
            cite = say("cite.flow", council=self.name, code=c.code, year=r.year, placed_in=placed_in["text"],
                       outside=outside["text"], net=net["text"], release=_release(r.release))
            rows.append({"id": f"flow-{r.year}", "year": r.year, "placed_in": placed_in, "outside": outside, "net": net,
                         "role": role, "computed": not r.net_printed and net["text"] != numbers.MISSING and not net["symbol"],
                         "release": render.Markup(links.release_html(r.release)), "cite": cite})
        return rows

    def homes_rows(self) -> list[dict]:
        c, rows = self.council, []
        for r in self._records(self.homes):
            places = _cell(None if pd.isna(r.places) else r.places, "" if not pd.isna(r.places) else ":")
            kind = words.entry("councils", "kinds")[r.kind]
            cite = say("cite.homes", council=self.name, code=c.code, date=numbers.date(r.snapshot_date), kind=kind,
                       homes=numbers.count(r.homes), places=places["text"], england_homes=numbers.count(r.england_homes),
                       release=_release(r.release))
            share = None if pd.isna(r.places) or pd.isna(r.england_places) or not r.england_places else 100 * r.places / r.england_places
            rows.append({"id": f"homes-{r.snapshot_date}", "date": numbers.date(r.snapshot_date), "kind": kind,
                         "homes": _cell(r.homes, ""), "places": places,
                         "england_homes": _cell(r.england_homes, ""), "england_places": _cell(
                             None if pd.isna(r.england_places) else r.england_places, "" if not pd.isna(r.england_places) else ":"),
                         "share_of_places": _cell(share, "" if share is not None else "", "percent") if share is not None
                         else _cell(None, ""),
                         "release": render.Markup(links.release_html(r.release)), "cite": cite})
        return rows

    def missing_rows(self) -> list[dict]:
        c, rows = self.council, []
        for r in self._records(self.missing):
            cells = {m: _cell(_get(r, m), getattr(r, f"{m}_status")) for m in missing.MEASURES}
            cite = say("cite.missing", council=self.name, code=c.code, year=r.year, release=_release(r.release),
                       **{m: cells[m]["text"] for m in missing.MEASURES})
            rows.append({"id": f"missing-{r.year}", "year": r.year, **cells,
                         "england_incidents": _cell(_get(r, "england_missing_incidents"), ""),
                         "release": render.Markup(links.release_html(r.release)), "cite": cite})
        return rows

    def spend_rows(self) -> list[dict]:
        c, rows = self.council, []
        for r in self._records(self.spend):
            gross = _cell(_get(r, "total_expenditure"), r.total_expenditure_status, "money")
            net = _cell(_get(r, "net_current_expenditure"), r.net_current_expenditure_status, "money")
            cite = say("cite.spend", council=self.name, code=c.code, year=r.financial_year, gross=gross["text"], net=net["text"],
                       release=_release(r.release))
            rows.append({"id": f"spend-{r.financial_year}", "year": r.financial_year, "gross": gross, "net": net,
                         "england": _cell(_get(r, "england_total_expenditure"), "", "money"),
                         "release": render.Markup(links.release_html(r.release)), "cite": cite})
        return rows

    # ------------------------------------------------------------------ charts
    def _series(self, code: str, column: str, status: str) -> list:
        rows = placements.rows(code)
        return [(int(r.year), None if getattr(r, status) or pd.isna(getattr(r, column)) else float(getattr(r, column)),
                 r.release) for r in self._records(rows)]

    def share_chart(self) -> str:
        c = self.council
        lineage = [other for other in codes.lineage(c) if other.code != c.code]
        own = self._series(c.code, "share", "share_status")
        series = [{"name": f"{self.name} ({c.code})" if lineage else self.name, "role": "council", "points": own}]
        for other in lineage:
            series.append({"name": say("related_series", council=other.name, code=other.code, years=_years(other.years)),
                           "role": "related", "points": self._series(other.code, "share", "share_status")})
        rows = self.placements
        series.append({"name": c.region, "role": "region", "points": [
            (int(r.year), _get(r, "region_share"), r.release) for r in self._records(rows)]})
        series.append({"name": say("charts.england"), "role": "england", "points": [
            (int(r.year), _get(r, "england_share"), r.release) for r in self._records(rows)]})
        shares = [v for _, v, _ in own if v is not None]
        description = say("charts.share_description", council=self.name, years=_years(c.years), region=c.region,
                          first=shares[0] if shares else None, last=shares[-1] if shares else None,
                          related=coverage.listed([f"{o.name} ({o.code})" for o in lineage]) if lineage else "")
        return council_charts.chart(series, anchor="council-chart-share", title=say("charts.share_title"), description=description,
                                    unit="percent")

    def flow_chart(self) -> str:
        c = self.council
        series = [{"name": say("charts.placed_in", council=self.name), "role": "council",
                   "points": self._series(c.code, "placed_in_by_other_councils", "placed_in_by_other_councils_status")},
                  {"name": say("charts.placed_outside", council=self.name), "role": "outside",
                   "points": self._series(c.code, "placed_outside", "placed_outside_status")}]
        return council_charts.chart(series, anchor="council-chart-flow", title=say("charts.flow_title"), unit="count",
                                    description=say("charts.flow_description", council=self.name, years=_years(c.years)))

    # ------------------------------------------------------------------ CSV, search, page
    def csv_frame(self) -> pd.DataFrame:
        """Every figure the page shows, one a row, with its release and source file."""
        if self._csv is None:
            self._csv = self._csv_frame()
        return self._csv

    def _csv_frame(self) -> pd.DataFrame:
        c, out = self.council, []
        base = {"council_code": c.code, "council": self.name, "dfe_number": c.dfe, "region": c.region}

        def add(section, when, measure, value, status, unit, release, source=""):
            out.append({**base, "section": section, "year_or_date": when, "measure": measure,
                        "value": None if value is None or pd.isna(value) else value, "status": status or "",
                        "unit": unit, "release": release, "source_file": source})
        for r in self._records(self.placements):
            for column, unit in (("looked_after", "children"), ("placed_inside", "children"), ("placed_outside", "children"),
                                 ("not_recorded", "children"), ("share", "percent"), ("region_share", "percent"),
                                 ("england_share", "percent"), ("placed_in_by_other_councils", "children"),
                                 ("net", "children"), ("rank_england", "rank"), ("rank_region", "rank")):
                status = getattr(r, f"{column}_status", "") if hasattr(r, f"{column}_status") else ""
                value = getattr(r, column)
                if column in ("placed_inside", "not_recorded") and r.year not in placements.split_years():
                    continue
                add("out_of_area", r.year, column, None if pd.isna(value) else round(float(value), 3),
                    status if isinstance(status, str) else "", unit, r.release)
        for r in self._records(self.homes):
            for column, unit in (("homes", "homes"), ("places", "places"), ("england_homes", "homes"),
                                 ("england_places", "places")):
                value = getattr(r, column)
                add("childrens_homes", r.snapshot_date, column, value, "" if not pd.isna(value) else ":", unit, r.release,
                    r.source_file)
        for r in self._records(self.missing):
            for column in missing.MEASURES:
                add("missing", r.year, column, getattr(r, column), getattr(r, f"{column}_status"),
                    "incidents" if column.endswith("incidents") else "children", r.release)
        for r in self._records(self.spend):
            for column in spend.MEASURES:
                add("spending", r.financial_year, f"residential_care_{column}", getattr(r, column),
                    getattr(r, f"{column}_status"), "GBP", r.release, r.source_file)
        return pd.DataFrame(out)

    def search_entry(self) -> dict:
        c = self.council
        return {"doc": c.page, "title": say("title", council=self.name),
                "text": say("search_text", council=self.name, code=c.code, region=c.region)}

    def html(self) -> str:
        c = self.council
        spend_years = sorted(set(spend.table().financial_year))
        return render.html(
            "council_page.html.j2", council=c, name=self.name, title=say("title", council=self.name),
            identity=self.identity(), findings=self.findings_text(), changes=self.changes(), claims=self.claims(),
            region_anchor=f"region-{_region_slug(c.region)}",
            sections={key: say(f"sections.{key}", council=self.name) for key in words.entry("councils", "sections")},
            share_chart=render.Markup(self.share_chart()), flow_chart=render.Markup(self.flow_chart()),
            share_rows=self.share_rows(), flow_rows=self.flow_rows(), homes_rows=self.homes_rows(),
            missing_rows=self.missing_rows(), spend_rows=self.spend_rows(), region=c.region,
            csv=f"{charts.CHART_DATA}/{c.page}.csv", all_csv=f"{charts.CHART_DATA}/{ALL_CSV}.csv",
            notes={"out_of_area": say("notes.out_of_area", split=_years(placements.split_years())),
                   "placed_in": say("notes.placed_in", ees_from=min(r.first for r in coverage.data().of("EES"))),
                   "homes": say("notes.homes", kinds="; ".join(f"{k}: {v}" for k, v in _list_kinds().items())),
                   "missing": say("notes.missing"),
                   "spend": say("notes.spend" if self.spend else "notes.no_spend",
                                years=coverage.listed([spend_years[0], spend_years[-1]]).replace(" and ", " to ")),
                   "no_missing": say("notes.no_missing"), "no_homes": say("notes.no_homes")},
            symbols=_symbols_used(self), symbols_intro=say("notes.symbols"))


@lru_cache(maxsize=None)
def _claims_by_council() -> dict[str, dict[str, list[dict]]]:
    """code -> relation -> the register's claims (quote, who, verdict, conclusion), read once for every page."""
    found: dict[str, dict[str, list[dict]]] = {}
    for row in register.build()[0].to_dict("records"):
        claim = pd.Series(row)
        for code, relation in council_files.claim_councils(claim):
            found.setdefault(code, {}).setdefault(relation, []).append({
                "claim_id": row["claim_id"], "quote": register_view.excerpt(row),
                "said_by": register_view.said_by(row["speaker"], row["outlet"], row["date"]),
                "badge": render.Markup(claim_pages.badge(row["verdict"])), "conclusion": row["conclusion"]})
    return found


@lru_cache(maxsize=None)
def _list_kinds() -> dict[str, str]:
    """Each Ofsted list's date and kind, in words."""
    found = {}
    for r in homes.table()[["snapshot_date", "kind"]].drop_duplicates().sort_values("snapshot_date").itertuples():
        found[numbers.date(r.snapshot_date)] = words.entry("councils", "kinds")[r.kind]
    return found


def _symbols_used(page: Page) -> list[dict]:
    frame = page.csv_frame()
    used = sorted(set(frame.status) - {""}) if not frame.empty else []
    meanings = _symbols()
    return [{"symbol": s, "meaning": meanings.get(s, "")} for s in used]


def _region_slug(region: str) -> str:
    return slug(region)


def list_html(pages: list[Page]) -> str:
    """The list of every council, by region, each with its latest share: the notebook's page shows it."""
    regions: dict[str, list] = {}
    for page in pages:
        c, latest = page.council, page.found["latest"]
        share = _cell(latest["share"], latest["suppressed"], "percent")
        regions.setdefault(c.region, []).append({
            "page": c.page, "name": page.name, "code": c.code, "years": _years(c.years), "share": share,
            # the names in the order of the lineage, not of a set: the page is the same bytes from one run to the next
            "year": latest["year"],
            "search": " ".join([page.name, c.code, c.region, *dict.fromkeys(o.name for o in codes.lineage(c))]).lower()})
    ordered = sorted(regions.items())
    return render.html("council_list.html.j2", regions=[{"name": name, "anchor": f"region-{_region_slug(name)}",
                                                         "councils": sorted(items, key=lambda i: (i["name"], i["years"]))}
                                                        for name, items in ordered],
                       n=len(pages), intro=say("notes.list_intro", n=len(pages)), all_csv=f"{charts.CHART_DATA}/{ALL_CSV}.csv")


def publish() -> str:
    """Write every council's page body and CSV, and the CSV of all councils, as side files; return the list's HTML."""
    pages = [Page(council) for council in codes.councils()]
    frames = []
    for page in pages:
        sidefiles.write(f"{AREA}/{page.council.page}.html", page.html())
        frame = page.csv_frame()
        charts.write_chart_data(page.council.page, frame)
        frames.append(frame)
    charts.write_chart_data(ALL_CSV, pd.concat(frames, ignore_index=True))
    sidefiles.write(f"{AREA}/search.json", _search_json(pages))
    return list_html(pages)


def _search_json(pages: list[Page]) -> str:
    """The site search's entries for the council pages (sentaway/publish/council_pages.py reads them)."""
    return json.dumps([page.search_entry() for page in pages], ensure_ascii=False, indent=0)
