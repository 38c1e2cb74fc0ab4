"""Benchmarks for eventsapp; run with `make bench`. Never part of `make test`."""
