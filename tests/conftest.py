"""Shared pytest setup: the --e2e switch for browser tests and the path to ../shared/corpus.

Browser tests (marked ``e2e``) run only with ``pytest --e2e``; CI passes it after installing
Debian's chromium.  Tests that read the real corpus skip when ``../shared`` is absent, except
under CI (``CI=true``), where a missing corpus stops the run with a failure.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from paths import CORPUS, HAVE_CORPUS


def pytest_sessionstart(session):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and not HAVE_CORPUS:
        pytest.exit(f"the shared corpus is missing at {CORPUS} (GKNB_SHARED): corpus tests cannot be skipped under CI",
                    returncode=3)


def pytest_addoption(parser):
    parser.addoption("--e2e", action="store_true", default=False,
                     help="run browser end-to-end tests (needs /usr/bin/chromium)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--e2e"):
        return
    skip = pytest.mark.skip(reason="browser test: run with --e2e")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not HAVE_CORPUS:
        pytest.skip("../shared/corpus is absent")
    return CORPUS
