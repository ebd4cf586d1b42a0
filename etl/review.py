"""复核's write path: one correction (or a schema upgrade) published through the warehouse's
single writer.

The rules live in :mod:`etl.corrections` (which the warehouse imports to apply corrections at
every publish); this module joins them to :func:`etl.warehouse.staging` (writer lock, the standby twin or a
private copy, atomic switch of the link), so a reader sees the warehouse before or after a
correction, never half of it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from etl import warehouse as wh
from etl.corrections import write


def submit(db_path: Path, *, lock_timeout: float | None = None, **kw: Any) -> dict[str, Any]:
    """Write one correction and publish it atomically (the warehouse's single-writer path);
    the keywords are :func:`etl.corrections.write`'s.  Raises
    :class:`etl.corrections.CorrectionError` (nothing changes)."""
    timeout = wh.DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    with wh.staging(Path(db_path), lock_timeout=timeout) as st:
        assert st.con is not None
        row = write(st.con, **kw)
        st.changed = True
        st.touch([row["report_id"]])      # its derived rows (marts, checks, assessment) are redone
    return row


def upgrade(db_path: Path) -> None:
    """Publish once with nothing loaded: a warehouse written by an older version gains the
    schema objects of 复核 (the staging copy runs ``etl/schema.sql``)."""
    with wh.staging(Path(db_path)) as st:
        st.changed = True
