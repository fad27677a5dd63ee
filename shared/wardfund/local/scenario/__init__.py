"""Scenario files: loading and checking them, playing them through the local stack, the results."""
