"""Geo layer."""
