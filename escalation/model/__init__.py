"""The lowest layer, shared by the scenario format, the engine and the batches: the model's
words (``vocabulary``: effects, threat states, value types), the names conditions read and the
run's counts (``namespace``), bounds on counts (``bounds``) and how randomness is keyed to a
scenario, seed and run (``streams``). It imports nothing else of the package."""
