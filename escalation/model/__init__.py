"""The shared vocabulary of crises: action kinds, the escalation ladder, default outcomes."""
