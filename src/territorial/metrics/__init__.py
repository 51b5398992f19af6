"""Metrics layer."""
