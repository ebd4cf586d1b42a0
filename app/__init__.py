"""The dashboard's rooms beside the pages: the read model (:mod:`app.queries`) and the page
furniture (:mod:`app.ui`).  Pages reach the warehouse only through ``ui.query(queries.q_x, f)``;
nothing here writes to the warehouse, and ``etl`` never imports this package."""
