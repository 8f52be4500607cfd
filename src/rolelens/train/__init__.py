"""Fit the reader's numbers on labelled postings, and measure them honestly.

The vocabulary (evidence items, aliases, cues) is hand-curated data and is never fitted;
the numbers the reader multiplies are. :mod:`~rolelens.train.features` turns readings into
mention records (pure Python), :mod:`~rolelens.train.model` fits the numbers on them
(numpy and scipy: the ``train`` extra), :mod:`~rolelens.train.crossval` runs grouped k-fold
cross-validation of the real reader with fitted numbers. Reading never imports this package.
"""
