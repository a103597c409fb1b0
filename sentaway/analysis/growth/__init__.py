"""Growth models for the chapter 'How fast did out-of-area placement grow?', one job a module:

- series: the series modelled (one definition each), parameters and windows, and the supported-accommodation
  reform year the releases record;
- rates: growth rates with 95% intervals (log-linear OLS, Poisson / quasi-Poisson with an overdispersion test,
  negative binomial) and the binomial trend in the share placed outside;
- decomposition: a change in the number outside split into more children and a larger share;
- cited: the cited figures against the official series and its trend;
- comparison: growth in the window against the later years before the reform, a comparison fixed in advance;
- breaks: changes of trend tried at every candidate year, corrected for trying several;
- forecast: a trend fitted to one window, forecast out of sample, against what was published, and the smallest
  slowdown it could detect;
- panel: councils (supply of places, region, IMD 2019) and the councils behind the national rise;
- page: the chapter's results as one structured object for the notebook (its charts and tables are in
  sentaway/present/growth_charts.py, its figures as the prose states them in sentaway/present/growth_prose.py).

Numbers only. No other stage imports this package: the register reads the series itself.
"""
