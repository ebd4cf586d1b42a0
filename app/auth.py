"""Sign-in for the writing pages (导入年报, 复核): who may write, and under which name.

Two ways, in this order:

* **OIDC** (Streamlit's built-in ``st.login`` / ``st.user``) when ``[auth]`` is configured in
  ``.streamlit/secrets.toml``; the reviewer's name is the provider's e-mail (or name).
* **A local account file** (:mod:`etl.accounts`: ``$GKNB_ACCOUNTS`` or ``data/accounts.toml``,
  scrypt-hashed passwords; ``python -m etl account add NAME``) for a single-machine setup.

Without either, the writing pages are read-only and say why.  The check runs in the page's
script on the server, before any write: a direct request (a URL with query parameters, a
scripted session) reaches no write without a signed-in name.  The signed-in local name lives
in the session (``st.session_state[SESSION_KEY]``) and is re-checked against the account file
on every run (a deleted account loses access at once).  Local sign-in goes through
:func:`etl.accounts.sign_in`: each attempt is logged, and too many failures lock the name,
and this browser session, out for a while (登录失败次数过多，请 X 分钟后再试).
"""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from etl import accounts

SESSION_KEY = "_auth_user"
FAILURES_KEY = "_auth_failures"     # times of this session's failed attempts (any name)
READ_ONLY_ZH = ("此页需要登录后才能写入。本服务器尚未配置登录：管理员可在 .streamlit/secrets.toml 中配置 [auth]"
                "（OIDC 单点登录），或在服务器上运行 `python -m etl account add 姓名` 建立本地账号"
                "（账号文件 data/accounts.toml，或环境变量 GKNB_ACCOUNTS 指定）。现在只能查看，不能修改。")


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:       # no secrets file at all
        return False


def mode() -> str | None:
    """``oidc`` | ``local`` | None (no sign-in configured: read-only)."""
    if oidc_configured():
        return "oidc"
    return "local" if accounts.load() else None


def current_user() -> str | None:
    """The signed-in name, or None."""
    m = mode()
    if m == "oidc":
        try:
            if st.user.is_logged_in:
                return str(st.user.get("email") or st.user.get("name") or st.user.get("sub") or "") or None
        except Exception:
            return None
        return None
    if m == "local":
        name = st.session_state.get(SESSION_KEY)
        return name if name and name in accounts.load() else None
    return None


def sign_out() -> None:
    if mode() == "oidc":
        st.logout()
    st.session_state.pop(SESSION_KEY, None)


def require_writer(action_zh: str, key: str) -> str | None:
    """The signed-in name for ``action_zh`` (e.g. 上传年报), or None after showing why the page
    is read-only and, where sign-in is configured, a sign-in form."""
    user = current_user()
    m = mode()
    if user:
        c1, c2 = st.columns([4, 1])
        c1.caption(f"已登录：{user}（{'单点登录' if m == 'oidc' else '本地账号'}）。所有写入记入操作日志。")
        if c2.button("退出登录", key=f"{key}_logout"):
            sign_out()
            st.rerun()
        return user
    if m is None:
        st.info(READ_ONLY_ZH, icon=":material/lock:")
        return None
    st.warning(f"{action_zh}需要登录：未登录时此页只读。", icon=":material/lock:")
    if m == "oidc":
        if st.button("登录", key=f"{key}_login", type="primary"):
            st.login()
        return None
    with st.form(f"{key}_signin"):
        name = st.text_input("账号", key=f"{key}_name")
        pw = st.text_input("密码", type="password", key=f"{key}_password")
        ok = st.form_submit_button("登录", type="primary")
    if ok:
        fails = st.session_state.get(FAILURES_KEY, [])
        res = accounts.sign_in(name, pw, session_failures=fails, detail=_client())
        if res.ok:
            st.session_state.pop(FAILURES_KEY, None)
            st.session_state[SESSION_KEY] = name.strip()
            st.rerun()
        if res.checked:
            st.session_state[FAILURES_KEY] = [*fails, datetime.now()][-accounts.MAX_FAILURES:]
        st.error(res.message_zh())
    return None


def _client() -> str:
    """The browser's address for the sign-in log ('' when Streamlit does not know it)."""
    try:
        return str(st.context.ip_address or "")
    except Exception:
        return ""
