"""File names from the outside world, made safe to store, to print and to save under.

Role in the ETL: a report's file name is data from the outside (an upload, a crawler, a
colleague's folder).  On Linux a name is any bytes except ``/`` and NUL, so it may carry
control characters (ANSI escapes, newlines), bidi overrides, ``..`` segments, 255 bytes of
Chinese, or bytes that are not UTF-8 (Python hands those over as lone surrogates, PEP 383,
which DuckDB and ``print`` refuse).

* :func:`storable` — any ``str`` → valid UTF-8 text (undecodable bytes become ``\\xNN``),
  otherwise unchanged; for ``source_path`` / ``source_name`` / ``load_log``.
* :func:`printable` — one line for a terminal or a log: control and format characters
  (``\\n``, ``\\x1b``, U+202E …) shown as escapes, so a name cannot forge lines or colour
  the terminal.
* :func:`safe_filename` — a base name that is safe to create in an uploads folder: no
  directory part, no leading dot, no control/format characters, at most 120 characters and
  200 UTF-8 bytes, a short alphanumeric extension kept (lower-cased).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 200  # well under the usual 255-byte file-name limit, room for a prefix
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def storable(text: str) -> str:
    """``text`` as valid UTF-8: lone surrogates (undecodable file-name bytes) become ``\\xNN``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")   # the file name's original bytes
    except UnicodeEncodeError:                           # a surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """``text`` on one line with control/format characters escaped (``\\n``, ``\\x1b``, ``\\u202e``)."""
    text = storable(str(text))
    out = []
    for ch in text:
        if unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def safe_filename(name: str, default: str = "report") -> str:
    """A base name safe to create in one folder (see the module docstring); never empty."""
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]   # a browser may send C:\fakepath\x.pdf
    name = storable(name).replace("\\", "_")
    name = unicodedata.normalize("NFC", name)
    name = "".join("_" if unicodedata.category(ch) in _UNSAFE_CATEGORIES or ch in '<>:"|?*' else ch
                   for ch in name)
    m = _EXT.search(name)
    ext = m.group(0).lower() if m else ""
    stem = name[: len(name) - len(ext)] if ext else name
    stem = re.sub(r"\s+", " ", stem).strip(" ._-") or default
    stem = stem[:MAX_NAME_CHARS]
    while len((stem + ext).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or default
    return stem + ext


def upload_name(data: bytes, name: str) -> str:
    """Where an uploaded file is stored: its content hash (so the same file twice is one file)
    and a safe version of the name the browser sent, extension kept for the reader."""
    return f"{hashlib.sha256(data).hexdigest()[:16]}_{safe_filename(name)}"
