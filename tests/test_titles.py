"""Report titles, traditional characters and bundles of reports in one file.

Titles: every form agencies print (…关于…的年度报告, YYYY年…, …工作YYYY年度报告, 年度报告（YYYY年度）,
Chinese-numeral years, two lines, container title only, crawler headers before it) gives the right
agency and year, or the report fails with one line.  Property: generated agency names × title
templates × years.  Bundles: the first report is parsed, the rest are named and carried parsed
for ``ingest``; no value of one report appears in another.
"""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings, strategies as hs

from etl.document import ReportError
from etl.extract import parse_bytes
from etl.titles import parse_title
from paths import CORPUS
from synth import render as render_mod
from test_parse import make_report, parse

CN = str.maketrans("0123456789", "〇一二三四五六七八九")

TEMPLATES = [
    "{a}{y}年政府信息公开工作年度报告",
    "{a}{y}年度政府信息公开工作年度报告",
    "{y}年{a}政府信息公开工作年度报告",
    "{y}年度{a}政府信息公开工作年度报告",
    "{a}关于{y}年政府信息公开工作的年度报告",
    "{a}关于{y}年度政府信息公开工作情况的报告",
    "{a}政府信息公开工作{y}年度报告",
    "{a}政府信息公开工作年度报告（{y}年度）",
    "{a}{cy}年政府信息公开工作年度报告",
    "{a}{y}年政府信息公开年报",
    "{a}{y}年政府信息公开工作报告",
    "标题：{a}{y}年政府信息公开工作年度报告",
    "首页 > 政务公开 > 年度报告 > {a}{y}年度政府信息公开工作年度报告",
    "{a}{y}年政府信息公开工作年度报告_示例网站",
    "{a}{y}年政务公开工作年度报告",          # the other names of the same report (round 9)
    "{a}{y}年度政务信息公开工作年度报告",
    "{a}{y}年信息公开工作年度报告",
    "{a}关于{y}年度政府信息公开工作年度报告的公告",   # the publishing notice's title (round 9)
    "{a}关于公布{y}年政府信息公开工作年度报告的通知",
]

PLACES = ["示例县", "某某市", "示例省示例市", "示例市示例区", "某某自治县", "示例市某某镇"]
DEPTS = ["交通运输局", "人民政府", "人民政府办公室", "发展和改革委员会", "市场监督管理局", "教育局",
         "卫生健康委员会", "自然资源和规划局", "街道办事处", "综合行政执法局", "公安局",
         "政务服务数据管理局", "公共资源交易中心", "退役军人事务局", "医疗保障局", ""]


def title_of(template: str, agency: str, year: int) -> str:
    return template.format(a=agency, y=year, cy=str(year).translate(CN))


@given(hs.sampled_from(PLACES), hs.sampled_from(DEPTS), hs.sampled_from(TEMPLATES),
       hs.integers(min_value=2019, max_value=2030))
@settings(max_examples=400, deadline=None)
def test_title_forms_give_agency_and_year(place, dept, template, year):
    agency = place + dept
    got = parse_title(title_of(template, agency, year))
    assert got is not None and (got.agency, got.year) == (agency, year)


@pytest.mark.parametrize("line", [
    "现将2020年政府信息公开工作年度报告如下", "本机关2020年政府信息公开工作年度报告",
    "根据《中华人民共和国政府信息公开条例》规定", "一、总体情况", "2020年政府信息公开工作要点",
    "示例市2020年政府信息公开工作年度报告汇编",
])
def test_sentences_are_not_titles(line):
    got = parse_title(line)
    assert got is None or got.agency == ""


AGENCY = "示例省示例市示例局"   # make_report's agency: fictional, kept as printed


def _parse_titled(monkeypatch, title: str, fmt: str = "txt", **opts):
    """The report printed with ``title`` (the text renderer may also print the agency on a line
    of its own above 2022年…报告: that form is replaced too)."""
    monkeypatch.setattr(render_mod._R, "title", lambda self: title)
    report = make_report("2021", year=2022)
    data = render_mod.render(report, fmt, **opts)
    if fmt in ("txt", "md"):
        data = data.replace(f"{AGENCY}\n2022年政府信息公开工作年度报告".encode(), title.encode(), 1)
    return report, parse(data, f"r.{'txt' if fmt == 'flat' else fmt}")


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "md", "flat"])
@pytest.mark.parametrize("template", TEMPLATES[:9], ids=range(9))
def test_title_forms_in_every_format(monkeypatch, fmt, template):
    report, rep = _parse_titled(monkeypatch, title_of(template, AGENCY, 2022), fmt)
    assert (rep.agency, rep.year) == (AGENCY, 2022)
    if fmt != "flat":
        assert rep.cells == pytest.approx(report["cells"]) and rep.uncertain == {}


def test_the_guan_yu_form_is_not_an_agency(monkeypatch):
    """The issue's example: 关于 is not part of the agency."""
    _, rep = _parse_titled(monkeypatch, "示例县交通运输局关于2022年政府信息公开工作的年度报告")
    assert (rep.agency, rep.year) == ("示例县交通运输局", 2022)


def test_title_split_over_two_lines(monkeypatch):
    report = make_report("2021", year=2022)
    text = render_mod.render_text(report).replace(
        f"{AGENCY}2022年政府信息公开工作年度报告", f"{AGENCY}2022年政府\n信息公开工作年度报告", 1)
    assert (parse(text, "r.txt").agency, parse(text, "r.txt").year) == (AGENCY, 2022)
    text = render_mod.render_text(report).replace(
        f"{AGENCY}2022年政府信息公开工作年度报告", f"{AGENCY}\n2022年度政府信息公开工作年度报告", 1)
    rep = parse(text, "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_title_only_in_the_html_title(monkeypatch):
    report = make_report("2021", year=2022)
    html = render_mod.render_html(report, style="plain").decode("utf-8")
    title = f"{AGENCY}2022年政府信息公开工作年度报告"
    body_title = f'<p style="text-align:center;font-weight:bold">{title}</p>'
    assert body_title in html
    html = html.replace(body_title, "").replace(f"<title>{title}</title>", f"<title>{title}_示例网站</title>")
    rep = parse(html, "r.html")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


def test_title_only_in_the_cms_article_title_meta():
    report = make_report("2021", year=2022)
    html = render_mod.render_html(report, style="plain").decode("utf-8")
    title = f"{AGENCY}2022年政府信息公开工作年度报告"
    html = html.replace(f'<p style="text-align:center;font-weight:bold">{title}</p>', "")
    html = html.replace(f"<title>{title}</title>", f'<title>示例网站</title><meta name="ArticleTitle" content="{title}">')
    rep = parse(html, "r.html")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


def test_title_in_a_cms_metadata_box():
    report = make_report("2021", year=2022)
    html = render_mod.render_html(report, style="plain").decode("utf-8")
    title = f"{AGENCY}2022年政府信息公开工作年度报告"
    box = ("<table><tr><td>索引号：</td><td>11350000-2023-00012</td><td>发布机构：</td><td>示例局</td></tr>"
           f"<tr><td>名　　称：</td><td>{title}</td><td>发布日期：</td><td>2023年01月15日</td></tr></table>")
    html = html.replace(f'<p style="text-align:center;font-weight:bold">{title}</p>', box)
    html = html.replace(f"<title>{title}</title>", "<title>示例网站</title>")
    rep = parse(html, "r.html")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


def test_crawler_header_before_the_title():
    report = make_report("2021", year=2022)
    header = ("示例市人民政府门户网站\n首页 > 政务公开 > 政府信息公开年报\n"
              "发布时间：2023年01月15日 10:20  来源：示例局  浏览次数：128\n")
    rep = parse(header + render_mod.render_text(report), "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


@pytest.mark.parametrize("line", ["发布时间：2023-01-28  2023年第3期", "示例市政府公报 2023年第5期",
                                  "第12版", "总第108期"])
def test_an_issue_number_above_the_title_is_no_part_of_the_agency(line):
    """A gazette's issue line (2023年第3期, 第12版) right above the title: its counter word is not
    glued to the agency (before: 期示例市示例局, adversary round 9 r9freshA)."""
    report = make_report("2021", year=2022)
    text = render_mod.render_text(report).replace(f"{AGENCY}\n2022年", f"{AGENCY}2022年", 1)   # one line
    text = text.replace(f"本报告由{AGENCY}编制，", "")   # the body does not name the agency again
    rep = parse(line + "\n" + text, "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


@pytest.mark.parametrize("line", ["年报", "政府信息公开年报", "2024年12月31日 星期二",
                                  "网站首页 | 政务公开 | 2024年12月31日 星期二", "当前位置：首页"])
def test_a_page_line_above_a_whole_title_line_is_no_part_of_the_agency(line):
    """A crawler's page line (the page's <title> 年报, a re-posting site's date bar) right above a
    title printed whole on one line, the body not naming the agency again: the line's tail is not
    glued to the agency (before: 年报示例市示例局, 星期二示例市示例局; adversary round 11 r11comp)."""
    report = make_report("2021", year=2022)
    text = render_mod.render_text(report).replace(f"{AGENCY}\n2022年", f"{AGENCY}2022年", 1)   # one line
    text = text.replace(f"本报告由{AGENCY}编制，", "")   # the body does not name the agency again
    rep = parse(line + "\n" + text, "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


@pytest.mark.parametrize("above", [
    "上一篇：某某县人民政府2021年政府信息公开工作年度报告",          # another agency, another year
    f"下一篇：{AGENCY}2023年政府信息公开工作年度报告",                # this agency's next report
    "【相关阅读】\n某某市交通运输局2022年政府信息公开工作年度报告\n某某市教育局2022年政府信息公开工作年度报告",
    "某某市人民政府办公室文件\n某政办〔2023〕3号",                    # a 红头 header and its 文号
])
def test_lines_above_the_title_name_other_reports(above):
    """CMS navigation, a related-articles list or a 红头 header above the title: the agency and
    year are the article's own (before: another agency or year, or 号 glued to the agency)."""
    report = make_report("2021", year=2022)
    text = render_mod.render_text(report)
    rep = parse(above + "\n" + text, "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_the_body_title_wins_over_a_stale_container_title():
    """A CMS <title> or a crawler's 标题: line with last year's or the parent government's title:
    the title the body prints is the report's."""
    report = make_report("2021", year=2022)
    html = render_mod.render_html(report, style="plain").decode("utf-8")
    title = f"{AGENCY}2022年政府信息公开工作年度报告"
    for stale in (f"{AGENCY}2021年政府信息公开工作年度报告", "某某市人民政府2022年政府信息公开工作年度报告"):
        rep = parse(html.replace(f"<title>{title}</title>", f"<title>{stale}</title>"), "r.html")
        assert (rep.agency, rep.year) == (AGENCY, 2022)
        rep = parse(f"标题: {stale}\n" + render_mod.render_text(report), "r.txt")
        assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_a_line_about_last_years_report_is_not_the_title():
    report = make_report("2021", year=2022)
    note = f"关于{AGENCY}2021年政府信息公开工作年度报告的更正说明见附件"
    rep = parse(note + "\n" + render_mod.render_text(report), "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_an_agency_name_with_digits_is_kept_whole():
    got = parse_title("示例市12345政务服务便民热线管理中心2022年政府信息公开工作年度报告")
    assert (got.agency, got.year) == ("示例市12345政务服务便民热线管理中心", 2022)


def test_an_openness_office_is_an_agency():
    got = parse_title("示例市政府信息公开办公室2022年政府信息公开工作年度报告")
    assert (got.agency, got.year) == ("示例市政府信息公开办公室", 2022)


def test_utf16_text_with_a_bom_is_read():
    report = make_report("2021", year=2022)
    text = render_mod.render_text(report)
    rep = parse(b"\xff\xfe" + text.encode("utf-16-le"), "r.txt")
    assert (rep.agency, rep.year) == (AGENCY, 2022) and rep.cells == pytest.approx(report["cells"])


def test_no_agency_anywhere_fails_with_one_line(monkeypatch):
    # the text's opening names no agency either (no 本报告由…编制, no 落款, no 发布机构)
    with pytest.raises(ReportError) as ei:
        _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", intro=["本报告根据条例要求编制。"])
    assert "机构名称" in ei.value.reason and "\n" not in ei.value.reason


# --------------------------------------------------------------------------- titles lacking agency or year (round 9)

_PERIOD_2022 = "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "flat"])
def test_title_without_agency_takes_the_report_s_own_name(monkeypatch, fmt):
    _, rep = _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", fmt)   # 本报告由…编制
    assert (rep.agency, rep.year) == (AGENCY, 2022)
    _, rep = _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", fmt,
                           intro=["本报告根据条例要求编制。" + _PERIOD_2022], closing=[AGENCY, "2023年1月20日"])
    assert (rep.agency, rep.year) == (AGENCY, 2022)   # the 落款


def test_title_without_agency_refused_when_signature_and_text_disagree(monkeypatch):
    with pytest.raises(ReportError) as ei:
        _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", closing=["示例市人民政府办公室", "2023年1月20日"])
    assert "不一致" in ei.value.reason


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "flat", "pdf"])
def test_title_without_year_takes_the_statistics_period(monkeypatch, fmt):
    _, rep = _parse_titled(monkeypatch, f"{AGENCY}政府信息公开工作年度报告", fmt,
                           intro=[f"本报告由{AGENCY}编制。" + _PERIOD_2022.replace("统计期限", "报告期")])
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_title_without_year_is_refused_on_a_publication_date_alone(monkeypatch):
    # the renderer opens section 一 with 2022年，…: that sentence names the year (NOTES, r10tmpl);
    # without it only the publication date is left
    title = f"{AGENCY}政府信息公开工作年度报告"
    _, rep = _parse_titled(monkeypatch, title, "html", intro=[f"本报告由{AGENCY}编制。发布日期：2023-01-20"])
    assert rep.year == 2022
    data = render_mod.render(make_report("2021", year=2022), "html", intro=[f"本报告由{AGENCY}编制。发布日期：2023-01-20"])
    assert b"2022\xe5\xb9\xb4\xef\xbc\x8c" in data    # 2022年，
    with pytest.raises(ReportError) as ei:
        parse(data.replace("2022年，".encode(), b"", 1), "r.html")
    assert "年份" in ei.value.reason and "发布日期" in ei.value.reason


def test_a_sentence_naming_the_report_gives_no_verb_in_the_agency():
    got = parse_title(f"根据条例规定，现公布{AGENCY}2022年度政府信息公开工作年度报告。")
    assert (got.agency, got.year) == (AGENCY, 2022)


def test_docx_title_in_the_first_page_header_is_read():
    import io

    import docx as _docx
    report = make_report("2021", year=2022)
    d = _docx.Document(io.BytesIO(render_mod.render(report, "docx", title_lines=[], meta_title=" ")))
    sec = d.sections[0]
    sec.different_first_page_header_footer = True
    sec.first_page_header.paragraphs[0].text = f"{AGENCY}2022年政府信息公开工作年度报告"
    sec.header.paragraphs[0].text = "政府信息公开"
    buf = io.BytesIO()
    d.save(buf)
    rep = parse(buf.getvalue(), "r.docx")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_html_og_title_is_read_when_title_is_the_site_name():
    report = make_report("2021", year=2022)
    data = render_mod.render(report, "html", title_lines=[], meta_title="示例市人民政府门户网站").decode()
    data = data.replace("<title>", f'<meta property="og:title" content="{AGENCY}2022年政府信息公开工作年度报告" /><title>')
    rep = parse(data.encode(), "r.html")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


# --------------------------------------------------------------------------- traditional characters

@pytest.mark.parametrize("fmt", ["txt", "html", "docx"])
def test_traditional_characters_are_converted(fmt):
    from opencc import OpenCC
    report = make_report("2019")
    report["agency"] = "示例省示例市民政局"
    data = render_mod.render(report, fmt)
    if fmt == "docx":
        import io
        import zipfile
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for item in src.infolist():
                body = src.read(item)
                if item.filename.endswith(".xml"):
                    body = OpenCC("s2t").convert(body.decode("utf-8")).encode("utf-8")
                z.writestr(item, body)
        data = out.getvalue()
    else:
        data = OpenCC("s2t").convert(data.decode("utf-8")).encode("utf-8")
        assert "處理".encode() in data and "处理".encode() not in data   # really traditional
    rep = parse(data, f"r.{fmt}")
    assert (rep.agency, rep.year) == ("示例省示例市民政局", 2020)
    assert rep.cells == pytest.approx(report["cells"]) and rep.uncertain == {}
    assert any("繁体" in w and "简体" in w for w in rep.warnings)


@pytest.mark.parametrize("template,agency", [("2019", "示例市信息中心"), ("2021", "示例市档案馆"),
                                             ("2021", "示例县发展和改革局")])
def test_taiwan_phrases_are_turned_back_into_the_template_s_words(template, agency):
    """A 繁體 switch that converts phrases too (OpenCC s2twp: 政府資訊公開, 規範性檔案, 上一年專案數量):
    the template's words come back and the report is read, the agency's name too (档案馆 stays
    档案馆, 資訊中心 comes back 信息中心) — before: refused, title not found (round 11 r11comp)."""
    from opencc import OpenCC
    report = make_report(template, year=2022)
    report["agency"] = agency
    data = OpenCC("s2twp").convert(render_mod.render_text(report))
    assert "資訊" in data
    rep = parse(data, "r.txt")
    assert (rep.agency, rep.year) == (agency, 2022)
    assert rep.cells == pytest.approx(report["cells"]) and rep.uncertain == {}


def test_simplified_text_is_not_converted():
    rep = parse(render_mod.render_text(make_report("2021")), "r.txt")
    assert not any("繁体" in w for w in rep.warnings)


# --------------------------------------------------------------------------- bundles

def _two_reports():
    a = make_report("2021", seed=1, year=2022)
    b = make_report("2021", seed=2, year=2022)
    b["agency"] = "示例省示例市示例中心"
    return a, b


def _bundle(fmt: str, a: dict, b: dict, attach: str = "附件：") -> bytes:
    if fmt == "html":
        ha = render_mod.render_html(a, style="plain").decode("utf-8")
        hb = render_mod.render_html(b, style="plain").decode("utf-8")
        body_b = hb[hb.index("<body"):].split(">", 1)[1].rsplit("</body>", 1)[0]
        body_b = body_b.replace('<p style="text-align:center;font-weight:bold">',
                                f'<p style="text-align:center;font-weight:bold">{attach}', 1)
        return ha.replace("</body>", body_b + "</body>").encode("utf-8")
    ta = render_mod.render(a, fmt).decode("utf-8")
    tb = render_mod.render(b, fmt).decode("utf-8")
    return (ta + "\n\n" + attach + tb.lstrip("# ")).encode("utf-8")


@pytest.mark.parametrize("fmt", ["txt", "html", "md"])
@pytest.mark.parametrize("attach", ["附件：", "", "附件2\n"])
def test_bundle_parses_the_first_and_names_the_rest(fmt, attach):
    a, b = _two_reports()
    rep = parse(_bundle(fmt, a, b, attach), f"r.{fmt}")
    assert (rep.agency, rep.year) == (a["agency"], 2022)
    assert rep.cells == pytest.approx(a["cells"])
    assert rep.uncertain == {}
    assert [(o["agency"], o["year"]) for o in rep.other_reports] == [(b["agency"], 2022)]
    assert json.loads(rep.dumps())["other_reports"][0]["agency"] == b["agency"]
    assert len(rep.parts) == 1 and rep.parts[0].agency == b["agency"]
    assert rep.parts[0].cells == pytest.approx(b["cells"]) and rep.parts[0].uncertain == {}
    assert rep.parts[0].source["sha256"] != rep.source["sha256"]


def test_a_repeated_title_is_not_a_second_report():
    """Running headers and a contents list repeat the report's own title: one report."""
    a = make_report("2021", year=2022)
    text = render_mod.render_text(a)
    title = f"{AGENCY}2022年政府信息公开工作年度报告"
    text = text.replace("三、收到和处理政府信息公开申请情况", f"{title}\n三、收到和处理政府信息公开申请情况", 1)
    rep = parse(text + "\n" + title + "\n", "r.txt")
    assert rep.other_reports == [] and rep.cells == pytest.approx(a["cells"])


def test_ingest_loads_each_report_of_a_bundle(tmp_path):
    import duckdb

    from etl import verify, warehouse
    a, b = _two_reports()
    src = tmp_path / "in"
    src.mkdir()
    (src / "bundle.txt").write_bytes(_bundle("txt", a, b))
    db = tmp_path / "w.duckdb"
    warehouse.ingest([src], db, workers=1, progress=False)
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = sorted(r[0] for r in con.execute("select agency_name from dim_report").fetchall())
        fee = dict(con.execute("""select r.agency_name, c.value from fact_cell c join dim_report r using (report_id)
                                  where c.cell_key = 't3.new_received.total'""").fetchall())
    finally:
        con.close()
    assert names == sorted([a["agency"], b["agency"]])
    assert fee == {a["agency"]: a["cells"]["t3.new_received.total"], b["agency"]: b["cells"]["t3.new_received.total"]}
    count, diffs = verify.verify(db, in_process=True)
    assert count == 2 and diffs == []


def test_a_collection_with_cover_and_contents_splits_at_the_second_report():
    """A department 汇编: cover title (…报告汇编, not a report), a contents list naming both
    reports, then the reports: the first is read, the second named and carried."""
    a, b = _two_reports()
    cover = (f"示例市2022年政府信息公开工作年度报告汇编\n目录\n一、{a['agency']}2022年政府信息公开工作年度报告……1\n"
             f"二、{b['agency']}2022年政府信息公开工作年度报告……9\n\n")
    rep = parse(cover.encode("utf-8") + _bundle("txt", a, b, ""), "r.txt")
    assert rep.agency == a["agency"] and rep.cells == pytest.approx(a["cells"])
    assert [p.agency for p in rep.parts] == [b["agency"]] and rep.parts[0].cells == pytest.approx(b["cells"])


RAW_TEXT = sorted(p for p in (CORPUS / "raw").glob("*") if p.suffix in (".txt", ".md")) \
    if (CORPUS / "raw").is_dir() else []


def _decoded(data: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    raise AssertionError("corpus file in an unknown encoding")


@pytest.mark.parametrize("above", [
    "相关阅读\n示例市交通运输局2023年政府信息公开工作年度报告",      # one link under a list heading
    "【相关文章】\n示例市教育局2018年政府信息公开工作年度报告",
    "下一篇：示例县人民政府2026年政府信息公开工作年度报\n告",       # a link wrapped before its last character
], ids=["related_list", "related_heading_bracketed", "wrapped_next_link"])
@pytest.mark.parametrize("raw", RAW_TEXT, ids=[p.name for p in RAW_TEXT])
def test_real_reports_keep_their_title_under_other_reports_titles(corpus, raw, above):
    """Every real txt/md report (crawler header, a title split over two lines, a title run into
    the first paragraph …) with a link list or a wrapped link put on top: its agency and year are
    the ones it has without them (before: the link's agency and year, or 告 glued to the agency)."""
    text = _decoded(raw.read_bytes())
    base = parse_bytes(text.encode("utf-8"), raw.name)
    rep = parse_bytes((above + "\n" + text).encode("utf-8"), raw.name)
    assert (rep.agency, rep.year) == (base.agency, base.year)


def test_a_single_linked_title_the_body_never_names_is_not_taken():
    """A 相关阅读 heading, one other report's title, then a report whose body prints no title of
    its own and never names that agency: no evidence for the link — the report fails, saying so."""
    report = make_report("2021", year=2022)
    text = render_mod.render_text(report, title_lines=[])
    text = text.replace(AGENCY, "本机关")
    with pytest.raises(ReportError, match="相关阅读"):
        parse("相关阅读\n某某市交通运输局2022年政府信息公开工作年度报告\n" + text, "r.txt")


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "md", "flat"])
@pytest.mark.parametrize("agency", ["示例市青少年宫", "示例市老年大学", "示例县工人文化宫"])
def test_agency_ending_in_another_word_is_taken_when_the_text_names_it(fmt, agency):
    """An agency whose name ends in a word the agency-name shape does not list (少年宫, 大学),
    年 inside it: taken when the report's text names it again (本报告由…编制), the year split off
    by the year pattern."""
    report = dict(make_report("2019", year=2019), agency=agency)
    rep = parse(render_mod.render(report, fmt), f"r.{'txt' if fmt == 'flat' else fmt}")
    assert (rep.agency, rep.year) == (agency, 2019)


def test_agency_of_another_shape_not_named_by_the_text_is_refused(monkeypatch):
    """Without the text naming it, a name that does not look like an agency is not taken."""
    with pytest.raises(ReportError):
        _parse_titled(monkeypatch, "示例市青少年宫2022年政府信息公开工作年度报告")


@pytest.mark.parametrize("fmt", ["txt", "html", "flat"])
def test_the_statistics_period_names_the_year_when_the_title_disagrees(monkeypatch, fmt):
    """A title naming the year of publication (2023年度…) over a body whose statistics period
    is 2022: the figures are for 2022, so the report is 2022's, with a warning saying why."""
    _, rep = _parse_titled(monkeypatch, f"{AGENCY}2023年度政府信息公开工作年度报告", fmt)
    assert (rep.agency, rep.year) == (AGENCY, 2022)
    assert any("统计期限" in w for w in rep.warnings)


@pytest.mark.parametrize("fmt", ["txt", "html", "flat"])
def test_a_cited_earlier_statistics_period_does_not_name_the_year(fmt):
    """A sentence comparing with the previous statistics period, its dates printed in full
    (与上一统计期限（2021年1月1日至2021年12月31日）相比), before the report's own 统计期限: the
    report stays 2022's, as its title and its own period say (adversary round 8)."""
    report = make_report("2021", year=2022)
    data = render_mod.render(report, fmt).decode("utf-8")
    lead = "与上一统计期限（2021年1月1日至2021年12月31日）相比，本年度申请数量有所变化。"
    data = data.replace("本报告由", lead + "本报告由", 1)
    rep = parse(data.encode("utf-8"), f"r.{'txt' if fmt == 'flat' else fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("title", [
    "【政府信息公开年报】{a}{y}年政府信息公开工作年度报告",
    "【{a}】{y}年政府信息公开工作年度报告",
    "《{a}{y}年政府信息公开工作年度报告》",
])
@pytest.mark.parametrize("fmt", ["txt", "html", "flat"])
def test_titles_with_lenticular_brackets(monkeypatch, fmt, title):
    """A CMS column tag in 【】 before the title (its words 政府信息公开年报 are no title), the
    agency itself in 【】, the title in 《》: the agency and year as printed (adversary round 8)."""
    _, rep = _parse_titled(monkeypatch, title.format(a=AGENCY, y=2022), fmt)
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("date", ["2023年1月20日", "二〇二三年一月二十日"])
@pytest.mark.parametrize("fmt", ["txt", "html", "md", "flat", "docx"])
def test_short_agency_in_the_title_full_in_the_signature(monkeypatch, fmt, date):
    """The title names the agency without its place (示例局2022年…), the 落款 at the end prints
    the full name above the date: the agency is the full name the report signs with
    (adversary round 8, `title_abbrev_agency_signature_full`)."""
    report = make_report("2021", year=2022)
    monkeypatch.setattr(render_mod._R, "title", lambda self: "示例局2022年政府信息公开工作年度报告")
    orig = render_mod._R.narrative

    def signed(self):
        nar = orig(self)
        return {**nar, "other": nar["other"] + [AGENCY, date]}
    monkeypatch.setattr(render_mod._R, "narrative", signed)
    data = render_mod.render(report, fmt)
    if fmt in ("txt", "md"):
        data = data.replace(f"{AGENCY}\n2022年政府信息公开工作年度报告".encode(), "示例局2022年政府信息公开工作年度报告".encode(), 1)
    rep = parse(data, f"r.{'txt' if fmt == 'flat' else fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_a_signature_of_another_agency_leaves_the_title_agency(monkeypatch):
    """A 落款 naming another office (the parent government's) changes nothing."""
    report = make_report("2021", year=2022)
    orig = render_mod._R.narrative
    monkeypatch.setattr(render_mod._R, "narrative",
                        lambda self: {**orig(self), "other": orig(self)["other"] + ["示例省示例市人民政府办公室", "2023年1月20日"]})
    rep = parse(render_mod.render(report, "html"), "r.html")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("fmt", ["txt", "html", "flat"])
def test_a_statistics_period_in_chinese_numerals_names_the_year(monkeypatch, fmt):
    """The title names the year of publication, the statistics period is written in Chinese
    numerals (二〇二二年1月1日至二〇二二年12月31日): the report is 2022's, as with digits
    (adversary round 8, `title_next_year_period_chinese_numerals`)."""
    monkeypatch.setattr(render_mod._R, "title", lambda self: f"{AGENCY}2023年度政府信息公开工作年度报告")
    data = render_mod.render(make_report("2021", year=2022), fmt).decode("utf-8")
    data = data.replace(f"{AGENCY}\n2022年政府信息公开工作年度报告", f"{AGENCY}2023年度政府信息公开工作年度报告", 1)
    data = data.replace("统计期限为2022年1月1日至2022年", "统计期限为二〇二二年1月1日至二〇二二年", 1)
    rep = parse(data.encode("utf-8"), f"r.{'txt' if fmt == 'flat' else fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("year", ["二O二二", "二0二二", "二〇二二"])
@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_chinese_numeral_year_with_a_letter_or_digit_zero(monkeypatch, fmt, year):
    """二O二二年 (a Latin O for zero) and 二0二二年 (a digit 0), as typists write the year: 2022
    (adversary round 8, `title_year_latin_o`, `title_year_digit_zero`)."""
    _, rep = _parse_titled(monkeypatch, f"{AGENCY}{year}年度政府信息公开工作年度报告", fmt)
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("fmt", ["txt", "html", "md", "docx"])
def test_one_link_line_above_a_title_printed_in_two_lines(monkeypatch, fmt):
    """One sidebar link — another agency's report of the same year, no list heading — above the
    report's title printed in two lines (the agency, then 2022年…报告): the report's agency, the
    one its text names (adversary round 8, `title_split_after_one_link`)."""
    lines = ["示例市交通运输局2022年政府信息公开工作年度报告", AGENCY, "2022年政府信息公开工作年度报告"]
    rep = parse(render_mod.render(make_report("2021", year=2022), fmt, title_lines=lines), f"r.{fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("fmt", ["txt", "html", "flat"])
def test_short_agency_in_the_title_full_in_the_compiled_by_sentence(monkeypatch, fmt):
    """No 落款; the first paragraph says 本报告由{full name}编制: the agency is that full name,
    which ends with the title's shortened one (adversary round 8,
    `title_abbrev_agency_named_in_intro`)."""
    monkeypatch.setattr(render_mod._R, "title", lambda self: "示例局2022年政府信息公开工作年度报告")
    data = render_mod.render(make_report("2021", year=2022), fmt)
    if fmt == "txt":
        data = data.replace(f"{AGENCY}\n2022年政府信息公开工作年度报告".encode(), "示例局2022年政府信息公开工作年度报告".encode(), 1)
    rep = parse(data, f"r.{'txt' if fmt == 'flat' else fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("fmt", ["txt", "html", "md", "docx", "pdf"])
@pytest.mark.parametrize("lines", [
    [AGENCY, "2022年", "政府信息公开工作年度报告"],
    [AGENCY, "2022年度", "政府信息公开工作年度报告"],
    ["示例省 示例市示例局", "2022 年 政 府 信 息 公 开 工 作 年 度 报 告"],
    [f"{AGENCY}2022年 政 府 信 息 公 开 工 作 年 度 报 告"],
], ids=["three_lines", "three_lines_niandu", "letter_spaced_two_lines", "letter_spaced_tail"])
def test_title_broken_or_letter_spaced_over_lines(fmt, lines):
    """A title set as a cover: the agency, the year and 政府信息公开工作年度报告 each on a line of
    their own, or its words letter-spaced (政 府 信 息 公 开): the agency and year as with the
    title on one line (adversary round 9, r9freshB)."""
    rep = parse(render_mod.render(make_report("2021", year=2022), fmt, title_lines=lines), f"r.{fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
@pytest.mark.parametrize("title", ["关于2022年度政府信息公开工作情况的报告", "2022年政府信息公开工作年度报告"])
def test_title_without_agency_signed_at_the_end(monkeypatch, fmt, title):
    """The title prints no agency; the report ends with the agency's 落款 above the date: the
    signing agency is the report's (adversary round 9, r9freshB)."""
    orig = render_mod._R.narrative
    monkeypatch.setattr(render_mod._R, "narrative",
                        lambda self: {**orig(self), "other": orig(self)["other"] + [AGENCY, "2023年1月20日"]})
    rep = parse(render_mod.render(make_report("2021", year=2022), fmt, title_lines=[title]), f"r.{fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_a_bare_title_with_a_date_but_no_signing_agency_still_fails(monkeypatch):
    """Only the date ends the text (no name above it, no 本报告由…编制): no agency, the report
    fails."""
    orig = render_mod._R.narrative
    monkeypatch.setattr(render_mod._R, "narrative",
                        lambda self: {**orig(self), "other": orig(self)["other"] + ["2023年1月20日"]})
    text = render_mod.render(make_report("2021", year=2022), "txt",
                             title_lines=["关于2022年度政府信息公开工作情况的报告"])
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    text = re.sub(r"本报告由[^。]*编制。?", "", text)
    assert "本报告由" not in text
    with pytest.raises(ReportError):
        parse(text, "r.txt")



def test_bare_title_takes_the_report_s_own_name_over_a_parent_s_metadata_title(monkeypatch):
    # body: 2022年度…报告 (no agency); <title>: the parent government's report; 本报告由…编制 names it
    _, rep = _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", "html",
                           meta_title="示例市人民政府2022年政府信息公开工作年度报告")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


def test_an_office_as_the_only_name_is_refused_unless_a_container_title_settles_it(monkeypatch):
    intro = [f"本报告由{AGENCY}办公室编制。" + _PERIOD_2022]
    with pytest.raises(ReportError) as ei:
        _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", "html", intro=intro)
    assert "办公室" in ei.value.reason
    _, rep = _parse_titled(monkeypatch, "2022年度政府信息公开工作年度报告", "html", intro=intro,
                           meta_title=f"{AGENCY}2022年政府信息公开工作年度报告")
    assert (rep.agency, rep.year) == (AGENCY, 2022)


@pytest.mark.parametrize("head,tail", [("示例市", "民政局"), ("示例综", "合实验区"), ("示例市示例", "区人民政府"),
                                       ("示例省示例市科学", "技术委员会"), ("示例东省示", "例云市教育局"),
                                       ("示例南省示例戊市", "示例海县自然资源局")])
def test_agency_wrapped_over_two_lines_above_a_bare_title(head, tail):
    """A cover title whose agency wraps over two lines above 2022年…报告 (a narrow text box):
    the agency is the two lines' name, never the second half alone (adversary round 10,
    r10docx).  A whole agency above a placed one (a masthead) stays out."""
    from etl.document import Document, Paragraph
    from etl.titles import find_title
    lines = [head, tail, "2022年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳推进。"]
    doc = Document(source="t.docx", fmt="docx", blocks=[Paragraph(x) for x in lines])
    assert find_title(doc)[:2] == (head + tail, 2022)
    lines = ["示例市人民政府", "示例市民政局", "2022年政府信息公开工作年度报告", "一、总体情况"]
    doc = Document(source="t.docx", fmt="docx", blocks=[Paragraph(x) for x in lines])
    assert find_title(doc)[:2] == ("示例市民政局", 2022)


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_title_without_agency_signed_above_page_chrome(monkeypatch, fmt):
    """A CMS page: the bare-titled report signs with its agency above the date, and the site's
    chrome follows (上一篇/下一篇 links, the footer): the 落款 on lines of its own still names the
    report's agency (adversary round 11, r11ue ``title_no_agency``)."""
    orig = render_mod._R.narrative
    chrome = [AGENCY, "2023年1月20日", "上一篇：示例市统计局2021年政府信息公开工作年度报告",
              "下一篇：示例市审计局2022年政府信息公开工作年度报告", "主办单位：示例市人民政府办公室 网站标识码：3213220037"]
    monkeypatch.setattr(render_mod._R, "narrative", lambda self: {**orig(self), "other": orig(self)["other"] + chrome})
    data = render_mod.render(make_report("2021", year=2022), fmt, title_lines=["2022年政府信息公开工作年度报告"])
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = re.sub(r"本报告由[^。<]*编制。?", "", text)
    assert "本报告由" not in text
    rep = parse(text, f"r.{fmt}")
    assert (rep.agency, rep.year) == (AGENCY, 2022)
