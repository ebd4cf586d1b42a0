"""Metamorphic tests: re-layouts of real and synthetic reports that know what the truth becomes.

``transforms`` holds the transformations (a publisher's, a converter's or a crawler's habits),
``runner`` renders, parses and scores them, ``test_metamorphic`` holds the one property over
every transform × format × report.  ``benchmarks/bench_metamorphic.py`` runs the full sweep.
"""
