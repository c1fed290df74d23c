"""Progress reports: the figures (data.py, no Qt), CSV, plots and PDF, and
the `report` command."""
