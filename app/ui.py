"""Streamlit glue shared by the frame and the pages: connection, cached queries, filters, widgets.

* ``warehouse()``: one cached read-only DuckDB connection per warehouse, to the twin file its
  link names (etl.twins), re-opened when the link moves or the file changes (inode / mtime);
  closing the old connection frees that twin for the next publish; a cursor per query, so
  sessions on different threads never share a busy connection.
* ``query(queries.q_x, filters, *args)``: runs a read-model function of :mod:`app.queries`
  through ``st.cache_data``, keyed on its name, small tuples and the file's stamp (new data →
  new cache keys).
* ``sidebar_filters()``: the shared filters (ASCII keys bound to the URL; agencies by id) → ``Filters``.
* ``page_header()``, ``chart()``, ``csv_download()``, ``rate_help()``: the page furniture.

Text that comes from reports (agency names, raw cells) is only shown through widgets that
render plain text (dataframes, ``st.text``) or after ``md_escape``; never as HTML.
"""
from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import pandas as pd
import streamlit as st

from app import queries
from app.queries import KIND_ZH, LEVEL_ZH, RATES, TEMPLATE_ZH, Filters
from etl.warehouse import connect_readonly

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
        # the file the link names now (etl.twins), retried while a publisher takes a twin
        self.con = connect_readonly(path, attempts=10, pause=0.2)
        # a warehouse written before 复核 lacks the views the read model reads (v_fact_cell …)
        self.has_review = bool(self.con.execute(
            "select count(*) from information_schema.tables where table_name = 'v_fact_cell'").fetchall()[0][0])

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
    w = _open(str(path))
    if not w.has_review:
        with _build_lock:
            from etl import review
            from etl.warehouse import WarehouseBusy
            try:
                review.upgrade(path)     # one publish under the writer lock adds the new schema objects
            except WarehouseBusy:
                st.info("数据库正在更新（另一个导入正在写入），请稍后刷新页面。")
                st.stop()
        w = _open(str(path))
    return w


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


def _agency_from_url(opts: pd.DataFrame) -> None:
    """Seed a new session's agency filter from ``?agency=…``.  The URL carries agency ids (a
    widget bound to the URL would write its label, the agency's name, which is neither unique
    nor stable); a name, as links made before carry, resolves to the agencies of that name;
    anything else is dropped.  The filter then writes the ids back on every run."""
    if "agency" in st.session_state:
        return
    wanted = st.query_params.get_all("agency")
    if not wanted:
        return
    ids = set(opts["agency_id"])
    by_name: dict[str, list[str]] = {}
    for aid, name in zip(opts["agency_id"], opts["agency_name"]):
        by_name.setdefault(name, []).append(aid)
    st.session_state["agency"] = list(dict.fromkeys(
        aid for w in wanted for aid in ([w] if w in ids else by_name.get(w, []))))


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
                                bind="query-params", placeholder="全部", select_all=False)
        kinds_all = [x for x in KIND_ZH if x in set(opts["kind"])]
        _prune("kind", kinds_all, True)
        kinds = st.multiselect("机构类型", kinds_all, format_func=lambda x: KIND_ZH.get(x, x), key="kind",
                               bind="query-params", placeholder="全部", select_all=False)
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
        _agency_from_url(opts)
        _prune("agency", names, True)
        agencies = st.multiselect("机构", list(names), format_func=lambda x: names.get(x, x), key="agency",
                                  placeholder="全部（可输入名称搜索）", select_all=False)
        if st.query_params.get_all("agency") != list(agencies):
            if agencies:
                st.query_params["agency"] = list(agencies)
            else:
                del st.query_params["agency"]
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
    ("数据", "review", "复核", "review", "rate_review"),
    ("数据", "assessment", "年报评估", "assessment", "grading"),
    ("数据", "text_diff", "年报对照", "text-diff", "difference"),
    ("分析", "profile", "机构画像", "profile", "person_search"),
    ("分析", "map", "地图", "map", "map"),
    ("数据", "metrics", "指标说明", "metrics", "menu_book"),
    ("数据", "crawl", "采集", "crawl", "travel_explore"),
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


def page_header(title: str, question: str, flags: bool = True) -> Filters:
    """Title, the question the page answers, the filter sentence (as text), a share button, and a
    warning with links when figures on the page come from reports with failed checks or uncertain
    cells; stops if there is no data."""
    ensure_frame()
    require_warehouse()
    f = filters()
    st.title(title)
    st.caption(question)
    st.caption(f"当前筛选：{md_escape(f.human_clause())}")
    share_button()
    if f.include_synthetic:
        st.warning(SYNTH_BANNER, icon=":material/science:")
    if flags:
        flag_note(f)
    return f


def flag_note(f: Filters) -> None:
    """Say, next to the figures, which reports behind them have failed checks or uncertain cells."""
    flagged = query(queries.q_flagged_reports, f)
    if flagged.empty:
        return
    n3, n4 = int(flagged["t3_rejected"].sum()), int(flagged["t4_rejected"].sum())
    years = "、".join(str(int(y)) for y in sorted(flagged["year"].unique()))
    st.warning(f"本页数字中有 {len(flagged)} 份年报（{years}年）含校验未通过或读取不确定的数字，"
               "合计照年报所印计入；比率不使用未通过校验的合计"
               f"（表三合计被拒 {n3} 份，表四合计被拒 {n4} 份，均不计入比率）。", icon=":material/warning:")
    c1, c2 = st.columns([1, 3])
    c1.page_link("pages/quality.py", label="查看数据质量", icon=":material/fact_check:")
    c1.page_link("pages/review.py", label="去复核这些数字", icon=":material/rate_review:")
    with c2.expander(f"涉及的 {len(flagged)} 份年报（点击打开报告详情）"):
        report_links(flagged[["report_id", "agency_name", "year", "n_checks_failed", "n_uncertain"]])


def report_links(df: pd.DataFrame, key: str | None = None) -> None:
    """A table of reports, each with a link to 报告详情."""
    d = df.copy()
    d.insert(0, "link", [f"./report?report={r}" for r in d["report_id"]])
    table(d.drop(columns=["report_id"]), hide_index=True, width="stretch", key=key, column_config={
        "link": st.column_config.LinkColumn("报告详情", display_text="打开"), "agency_name": "机构",
        "year": st.column_config.NumberColumn("年度", format="%d"), "template": "模板",
        "n_checks_failed": st.column_config.NumberColumn("校验未通过", format="%d"),
        "n_uncertain": st.column_config.NumberColumn("读取不确定", format="%d"), "source_name": "文件"})


def share_button() -> None:
    """复制链接: copies the page's current address (every filter and choice is in it)."""
    st.iframe("""
<div style="font-family:sans-serif;font-size:13px;display:flex;gap:6px;align-items:center">
<button id="b" style="border:1px solid #ccc;border-radius:6px;background:#fff;padding:3px 10px;cursor:pointer"
 title="网址里包含页面、筛选、年度、指标和机构，发给同事即可看到同一视图">🔗 复制链接</button>
<input id="u" readonly style="flex:1;border:none;color:#666;font-size:12px;background:transparent" value="">
</div>
<script>
const b=document.getElementById('b'), u=document.getElementById('u');
b.onclick=async()=>{const href=window.parent.location.href; u.value=href; u.select();
 try{await navigator.clipboard.writeText(href); b.textContent='✓ 已复制';}
 catch(e){try{document.execCommand('copy'); b.textContent='✓ 已复制';}catch(e2){b.textContent='请手动复制';}}};
</script>""", height=34)


def rate_help(rate_key: str) -> str:
    r = RATES[rate_key]
    return f"公式：{r.formula}。{r.caveat} 分母为 0 时显示“—”。[指标说明](./metrics#{rate_key})"


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for Excel: UTF-8 with BOM, plain numbers; a count is written as an integer (713, not 713.0)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s.dtype):
            whole = s.dropna()
            if len(whole) and (whole == whole.round()).all() and whole.abs().max() < 2**53:
                out[col] = s.astype("Int64")
            elif len(whole) and (whole == whole.round()).any():
                out[col] = pd.Series([None if pd.isna(v) else (int(v) if float(v).is_integer() else v) for v in s],
                                     dtype=object, index=s.index)
    return out.to_csv(index=False).encode("utf-8-sig")


def json_bytes(df: pd.DataFrame) -> bytes:
    """The same rows as JSON records (UTF-8, Chinese kept, counts as integers)."""
    import json
    recs = df.to_dict(orient="records")
    clean = [{k: (None if v is None or (isinstance(v, float) and v != v) else
                  int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2**53 else
                  v.item() if hasattr(v, "item") else str(v) if not isinstance(v, (str, int, float, bool)) else v)
              for k, v in r.items()} for r in recs]
    return json.dumps(clean, ensure_ascii=False, indent=1).encode("utf-8")


def csv_download(df: pd.DataFrame, label: str, stem: str, key: str | None = None) -> None:
    """CSV for Excel (:func:`csv_bytes`), a Chinese file name; built when clicked, no rerun."""
    st.download_button(label, data=lambda: csv_bytes(df), file_name=f"{stem}.csv",
                       mime="text/csv", on_click="ignore", key=key, icon=":material/download:")


def downloads(df: pd.DataFrame, stem: str, key: str) -> None:
    """CSV and JSON of exactly the rows shown (Datasette's habit), each built only when clicked."""
    c1, c2 = st.columns(2)
    with c1:
        csv_download(df, "下载 CSV", stem, key=f"{key}_csv")
    with c2:
        st.download_button("下载 JSON", data=lambda: json_bytes(df), file_name=f"{stem}.json",
                           mime="application/json", on_click="ignore", key=f"{key}_json",
                           icon=":material/data_object:")


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Codes to Chinese (status, method, semantic, level, kind) and empty text cells as “—”, never None."""
    out = df.copy()
    maps = {"status": queries.STATUS_ZH, "method": queries.METHOD_ZH, "semantic": queries.SEMANTIC_ZH,
            "level": LEVEL_ZH, "kind": KIND_ZH}
    for col, m in maps.items():
        if col in out.columns and out[col].dtype != bool:
            out[col] = [m.get(v, v) if isinstance(v, str) else v for v in out[col]]
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].astype(object).where(out[col].notna(), "—")
    return out


def timeliness_metrics(tl: pd.DataFrame) -> None:
    """Three metrics over ``queries.q_report_timeliness`` rows: on time, late, cannot tell."""
    c = st.columns(3)
    c[0].metric("按时", int((tl["timeliness_status"] == "on_time").sum()))
    c[1].metric("逾期", int((tl["timeliness_status"] == "late").sum()))
    c[2].metric("无法判断", int((tl["timeliness_status"] == "unknown").sum()),
                help="没有发布日期（文件不是从网站采集的）或条例未规定期限（乡镇）。")


def table(df, **kw):
    """``st.dataframe`` of :func:`display_frame` (a Styler is shown as it is)."""
    return st.dataframe(df if not isinstance(df, pd.DataFrame) else display_frame(df), **kw)


def plot_text(text: object) -> str:
    """Report text inside a plotly label: plotly renders a subset of HTML, so escape it."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def full_years(years) -> list[str]:
    ys = [int(y) for y in years if y == y]
    return [str(y) for y in range(min(ys), max(ys) + 1)] if ys else []


def with_gaps(df: pd.DataFrame, by: str | list[str] | None = None, year: str = "年度") -> pd.DataFrame:
    """Add an empty row for every year without data (per group ``by``), so a line breaks there."""
    if df.empty:
        return df
    years = full_years(pd.to_numeric(df[year]))
    keys = [by] if isinstance(by, str) else (by or [])
    groups = df[keys].drop_duplicates().to_dict("records") if keys else [{}]
    rows = [dict(g, **{year: y}) for g in groups for y in years]
    out = pd.DataFrame(rows).merge(df.astype({year: str}), how="left", on=keys + [year])
    return out


SOURCE_NOTE = "来源：各机构政府信息公开工作年度报告，公开年报看板整理；比率等派生数字为非官方计算"


def counts_note(counts: dict | None) -> str | None:
    """When the agencies behind yearly sums differ, a note saying so (drawn on the chart)."""
    if not counts or len(set(counts.values())) <= 1:
        return None
    bits = " · ".join(f"{int(y)}年 {int(n)} 个" for y, n in sorted(counts.items()))
    return f"各年机构数不同（{bits}）：合计的升降含机构增减，不全是变化"


def chart(fig, data: pd.DataFrame, name: str, f: Filters, key: str, column_config: dict | None = None, *,
          counts: dict | None = None, drill: str | None = None, show_table: bool = True) -> None:
    """A plotly chart with exact hover values, its data table + CSV/JSON one click away.

    Years are categories (every year of the range on the axis; a year without data is a gap).
    The figure carries its title, the filter sentence, the source and the 非官方计算 note, so a
    downloaded image (the camera button) says what it shows.  ``counts`` (year → agencies) puts
    the agency count on the chart when it varies.  ``drill="year"`` / ``"agency"`` lists the
    reports behind a clicked bar or point (agency: the trace's customdata is the agency id).
    """
    title = fig.layout.title.text or name
    note = counts_note(counts)
    if note:
        fig.update_layout(title=dict(text=title, subtitle=dict(text=plot_text(note))))
    if "年度" in data.columns and len(data):
        cats = full_years(pd.to_numeric(data["年度"], errors="coerce").dropna())
        if cats and fig.layout.xaxis.title.text in (None, "年度") and not getattr(fig.layout, "yaxis2", None):
            fig.update_xaxes(type="category", categoryorder="array", categoryarray=cats, title_text="年度")
        elif cats:
            fig.update_xaxes(type="category", categoryorder="array", categoryarray=cats)
    fig.add_annotation(text=plot_text(f"筛选：{f.human_clause()}　{SOURCE_NOTE}"), xref="paper", yref="paper",
                       x=0, y=-0.02, yshift=-48, showarrow=False, xanchor="left", yanchor="top",
                       font=dict(size=10, color="#7f8c8d"))
    fig.update_layout(height=fig.layout.height or 400, margin=dict(l=10, r=10, t=70 if note else 50, b=70),
                      font=dict(family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"),
                      legend_title_text="", hovermode="closest")
    config = {"displaylogo": False, "toImageButtonOptions": {"filename": f"{name}_{f.file_stem()}", "scale": 2}}
    if drill:
        event = st.plotly_chart(fig, width="stretch", key=f"chart_{key}", config=config, on_select="rerun",
                                selection_mode=("points",))
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        if points:
            drill_down(points[0], drill, f, key)
        else:
            st.caption("点击图中的柱或点，可列出背后的年报。")
    else:
        st.plotly_chart(fig, width="stretch", key=f"chart_{key}", config=config)
    if show_table:
        with st.expander(f"数据表：{name}"):
            table(data, hide_index=True, width="stretch", column_config=column_config)
            downloads(data, f"{name}_{f.file_stem()}", key=f"dl_{key}")


def drill_down(point: dict, how: str, f: Filters, key: str) -> None:
    """The reports behind one clicked point, with links to 报告详情."""
    year = agency = None
    if how == "year":
        x = point.get("x")
        try:
            year = int(float(x))
        except (TypeError, ValueError):
            return
    else:
        cd = point.get("customdata")
        agency = cd[0] if isinstance(cd, (list, tuple)) else cd
        if not agency:
            return
    reps = query(queries.q_reports_for, f, year, agency)
    what = f"{year}年" if year is not None else "该机构"
    st.markdown(f"**{md_escape(what)}背后的 {len(reps)} 份年报**")
    if len(reps):
        report_links(reps, key=f"drill_{key}")


def empty_notice(df: pd.DataFrame) -> bool:
    """Show a notice and return True when a query found nothing under the current filters."""
    if df is None or len(df) == 0:
        st.info("当前筛选条件下没有数据。请在左侧放宽筛选。")
        return True
    return False


def fmt_num(v, digits: int = 0) -> str:
    """Thousands separators; a value that is not whole keeps its decimals (a median of 23.5)."""
    if v is None or pd.isna(v):
        return "—"
    if digits == 0 and float(v) != round(float(v)):
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{v:,.{digits}f}"


def agency_counts(f: Filters) -> dict[int, int]:
    """Year → number of agencies behind the yearly sums under ``f``."""
    y = query(queries.q_yearly, f)
    return {int(a): int(b) for a, b in zip(y["year"], y["n_agencies"])}
