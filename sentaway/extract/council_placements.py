"""Where each council's looked-after children are placed, and other councils' children placed in it, every release.

The council pages need, for every council and year the files give, its children looked after at 31 March, those
placed outside its boundary (and, where the release splits it, inside), and the children other councils placed
inside its boundary. cla_placements.csv holds the first two (its council rows of placement all); this extract holds
the whole table of placement location in one shape, so a council's figures come from one place:

- SFR underlying data (`*_CLA*` files, 2011 on): one wide row per area; the codes CLA_Mar<year>, CLA_InBound,
  CLA_OutBound and CLA_ExtPl, each checked against its definition in the year's metadata document. The file's own
  CLA_NetGain is not read (data/README.md says why).
- explore-education-statistics (EES), every release: the 'LA of placement, net gain' file (its three characteristics,
  net gain included) and the council totals file (children looked after at 31 March), for England, regions and
  councils. The release to 2022's totals are read here, though cla_placements leaves them out.

Which file of each release is read: sentaway/extract/releases.yml (tables placements, la_net_gain, council_totals).
Labels and codes: metadata/cla_council_placements.sources.yml; an unknown label stops with the file, line and label.
"""

from sentaway.raw.metadata import check_definition, definitions
from sentaway.raw.files import RawDataError, RawFiles
from . import shapes, sources
from .releases import Release, registry
from .tidy import level_of, published
from .write import add_rounding

NAME = "cla_council_placements"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
SFR_GEOGRAPHY = ["New_geog_code", "geog_l", "geog_c", "geog_n"]
EES_COLUMNS = ["time_period", "geographic_level", "country_code", "country_name", "region_code", "region_name",
               "old_la_code", "la_name", "new_la_code", "number"]
# Each EES table, the column that names its rows, and the vocabulary (sources file) that reads them.
EES_TABLES = {"la_net_gain": ("characteristic", "characteristics"), "council_totals": ("population_count", "population_counts")}


def _row(release: Release, year: int, file: str, area: tuple[str, str, str, str], measure: str, label: str, text: str,
         where: str):
    level, code, old, name = area
    value, status = published(text, where)
    if value is not None and (value != int(value) or (value < 0 and measure != "net_gain")):
        raise RawDataError(f"{where}: {text!r} is not a count of children")
    return Row(year=year, release=release.label, source_file=file, geographic_level=level, area_code=code,
               old_la_code=old, area_name=name, measure=measure, measure_label=label,
               value=None if value is None else int(value), status=status, rounding="", where=where)


def sfr_rows(raw: RawFiles) -> list:
    rows = []
    metadata = dict(registry().files(raw, "sfr", "definitions"))
    aliases = {alias.lower(): code.lower() for alias, code in LABELS["sfr_aliases"].items()}
    for release, data_file in registry().files(raw, "sfr", "placements"):
        year, meta_file = release.year, metadata[release]
        defs = definitions(raw, meta_file)
        header, records = raw.rows(data_file)
        present = {aliases.get(name.strip().lower(), name.strip().lower()): i for i, name in enumerate(header)}
        missing = [name for name in SFR_GEOGRAPHY if name.lower() not in present]
        columns = []
        for pattern, spec in LABELS["sfr_columns"].items():
            code = pattern.format(year=year)
            if code.lower() not in present:
                missing.append(code)
                continue
            words = [w.format(year=year) for w in spec["words"]]
            definition = _definition(defs, code, words, meta_file)
            columns.append((present[code.lower()], code, spec["measure"], definition))
        if missing:
            raise RawDataError(f"{data_file}: expected column(s) {', '.join(missing)} not found in the header")
        geography = [present[name.lower()] for name in SFR_GEOGRAPHY]
        for line, record in enumerate(records, start=2):
            new_code, level_label, old_code, name = (record[i].strip() for i in geography)
            where = f"{data_file}, line {line}"
            try:
                level = level_of(level_label, new_code, where)
            except ValueError as error:
                raise RawDataError(str(error)) from None
            area = (level, new_code, old_code if level == "local_authority" else "", name)
            for index, code, measure, definition in columns:
                rows.append(_row(release, year, data_file, area, measure, definition, record[index],
                                 f"{where}, column {code}"))
    return rows


def _definition(defs: dict, code: str, words: list[str], meta_file: str) -> str:
    """The metadata's definition of `code`, which must hold one of `words` (the metadata's wording changed over the
    years: 'by another LA', then 'an external local authority')."""
    last = None
    for word in words:
        try:
            return check_definition(defs, code, word, meta_file)
        except RawDataError as error:
            last = error
    raise last


def _ees_area(item: dict[str, str], where: str) -> tuple[str, str, str, str]:
    level = level_of(item["geographic_level"], "", where)
    if level == "national":
        return level, item["country_code"].strip(), "", item["country_name"].strip()
    if level == "regional":
        return level, item["region_code"].strip(), "", item["region_name"].strip()
    return level, item["new_la_code"].strip(), item["old_la_code"].strip(), item["la_name"].strip()


def ees_rows(raw: RawFiles) -> list:
    rows = []
    for table, (column, vocabulary) in EES_TABLES.items():
        for release, data_file in registry().files(raw, "ees", table):
            records = raw.records(data_file, EES_COLUMNS + [column])
            labels = sources.vocabulary(NAME, vocabulary, release)
            printed = {item[column] for item in records}
            kept = 0
            for line, item in enumerate(records, start=2):
                where = f"{data_file}, line {line}"
                label = item[column].strip()
                if label not in labels:
                    raise labels.refuse(label, where, column, printed)
                measure = labels[label]
                if measure is None:
                    continue
                rows.append(_row(release, int(item["time_period"]), data_file, _ees_area(item, where), measure,
                                 label.partition(". ")[2] or label, item["number"], f"{where}, column number"))
                kept += 1
            missing = set(labels.codes()) - {None} - {r.measure for r in rows if r.source_file == data_file}
            if not kept or missing:
                raise RawDataError(f"{data_file}: no rows for {', '.join(sorted(missing)) or column}")
    return rows


def extract(raw: RawFiles) -> list:
    rows = sfr_rows(raw) + ees_rows(raw)
    add_rounding(rows)
    return rows
