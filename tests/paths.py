"""Where the tests find the project and the shared corpus (``GKNB_SHARED`` overrides ../shared).

The one corpus path of the test suite: tests import CORPUS / HAVE_CORPUS from here.  Outside CI
corpus tests skip when it is absent; under CI (``CI=true``) the run fails (tests/conftest.py)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GKNB_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
HAVE_CORPUS = (CORPUS / "gold").is_dir() and (CORPUS / "raw").is_dir()
