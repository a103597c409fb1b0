"""A council's name as the files print it, made comparable: Ofsted's lists and the s251 returns name councils in their own
wording ('Stockton on Tees', 'Bath & NE Somerset'), and a page's address is made from a name."""

import re

# Ofsted's short names for authorities -> the DfE name, after norm (names only differ in wording).
ALIASES = {"blackburn": "blackburn with darwen", "bath and ne somerset": "bath and north east somerset",
           "hull": "kingston upon hull", "southend": "southend on sea", "stockton": "stockton on tees",
           "telford": "telford and wrekin", "newcastle": "newcastle upon tyne", "medway towns": "medway",
           "st helens": "st helens", "isles scilly": "isles scilly"}


def norm(name: str) -> str:
    """A name's words without case, punctuation, brackets and the words councils add to it ('city of', 'county')."""
    s = re.sub(r"\(.*?\)", " ", name.lower()).replace("&", "and").replace(".", "").replace(",", " ").replace("-", " ")
    s = " ".join(w for w in s.split() if w not in {"city", "of", "the", "borough", "council", "county", "royal"})
    return ALIASES.get(s, s)


def slug(name: str) -> str:
    """A name as an address part: 'Bristol, City of' -> 'bristol-city-of', 'St. Helens' -> 'st-helens'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")
