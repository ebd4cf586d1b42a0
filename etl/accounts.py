"""Local reviewer accounts for a single-machine setup (复核 and 导入年报 need a signed-in name).

Role: the dashboard's sign-in (``app/auth.py``) checks names and passwords against a TOML
file; ``python -m etl account add NAME`` adds or replaces one (password from a prompt, or
from stdin when it is not a terminal).  Passwords are stored as salted ``hashlib.scrypt``
hashes (standard library; n=2**14, r=8, p=1), never in clear.  The file's path is
``$GKNB_ACCOUNTS``, else ``data/accounts.toml`` (not committed).  Where Streamlit's own
sign-in (OIDC, ``[auth]`` in secrets) is configured, this file is not used.

Format::

    [accounts."张三"]
    scrypt = "<salt hex>$<hash hex>"
    created_at = "2026-01-01T00:00:00"
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tomllib
from datetime import datetime
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "accounts.toml"
_N, _R, _P = 2 ** 14, 8, 1
_DUMMY = "00" * 16 + "$" + "00" * 32


def accounts_path() -> Path:
    return Path(os.environ.get("GKNB_ACCOUNTS") or DEFAULT_PATH)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    h = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"{salt.hex()}${h.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        salt_hex, want = stored.split("$", 1)
        got = hash_password(password, bytes.fromhex(salt_hex)).split("$", 1)[1]
    except (ValueError, AttributeError):
        return False
    return hmac.compare_digest(got, want)


_cache: dict[Path, tuple[tuple[int, int, int], dict[str, dict]]] = {}


def load(path: Path | None = None) -> dict[str, dict]:
    """name → {scrypt, created_at}; empty when the file is absent.  Parsed once per version of
    the file (its mtime, size and inode: ``add`` replaces it, so a change is seen at once); a
    Streamlit rerun asks several times.  The caller gets its own dict."""
    p = path or accounts_path()
    try:
        s = p.stat()
    except OSError:
        return {}
    stamp = (s.st_mtime_ns, s.st_size, s.st_ino)
    hit = _cache.get(p)
    if hit is None or hit[0] != stamp:
        with open(p, "rb") as f:
            hit = (stamp, dict(tomllib.load(f).get("accounts") or {}))
        _cache[p] = hit
    return dict(hit[1])


def check(name: str, password: str, path: Path | None = None) -> bool:
    acct = load(path).get((name or "").strip())
    if not acct:
        verify_password(password, _DUMMY)    # an unknown name takes as long to refuse as a wrong password
        return False
    return verify_password(password, str(acct.get("scrypt", "")))


def valid_name(name: str) -> bool:
    name = (name or "").strip()
    return 0 < len(name) <= 64 and name.isprintable() and "\"" not in name and "\\" not in name


def add(name: str, password: str, path: Path | None = None) -> Path:
    """Add or replace an account; the file is rewritten atomically (mode 600)."""
    name = (name or "").strip()
    if not valid_name(name):
        raise ValueError(f"账号名不合法：{name!r}")
    if len(password) < 8:
        raise ValueError("密码至少 8 个字符")
    p = path or accounts_path()
    accts = load(p)
    accts[name] = {"scrypt": hash_password(password), "created_at": datetime.now().isoformat(timespec="seconds")}
    lines = ["# 复核/导入账号 (python -m etl account add NAME); passwords are scrypt hashes", ""]
    for n, a in sorted(accts.items()):
        lines += [f"[accounts.{json.dumps(n, ensure_ascii=False)}]",
                  f"scrypt = {json.dumps(str(a['scrypt']))}",
                  f"created_at = {json.dumps(str(a.get('created_at', '')))}", ""]
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, p)
    return p
