"""Claims about where children's homes are: Ofsted's lists of registered providers, by region."""

from sentaway.analysis import memo
from sentaway.read import extracts
from sentaway.analysis.out_of_area import HOMES_SERIES
from sentaway.register.verdicts import Evidence
from sentaway.register.checks import day, entry, measure, not_revised, say, share_interval

# The provider types a reading counts; their words are in book/words/checks.yml (regional.types).
TYPES = {"homes": ["childrens_home"],
         "all_types": ["childrens_home", "secure_childrens_home", "residential_special_school_childrens_home"]}
NEAREST_REGION = "North West"  # the region the claims name, shown beside the three with most


@memo.kept
def regional_counts(snapshot: str, types: list[str], measure_name: str = "homes"):
    frame = extracts.providers()
    rows = frame[(frame.snapshot_date == snapshot) & (frame.geographic_level == "regional") & frame.provider_type.isin(types)
                 & (frame.sector == "all") & (frame.measure == measure_name)]
    if rows.empty or (rows.status != "").any():
        raise extracts.NotComputable(say("regional.incomplete", counted=measure_name, snapshot=snapshot))
    merged = rows.area_name[rows.area_name.str.contains(",")]
    if not merged.empty:
        raise extracts.NotComputable(say("regional.merged", snapshot=snapshot, regions=", ".join(merged.unique())))
    counts = rows.groupby("area_name").value.sum().sort_values(ascending=False)
    return counts, rows.release.iloc[0], rows.source_file.iloc[0]


def _one_more_or_less(part: float, total: float) -> tuple[float, float]:
    """The share if one home more or less were counted, in the part or elsewhere."""
    shares = [100 * (part + dp) / (total + dp + dr) for dp in (-1, 0, 1) for dr in (-1, 0, 1) if total + dp + dr > 0]
    return min(shares), max(shares)


@measure("region_share")
def region_share(claim, snapshot: str, region: str, types: str = "homes", counted: str = "homes") -> Evidence:
    """Share of homes (or places) in one region, or in the three regions with most ('top3')."""
    counts, release, source = regional_counts(snapshot, TYPES[types], counted)
    if region == "top3":
        part, where = float(counts.iloc[:3].sum()), say("regional.share.top3", regions=", ".join(counts.index[:3]))
    else:
        part, where = float(counts[region]), region
    total = float(counts.sum())
    share = 100 * part / total
    low_1, high_1 = _one_more_or_less(part, total)
    return Evidence(claim.claim_id, official_measure=say("regional.share.measure", places=counted != "homes",
                                                         types=entry(f"regional.types.{types}"), where=where,
                                                         snapshot=snapshot),
                    comparable=True, official_value=share, official_low=share, official_high=share,
                    revision=not_revised(say("regional.not_revised")), publisher=say("publishers.ofsted"),
                    period=say("periods.snapshot", day=day(snapshot)), year=int(snapshot[:4]),
                    official_low_1=low_1, official_high_1=high_1, unit="percent", official_year=snapshot,
                    caveat=say("regional.share.caveat"), source_file=source, release=release,
                    first_published_in_files=True,
                    filters=say("regional.share.filters", types=", ".join(TYPES[types]), counted=counted),
                    rounding=say("regional.share.rounding", part=f"{int(part):,}", total=f"{int(total):,}", counted=counted),
                    nearest=_points(TYPES[types], counted))


def _points(types, counted="homes") -> list[dict]:
    points = []
    for snapshot in sorted(extracts.providers().snapshot_date.unique()):
        try:
            counts, release, _ = regional_counts(snapshot, types, counted)
        except extracts.NotComputable:
            continue
        points.append({"measure": say("regional.nearest.region", region=NEAREST_REGION, counted=counted),
                       "year": int(snapshot[:4]), "value": 100 * counts[NEAREST_REGION] / counts.sum(), "unit": "percent",
                       "release": release})
        points.append({"measure": say("regional.nearest.top3", counted=counted),
                       "year": int(snapshot[:4]), "value": 100 * counts.iloc[:3].sum() / counts.sum(), "unit": "percent",
                       "release": release})
    return points


@measure("cla_region_share")
def cla_region_share(claim, year: str, region: str, placement: str) -> Evidence:
    """A region's councils' share of the children looked after in a placement group, by the council responsible."""
    year = int(year)
    frame = extracts.placements()
    rows = frame[(frame.year == year) & (frame.geographic_level == "regional") & (frame.placement == placement)
                 & (frame.locality == "all") & (frame.provider == "all")]
    total = extracts.one(frame, year=year, geographic_level="national", placement=placement, locality="all", provider="all")
    found = rows[rows.area_name.str.upper() == region.upper()]
    if found.empty:
        raise extracts.NotComputable(say("regional.cla.no_row", region=region, year=year))
    part = float(found.iloc[0].value)
    low, high = share_interval(part, float(total.value) - part)
    group = HOMES_SERIES.get(placement, placement).lower()
    return Evidence(claim.claim_id, official_measure=say("regional.cla.measure", region=region, group=group, year=year),
                    comparable=True, publisher=say("publishers.dfe"), period=say("periods.census", year=year), year=year, official_value=100 * part / float(total.value), official_low=low, official_high=high,
                    unit="percent", official_year=str(year), source_file=total.source_file, release=total.release,
                    filters=say("regional.cla.filters", placement=placement), rounding=total.rounding,
                    caveat=say("regional.cla.caveat"))
