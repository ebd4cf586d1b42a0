"""Files as crawlers save them, through ``python -m etl parse FILE`` and :func:`etl.extract.parse_file`.

The metamorphic runner parses bytes in-process with a known name; the hidden test sets run the
command line on files.  Here the round-8 file-level transforms (encodings without or with a
false declaration, web archives, names that lie, Strict OOXML, NUL padding, a download cut
short: ``synth/metamorphic/transforms.py``, section "adversary round 8") are written to disk
under crawler-style names and parsed from the file: the result must be the SAME as the plain
rendering's parse (agency, year, template, cells, uncertain).  A few go through the real CLI in
a subprocess, whose JSON must equal the in-process one.  Files that are no report (too large,
a zip bomb, a legacy Office binary, a cut DOCX, NUL bytes only) must be refused by the CLI with
exit status 1 and one line on stderr naming the file and the reason, within a time bound.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from etl.document import ReportError
from etl.extract import parse_bytes, parse_file
from etl.readers.charset import decode_cjk
from etl.readers.html import decode_html
from etl.readers.wordxml import read_word_xml
from etl.readers.text import decode_text
from synth.metamorphic import runner
from synth.metamorphic.transforms import TRANSFORMS, to_traditional

ROOT = Path(__file__).resolve().parents[1]
SOURCES = runner.synth_sources()
SID = "s_2021"

# file-level transforms whose file holds the same report as the plain rendering
SAME = ["file_html_utf16le_no_bom", "file_html_utf16be_no_bom", "file_big5_traditional_undeclared",
        "file_big5_declared_gb2312", "file_html_mixed_utf8_gbk", "file_html_mixed_gbk_utf8",
        "file_mht_quoted_printable", "file_mht_base64_named_doc", "file_html_named_pdf",
        "file_html_table_named_xls", "file_text_named_pdf", "file_docx_no_extension",
        "file_docx_strict_ooxml", "file_docx_other_prefix_w14", "file_text_nul_padded",
        "file_text_cr_line_ends", "file_html_server_page_blank_lines",
        "file_html_saved_comment_scripts_no_ext", "file_html_gzip_body_saved",
        "file_html_gbk_declared_latin1", "file_http_response_saved", "file_word_flat_opc_named_doc",
        "file_word_2003_xml_named_doc", "file_docx_alt_chunk_html"]


def _essence(d: dict) -> dict:
    return {"agency": d["agency"], "year": d["year"], "template": d["template"],
            "cells": d["cells"], "uncertain": sorted(d["uncertain"])}


def _cases(tname: str):
    for fmt in TRANSFORMS[tname].formats:
        case = runner.make_case(tname, SID, SOURCES[SID], fmt)
        plain = runner.make_case("identity", SID, SOURCES[SID], fmt)
        if case is not None:
            yield fmt, case, plain


def _plain_parse(plan_opts_case, plain):
    # the plain rendering in the transform's style (word/plain): the same options, no post edit
    from synth import render as R
    src = SOURCES[SID]
    rep = {"agency": src["agency"], "year": src["year"], "template": src["template"],
           "cells": src["cells"], "options": dict(src.get("options") or {})}
    opts = dict(plan_opts_case.plan.opts)
    if plan_opts_case.fmt == "html":
        opts.setdefault("style", "plain")
    return parse_bytes(R.render(rep, plan_opts_case.fmt, **opts), plain.name)


@pytest.mark.parametrize("tname", SAME)
def test_file_variant_parses_the_same_as_the_plain_file(tname, tmp_path):
    for fmt, case, plain in _cases(tname):
        path = tmp_path / ("P020240115" + case.name.split(tname, 1)[1])   # a crawler's name, the extension kept
        path.write_bytes(case.data)
        got = parse_file(path).to_json()
        want = _plain_parse(case, plain).to_json()
        assert _essence(got) == _essence(want), f"{tname} {fmt}"


def _cli(path: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "etl", "parse", str(path), *extra], cwd=tmp_cwd(path),
                          env=env, capture_output=True, text=True, timeout=timeout)


def tmp_cwd(path: Path) -> str:
    return str(path.parent)


def test_cli_gives_the_same_json_as_parse_file(tmp_path):
    """Three saved files through the real command line: the JSON printed is parse_file's."""
    names = {"file_mht_base64_named_doc": "download", "file_html_utf16le_no_bom": "index",
             "file_big5_declared_gb2312": "art_2024_1"}
    for tname, stem in names.items():
        _fmt, case, _plain = next(_cases(tname))
        path = tmp_path / (stem + case.name.split(tname, 1)[1])
        path.write_bytes(case.data)
        done = _cli(path, "--compact")
        assert done.returncode == 0, done.stderr
        printed = json.loads(done.stdout)
        assert _essence(printed) == _essence(parse_file(path).to_json()), tname
        assert printed["cells"], tname


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_a_download_cut_inside_the_last_figure_is_flagged(fmt):
    """The file ends after the first digit of table 四's last two-digit figure: that figure
    and the row it ends in are flagged, never read as the digit left."""
    case = runner.make_case("file_cut_inside_last_figure", SID, SOURCES[SID], fmt)
    rep = parse_bytes(case.data, case.name)
    sc = runner.score(case, rep)
    assert not (sc.silent or sc.phantom or sc.missing), sc.why()
    assert any("截断" in w for w in rep.warnings)


def test_cut_row_in_word_text_is_not_realigned():
    """Corpus-shaped Word text (g006 figures) cut inside table 四's last row: its ten figures
    were placed by their count into the litigation columns, the cut 12 read as 1."""
    gold = runner.gold_sources()
    if "g006" not in gold:
        pytest.skip("corpus not present")
    case = runner.make_case("file_cut_inside_last_figure", "g006", gold["g006"], "txt")
    sc = runner.score(case, parse_bytes(case.data, case.name))
    assert not (sc.silent or sc.phantom or sc.missing), sc.why()


def test_big5_text_decodes_as_big5_not_gb18030():
    text = to_traditional("2023年度政府信息公开工作年度报告，收到和处理政府信息公开申请情况")
    data = text.encode("cp950")
    data.decode("gb18030")      # the trap: GB18030 accepts the bytes
    got, enc = decode_text(data)
    assert got == text and enc in ("cp950", "big5hkscs")
    got, enc = decode_html(b"<html><head><meta charset=gb2312></head><body><p>" + data + b"</p></body></html>")
    assert text in got


def test_gbk_page_with_one_character_cells_is_not_a_mixture():
    """GBK lines that happen to be valid UTF-8 (one ideograph a line) do not make a page mixed."""
    cells = "".join(f"<td>{c}</td>\n" for c in "是否无有件项年月日个") * 20
    page = f"<html><body><p>政府信息公开工作年度报告</p><table><tr>{cells}</tr></table></body></html>"
    data = page.encode("gb18030")
    assert decode_cjk(data)[0] == page
    assert decode_html(data)[0] == page


def test_mixed_page_decodes_line_by_line():
    head = "<html><head><title>示例市政府信息公开工作年度报告</title></head><body>\n".encode("utf-8")
    body = "<p>收到和处理政府信息公开申请情况</p>\n<table><tr><td>本年新收政府信息公开申请数量</td></tr></table>\n".encode("gb18030")
    text, enc = decode_html(head + body + b"</body></html>")
    assert "示例市政府信息公开工作年度报告" in text and "本年新收政府信息公开申请数量" in text
    assert enc.startswith("utf-8+")


# --------------------------------------------------------------------------- refusals


def _one_line_refusal(path: Path, want: str, seconds: float = 60) -> str:
    t0 = time.monotonic()
    done = _cli(path)
    assert time.monotonic() - t0 < seconds
    assert done.returncode == 1, (done.returncode, done.stdout[:200], done.stderr[-500:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-500:]
    assert lines[0].startswith(str(path)) and want in lines[0], lines[0]
    assert done.stdout == ""
    return lines[0]


def test_cli_refuses_a_huge_file_without_reading_it(tmp_path):
    path = tmp_path / "report.html"
    with open(path, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)          # sparse: nothing is written
    _one_line_refusal(path, "文件过大", seconds=30)


def test_cli_refuses_a_gzip_bomb(tmp_path):
    import gzip
    path = tmp_path / "page.html"
    path.write_bytes(gzip.compress(b"\0" * (60 * 1024 * 1024), compresslevel=1))
    _one_line_refusal(path, "过大", seconds=30)


def test_cli_refuses_a_zip_bomb_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 1024 * 1024) + b"</w:document>")
    path = tmp_path / "report.docx"
    path.write_bytes(buf.getvalue())
    _one_line_refusal(path, "DOCX", seconds=30)


@pytest.mark.parametrize("name,data,want", [
    ("report.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "Excel"),
    ("report.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "WPS"),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, ".doc"),
    ("padded.txt", b"\0" * 8192, "空文件"),
    ("garbage.pdf", bytes(range(256)) * 64, "不是文本文件"),
    ("cut.docx", b"PK\x03\x04" + b"\x14\x00" * 200, "DOCX"),
    ("report.doc", b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}\\pard \\'d5\\'fe\\par}", "RTF"),
    ("page.html", b"\x1f\x8b\x08\x00" + b"\0" * 64, "gzip"),
    ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Kids [", "下载不完整"),
])
def test_cli_refuses_what_is_no_report_in_one_line(tmp_path, name, data, want):
    path = tmp_path / name
    path.write_bytes(data)
    _one_line_refusal(path, want)


def test_mht_without_a_page_is_refused_with_a_reason():
    data = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
            b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n")
    with pytest.raises(ReportError) as ei:
        parse_bytes(data, "a.mht")
    assert "MHT" in ei.value.reason


# --------------------------------------------------------------------------- real reports

CORPUS_FILES = ("000.txt", "011.html", "013.md", "015.html")


def _corpus_variants(name: str, data: bytes) -> dict[str, tuple[bytes, str]]:
    """The file re-saved as crawlers and editors do (computed at run time from the corpus)."""
    import codecs
    import re

    from synth.metamorphic.transforms import mht
    text = data.decode("utf-8-sig")
    ext = Path(name).suffix
    bare = re.sub(r"(?i)<meta[^>]*charset[^>]*>", "", text) if ext == ".html" else text
    out = {
        "gbk": (bare.encode("gb18030"), "P0" + ext),
        "utf16le_no_bom_no_ext": (bare.encode("utf-16-le"), "download"),
        "utf16be_bom_upper": (codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "P0" + ext.upper()),
        "crlf": (text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"), "P0" + ext),
        "nul_padded": (text.encode("utf-8") + b"\0" * 5000, "P0" + ext),
        "named_pdf": (text.encode("utf-8"), "P0.pdf"),
    }
    if ext == ".html":
        i = bare.rfind("\n", 0, bare.find("<table")) + 1
        out["mht_qp"] = (mht(text.encode("utf-8")), "P0.mht")
        out["mht_gbk_as_doc"] = (mht(bare.encode("gb18030"), "base64", "gb2312"), "P0.doc")
        out["mixed_utf8_gbk"] = (bare[:i].encode("utf-8") + bare[i:].encode("gb18030"), "P0.jsp")
    return out


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_real_report_resaved_parses_the_same(name, tmp_path):
    from paths import CORPUS
    raw = CORPUS / "raw" / name
    if not raw.is_file():
        pytest.skip("corpus not present")
    data = raw.read_bytes()
    want = _essence(parse_file(raw).to_json())
    for kind, (body, fname) in _corpus_variants(name, data).items():
        path = tmp_path / kind / fname
        path.parent.mkdir()
        path.write_bytes(body)
        assert _essence(parse_file(path).to_json()) == want, f"{name} {kind}"


@pytest.mark.parametrize("fmt", ["txt", "flat", "md", "html", "docx", "pdf"])
def test_parse_file_equals_the_runners_parse_bytes(fmt, tmp_path):
    """The runner's in-process parse (bytes and a known name) and the file path agree, whatever
    folder and crawler name the file has."""
    case = runner.make_case("identity", SID, SOURCES[SID], fmt)
    path = tmp_path / "附件 1" / ("P020240115556" + Path(case.name).suffix)
    path.parent.mkdir()
    path.write_bytes(case.data)
    assert _essence(parse_file(path).to_json()) == _essence(parse_bytes(case.data, case.name).to_json())


def test_word_xml_with_a_dtd_is_refused():
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n'
            b'<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">&a;</pkg:package>')
    with pytest.raises(ReportError) as ei:
        read_word_xml(data, "a.doc")
    assert "DTD" in ei.value.reason


def test_cli_parse_turns_a_parser_bug_into_one_line(tmp_path, monkeypatch, capsys):
    import argparse

    from etl import cli, extract
    path = tmp_path / "r.html"
    path.write_bytes(b"<html><body><p>x</p></body></html>")

    def boom(p):
        raise KeyError("t3.total\nline two")
    monkeypatch.setattr(extract, "parse_file", boom)
    monkeypatch.delenv("GKNB_DEBUG", raising=False)
    assert cli.cli_parse(argparse.Namespace(file=path, compact=True)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "KeyError" in err[0] and err[0].startswith(str(path))


def test_cli_parse_is_bounded_in_time(tmp_path, monkeypatch, capsys):
    import argparse

    from etl import cli, extract
    path = tmp_path / "r.html"
    path.write_bytes(b"<html><body><p>x</p></body></html>")

    def slow(p):
        time.sleep(30)
    monkeypatch.setattr(extract, "parse_file", slow)
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "1")
    t0 = time.monotonic()
    assert cli.cli_parse(argparse.Namespace(file=path, compact=True)) == 1
    assert time.monotonic() - t0 < 10
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "超时" in err[0]


def test_a_fragment_ending_with_a_whole_tag_is_not_cut():
    """A CMS fragment whose last table is never closed but that ends with a whole tag (``</tr>``)
    is whole: nothing flagged for a cut."""
    case = runner.make_case("identity", SID, SOURCES[SID], "html")
    s = case.data.decode("utf-8")
    s = s[:s.rindex("</table>")]
    whole = parse_bytes(case.data, case.name)
    rep = parse_bytes(s.encode("utf-8"), case.name)
    assert not any("截断" in w for w in rep.warnings)
    assert _essence(rep.to_json())["cells"] == _essence(whole.to_json())["cells"]
