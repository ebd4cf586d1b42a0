"""Where the tests find the project and the shared corpus (``GKNB_SHARED`` overrides ../shared)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GKNB_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
