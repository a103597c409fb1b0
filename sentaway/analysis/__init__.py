"""Analysis: numbers only (frames and dicts) from data/."""
