"""复核 and 导入年报 through AppTest: writing needs a signed-in name; a correction made on the
复核 page shows on 报告详情.

Without any sign-in configured both pages are read-only; with a local account file a session
that names a non-existent account (a scripted request) is still read-only; a signed-in
reviewer resolves a flagged cell of the fixture warehouse and 报告详情 marks it.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import auth
from etl import accounts
from synth import fixture_warehouse as fx

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return fx.build_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb")


@pytest.fixture()
def env(built, monkeypatch, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(built, db)
    monkeypatch.setenv("GKNB_DB", str(db))
    monkeypatch.setenv("GKNB_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.setenv("GKNB_ACCOUNTS", str(tmp_path / "accounts.toml"))
    return db, tmp_path / "accounts.toml"


def run(page: str, state: dict | None = None, query: dict | None = None, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def buttons(at, label: str):
    return [b for b in at.button if b.label == label]


def test_without_sign_in_configured_upload_and_review_are_read_only(env):
    at = run("upload", query={"user": "张三"})
    assert any("尚未配置登录" in i.value for i in at.info)
    assert not buttons(at, "载入数据库") and not at.get("file_uploader")
    at = run("review", state={auth.SESSION_KEY: "张三"}, query={"user": "张三"})
    assert any("尚未配置登录" in i.value for i in at.info)
    assert all(b.disabled for b in buttons(at, "提交更正"))
    assert all(t.disabled for t in at.text_input if t.label.startswith("复核值"))


def test_an_unknown_session_name_is_not_a_sign_in(env):
    _db, acct = env
    accounts.add("张三", "correct horse", acct)
    at = run("upload", state={auth.SESSION_KEY: "冒名者"})
    assert any("需要登录" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    # the sign-in form: a wrong password is refused, the right one signs in
    at.text_input(key="upload_name").input("张三")
    at.text_input(key="upload_password").input("wrong password")
    next(b for b in at.button if b.label == "登录").click().run()
    assert any("不正确" in e.value for e in at.error)
    at.text_input(key="upload_name").input("张三")
    at.text_input(key="upload_password").input("correct horse")
    next(b for b in at.button if b.label == "登录").click().run()
    assert any("已登录：张三" in c.value for c in at.caption)
    assert at.get("file_uploader")


def test_repeated_failed_sign_ins_lock_out_and_are_logged(env):
    import json
    _db, acct = env
    accounts.add("张三", "correct horse", acct)
    at = run("review")

    def attempt(name: str, pw: str) -> None:
        at.text_input(key="review_name").input(name)
        at.text_input(key="review_password").input(pw)
        next(b for b in at.button if b.label == "登录").click().run()
    for i in range(accounts.MAX_FAILURES):       # different names: this session is locked out
        attempt(f"示例{i}", "wrong password")
    assert any("登录失败次数过多，请 15 分钟后再试" in e.value for e in at.error)
    attempt("张三", "correct horse")
    assert any("登录失败次数过多" in e.value for e in at.error)
    assert not any("已登录" in c.value for c in at.caption)
    log = [json.loads(x) for x in accounts.signin_log_path(acct).read_text(encoding="utf-8").splitlines()]
    assert [e["event"] for e in log] == ["fail"] * accounts.MAX_FAILURES + ["locked"]
    at = run("review")                             # another session: the name itself is not locked
    attempt("张三", "correct horse")
    assert any("已登录：张三" in c.value for c in at.caption)
    log = accounts.signin_log_path(acct).read_text(encoding="utf-8").splitlines()
    assert json.loads(log[-1])["event"] == "ok" and json.loads(log[-1])["name"] == "张三"


def test_a_signed_in_reviewer_resolves_a_cell_and_the_report_page_marks_it(env):
    db, acct = env
    accounts.add("张三", "correct horse", acct)
    con = duckdb.connect(str(db), read_only=True)
    rid, key, value = con.execute("""select report_id, cell_key, value from v_fact_cell c join v_report r
                                     using (report_id) where c.uncertain order by r.agency_name, c.cell_key
                                     limit 1""").fetchall()[0]
    con.close()
    at = run("review", state={auth.SESSION_KEY: "张三"})
    assert any("已登录：张三" in c.value for c in at.caption)
    at.selectbox(key="rv_report").set_value(rid).run()
    items = at.selectbox(key=f"rv_item_{rid}")
    assert items.options
    box = at.text_input(key=f"rv_val_{rid}_{key}")
    box.input(f"{int(value) + 1:,}件").run()            # as printed: separators, a unit (etl.numbers)
    at.text_area(key=f"rv_reason_{rid}_{key}").input("按原件核对").run()
    at.button(key=f"rv_submit_{rid}_{key}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已更正" in s.value for s in at.success)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select reviewer, new_value, status from correction").fetchall() == [
        ("张三", value + 1, "applied")]
    assert con.execute("select actor, action from audit_log").fetchall() == [("张三", "correct")]
    con.close()
    at = run("report", query={"report": rid})
    assert next(m.value for m in at.metric if m.label == "人工复核更正") == "1"
    assert any("人工复核更正" in i.value for i in at.info)


def test_with_oidc_configured_the_writing_pages_offer_streamlit_sign_in(env):
    _db, acct = env
    accounts.add("张三", "correct horse", acct)      # OIDC takes precedence over the local file
    oidc = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
            "client_id": "x", "client_secret": "y",
            "server_metadata_url": "https://example.invalid/.well-known/openid-configuration"}
    for page, key in (("upload", "upload"), ("review", "review")):
        at = run(page, state={auth.SESSION_KEY: "张三"}, secrets={"auth": oidc})
        assert any("需要登录" in w.value for w in at.warning)
        assert at.button(key=f"{key}_login").label == "登录"
        assert not at.get("file_uploader")
        assert all(b.disabled for b in buttons(at, "提交更正"))


def test_an_upload_is_recorded_in_the_audit_log(env, tmp_path):
    from app.uploads import load_uploaded, parse_upload
    db, _acct = env
    item = parse_upload(fx.write_report_json(tmp_path / "测试县测试局2024年报.json").read_bytes(), "年报.json",
                        tmp_path / "uploads")
    summary = load_uploaded([item["report"]], db, item["rows"], "上传员")
    assert summary.loaded == 1
    again = load_uploaded([item["report"]], db, item["rows"], "复传员")    # the same file: unchanged
    assert again.unchanged == 1 and again.loaded == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select actor, action, detail from audit_log order by \"at\"").fetchall() == [
            ("上传员", "upload", "新增 1，替换 0，未变 0，失败 0"), ("复传员", "upload", "新增 0，替换 0，未变 1，失败 0")]
    finally:
        con.close()


def test_a_correction_changes_the_overview_headline(env):
    from etl import review
    db, _acct = env

    def headline() -> float:
        at = run("overview")
        return float(next(m.value for m in at.metric if m.label == "本年新收申请").replace(",", ""))
    before = headline()
    con = duckdb.connect(str(db), read_only=True)
    rid, value = con.execute("""select report_id, c.value from v_fact_cell c join v_report r using (report_id)
                                where c.cell_key = 't3.new_received.total' and not r.is_synthetic
                                  and r.year = (select max(year) from v_report where not is_synthetic)
                                order by report_id limit 1""").fetchall()[0]
    con.close()
    review.submit(db, report_id=rid, cell_key="t3.new_received.total", new_value=value + 100, reviewer="张三",
                  seen_version=0, seen_value=value, reason="按原件")
    assert headline() - before == 100


def test_a_rerun_reads_the_account_file_once_and_a_changed_file_again(env, monkeypatch):
    """The account file is parsed once per (path, mtime, size, inode), not 2–3× per rerun."""
    _db, acct = env
    accounts.add("张三", "correct horse", acct)
    reads = []
    real = accounts.tomllib.load
    monkeypatch.setattr(accounts, "tomllib", SimpleNamespace(load=lambda f: reads.append(1) or real(f)))
    at = run("review", state={auth.SESSION_KEY: "张三"})
    assert any("已登录：张三" in c.value for c in at.caption)
    at.run()
    assert len(reads) <= 1
    accounts.add("李四", "battery staple", acct)           # rewritten: read again, the new name known
    assert "李四" in accounts.load() and len(reads) == 2
    loaded = accounts.load()
    loaded.pop("张三")                                      # a caller's copy: the cache is not changed
    assert "张三" in accounts.load()
