"""Benchmarks: sitegen against Hugo and Pelican on the same synthetic news site."""
