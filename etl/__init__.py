"""The ETL: report files (text, markdown, HTML, DOCX, PDF) → checked DuckDB warehouse.

Readers turn a file into a neutral ``Document``; the parser (``extract``, ``recover``) turns
it into a ``ParsedReport`` with per-cell provenance; ``checks`` runs the identities; the
warehouse loads and publishes.  ``python -m etl --help`` lists the commands.  Nothing here
imports the dashboard (``app``, ``pages``) or the synthetic corpus (``synth``).
"""
