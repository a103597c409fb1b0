"""Every council's figures, for its own page (notebooks/councils.ipynb): which councils the files hold and under which
codes (codes.py), where their looked-after children are placed (placements.py), the children's homes inside their
boundary (homes.py), their missing and away children (missing.py), their spending on residential care (spend.py),
and the findings their page states in words (findings.py); by_code.py indexes each table by council. One module a
job; numbers only, no words or HTML."""
