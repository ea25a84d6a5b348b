"""Analysis of batch results: tables and statistics with intervals, paths, comparisons."""
