"""Text renderings of runs for people: timelines and causal chains."""
