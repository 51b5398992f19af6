"""Optimize layer."""
