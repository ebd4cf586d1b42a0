"""The speed-ups of round 9 change no reading: each fast path equals the slow path it skips.

* ``etl.sections._HEAD`` opens with a lookahead naming every character a heading can start
  with; without it the regex finds the same headings (synthetic reports of every format and
  the corpus texts, read at run time);
* the DOCX and HTML readers' plain-line paths of ``_clean_lines`` and ``_clean`` equal the
  regex paths;
* the DOCX reader's Python walk of a plain paragraph equals the compiled XPath, and its
  text without styles equals the general path's.
"""
import re

import pytest
from lxml import etree

from etl import sections
from etl.readers import docx as D
from etl.readers import read_bytes
from etl.sections import document_lines
from paths import CORPUS, HAVE_CORPUS
from synth.generate import generate
from synth.render import render

_NO_LOOKAHEAD = re.compile(sections._HEAD.pattern.split(")", 1)[1])


def _texts():
    reps = [r if isinstance(r, dict) else r.to_json() for r in generate(12, seed=5)]
    for i, r in enumerate(reps):
        fmt = ("txt", "html", "docx", "md")[i % 4]
        yield "\n".join(ln for ln, _ in document_lines(read_bytes(render(r, fmt), f"r.{fmt}")))
    if HAVE_CORPUS:
        for f in sorted((CORPUS / "raw").iterdir()):
            if f.suffix in (".txt", ".md"):
                yield f.read_text(encoding="utf-8", errors="replace")
    yield "  二、主动公开政府信息情况\n（三）收到和处理政府信息公开申请情况\n2023 年度存在的主要问题\n其他需要报告的事项"


def test_heading_lookahead_changes_no_match():
    assert _NO_LOOKAHEAD.pattern.startswith("(?P<num>")
    for text in _texts():
        got = [(m.span(), m.groupdict()) for m in sections._HEAD.finditer(text)]
        want = [(m.span(), m.groupdict()) for m in _NO_LOOKAHEAD.finditer(text)]
        assert got == want


@pytest.mark.parametrize("text", ["规章", "  规章 ", "行政 许可", "a\u3000b", "x\u200by", "a\xa0 b", "\t1\t", "", " ",
                                  "一\n二", "总计  3"])
def test_clean_lines_fast_path(text):
    slow = [ln for ln in (D._WS_RUN.sub(" ", line).strip()
                          for line in D.INVISIBLE.sub("", text).split("\n")) if ln]
    assert D._clean_lines(text) == slow


_W = D.W_NS


@pytest.mark.parametrize("body", [
    '<w:r><w:t>12</w:t><w:tab/><w:t>3</w:t></w:r><w:bookmarkStart w:id="0"/><w:r><w:br/><w:t>x</w:t></w:r>',
    '<w:pPr/><w:r><w:rPr/><w:t>a</w:t><w:noBreakHyphen/><w:cr/></w:r>',
    '<w:r><w:ruby><w:rubyBase><w:r><w:t>b</w:t></w:r></w:rubyBase><w:rt><w:r><w:t>r</w:t></w:r></w:rt></w:ruby>'
    '<w:t>c</w:t></w:r>',
    '<w:ins><w:r><w:t>d</w:t></w:r></w:ins><w:r><w:t>e</w:t></w:r>',
])
def test_run_walk_equals_xpath(body):
    p = etree.fromstring(f'<w:p xmlns:w="{_W}">{body}</w:p>')
    assert D._run_text(p) == D._run_text_xpath(p)


@pytest.mark.parametrize("raised_ink", [False, True])
@pytest.mark.parametrize("body", [
    '<w:r><w:t>12</w:t><w:tab/><w:t>3</w:t></w:r><w:r><w:rPr><w:strike/></w:rPr><w:t>9</w:t></w:r>',
    '<w:r><w:t>26</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>',
    '<w:r><w:t>7</w:t><w:rPr><w:vanish/></w:rPr></w:r><w:r><w:br w:type="page"/><w:br/><w:cr/>'
    '<w:noBreakHyphen/><w:t></w:t></w:r>',
    '<w:r><w:rPr><w:strike w:val="0"/></w:rPr><w:rPr><w:strike/></w:rPr><w:t>5</w:t></w:r>',
])
def test_direct_paragraph_equals_general_path(body, raised_ink, monkeypatch):
    p = etree.fromstring(f'<w:p xmlns:w="{_W}">{body}</w:p>')
    fast = D._direct_paragraph_text(p, raised_ink)
    monkeypatch.setattr(D, "_direct_paragraph_text", lambda *a: None)
    assert fast == D.paragraph_text(p, None, False, raised_ink)


@pytest.mark.parametrize("raw", ["规章", " 12 ", "a  b", "商业\n企业", "1\u200b2", "x\ue000y", "\xa0", "", "行政 许可"])
def test_html_clean_fast_path(raw):
    from etl.readers import html as H
    slow = [p for p in (H._WS_RUN.sub(" ", part).strip() for part in
                        H._NL_BETWEEN_CJK.sub("", H._CONTROL.sub("", raw)).split(H._BREAK)) if p]
    assert H._clean(raw) == slow
