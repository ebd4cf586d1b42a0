"""Report titles: the agency and the year a report names itself by, and where a report starts.

A title is found by its tail, 政府信息公开(工作)(的)(年度)报告 / 年报, and the year and agency
around it, in every form agencies print:

* ``{agency}{year}年(度)政府信息公开工作年度报告`` and ``{year}年{agency}政府信息公开…报告``;
* ``{agency}关于{year}年(度)政府信息公开工作的年度报告``;
* a notice publishing the report as its title: ``{agency}关于(公布){year}年…年度报告的公告/通知``;
* ``{agency}政府信息公开工作{year}年度报告`` and ``{agency}政府信息公开工作年度报告（{year}年度）``;
* the same with 政务公开, 政务信息公开 or 信息公开 for 政府信息公开 (…2020年政务公开工作年度报告:
  the report of the same template under the name some agencies give it);
* years in Chinese numerals (二〇二〇年);
* crawler or CMS noise before the agency (``标题：``, ``首页>信息公开>``, a publication date):
  the agency is what follows the last separator.

The agency must look like one (Chinese characters ending in an agency or place word: 局, 委,
办, 府, 院, 区, 县, 中心 …, at most 40 characters); otherwise the line is not taken as the title.
:func:`find_title` looks at the container's title (HTML ``<title>``/ArticleTitle, PDF and DOCX
metadata), the first lines and table cells (a CMS metadata box), a title split over two lines,
and an agency printed on the line above a bare ``2020年…报告``.  When nothing qualifies the
report fails with one line saying so — an agency is right or absent, never a fragment.

:func:`report_starts` finds where the reports of a bundle (a 附件 sub-unit report, a department
汇编) begin, so that :mod:`etl.extract` can parse the first and name the rest;
:func:`annex_unit` names the unit of an 附件 of statistics tables without a title of its own.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from etl import vocab
from etl.document import Document, Paragraph, ReportError

_YEAR = r"(?:19|20)\d\d"
_TAIL = re.compile(
    rf"(?:政府信息|政务信息|政务|信息)公开(?:工作)?(?:情况)?的?(?:(?P<y2>{_YEAR})年?度?)?(?:年度)?(?:工作)?(?:报告|年报)"
    rf"(?:[(\[](?P<y3>{_YEAR})年?度?[)\]])?(?!汇编|合集|目录)")
_YEAR_AT_END = re.compile(rf"(?P<y>{_YEAR})年?度?(?:的)?(?:关于)?$")
_YEAR_ANY = re.compile(rf"(?P<y>{_YEAR})年度?")
_DATE = re.compile(r"\d{2,4}[年\-/.]\d{1,2}[月\-/.]\d{1,2}日?|\d{1,2}月\d{1,2}日")
_SEPARATOR = re.compile(r"[\d:：>》|｜】\]_—\-·、，,。;；!！?？\"'“”《〈<{}\s]")
_DOC_NUMBER = re.compile(r"[〔\[【(（]\d{4}[〕\]】)）]\d+号|\d+号")   # a 文号 (示政办〔2023〕3号) ends a line
#: a gazette's or paper's issue number (2023年第3期, 总第108期, 第12版) ends a line the same way
_ISSUE = re.compile(r"总?第?\d+[期版卷]")
_NAME_DIGITS = re.compile(r"(?<=[\u4e00-\u9fff])(?<!附件)(?<!附表)\d{3,}(?=[\u4e00-\u9fff])(?![年月日号届期])")
_WIDE = str.maketrans("0123456789", "".join(chr(0xE010 + i) for i in range(10)))   # private use: not matched by \d
_NARROW = str.maketrans("".join(chr(0xE010 + i) for i in range(10)), "0123456789")
#: a year in Chinese numerals (二〇二〇年); typists write its zero as 〇, 零, ○, a letter O or a digit 0
_CN_DIGITS = str.maketrans("〇零○ＯO0一二三四五六七八九", "000000123456789")
_CN_YEAR = re.compile(r"[一二][〇零○ＯO0一二三四五六七八九]{3}(?=年)")
_AGENCY = re.compile(r"[\u4e00-\u9fff（）()·0-9]{2,40}")
#: Last characters of an agency or place name (局, 委员会, 办事处, 人民政府, 中心, 海关, 监狱 …).
_AGENCY_END = set("局委办院府厅室会处所站队部署行馆司区县市镇乡道旗盟州省心社组团场校台庭关狱军")
_OPENNESS_OFFICE = re.compile(r"(?:政府信息|政务)公开(?:工作)?(?:领导小组)?(?:办公室|办|中心)$")
#: a sentence's verb before the report it names (现公布, 特此发布, 现将…印发): no part of a name
_PUBLISH_VERB = re.compile(r"^(?:现将|现予|现|特此|特|予以|正式|向社会)?(?:公布|发布|印发|转发|报送|呈报|刊发)")
_NOT_AGENCY = ("报告", "公开", "年度", "关于", "本机关", "我局", "我委", "我办", "本局", "本单位")


@dataclass(frozen=True)
class Title:
    agency: str      # as printed (noise removed)
    year: int
    text: str        # the title as matched


def arabic_years(text: str) -> str:
    """The text normalised (:func:`vocab.norm`), years in Chinese numerals (二〇二〇年) in digits."""
    t = vocab.norm(text)
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), t) if "年" in t else t


_prep = arabic_years


def _agency(text: str, loose: bool = False) -> str | None:
    """The agency in the text before a title's year/tail: what follows the last separator,
    without a trailing 关于/的; None unless it looks like an agency name (``loose``: a name of
    four characters or more ending in any word — 少年宫, 大学 — for the caller to prove)."""
    s = _DATE.sub("|", _ISSUE.sub("|", _DOC_NUMBER.sub("|", text)))
    bracketed = re.search(r"[【〖]([^【】〖〗]+)[】〗]$", s)
    if bracketed:   # 【示例市某局】2020年…: the name in the brackets
        s = bracketed.group(1)
    # digits inside a name (示例市12345政务服务便民热线管理中心) are no separator: kept as
    # private-use characters through the split, unless a year, date or 文号 word follows them
    s = _NAME_DIGITS.sub(lambda m: m.group(0).translate(_WIDE), s)
    s = _SEPARATOR.split(s)[-1].translate(_NARROW)
    s = _NOTICE_VERB.sub("", s)
    s = re.sub(r"(?:关于|的|本级)+$", "", s)
    s = re.sub(r"^(?:关于|标题|题目|名称|文件名称)+", "", s)
    s = _PUBLISH_VERB.sub("", s)   # 现公布示例局2020年度…报告: the verb is no part of the name
    if _REPORTING_VERB.match(s):
        return None   # 现将示例局2020年度…情况报告如下: a sentence of the report, not its title
    if not _AGENCY.fullmatch(s):
        return None
    core = re.sub(r"[（(][^（）()]*[）)]$", "", s)
    office = _OPENNESS_OFFICE.search(core)   # 示例市政府信息公开办公室: 公开 names the office
    if len(core) < (4 if loose else 2) or (core[-1] not in _AGENCY_END and not loose) or any(
            w in (core[:office.start()] if office else core) for w in _NOT_AGENCY):
        return None
    return s


#: a sentence's opening that hands over the report it names (现将…报告如下): never a name's start
_REPORTING_VERB = re.compile(r"^(?:现将|兹将|特将|今将|谨将)")


#: the end of a notice that publishes the report it names (…年度报告的公告, 关于公布…年度报告的通知):
#: the page is the report under its notice's title; a line going on after it is a sentence
_NOTICE_END = re.compile(r"的(?:公告|通知|通告)[》」]?\s*")
#: the notice's verb between 关于 and the year (示例局关于公布2020年…): no part of the agency
_NOTICE_VERB = re.compile(r"关于(?:公布|发布|印发|公开)$")


def parse_title(text: str, loose: bool = False) -> Title | None:
    """(agency, year) from one line that is a report title; None when it is not one.  A title
    whose agency is not printed (``2020年度政府信息公开工作年度报告``) gives agency ''.
    ``loose``: an agency of any ending (see :func:`_agency`)."""
    t = _prep(text)
    if "公开" not in t:   # after normalising: a letter-spaced title (政 府 信 息 公 开) counts
        return None
    for m in _TAIL.finditer(t):
        if t[m.end():m.end() + 1] == "的" and not _NOTICE_END.fullmatch(t[m.end():]):
            return None   # …年度报告的更正说明: a line about a report, not its title
        if t[m.end():m.end() + 1] in ("】", "〗") and re.search(r"[【〖][^】〗]{0,12}$", t[:m.start()]):
            continue   # the tail's words in a CMS column tag before the title (【政府信息公开年报】…)
        return _title_at(t, m, loose)
    return None


def _title_at(t: str, m: re.Match, loose: bool) -> Title | None:
    """The title whose tail ``m`` ends in line ``t`` (see :func:`parse_title`)."""
    pre = t[max(0, m.start() - 80): m.start()]   # a title is short: never scan a long line twice
    year = m.group("y2") or m.group("y3")
    agency, start, leftover = None, 0, pre
    if year is None:
        ym = _YEAR_AT_END.search(pre)
        if ym:                                   # {agency}(关于){year}年…
            year, agency = ym.group("y"), _agency(pre[: ym.start()], loose)
            start = pre.rfind(agency, 0, ym.start()) if agency else ym.start()
            leftover = pre[: ym.start()]
        else:                                    # {year}年{agency}…
            for ym in reversed(list(_YEAR_ANY.finditer(pre))):
                agency = _agency(pre[ym.end():], loose)
                if agency:
                    year, start = ym.group("y"), ym.start()
                    break
    else:                                        # {agency}政府信息公开工作{year}年度报告
        agency = _agency(pre, loose)
        start = pre.rfind(agency) if agency else m.start()
    if not year:
        return None
    if not agency:   # a bare title (its agency on the line above), or not a title at all
        rest = re.sub(r"^关于", "", leftover)   # 关于2020年度…的报告: bare too
        return None if re.search(r"[\u4e00-\u9fff]", rest) else Title("", int(year), pre[start:] + m.group(0))
    return Title(agency, int(year), pre[start:] + m.group(0))


def _lines(doc: Document, max_lines: int = 40) -> list[str]:
    lines: list[str] = []
    for b in doc.blocks[:60]:
        if isinstance(b, Paragraph):
            lines.extend(x for x in b.text.split("\n") if x.strip())
        else:
            for r in b.rows[:8]:
                real = [c.text for c in r if not c.is_span_copy]
                lines.append("".join(real))
                lines.extend(c for c in real if len(real) > 1 and c.strip())   # metadata box cells
        if len(lines) > max_lines:
            break
    return lines[:max_lines]


def find_title(doc: Document) -> tuple[str, int, str]:
    """(agency as printed, year, title) from the container's title or the first lines."""
    lines = _join_broken_meta(_lines(doc))
    # the title printed in the body wins over the container's (a CMS <title>, document
    # properties or a crawler's 标题: line may be last year's or the parent government's);
    # those are read only when the body prints none
    meta = [ln for ln in lines if _META_LINE.match(vocab.norm(ln))]
    # a page header prints the title on every page: before the properties' (unprinted) title
    hints = doc.page_titles + ([doc.title_hint] if doc.title_hint else []) + meta
    body = [ln for ln in lines if not _META_LINE.match(vocab.norm(ln))]
    try:
        return _body_title(body)
    except ReportError:
        named = _named_elsewhere(doc, body)   # an agency of another ending the text names again
        if named:
            return named
        text = doc.text()
        # a title printed without its year or agency: completed from the report's own words
        # first, then from a container title that agrees with it, then from a 发布机构 line
        partial = _partial_title(text, body, [])
        if partial is not None:
            return partial.complete(text, body, hints, doc.page_titles)
        for hint in hints:
            got = parse_title(hint)
            if got and got.agency:
                return got.agency, got.year, got.text
        partial = _partial_title(text, [], hints)
        if partial is not None:
            return partial.complete(text, body, [])
        signed = _signed_bare(doc, body)   # a bare title, its agency only in the signature
        if signed:
            return signed
        raise


_SIGN_DATE = re.compile(r"(?:19|20)\d\d年(?:\d{1,2}|[一二三四五六七八九十]{1,2})月"
                        r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日\W*$")


_COMPILED_BY = re.compile(r"本报告(?:是)?由([^，。,；;：:]{2,60}?)(?:根据|依据|按照|依照|编制|制作|撰写)")


def _self_names(text: str) -> tuple[str | None, str | None]:
    """The names a report gives itself: its 落款 (the name above the date that ends the text)
    and 本报告由…编制 — each when printed and shaped as an agency (:func:`_agency`), else None."""
    flat = _prep("".join(text.split()))
    tail = flat[-300:]
    m = _SIGN_DATE.search(tail)
    signer = _agency(tail[:m.start()]) if m is not None else _signature_lines(text)
    m = _COMPILED_BY.search(flat[:5000])
    compiled = _agency(m.group(1)) if m is not None else None
    return signer, compiled


_SIGN_DATE_LINE = re.compile(r"^(?:19|20)\d\d年(?:\d{1,2}|[一二三四五六七八九十]{1,2})月"
                             r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日$")


def _signature_lines(text: str) -> str | None:
    """A 落款 that does not end the text: the last line holding only a date whose line above
    holds only an agency's name — a CMS page's chrome (上一篇/下一篇, the site footer) may follow
    the signature.  None unless both lines are printed so, each on its own line."""
    lines = [s for s in (_prep("".join(ln.split())) for ln in text.splitlines()) if s]
    for i in range(len(lines) - 1, 0, -1):
        if _SIGN_DATE_LINE.match(lines[i]):
            name = _agency(lines[i - 1])
            if name and name == lines[i - 1]:
                return name
    return None


def signed_agency(text: str, agency: str) -> str:
    """The full name the report gives itself (:func:`_self_names`) when the title prints the
    same agency shortened (示例局 for 示例省示例市示例局: the full name ends with the title's);
    else the title's agency."""
    if not agency:
        return agency
    for full in _self_names(text):
        if full and full != agency and full.endswith(agency):
            return full
    return agency


def _signed_bare(doc: Document, lines: list[str]) -> tuple[str, int, str] | None:
    """A bare title (关于2020年度政府信息公开工作情况的报告, no agency on it or above it) and a
    report that signs with its agency above the closing date: that agency, the title's year.
    Without a signature (or a name that is no agency) None: the report fails as before."""
    bare = next((t for i, ln in enumerate(lines[:20]) for t in (parse_title(ln),
                 parse_title(ln + lines[i + 1]) if i + 1 < len(lines) else None)
                 if t is not None and not t.agency), None)
    if bare is None:
        return None
    agency = _self_names(doc.text())[0]   # the 落款
    return (agency, bare.year, agency + bare.text) if agency else None


def _join_broken_meta(lines: list[str]) -> list[str]:
    """A crawler's 标题: line broken inside the title (标题: 示例省示例市 / 示例县某局2020年…报告):
    the line after a 标题: line that is no title by itself is its continuation when the two
    make a title — joined, so the half below is not read as the body's own title."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (_META_LINE.match(vocab.norm(ln)) and nxt and not _META_LINE.match(vocab.norm(nxt))
                and parse_title(_META_LINE.sub("", vocab.norm(ln))) is None and parse_title(nxt) is not None
                and parse_title(ln + nxt) is not None):
            out.append(ln + nxt)
            i += 2
            continue
        out.append(ln)
        i += 1
    return out


def _named_elsewhere(doc: Document, lines: list[str]) -> tuple[str, int, str] | None:
    """A title whose agency ends in a word the agency shape does not list (示例市青少年宫,
    示例市老年大学): taken only when the document names that agency again outside its title
    (本报告由…编制, the signature), the evidence that it is a name and not a fragment."""
    try:
        agency, year, title = _body_title(lines, loose=True)
    except ReportError:
        return None
    text = "".join(unicodedata.normalize("NFKC", doc.text()).split())
    return (agency, year, title) if agency in text.replace(title, "") else None


@dataclass(frozen=True)
class _Partial:
    """A title line naming the report without its agency or year (see :func:`_partial_title`)."""
    agency: str | None
    year: int | None
    text: str

    def complete(self, text: str, lines: list[str], hints: list[str],
                 page_lines: list[str] | None = None) -> tuple[str, int, str]:
        """(agency, year, title): the year from the report's 统计期限/报告期 or an opening
        sentence naming its year (:func:`report_year`), the agency from its 落款 or
        本报告由…编制 (:func:`own_agency`); what they leave open from a container title that
        agrees with what the line prints, else (the agency) from a 发布机构 line; ReportError
        with the reason otherwise — a publication date is no year.  ``page_lines``: what the
        pages' running headers and footers print (a footer （2020年度）), read for the year last."""
        year = self.year or report_year(text) or (report_year("\n".join(page_lines)) if page_lines else None)
        try:
            agency = self.agency or own_agency(text)
        except _OfficeOrAgency as e:   # the office or its agency: a container title may tell
            for hint in hints:
                got = parse_title(hint)
                if got and got.agency in (e.office, e.agency) and (year is None or got.year == year):
                    return got.agency, got.year, got.text
            raise
        if not (year and agency):
            for hint in hints:
                got = parse_title(hint)
                if (got and got.agency and (year is None or got.year == year)
                        and (agency is None or _same_agency(got.agency, agency))):
                    return agency or got.agency, year or got.year, got.text
        if not year:
            raise ReportError(f"标题「{self.text}」没有写年份，正文也没有统计期限（某年1月1日至12月31日）"
                              "或写明年度的开头语：不按发布日期推断年度", "not_a_report")
        agency = agency or publisher(text, lines)
        if not agency:
            raise ReportError(f"标题「{self.text}」没有写机构名称，落款、「本报告由…编制」、发布机构也没有写明",
                              "not_a_report")
        return agency, year, self.text


def _same_agency(a: str, b: str) -> bool:
    return a.endswith(b) or b.endswith(a)


def _partial_title(text: str, body: list[str], hints: list[str]) -> _Partial | None:
    """The first line of ``body`` (else of ``hints``) that is a title naming the report but not
    its year or not its agency (``示例局政府信息公开工作年度报告``, ``2020年政府信息公开工作年度
    报告``, or the tail alone); None when there is none."""
    for ln in body + [h for h in hints if h]:
        found = _title_parts(ln)
        if found is not None:
            return _Partial(*found)
    return None


_LEADING_TITLE = re.compile(r"\s*(\S[^\n]{3,80}?(?:报告|年报))\s+\S")


def _title_parts(line: str) -> tuple[str | None, int | None, str] | None:
    """(agency or None, year or None, title) of a line that is a report title lacking its
    agency, its year or both; None for a line that is no title (a sentence, a link)."""
    if "公开" not in line or _NAV.match(vocab.norm(line)):
        return None
    lead = _LEADING_TITLE.match(line)
    if lead and len(_prep(line)) > len(_prep(lead.group(1))) + 12:
        line = lead.group(1)   # crawler text: the title, a space, then the body run on
    t = _prep(line)
    t = re.sub(r"^(?:标题|题目|文章标题|title)[:：]\s*", "", t, flags=re.I)
    m = _TAIL.search(t)
    if m is None or t[m.end():m.end() + 1] == "的" or len(t.rstrip("。 ")) > m.end() + 12:
        return None
    got = parse_title(t)
    if got is not None:   # a whole title was not taken (a link, one of a list): not this report's
        return None if got.agency else (None, got.year, got.text)
    pre = t[max(0, m.start() - 80): m.start()]
    if _YEAR_ANY.search(pre) or m.group("y2") or m.group("y3"):
        return None   # a year printed but no agency the shape accepts: not guessed
    agency = _agency(pre)
    if agency is None and pre.strip():
        return None   # words before the tail that are no agency (栏目: 政府信息公开年报)
    return agency, None, (agency or "") + m.group(0)


#: a sentence of the opening naming the report's year (现公布2020年度…报告, 本年度报告…反映本机关
#: 2020年度政府信息公开工作情况)
_OWN_YEAR = re.compile(rf"(?:本(?:年度)?报告|现(?:将|予)?公布|特(?:此)?公布|现予公开)[^。；]{{0,60}}?"
                       rf"(?P<y>{_YEAR})年度?[^。；\d]{{0,24}}?政府信息公开")
_FIRST_HEADING = re.compile(r"[一1][、.．]\s*(?:总体情况|概述|基本情况)")


def report_year(text: str) -> int | None:
    """The year the report says it covers, when its title does not: its own 统计期限/报告期
    (:func:`period_year`), else one year named by the opening's sentences about the report
    (本年度报告…2020年度政府信息公开工作, 现公布2020年度…报告); None when neither — or several
    years — is printed."""
    year = period_year(text)
    if year:
        return year
    t = arabic_years(text[:4000])
    head = _FIRST_HEADING.search(t)
    years = {int(m.group("y")) for m in _OWN_YEAR.finditer(t[: head.start() if head else 1500])}
    if not years and head:
        # no sentence about the report before section 一: the section's own opening names the
        # year its work is told for (2023年，本局…; 2023年度，…) — not 2021年以来 (a span), nor
        # a year cited later in it (较2022年, 2024年工作打算); a publication date never is
        opening = _SECTION_YEAR.match(t, head.end())
        if opening:
            years = {int(opening.group("y"))}
    if not years:
        # a line that is only the report's year (（2020年度）: under a yearless title, in a page
        # footer) names the year the report covers — one year, never a date (r11old)
        years = {int(m.group("y")) for ln in text[:200_000].splitlines() if "年度" in ln and len(ln) <= 24
                 for m in [_YEAR_LINE.match(arabic_years(ln))] if m}
    return years.pop() if len(years) == 1 else None


#: a line of its own holding only a year of report: （2020年度）, 2020年度, 〔二〇二〇年度〕
_YEAR_LINE = re.compile(rf"[（(〔\[]?(?P<y>{_YEAR})年度[）)〕\]]?$")


#: the opening of section 一 (总体情况) when it starts with a year: 2023年，… / 2023年度，…
_SECTION_YEAR = re.compile(rf"[\s:：]*(?P<y>{_YEAR})年度?[，,]")


_PERIOD = re.compile(r"(?:统计(?:期限|期间|时限|时段|周期|时间)|报告期)[^。；]{0,24}?(\d{4})\s*年\s*1\s*月\s*1\s*日"
                     r"[^。；\d]{0,8}(?:(\d{4})\s*年\s*)?12\s*月\s*31\s*日")


#: words before 统计期限 that make it another period than the report's (上一统计期限, 去年同期)
_CITED_PERIOD = re.compile(r"(?:上一?|前一|去年|往年|上年度?)[个期的]?$")


def period_year(text: str) -> int | None:
    """The year of the report's statistics period (本报告所列数据的统计期限自2020年1月1日起至
    2020年12月31日止; 报告期为…): the year its figures are for, or None when not printed so.  A
    period the text cites (与上一统计期限（…）相比) is not the report's; periods of different
    years prove no year."""
    t = arabic_years(text[:20000])
    years = set()
    for m in _PERIOD.finditer(t):
        if (m.group(2) and m.group(2) != m.group(1)) or _CITED_PERIOD.search(t[max(0, m.start() - 4):m.start()]):
            continue
        years.add(int(m.group(1)))
    return years.pop() if len(years) == 1 else None


#: an agency's office (示例县人民政府办公室, 示例局办公室, 示例实验区办公室): it compiles and
#: signs its agency's report.  Not the office of a body that publishes no report of its own
#: (机构编制委员会办公室, 领导小组办公室, 中共示例市委办公室)
_OFFICE_OF = re.compile(r"^(.{2,}(?:人民政府|政府|局|厅|(?<!机构编制)委员会|管委会|(?<![省市县区旗州盟])委"
                        r"|[省市县区旗州盟]))(?:办公室|办公厅)$")

_PUBLISHER = re.compile(r"(?:发布机构|发布单位|发文机关|发文单位|发布部门)\s*[:：]\s*([^\s:：|｜]{2,40}?)"
                        r"(?=[\s:：|｜]|发布日期|发布时间|成文日期|发文日期|来源|浏览|点击|文号|索引号|$)")


def own_agency(text: str) -> str | None:
    """The agency a report without one in its title names itself by: its 落款 (the name above
    the closing date) and 本报告由…编制 — one of them, or both when one name ends with the other
    (the longer is taken); ReportError when they name different agencies, or when the one name
    printed is an agency's office (示例县人民政府办公室 compiles its government's report as well
    as its own).  None when neither is printed."""
    found = [n for n in _self_names(text) if n]
    names = sorted(set(found), key=len, reverse=True)
    if not names:
        return None
    if any(not names[0].endswith(n) for n in names[1:]):
        raise ReportError(f"标题没有写机构名称，落款与「本报告由…编制」写的机构不一致（{'、'.join(names)}）",
                          "not_a_report")
    office = _OFFICE_OF.search(names[0])
    if office and len(found) < 2:
        raise _OfficeOrAgency(names[0], office.group(1))
    return names[0]


class _OfficeOrAgency(ReportError):
    """The one name a report without an agency in its title prints is an agency's office."""

    def __init__(self, office: str, agency: str):
        super().__init__(f"标题没有写机构名称，正文只写了「{office}」：可能是该办公室自己的报告，"
                         f"也可能是它为{agency}编制的报告，无法确定", "not_a_report")
        self.office, self.agency = office, agency


def publisher(text: str, lines: list[str]) -> str | None:
    """The agency a page's 发布机构/发文机关 line names (a CMS box, a crawler's header)."""
    for ln in lines + [text[:3000]]:
        m = _PUBLISHER.search(vocab.norm(ln) if ln is not text else ln)
        if m is not None:
            got = _agency(_prep(m.group(1)))
            if got:
                return got
    return None


_META_LINE = re.compile(r"^(?:标题|题目|文章标题|title)[:：]", re.I)


def _body_title(lines: list[str], loose: bool = False) -> tuple[str, int, str]:
    """(agency, year, title) from the body's first lines; ReportError when they hold none
    (``loose``: agencies of any ending, see :func:`_agency`)."""
    bare: Title | None = None                 # a title without its agency (2020年…报告)
    listed: Title | None = None               # the first of a list of titles the text never names
    linked: Title | None = None               # a title under a link-list heading the text never names
    skip_to = 0
    for i, ln in enumerate(lines):
        if i < skip_to or ("公开" not in _prep(ln) and (i + 1 >= len(lines) or "公开" not in _prep(lines[i + 1]))):
            continue
        if _NAV.match(vocab.norm(ln)):
            # a side column's bare heading (相关阅读) printed on the title's line, apart from it
            # (a PDF of a page with a link box beside the article): the rest is the title when
            # the text below names its agency and year
            head, _, rest = ln.strip().partition(" ")
            beside = None
            if rest.strip() and _LIST_HEAD.match(vocab.norm(head)):
                # the title may wrap onto the next line (…工作年 / 度报告) beside the side column
                beside = parse_title(rest, loose) or (parse_title(rest + lines[i + 1], loose)
                                                      if i + 1 < len(lines) else None)
            below = _prep("".join(lines[i + 1:i + 16]))
            if beside and beside.agency and beside.agency in below and str(beside.year) in below:
                return beside.agency, beside.year, beside.text
            continue   # 上一篇：/下一篇：/相关阅读 — a link to another article, not this one's title
        got = parse_title(ln, loose)
        if got and got.agency:
            pick, skip_to = _of_a_list(lines, i, got)
            if pick is not None:
                return pick.agency, pick.year, pick.text
            if i and _LIST_HEAD.match(vocab.norm(lines[i - 1])):
                linked = linked or got   # 相关阅读 / one title the text never names: a link
            else:
                listed = listed or got
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # a link-list line (相关阅读…) names other articles: its title is no tail of this line
        joined = parse_title(ln + nxt, loose) if nxt and not _NAV.match(vocab.norm(nxt)) else None
        if joined and joined.agency and (got is None or joined.year == got.year):
            if _wrapped_tail(lines, i, joined):
                continue   # the next line is the title on its own; this one ends a wrapped line
            head = _name_head(lines, i, joined)
            if head:   # the agency's name wrapped over this line and the one above it
                return head + joined.agency, joined.year, head + joined.text
            return joined.agency, joined.year, joined.text
        # a bare title (2020年…报告) on this line, or over this line and the next (a cover:
        # 2020年 / 政府信息公开工作年度报告): its agency on the line above
        bare_here = got if got and not got.agency else (
            joined if got is None and joined and not joined.agency and len(ln) <= 40 else None)
        if bare_here:
            prev = _agency(_prep(lines[i - 1]), loose) if i else None
            if prev:
                return prev, bare_here.year, prev + bare_here.text
            bare = bare or bare_here
    if listed:
        return listed.agency, listed.year, listed.text
    if linked:
        raise ReportError(f"标题「{linked.text}」在「相关阅读」一类链接列表里，正文不提它的机构和年份，"
                          "找不到本文自己的标题", "not_a_report")
    if bare:
        raise ReportError(f"标题「{bare.text}」没有写机构名称，前后也找不到", "not_a_report")
    raise ReportError("找不到报告标题（机构名称与年份），不像政府信息公开工作年度报告", "not_a_report")


#: Lines that link to other articles (a CMS's navigation), whatever title they hold.
_NAV = re.compile(r"^[\[【(（]?(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇|相关阅读|相关文章|相关链接|相关信息"
                  r"|推荐阅读|延伸阅读|热点推荐|热门文章|猜你喜欢)")


#: A link-list heading on a line of its own (相关阅读, 【相关文章】：): the titles below it are links.
_LIST_HEAD = re.compile(_NAV.pattern + r"[】\])）]?[:：]?\s*$")


#: a line that is no part of a title's name: a heading (一、), a label (标题：), a date or number
_NOT_NAME_HEAD = re.compile(r"[、：:，,。；;\d]|目录|附件|附表|首页|正文|公开|报告|公告|通知|通报|新闻|动态|信息|年报"
                            r"|专栏|栏目|发布|来源|位置")


def _name_head(lines: list[str], i: int, joined: Title) -> str:
    """The first part of an agency's name wrapped over two lines above a bare title (a cover:
    示例市 / 示例局 / 2020年政府信息公开工作年度报告): line ``i`` holds nothing but the agency
    ``joined`` found, the line above is a short run of name characters that, put before it,
    still reads as one agency name, and one of: the agency on line ``i`` names no place of its
    own (民政局, 人民政府: a department without its city is a fragment), the line above cannot
    end a name (示例东省示 / 例云市教育局: cut inside a word), or it ends in a place (示例省 /
    示例市民政局: the province before the city's name).  A whole agency above a placed one
    (示例市人民政府 over 示例市民政局: a masthead) stays out.  '' otherwise."""
    if i == 0 or _prep(lines[i]) != joined.agency:
        return ""
    prev = _prep(lines[i - 1])
    if not 2 <= len(prev) <= 20 or _NOT_NAME_HEAD.search(prev) or not re.fullmatch(r"[\u4e00-\u9fff（）()·]+", prev):
        return ""
    if _agency(prev + joined.agency) != prev + joined.agency:
        return ""
    placed = any(ch in _PLACE_END for ch in joined.agency[2:-1])
    return prev if not placed or prev[-1] in _PLACE_END or prev[-1] not in _AGENCY_END else ""


#: a line that cannot hold the first part of an agency's name wrapped before the rest: digits,
#: punctuation, a page's own words (年报, 首页, 当前位置, 星期二)
_PAGE_LINE = re.compile(r"[\d、：:，,。；;|>/]|年报|首页|位置|星期|栏目|专栏|来源|发布|浏览|点击")


#: last characters of a place name inside an agency's (示例市民政局 names its city; 民政局 none)
_PLACE_END = set("省市区县州旗盟镇乡")


def _wrapped_tail(lines: list[str], i: int, joined: Title) -> bool:
    """Whether line ``i`` is the wrapped end of a longer line above (``告`` of a 下一篇 link,
    ``见附件`` of a note) rather than the start of a title split over two lines: the next line
    is a title on its own, line ``i`` does not read as (part of) an agency, and the text below
    names the next line's agency but not the agency the two lines would give together."""
    alone = parse_title(lines[i + 1])
    if not (alone and alone.agency and alone.year == joined.year and alone.agency != joined.agency
            and joined.agency.endswith(alone.agency)):
        return False
    if _PAGE_LINE.search(_prep(lines[i])):
        # a page's line (its <title> 年报, a date bar ending 星期二, 当前位置：首页) above a title
        # printed whole on the next line: no part of a name, whatever the body repeats
        return True
    if _agency(_prep(lines[i])):
        return False
    body = _prep("".join(lines[i + 2:i + 17]))
    return alone.agency in body and joined.agency not in body


def _of_a_list(lines: list[str], i: int, got: Title) -> tuple[Title | None, int]:
    """A title line followed by more title lines (a 相关阅读 list, other reports' titles above
    the article), or a single title under a link-list heading: the one whose agency and year the
    text below them names, when exactly one does; the first when several are named; None when
    the text names none of them (links: the title is further on).  Also the index of the line
    after the run."""
    run = [got]
    j = i + 1
    while j < len(lines):
        nxt = parse_title(lines[j]) if not _NAV.match(vocab.norm(lines[j])) else None
        if not (nxt and nxt.agency) or len(_prep(lines[j])) > len(nxt.text) + 12:
            split = _split_title(lines, j)
            if split is None:
                break
            run.append(split)   # a title printed in two lines (the agency, then 2020年…报告)
            j += 2
            continue
        run.append(nxt)
        j += 1
    # a title line right under a link line (相关阅读… with its links run together, wrapped
    # onto this line by a PDF's width) is one more link unless the text below names it
    if len(run) == 1 and not (i and _NAV.match(vocab.norm(lines[i - 1]))):
        return got, j
    body = _prep("".join(lines[j:j + 15]))
    named = [t for t in run if t.agency in body and str(t.year) in body]
    if not named:
        return None, j
    return (named[0] if len({(t.agency, t.year) for t in named}) == 1 else got), j


def _split_title(lines: list[str], j: int) -> Title | None:
    """The title lines ``j`` and ``j + 1`` print together: an agency alone on line ``j``, a
    title without its agency (2020年政府信息公开工作年度报告) on the next."""
    if j + 1 >= len(lines) or len(lines[j]) > 40:
        return None
    bare = parse_title(lines[j + 1])
    above = _agency(_prep(lines[j])) if bare and not bare.agency else None
    return Title(above, bare.year, above + bare.text) if above and bare else None


# --------------------------------------------------------------------------- bundles

@dataclass(frozen=True)
class Start:
    block: int       # index of the block where a report's title is
    line: int        # line in that block (paragraphs)
    title: Title
    page: int | None


def report_starts(doc: Document) -> list[Start]:
    """Report titles printed as a line of their own, in order, that begin a new report: the
    first, then every title naming another agency or year once table 三 of the report before it
    has been seen (a running header or a contents list repeats titles with no table between)."""
    starts: list[Start] = []
    seen_t3 = False
    prev: tuple[int, int, str] | None = None   # the line before (an agency above a bare title)
    links = False   # under a link-list heading (相关阅读): its titles are other pages' links
    for bi, b in enumerate(doc.blocks):
        if not isinstance(b, Paragraph):
            seen_t3 = seen_t3 or any(r and "申请" in r[0].text and _T3_MARK.search(r[0].text) for r in b.rows)
            prev = None
            links = False
            continue
        for li, ln in enumerate(b.text.split("\n")):
            if not ln.strip():
                continue
            line_before, prev = prev, (bi, li, ln)
            if _NAV.match(vocab.norm(ln)):
                links = True
                continue
            if links:
                got = parse_title(ln)
                if got and got.agency:
                    continue   # one more link of the list
                links = False
            if "公开" not in ln or len(ln) > 80 or ("报告" not in ln and "年报" not in ln):
                seen_t3 = seen_t3 or ("申请" in ln and bool(_T3_MARK.search(ln)))
                continue
            got = parse_title(ln)
            if not got or len(_prep(ln)) > got_end(ln, got) + 12:   # a sentence, not a title line
                seen_t3 = seen_t3 or bool(_T3_MARK.search(ln))
                continue
            sb, sl = bi, li
            if not got.agency and line_before and len(line_before[2]) <= 40:
                above = _agency(_prep(line_before[2]))   # 示例中心 / 2020年度…报告
                if above:
                    got = Title(above, got.year, above + got.text)
                    sb, sl = line_before[0], line_before[1]
            if not got.agency:
                continue
            if not starts and seen_t3:   # the first report's title is not a line of its own
                starts.append(Start(0, 0, _first_title(doc), None))
            if not starts or (seen_t3 and (got.agency, got.year) != (starts[-1].title.agency,
                                                                        starts[-1].title.year)):
                starts.append(Start(sb, sl, got, b.page))
                seen_t3 = False
    return starts


_ANNEX = re.compile(r"附[件表]\d*[:：.、]?")
_ANNEX_TAIL = re.compile(rf"{_YEAR}年度?|(?:政府)?信息公开|政务公开|统计表|情况")


def annex_unit(line: str, agency: str) -> str | None:
    """The unit an 附件/附表 heading names when it is not the report's own agency (附件：示例附属
    事务中心政府信息公开情况统计表 → 示例附属事务中心): its tables are that unit's figures.
    None for a line that is no such heading, or an annex naming no unit or the report's own."""
    t = _prep(line)
    m = _ANNEX.match(t)
    if not m or len(t) > 60:
        return None
    rest = t[m.end():]
    tail = _ANNEX_TAIL.search(rest)
    unit = _agency(rest[:tail.start()] if tail else rest)
    own = _prep(agency)
    return None if unit is None or unit in own else unit


def _first_title(doc: Document) -> Title:
    """The title of a document's first report when it is not a line of its own (container
    title, two lines, a metadata box); an empty title when there is none."""
    try:
        agency, year, text = find_title(doc)
    except ReportError:
        return Title("", 0, "")
    return Title(agency, year, text)


_T3_MARK = re.compile(r"本年新收政府信息公开申请|申请人情况|收到和处理政府信息公开申请")   # all hold 申请


def got_end(line: str, title: Title) -> int:
    """Where a title ends in its (normalised) line: what follows is not the title."""
    t = _prep(line)
    return t.find(title.text) + len(title.text)


def split_reports(doc: Document, starts: list[Start] | None = None) -> list[Document]:
    """The reports of a bundle, each as a Document of its own (one element for a plain report).
    A report runs from its title to the next report's title; the first also keeps what comes
    before its title (site header, container title)."""
    starts = report_starts(doc) if starts is None else starts
    if len(starts) < 2:
        return [doc]
    parts: list[Document] = []
    cuts = [(s.block, s.line) for s in starts[1:]] + [(len(doc.blocks), 0)]
    begin = (0, 0)
    for i, (cb, cl) in enumerate(cuts):
        blocks: list = []
        for bi in range(begin[0], min(cb + 1, len(doc.blocks))):
            b = doc.blocks[bi]
            lo = begin[1] if bi == begin[0] else 0
            hi = cl if bi == cb else None
            if isinstance(b, Paragraph):
                lines = b.text.split("\n")[lo:hi]
                if lines:
                    blocks.append(Paragraph("\n".join(lines), b.page))
            elif bi != cb:
                blocks.append(b)
        parts.append(Document(source=doc.source, fmt=doc.fmt, blocks=blocks,
                              title_hint=doc.title_hint if i == 0 else None,
                              warnings=list(doc.warnings), damaged=doc.damaged))
        begin = (cb, cl)
    return parts
