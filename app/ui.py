"""Streamlit glue shared by the frame and the pages: connection, cached queries, filters, widgets.

* ``warehouse()``: one cached read-only DuckDB connection per warehouse file, re-opened when
  the file is swapped (inode / mtime change, see etl.warehouse's atomic publish); a cursor per
  query, so sessions on different threads never share a busy connection.
* ``query(queries.q_x, filters, *args)``: runs a read-model function of :mod:`app.queries`
  through ``st.cache_data``, keyed on its name, small tuples and the file's stamp (new data →
  new cache keys).
* ``sidebar_filters()``: the shared filters (ASCII keys bound to the URL) → ``Filters``.
* ``page_header()``, ``chart()``, ``csv_download()``, ``rate_help()``: the page furniture.

Text that comes from reports (agency names, raw cells) is only shown through widgets that
render plain text (dataframes, ``st.text``) or after ``md_escape``; never as HTML.
"""
from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from app import queries
from app.queries import KIND_ZH, LEVEL_ZH, RATES, TEMPLATE_ZH, Filters

ROOT = Path(__file__).resolve().parents[1]
SYNTH_BANNER = "包含示例（虚构）数据：当前结果混有示例年报，其中的机构与数字均为虚构，不可引用。"


def db_path() -> Path:
    """The warehouse file: ``$GKNB_DB`` or ``data/warehouse.duckdb``."""
    return Path(os.environ.get("GKNB_DB") or ROOT / "data" / "warehouse.duckdb")


def reports_dir() -> Path:
    return Path(os.environ.get("GKNB_REPORTS") or ROOT / "data" / "reports")


# ----------------------------------------------------------------------------- connection
class Warehouse:
    """A read-only connection plus the stamp of the file it was opened on."""

    def __init__(self, path: Path):
        self.path = path
        self.stamp = self._stamp(path)
        last = None
        for _ in range(10):  # the publisher may hold the lock for a moment during a swap
            try:
                self.con = duckdb.connect(str(path), read_only=True)
                break
            except duckdb.IOException as e:
                if "lock" not in str(e).lower():
                    raise
                last = e
                time.sleep(0.2)
        else:
            raise last  # type: ignore[misc]

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int, int]:
        s = os.stat(path)
        return (s.st_ino, s.st_mtime_ns, s.st_size)

    def fresh(self) -> bool:
        try:
            ok = self._stamp(self.path) == self.stamp
        except FileNotFoundError:
            ok = False
        if not ok:
            # close now: DuckDB reuses an open instance by path, so a new connect would see old data
            self.close()
        return ok

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already closed
            self.con.close()


@st.cache_resource(validate=Warehouse.fresh, on_release=Warehouse.close, show_spinner=False)
def _open(path: str) -> Warehouse:
    return Warehouse(Path(path))


_build_lock = threading.Lock()


def _bootstrap(path: Path) -> None:
    """First start: build the warehouse from bundled structured reports (data/reports/*.json)."""
    bundled = sorted(reports_dir().glob("*.json"))
    if path.exists() or not bundled:
        return
    with _build_lock:
        if path.exists():
            return
        from etl import warehouse as wh
        with st.spinner(f"首次启动：正在从 {len(bundled)} 份结构化年报建立数据库…"):
            path.parent.mkdir(parents=True, exist_ok=True)
            # in-process: a worker pool spawned from the Streamlit server would re-run this script
            wh.ingest([reports_dir()], path, progress=False, workers=1)


def warehouse() -> Warehouse | None:
    path = db_path()
    if not path.exists():
        _bootstrap(path)
    if not path.exists():
        return None
    return _open(str(path))


def require_warehouse() -> Warehouse:
    w = warehouse()
    if w is None:
        st.info(
            "还没有数据库。请先导入年报，例如在项目目录运行：\n\n"
            "`python -m etl ingest data/raw/`\n\n"
            f"（数据库位置：`{db_path()}`，可用环境变量 GKNB_DB 指定）；"
            "也可以在左侧“导入年报”页上传文件。")
        st.stop()
    return w


def reload_data() -> None:
    """Forget the connection and every cached result (after an import or a publish)."""
    _open.clear()
    st.cache_data.clear()


# ----------------------------------------------------------------------------- cached queries
@st.cache_data(max_entries=512, ttl="1h", show_spinner=False)
def _cached(_fn: Callable[..., pd.DataFrame], name: str, path: str, stamp: tuple, fkey: tuple | None,
            args: tuple) -> pd.DataFrame:
    """``_fn`` is not hashed (leading underscore); ``name`` stands for it in the cache key."""
    w = _open(path)
    cur = w.con.cursor()
    fn = _fn
    try:
        if fkey is None:
            return fn(cur, *args)
        return fn(cur, Filters(*fkey), *args)
    finally:
        cur.close()


def query(fn: Callable[..., pd.DataFrame], f: Filters | None = None, *args) -> pd.DataFrame:
    """Run a read-model function ``fn(cursor, f, *args)`` with caching; args must be small and hashable."""
    w = require_warehouse()
    return _cached(fn, f"{fn.__module__}.{fn.__qualname__}", str(w.path), w.stamp,
                   None if f is None else astuple(f), tuple(args))


# ----------------------------------------------------------------------------- filters
def _prune(key: str, allowed, multi: bool) -> None:
    """Drop a stale selection (e.g. a city of another province) before its widget is drawn."""
    if key not in st.session_state:
        return
    val = st.session_state[key]
    if multi:
        if val and any(v not in allowed for v in val):
            st.session_state[key] = [v for v in val if v in allowed]
    elif val is not None and val not in allowed:
        st.session_state[key] = None


def sidebar_filters() -> Filters | None:
    """Draw the shared filters in the sidebar (call after st.navigation) and store the Filters."""
    w = warehouse()
    if w is None:
        st.session_state["filters"] = None
        return None
    sb = st.sidebar
    top, bottom = sb.container(), sb.container()
    with bottom:
        synth = st.toggle("包含示例数据", value=False, key="synthetic", bind="query-params",
                          help="示例年报是虚构的，只用于演示和测试；默认不计入任何结果。")
        if st.button("重新加载数据", icon=":material/refresh:", help="数据库更新后刷新缓存"):
            reload_data()
            st.rerun()
    opts = query(queries.q_filter_options, None, bool(synth))
    with top:
        st.markdown("**筛选**")
        years_all = sorted({y for a, b in zip(opts["first_year"], opts["last_year"]) for y in range(int(a), int(b) + 1)})
        years = None
        if len(years_all) >= 2:
            lo, hi = years_all[0], years_all[-1]
            if "years" in st.session_state:
                v = st.session_state["years"]
                if not (isinstance(v, (tuple, list)) and len(v) == 2 and lo <= v[0] <= v[1] <= hi):
                    st.session_state["years"] = (lo, hi)
            sel = st.slider("年度", lo, hi, (lo, hi), key="years", bind="query-params")
            years = None if tuple(sel) == (lo, hi) else (int(sel[0]), int(sel[1]))
        provinces = sorted(opts["province"].dropna().unique().tolist())
        _prune("province", provinces, False)
        province = st.selectbox("省份", provinces, index=None, placeholder="全部", key="province",
                                bind="query-params")
        sub = opts[opts["province"] == province] if province else opts.iloc[0:0]
        cities = sorted(sub["city"].dropna().unique().tolist())
        _prune("city", cities, False)
        city = st.selectbox("地市", cities, index=None, placeholder="全部", key="city",
                            bind="query-params", disabled=not province)
        sub2 = sub[sub["city"] == city] if city else sub.iloc[0:0]
        counties = sorted(sub2["county"].dropna().unique().tolist())
        _prune("county", counties, False)
        county = st.selectbox("区县", counties, index=None, placeholder="全部", key="county",
                              bind="query-params", disabled=not city)
        levels_all = [x for x in LEVEL_ZH if x in set(opts["level"])]
        _prune("level", levels_all, True)
        levels = st.multiselect("层级", levels_all, format_func=lambda x: LEVEL_ZH.get(x, x), key="level",
                                bind="query-params", placeholder="全部")
        kinds_all = [x for x in KIND_ZH if x in set(opts["kind"])]
        _prune("kind", kinds_all, True)
        kinds = st.multiselect("机构类型", kinds_all, format_func=lambda x: KIND_ZH.get(x, x), key="kind",
                               bind="query-params", placeholder="全部")
        ag = opts
        if province:
            ag = ag[ag["province"] == province]
        if city:
            ag = ag[ag["city"] == city]
        if county:
            ag = ag[ag["county"] == county]
        if levels:
            ag = ag[ag["level"].isin(levels)]
        if kinds:
            ag = ag[ag["kind"].isin(kinds)]
        names = dict(zip(ag["agency_id"], ag["agency_name"]))
        _prune("agency", names, True)
        agencies = st.multiselect("机构", list(names), format_func=lambda x: names.get(x, x), key="agency",
                                  bind="query-params", placeholder="全部（可输入名称搜索）")
        template = st.selectbox("模板", ["2019", "2021"], index=None, placeholder="全部",
                                format_func=lambda x: TEMPLATE_ZH[x], key="template", bind="query-params")
    f = Filters(years=years, province=province, city=city, county=county, levels=tuple(levels),
                kinds=tuple(kinds), agencies=tuple(agencies), template=template, include_synthetic=bool(synth),
                agency_labels=tuple(names[a] for a in agencies))
    st.session_state["filters"] = f
    return f


def filters() -> Filters:
    f = st.session_state.get("filters")
    return f if isinstance(f, Filters) else Filters()


# ----------------------------------------------------------------------------- page furniture
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """Escape markdown/HTML-significant characters in report text before any markdown call."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def mark_frame() -> None:
    """Called by dashboard.py before ``pg.run()``: the frame ran in this script run."""
    st.session_state["_frame_ran"] = True


def ensure_frame() -> None:
    """Rerun through the frame if a page was started without it.

    A folder named ``pages/`` beside the entry script makes Streamlit start in its legacy
    multipage mode: on a fresh server the very first request for a deep link (``/report``)
    runs the page file alone (no page config, no filters).  The public ``st.navigation``
    switches the legacy mode off for the process, so a page started without the frame calls
    it (hidden, with just itself) and reruns; the rerun goes through ``dashboard.py`` and
    keeps the URL.  ``client.showSidebarNavigation = false`` in ``.streamlit/config.toml``
    hides the legacy file-name menu, and the frame draws its own menu at the top.
    tests/test_pages_apptest.py checks both halves against the installed Streamlit.
    """
    if st.session_state.get("_frame_ran"):
        st.session_state.pop("_frame_reruns", None)
        return
    n = st.session_state.get("_frame_reruns", 0)
    if n >= 2:
        st.error("页面框架未能加载，请从首页进入。")
        st.stop()
    st.session_state["_frame_reruns"] = n + 1
    st.navigation(app_pages(), position="hidden")
    st.rerun()


# the router's menu: (section, file in pages/, title, url path, material icon)
MENU: tuple[tuple[str, str, str, str, str], ...] = (
    ("分析", "overview", "总览", "overview", "dashboard"),
    ("分析", "proactive", "主动公开", "proactive", "campaign"),
    ("分析", "requests", "依申请公开", "requests", "inbox"),
    ("分析", "applicants", "申请人构成", "applicants", "groups"),
    ("分析", "procurement_fees", "采购与收费", "procurement-fees", "payments"),
    ("分析", "review_litigation", "复议诉讼", "review-litigation", "gavel"),
    ("分析", "compare", "机构对比", "compare", "leaderboard"),
    ("数据", "quality", "数据质量", "quality", "fact_check"),
    ("数据", "report", "报告详情", "report", "description"),
    ("数据", "export", "数据导出", "export", "download"),
    ("数据", "upload", "导入年报", "upload", "upload_file"),
    ("数据", "assessment", "年报评估", "assessment", "grading"),
    ("数据", "text_diff", "年报对照", "text-diff", "difference"),
)


def nav_section(title: str) -> str:
    """The menu section a page title sits in (browser tests open it before clicking the page)."""
    return next(sec for sec, _, t, _, _ in MENU if t == title)


def app_pages() -> dict[str, list[st.Page]]:
    """The page list of the router (dashboard.py), one page one file in pages/; the first is the default."""
    out: dict[str, list[st.Page]] = {}
    for i, (section, name, title, url, icon) in enumerate(MENU):
        out.setdefault(section, []).append(
            st.Page(ROOT / "pages" / f"{name}.py", title=title, url_path=url, icon=f":material/{icon}:", default=i == 0))
    return out


def page_header(title: str, question: str) -> Filters:
    """Title, the question the page answers, the filter sentence; stops if there is no data."""
    ensure_frame()
    require_warehouse()
    f = filters()
    st.title(title)
    st.caption(question)
    st.caption(f"当前筛选：{f.human_clause()}")
    if f.include_synthetic:
        st.warning(SYNTH_BANNER, icon=":material/science:")
    return f


def rate_help(rate_key: str) -> str:
    r = RATES[rate_key]
    return f"公式：{r.formula}。{r.caveat} 分母为 0 时显示“—”。"


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for Excel: UTF-8 with a BOM (without it Excel reads Chinese as GBK), plain numbers."""
    return df.to_csv(index=False).encode("utf-8-sig")


def csv_download(df: pd.DataFrame, label: str, stem: str, key: str | None = None) -> None:
    """CSV for Excel (:func:`csv_bytes`), a Chinese file name; no rerun on click."""
    st.download_button(label, data=csv_bytes(df), file_name=f"{stem}.csv",
                       mime="text/csv", on_click="ignore", key=key, icon=":material/download:")


def chart(fig, data: pd.DataFrame, name: str, f: Filters, key: str, column_config: dict | None = None) -> None:
    """A plotly chart with exact hover values, and its data table + CSV one click away."""
    fig.update_layout(height=fig.layout.height or 380, margin=dict(l=10, r=10, t=40, b=10),
                      font=dict(family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"),
                      legend_title_text="", hovermode="closest")
    st.plotly_chart(fig, width="stretch", key=f"chart_{key}")
    with st.expander(f"数据表：{name}"):
        st.dataframe(data, hide_index=True, width="stretch", column_config=column_config)
        csv_download(data, "下载 CSV", f"{name}_{f.file_stem()}", key=f"csv_{key}")


def empty_notice(df: pd.DataFrame) -> bool:
    """Show a notice and return True when a query found nothing under the current filters."""
    if df is None or len(df) == 0:
        st.info("当前筛选条件下没有数据。请在左侧放宽筛选。")
        return True
    return False


def fmt_num(v, digits: int = 0) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{v:,.{digits}f}"
