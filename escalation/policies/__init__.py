"""Response policies: one small class each, compiled from YAML, listed in ``registry``."""
