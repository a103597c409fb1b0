"""Data tables as the book shows them."""

import pandas as pd


def html_table(frame: pd.DataFrame, extra_class: str = "") -> str:
    """No index, missing values shown as a dash, escaped text. tabindex: a table wider than the page scrolls
    sideways (sentaway.css), and keyboard users need to reach it to scroll it."""
    classes = "sa-table" + (f" {extra_class}" if extra_class else "")
    frame = frame.astype(object).where(frame.notna(), "–")  # pd.NA in nullable columns would print as <NA>
    return frame.to_html(index=False, border=0, classes=classes, na_rep="–", escape=True).replace(
        "<table ", '<table tabindex="0" ', 1)
