"""The market lens: a corpus of postings into readings, mergeable aggregates and a report.

Engines (:mod:`rolelens.market.local`, :mod:`rolelens.market.spark`) turn corpus rows into
flat reading records (:mod:`rolelens.market.records`) and aggregates
(:mod:`rolelens.core.aggregate`); :mod:`rolelens.market.store` writes the DuckDB database
and :mod:`rolelens.market.report` the HTML report. Needs the ``market`` extra.
"""
