"""Territorial: open-source sales territory management."""

__version__ = "0.1.0"
