"""Metamorphic re-layouts: transformations of real and synthetic reports that know their truth.

``transforms`` holds the transformations (a publisher's, a converter's or a crawler's habits) and
the :class:`~synth.metamorphic.transforms.Grid` table model they work on; ``runner`` renders,
parses (in-process, :func:`etl.extract.parse_bytes`) and scores them.  The property test is
``tests/metamorphic/test_metamorphic.py``; the full sweep ``benchmarks/bench_metamorphic.py``.
"""
