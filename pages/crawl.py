"""采集: the last crawls of the archive (seeds, found, new, changed, failed with reasons) and the
timeliness of the crawled reports (条例第四十九条)."""
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from app import queries, ui
from etl.archive import crawl_runs, is_archive

ARCHIVE = Path(os.environ.get("GKNB_ARCHIVE", Path(__file__).resolve().parent.parent / "data" / "archive"))

f = ui.page_header("采集", "最近几次从政府网站采集年报的情况：找到多少、新增多少、更新多少、哪些失败及原因；年报是否按时公布。")

st.subheader("最近的采集")
if not is_archive(ARCHIVE):
    st.info("还没有采集存档。用 `python -m etl crawl seeds.csv` 采集，再用 `python -m etl ingest data/archive` 导入。")
else:
    runs = crawl_runs(ARCHIVE)
    table = pd.DataFrame([{k: r[k] for k in ("run_id", "started_at", "ended_at", "seeds", "pages", "found", "new",
                                             "changed", "unchanged", "skipped")} | {"failed": len(r["failed"]),
                                                                                   "finished": r["finished"]}
                          for r in runs])
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "run_id": "采集批次", "started_at": "开始", "ended_at": "结束", "seeds": "种子", "pages": "请求页面",
        "found": "找到年报", "new": "新增", "changed": "内容更新", "unchanged": "未变", "skipped": "跳过",
        "failed": "失败", "finished": st.column_config.CheckboxColumn("已完成")})
    for r in runs[:1]:
        if r["failed"]:
            with st.expander(f"最近一次采集失败的网址（{len(r['failed'])} 个）"):
                st.dataframe(pd.DataFrame(r["failed"], columns=["网址", "原因"]), hide_index=True, width="stretch")

st.subheader("年报公布是否及时")
st.caption("依据《政府信息公开条例》第四十九条：县级以上人民政府部门1月31日前公布，县级以上地方人民政府3月31日前公布；"
           "乡镇及层级不明的机构条例未规定期限，不作判断。发布日期取自网页（方法列注明从何处读取）。")
tl = ui.query(queries.q_report_timeliness, f)
if len(tl):
    ui.timeliness_metrics(tl)
    show = tl.drop(columns=["report_id", "timeliness_status"])
    st.dataframe(show, hide_index=True, width="stretch", column_config={
        "agency_name": "机构", "year": st.column_config.NumberColumn("年度", format="%d"), "level": "层级",
        "kind": "类型", "published_at": "发布日期", "published_at_method": "日期来源", "source_url": "来源网址",
        "source_version": "版本", "days_late": "逾期天数", "deadline": "期限", "timeliness": "是否及时"})
    ui.csv_download(show, "下载 CSV", f"公布及时性_{f.file_stem()}", key="crawl_timeliness_csv")
else:
    st.info("当前筛选下没有年报。")
