"""Monte Carlo batches: chunks of runs on any backend, with identical results on each."""
