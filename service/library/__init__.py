"""The reports library: what was read of each report, and adding or removing reports."""
