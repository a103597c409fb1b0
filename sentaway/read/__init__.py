"""Reading data/: the extracts, the claims' own data, the notebooks' parameters."""
