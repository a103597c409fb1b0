"""Claims about where children's homes are: Ofsted's lists of registered providers, by region."""

from .. import extracts
from ..verdicts import Evidence
from . import check

# The claims give no date; said in May 2018, the latest Ofsted list in the raw files before then is March 2016.
DEFAULT = {"snapshot": "2016-03-31", "types": ["childrens_home"]}
VARIANTS = {
    "30 September 2014 list": {"snapshot": "2014-09-30"},
    "31 March 2023 list (after the claim)": {"snapshot": "2023-03-31"},
    "also secure homes and residential special schools registered as children's homes":
        {"types": ["childrens_home", "secure_childrens_home", "residential_special_school_childrens_home"]},
}
UNDERCOUNT = ("Ofsted's provider lists in the raw files give each home at its latest full inspection, so homes registered "
              "but not yet inspected are missing; the claim gives no date, and the latest list before it was made is "
              "used")


def regional_counts(snapshot: str, types: list[str], measure: str = "homes"):
    frame = extracts.providers()
    rows = frame[(frame.snapshot_date == snapshot) & (frame.geographic_level == "regional") & frame.provider_type.isin(types)
                 & (frame.sector == "all") & (frame.measure == measure)]
    if rows.empty or (rows.status != "").any():
        raise extracts.NotComputable(f"no complete {measure} by region in the Ofsted list of {snapshot}")
    if rows.area_name.str.contains(",").any():
        raise extracts.NotComputable(f"the Ofsted list of {snapshot} merges regions ({', '.join(rows.area_name[rows.area_name.str.contains(',')].unique())})")
    counts = rows.groupby("area_name").value.sum().sort_values(ascending=False)
    return counts, rows.release.iloc[0], rows.source_file.iloc[0]


def _points(types, measure="homes", region="North West") -> list[dict]:
    points = []
    for snapshot in sorted(extracts.providers().snapshot_date.unique()):
        try:
            counts, release, _ = regional_counts(snapshot, types, measure)
        except extracts.NotComputable:
            continue
        points.append({"measure": f"{region} share of children's homes ({measure})", "year": int(snapshot[:4]),
                       "value": 100 * counts[region] / counts.sum(), "unit": "percent", "release": release})
        points.append({"measure": f"Share of children's homes ({measure}) in the three regions with most",
                       "year": int(snapshot[:4]), "value": 100 * counts.iloc[:3].sum() / counts.sum(), "unit": "percent",
                       "release": release})
    return points


@check("region-three-regions-share-pa", "region-three-regions-share-huffpost", variants=VARIANTS)
def three_regions(claim, variant=None) -> Evidence:
    v = {**DEFAULT, **(variant or {})}
    counts, release, source = regional_counts(v["snapshot"], v["types"])
    share = 100 * counts.iloc[:3].sum() / counts.sum()
    return Evidence(claim.claim_id, official_measure=(f"Share of registered children's homes in the three regions with most "
                    f"({', '.join(counts.index[:3])}), Ofsted list of {v['snapshot']}"), comparable=True,
                    official_value=share, unit="percent", official_year=v["snapshot"], caveat=UNDERCOUNT + ".",
                    source_file=source, release=release, filters=f"provider types {', '.join(v['types'])}; all sectors",
                    rounding="computed from provider-level counts (not rounded)", nearest=_points(v["types"]))


@check("region-north-west-share-pa", "region-north-west-share-huffpost", variants=VARIANTS)
def north_west(claim, variant=None) -> Evidence:
    v = {**DEFAULT, **(variant or {})}
    counts, release, source = regional_counts(v["snapshot"], v["types"])
    return Evidence(claim.claim_id, official_measure=f"North West's share of registered children's homes, Ofsted list of {v['snapshot']}",
                    comparable=True, official_value=100 * counts["North West"] / counts.sum(), unit="percent",
                    official_year=v["snapshot"], caveat=UNDERCOUNT + ".", source_file=source, release=release,
                    filters=f"provider types {', '.join(v['types'])}; all sectors",
                    rounding="computed from provider-level counts (not rounded)", nearest=_points(v["types"]))


@check("region-north-west-population-pa", variants={
    "North West share of children's-home places (Ofsted, March 2016)": {"places": True}})
def north_west_population(claim, variant=None) -> Evidence:
    if variant and variant.get("places"):
        counts, release, source = regional_counts(DEFAULT["snapshot"], DEFAULT["types"], "places")
        return Evidence(claim.claim_id, official_measure="North West's share of places in registered children's homes",
                        comparable=True, official_value=100 * counts["North West"] / counts.sum(), unit="percent",
                        official_year=DEFAULT["snapshot"], caveat="places, not children; " + UNDERCOUNT + ".",
                        source_file=source, release=release, rounding="computed from provider-level places")
    frame = extracts.placements()
    year = 2017  # the latest year published before May 2018
    rows = frame[(frame.year == year) & (frame.geographic_level == "regional") & (frame.placement == "secure_childrens_homes_hostels")
                 & ~frame.area_name.str.upper().str.contains("LONDON") | (frame.area_name.str.upper() == "LONDON")]
    rows = rows[(rows.year == year) & (rows.geographic_level == "regional") & (rows.placement == "secure_childrens_homes_hostels")]
    total = extracts.one(frame, year=year, geographic_level="national", placement="secure_childrens_homes_hostels", locality="all")
    north_west = rows[rows.area_name.str.upper() == "NORTH WEST"].iloc[0]
    share = 100 * north_west.value / total.value
    low, high = 100 * (north_west.value - 5) / (total.value + 5), 100 * (north_west.value + 5) / (total.value - 5)
    return Evidence(claim.claim_id, official_measure=("North West councils' share of children looked after in secure units, "
                    f"children's homes and hostels, 31 March {year}"), comparable=True, official_value=share,
                    official_low=low, official_high=high, unit="percent", official_year=str(year),
                    caveat=("the printed phrase 'the children's homes population' is ambiguous; read here as children living in "
                            "children's homes, counted by the region of the council responsible for them, not where the home is"),
                    source_file=total.source_file, release=total.release, filters="regional / national; placement = secure_childrens_homes_hostels",
                    rounding=total.rounding)
