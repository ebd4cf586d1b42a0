"""年报对照: two reports of one agency (or a report and a peer's) side by side, section by section.

Reached from the 雷同 evidence on 年报评估 and from any page through
``app.queries.text_diff_url(a, b, section)`` (``text-diff?a=…&b=…&section=…``).  The text is
shown as plain text only; the changes as a unified diff (difflib).
"""
import difflib
import re

import streamlit as st

from app import queries, ui
from etl.sections import SECTION_ZH

f = ui.page_header("年报对照", "同一机关两年的年报（或与另一机关的年报）逐部分并排：哪些文字相同，哪些改了？")
reports = ui.query(queries.q_report_list, f)
qp = st.query_params
a, b = qp.get("a"), qp.get("b")
ids = reports["report_id"].tolist()
for x in (b, a):
    if x and x not in ids:
        ids = [x] + ids
if len(ids) < 1:
    st.info("当前筛选下没有年报。")
    st.stop()
label = {r: f"{n} · {y}年" for r, n, y in zip(reports["report_id"], reports["agency_name"], reports["year"])}


def _name(rid: str) -> str:
    if rid in label:
        return label[rid]
    h = ui.query(queries.q_report, None, rid)
    return f"{h.iloc[0]['agency_name']} · {int(h.iloc[0]['year'])}年" if len(h) else f"{rid}（未导入）"


def _set(key: str) -> None:
    st.query_params[key] = st.session_state[f"td_{key}"]


a = a if a in ids else ids[0]
head = ui.query(queries.q_report, None, a)
if len(head):   # default partner: the same agency's previous report
    same = ui.query(queries.q_agency_reports, None, str(head.iloc[0]["agency_id"]))
    earlier = same[same["year"] < int(head.iloc[0]["year"])]
    if not b and len(earlier):
        b = str(earlier.iloc[-1]["report_id"])
        ids = ids if b in ids else [b] + ids
b = b if b in ids else ids[min(1, len(ids) - 1)]
c1, c2 = st.columns(2)
c1.selectbox("年报甲", ids, index=ids.index(a), format_func=_name, key="td_a", on_change=_set, args=("a",))
c2.selectbox("年报乙", ids, index=ids.index(b), format_func=_name, key="td_b", on_change=_set, args=("b",))
sa = ui.query(queries.q_report_sections, None, a)
sb = ui.query(queries.q_report_sections, None, b)
if sa.empty or sb.empty:
    st.info("至少一份年报没有正文（只导入了结构化数字）。导入原文件后可逐部分对照；相似度与相同段落的位置见“年报评估”。")
    st.stop()
keys = [k for k in SECTION_ZH if k in set(sa["section_key"]) | set(sb["section_key"])]
want = qp.get("section")
sec = st.radio("部分", keys, index=keys.index(want) if want in keys else 0, format_func=lambda k: SECTION_ZH[k],
               horizontal=True, key="td_section")
ta = "\n".join(sa.loc[sa["section_key"] == sec, "text"])
tb = "\n".join(sb.loc[sb["section_key"] == sec, "text"])
sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
same_chars = sum(m.size for m in sm.get_matching_blocks())
st.metric("相同文字占比", f"{(2 * same_chars / max(1, len(ta) + len(tb))):.0%}",
          help="difflib 的相同字符比例（2×相同字数÷两部分总字数）；年报评估的“内容雷同”用的是 5 字片段的 Jaccard 相似度，忽略数字。")
l, r = st.columns(2)
with l:
    st.caption(_name(a))
    st.text(ta or "（这一部分没有找到）")
with r:
    st.caption(_name(b))
    st.text(tb or "（这一部分没有找到）")
with st.expander("逐行差异（- 年报乙独有，+ 年报甲独有）"):
    def lines(t: str) -> list[str]:
        return [x for x in re.sub(r"([。；;])", "\\1\n", t).splitlines() if x.strip()]

    diff = difflib.unified_diff(lines(tb), lines(ta), _name(b), _name(a), lineterm="", n=1)
    st.code("\n".join(diff) or "两部分文字相同。", language="diff")
