"""Io layer."""
