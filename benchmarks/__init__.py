"""Reproducible performance and quality measurements (run with `make bench`)."""
