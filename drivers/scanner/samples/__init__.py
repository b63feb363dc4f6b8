"""Bundled fictitious documents for the simulated scanner (a package so the PNGs install)."""
