"""Rendering for people, shared by the adapters: Markdown of readings and scopings.

Pure functions from result models to text; the terminal (rich) views stay in ``rolelens.cli``.
"""
