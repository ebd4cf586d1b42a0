"""The synthetic-corpus workshop: fictional reports (labelled 示例) with their ground truth.

Not part of the ETL: ``etl`` never imports it.  Tests and benchmarks use it to make inputs
whose truth is known.  ``generate`` simulates agencies and their figures; ``render`` prints a
report the way agencies publish it (Word text, crawler text, HTML, DOCX, markdown, PDF).
Its dependencies (reportlab, python-docx) are in the ``synth`` extra.
"""
