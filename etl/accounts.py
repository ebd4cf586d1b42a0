"""Local reviewer accounts for a single-machine setup (复核 and 导入年报 need a signed-in name).

Role: the dashboard's sign-in (``app/auth.py``) checks names and passwords against a TOML
file; ``python -m etl account add NAME`` adds or replaces one (password from a prompt, or
from stdin when it is not a terminal).  Passwords are stored as salted ``hashlib.scrypt``
hashes (standard library; n=2**14, r=8, p=1), never in clear.  The file's path is
``$GKNB_ACCOUNTS``, else ``data/accounts.toml`` (not committed).  Where Streamlit's own
sign-in (OIDC, ``[auth]`` in secrets) is configured, this file is not used.

Sign-in attempts (:func:`sign_in`): every attempt, refused or not, is appended to a log
beside the account file (``accounts.signin.jsonl``: time, name as typed — cut to
:data:`NAME_MAX` and marked ``…`` when longer than any account name may be —, ``ok`` /
``fail`` / ``locked``), which is also what the lock-out reads (a rotation of the log carries
its counts over): :data:`MAX_FAILURES` failures of one name
within :data:`WINDOW` (since its last success) lock that name for :data:`LOCK`; attempts
while locked are refused without checking the password and do not extend the lock.  The app
applies the same rule to the failures of one browser session (whatever names it tries).

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
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "accounts.toml"
_N, _R, _P = 2 ** 14, 8, 1
_DUMMY = "00" * 16 + "$" + "00" * 32
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
LOG_MAX_BYTES = 1 << 20          # then the log is rotated (one older file kept: .1)
NAME_MAX = 64                    # characters of an account name


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
    return 0 < len(name) <= NAME_MAX and name.isprintable() and "\"" not in name and "\\" not in name


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


# ----------------------------------------------------------------------------- sign-in attempts
@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: ``ok``, or refused; ``wait_minutes`` > 0 while locked out;
    ``checked``: False when refused for the lock-out without looking at the password."""
    ok: bool
    wait_minutes: int = 0
    checked: bool = True

    def message_zh(self) -> str:
        if self.ok:
            return ""
        if self.wait_minutes:
            return f"登录失败次数过多，请 {self.wait_minutes} 分钟后再试"
        return "账号或密码不正确"


def signin_log_path(path: Path | None = None) -> Path:
    return (path or accounts_path()).with_suffix(".signin.jsonl")


def wait_minutes(failures: list[datetime], now: datetime) -> int:
    """Minutes until sign-in is allowed again after these failed attempts (0: allowed now):
    the lock runs :data:`LOCK` from the latest failure that completed :data:`MAX_FAILURES`
    failures within :data:`WINDOW`."""
    fails = sorted(t for t in failures if t > now - LOCK - WINDOW)
    for i in range(len(fails) - 1, MAX_FAILURES - 2, -1):
        if fails[i] - fails[i - MAX_FAILURES + 1] <= WINDOW:
            left = fails[i] + LOCK - now
            return max(0, math.ceil(left.total_seconds() / 60))
    return 0


def _failures(log: Path, now: datetime) -> dict[str, list[datetime]]:
    """name → its failed attempts in ``log`` since its last successful sign-in, within the
    lock-out's reach."""
    since = now - LOCK - WINDOW
    out: dict[str, list[datetime]] = {}
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            e = json.loads(line)
            at = datetime.fromisoformat(e["at"])
            name = str(e["name"])
        except (ValueError, KeyError, TypeError):
            continue             # a torn last line of a crashed writer
        if at <= since:
            continue
        if e.get("event") == "ok":
            out.pop(name, None)
        elif e.get("event") == "fail":
            out.setdefault(name, []).append(at)
    return out


def recent_failures(name: str, now: datetime, path: Path | None = None) -> list[datetime]:
    """Failed attempts for ``name`` since its last successful sign-in, within the lock-out's
    reach.  The live log holds them all: a rotation carries them over (:func:`record`)."""
    return _failures(signin_log_path(path), now).get(name, [])


def _rotate(log: Path, now: datetime) -> None:
    """Move the log to ``.1`` and start the new one with the failures the lock-out still
    counts (each name's latest :data:`MAX_FAILURES`, enough to tell a lock and the next one),
    so no number of rotations resets a count.  The carry is capped at a quarter of
    :data:`LOG_MAX_BYTES`, names nearest to a lock first."""
    carry = sorted(_failures(log, now).items(), key=lambda kv: (-len(kv[1]), -kv[1][-1].timestamp()))
    lines: list[tuple[datetime, str]] = []
    size = 0
    for name, fails in carry:
        for at in fails[-MAX_FAILURES:]:
            line = json.dumps({"at": at.isoformat(timespec="seconds"), "name": name, "event": "fail",
                               "detail": "carried"}, ensure_ascii=False)
            size += len(line.encode("utf-8")) + 1
            lines.append((at, line))
        if size > LOG_MAX_BYTES // 4:
            break
    os.replace(log, log.with_name(log.name + ".1"))
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for _, line in sorted(lines))


def record(name: str, event: str, now: datetime, path: Path | None = None, detail: str = "") -> None:
    """Append one attempt to the sign-in log (created mode 600; rotated past LOG_MAX_BYTES)."""
    log = signin_log_path(path)
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        if log.stat().st_size > LOG_MAX_BYTES:
            _rotate(log, now)
    except FileNotFoundError:
        pass
    line = json.dumps({"at": now.isoformat(timespec="seconds"), "name": name, "event": event,
                       **({"detail": detail[:200]} if detail else {})}, ensure_ascii=False)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def sign_in(name: str, password: str, path: Path | None = None, *, session_failures: Sequence[datetime] = (),
            now: datetime | None = None, detail: str = "") -> SignIn:
    """Check a password under the lock-out rule and log the attempt.  ``session_failures``:
    the failed attempts of the caller's session (any names), locked out by the same rule."""
    now = now or datetime.now()
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        # no account has so long a name (add refuses it): refused by check, logged cut short
        # with a mark, so it is never one account's name nor counts toward its lock-out
        name = name[:NAME_MAX] + "…"
    fails = recent_failures(name, now, path)
    wait = max(wait_minutes(fails, now), wait_minutes(list(session_failures), now))
    if wait:
        record(name, "locked", now, path, detail)
        return SignIn(False, wait, checked=False)
    ok = check(name, password, path)
    record(name, "ok" if ok else "fail", now, path, detail)
    if ok:
        return SignIn(True)
    return SignIn(False, max(wait_minutes(fails + [now], now), wait_minutes([*session_failures, now], now)))
