"""Identity checks (勾稽校验) of the spec, I1–I8, on parsed reports.

Per report (:func:`run_checks`): I1, I2, I3 per table-三 column/row, I4 per table-四 row,
I5 non-negativity, I7 (Shandong 本年增/减).  Across two years of one agency
(:func:`run_cross_year`): I6 carry-over and I8 stock (warning only).  The warehouse
recomputes I6/I8 in SQL over all current reports (``etl.warehouse``); this module is the
reference implementation and the one used for a single pair.

Every check is a dict::

    {check_id, identity, scope, lhs, rhs, delta, status, detail}

``status`` is ``pass`` | ``fail`` | ``not_assessable`` (an input key absent or null — never
``fail``) | ``warn`` (I8 only, instead of ``fail``).  Tolerance is 0: identities are exact.
``delta`` is ``lhs − rhs``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from etl import vocab
from etl.report import ParsedReport

Cells = Mapping[str, float | int | None]

_T3_COL_ZH = {c.key: c.zh for c in vocab.T3_COLS}
_T3_ROW_ZH = {r.key: r.zh for r in vocab.T3_ROWS}
_T4_ROW_ZH = {r.key: r.zh for r in vocab.T4_ROWS}
_T2_ROW_ZH = {r.key: r.zh for r in vocab.T2_ROWS}
_T4_PARTS = ("upheld", "corrected", "other", "pending")
I8_ROWS = ("regulations", "normative_documents")


def _num(x: Any) -> float | int | None:
    t = type(x)
    if t is int or t is float:
        return x
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _clean(x: float) -> float | int:
    """Round away float noise (money sums) and give ints back as ints."""
    r = round(float(x), 6)
    return int(r) if r == int(r) else r


def _check(check_id: str, scope: str, lhs_terms: Iterable[str], rhs_terms: Iterable[str],
           cells: Cells, detail: str = "", fail_status: str = "fail") -> dict[str, Any]:
    """Compare sum(lhs_terms) with sum(rhs_terms); missing input → not_assessable."""
    lhs_terms, rhs_terms = list(lhs_terms), list(rhs_terms)
    identity = check_id.split(".", 1)[0]
    missing = [k for k in lhs_terms + rhs_terms if _num(cells.get(k)) is None]
    if missing:
        return {"check_id": check_id, "identity": identity, "scope": scope, "lhs": None,
                "rhs": None, "delta": None, "status": "not_assessable",
                "detail": "缺少输入 missing: " + ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "")}
    lhs = _clean(sum(cells[k] for k in lhs_terms))   # type: ignore[misc]
    rhs = _clean(sum(cells[k] for k in rhs_terms))   # type: ignore[misc]
    delta = _clean(lhs - rhs)
    return {"check_id": check_id, "identity": identity, "scope": scope, "lhs": lhs, "rhs": rhs,
            "delta": delta, "status": "pass" if delta == 0 else fail_status, "detail": detail}


def has_single_other_row(cells: Cells) -> bool:
    """Whether table 三 prints （六）其他处理 as one row (inferred from the keys present)."""
    return any(k.startswith("t3.other_total.") for k in cells)


def outcome_rows(other_as_single_row: bool) -> tuple[str, ...]:
    """Outcome rows whose sum is （七）总计: granted … confirmation + the 其他处理 row(s)."""
    return vocab.T3_OUTCOME_2019 if other_as_single_row else vocab.T3_OUTCOME_2021


def _t3_rows(cells: Cells, other_as_single_row: bool) -> list[str]:
    """Rows the report should print (missing ones → not_assessable) plus any extra ones it printed."""
    rows = list(vocab.t3_rows_for("", other_as_single_row))
    extra = sorted({k.split(".")[1] for k in cells if k.startswith("t3.")} - set(rows))
    return rows + extra


def identity_terms(other_as_single_row: bool) -> list[tuple[str, list[str], list[str]]]:
    """(check id, lhs keys, rhs keys) of the exact identities I1–I4 of one report."""
    out: list[tuple[str, list[str], list[str]]] = []
    rows = outcome_rows(other_as_single_row)
    for c in vocab.T3_COL_KEYS:
        out.append((f"I1.t3.{c}", [f"t3.new_received.{c}", f"t3.carried_over_from_prior.{c}"],
                    [f"t3.result_total.{c}", f"t3.carried_to_next.{c}"]))
        out.append((f"I2.t3.{c}", [f"t3.result_total.{c}"], [f"t3.{r}.{c}" for r in rows]))
    for r in vocab.t3_rows_for("", other_as_single_row):
        out.append((f"I3.t3.{r}", [f"t3.{r}.total"], [f"t3.{r}.{c}" for c in vocab.T3_APPLICANT_COLS]))
    for r in vocab.T4_ROW_KEYS:
        out.append((f"I4.t4.{r}", [f"t4.{r}.total"], [f"t4.{r}.{p}" for p in _T4_PARTS]))
    return out


def failing_identities(cells: Cells, other_as_single_row: bool) -> list[tuple[str, list[str]]]:
    """(check id, every key it sums) of each I1–I4 identity that fails on these cells."""
    out = []
    for cid, lhs, rhs in identity_terms(other_as_single_row):
        vals = [_num(cells.get(k)) for k in lhs + rhs]
        if any(v is None for v in vals):
            continue
        if _clean(sum(vals[:len(lhs)]) - sum(vals[len(lhs):])) != 0:  # type: ignore[arg-type]
            out.append((cid, lhs + rhs))
    return out


def check_cells(cells: Cells, template: str, other_as_single_row: bool) -> list[dict[str, Any]]:
    """All single-report identities on a cells mapping (see :func:`run_checks`)."""
    out: list[dict[str, Any]] = []
    # I1 — per column: 新收 + 上年结转 = 总计 + 结转下年度
    for c in vocab.T3_COL_KEYS:
        out.append(_check(
            f"I1.t3.{c}", f"表三 {_T3_COL_ZH[c]}列：新收+上年结转 = 办理结果总计+结转下年度",
            [f"t3.new_received.{c}", f"t3.carried_over_from_prior.{c}"],
            [f"t3.result_total.{c}", f"t3.carried_to_next.{c}"], cells))
    # I2 — per column: （七）总计 = Σ outcome rows
    rows = outcome_rows(other_as_single_row)
    how = "（六）其他处理按一行" if other_as_single_row else "（六）其他处理按三个子项"
    for c in vocab.T3_COL_KEYS:
        out.append(_check(
            f"I2.t3.{c}", f"表三 {_T3_COL_ZH[c]}列：办理结果总计 = 予以公开…其他处理各项之和",
            [f"t3.result_total.{c}"], [f"t3.{r}.{c}" for r in rows], cells, detail=how))
    # I3 — per table-三 row: 总计 = six applicant columns
    for r in _t3_rows(cells, other_as_single_row):
        out.append(_check(
            f"I3.t3.{r}", f"表三 {_T3_ROW_ZH.get(r, r)}行：总计 = 六类申请人之和",
            [f"t3.{r}.total"], [f"t3.{r}.{c}" for c in vocab.T3_APPLICANT_COLS], cells))
    # I4 — per table-四 row: 总计 = 维持+纠正+其他+尚未审结
    for r in vocab.T4_ROW_KEYS:
        out.append(_check(
            f"I4.t4.{r}", f"表四 {_T4_ROW_ZH[r]}：总计 = 维持+纠正+其他结果+尚未审结",
            [f"t4.{r}.total"], [f"t4.{r}.{p}" for p in _T4_PARTS], cells))
    # I5 — non-negativity, per table; one fail row per negative cell
    by_table: dict[str, dict[str, float | int]] = {"t2": {}, "t3": {}, "t4": {}}
    for k, v in cells.items():
        n = _num(v)
        if n is not None and k[:2] in by_table and k.rsplit(".", 1)[-1] not in vocab.SIGNED_COLS:
            by_table[k[:2]][k] = n
    for t in ("t2", "t3", "t4"):
        known = by_table[t]
        scope = f"{vocab.TABLE_ZH[t].split('、', 1)[1]}：数值不为负（本年增/减除外）"
        negative = {k: v for k, v in known.items() if v < 0}
        if negative:
            for k, v in sorted(negative.items()):
                out.append({"check_id": f"I5.{k}", "identity": "I5", "scope": f"{vocab.label_zh(k)}：不为负",
                            "lhs": _clean(v), "rhs": 0, "delta": _clean(v), "status": "fail",
                            "detail": f"{k} = {_clean(v)}"})
        elif known:
            out.append({"check_id": f"I5.{t}", "identity": "I5", "scope": scope,
                        "lhs": 0, "rhs": 0, "delta": 0, "status": "pass",   # lhs = number of negative cells
                        "detail": f"{len(known)} 个数值单元格，最小值 {_clean(min(known.values()))}"})
        else:
            out.append({"check_id": f"I5.{t}", "identity": "I5", "scope": scope, "lhs": None,
                        "rhs": None, "delta": None, "status": "not_assessable", "detail": "无数值"})
    # I7 — Shandong rows: 本年增/减 = 本年项目数量 − 上一年项目数量 (only where 本年项目数量 is printed)
    t2_rows = sorted({k.split(".")[1] for k in cells if k.startswith("t2.") and k.endswith(".current_item_count")})
    for r in t2_rows:
        c = _check(f"I7.t2.{r}", f"表二 {_T2_ROW_ZH.get(r, r)}：本年增/减 = 本年项目数量 − 上一年项目数量",
                   [f"t2.{r}.item_count_change", f"t2.{r}.prior_year_item_count"],
                   [f"t2.{r}.current_item_count"], cells)
        # restate as change vs (current − prior) so lhs/rhs read as the printed identity
        if c["status"] != "not_assessable":
            c["lhs"] = _clean(cells[f"t2.{r}.item_count_change"])       # type: ignore[arg-type]
            c["rhs"] = _clean(cells[f"t2.{r}.current_item_count"] - cells[f"t2.{r}.prior_year_item_count"])  # type: ignore[operator]
            c["delta"] = _clean(c["lhs"] - c["rhs"])
        out.append(c)
    return out


def run_checks(report: ParsedReport) -> list[dict[str, Any]]:
    """Every single-report identity of the spec (I1–I5, I7) on one parsed report."""
    single = report.other_as_single_row or (
        has_single_other_row(report.cells)
        and not any(k.startswith(f"t3.{r}.") for r in vocab.T3_OTHER_SUBROWS for k in report.cells))
    return check_cells(report.cells, report.template, single)


def run_cross_year(prev: Cells, cur: Cells, *, prev_year: int, cur_year: int,
                   prev_template: str, cur_template: str) -> list[dict[str, Any]]:
    """I6 (carry-over, per table-三 column) and I8 (stock, warning only) between Y−1 and Y.

    Returns [] unless ``cur_year == prev_year + 1``.  I8 only when both years use the 2021
    template (so never across 2020 → 2021); its failures have status ``warn``.
    """
    if cur_year != prev_year + 1:
        return []
    out: list[dict[str, Any]] = []
    merged = {**{f"prev.{k}": v for k, v in prev.items()}, **{f"cur.{k}": v for k, v in cur.items()}}
    for c in vocab.T3_COL_KEYS:
        out.append(_check(f"I6.{c}", f"表三 {_T3_COL_ZH[c]}列：{cur_year}年上年结转 = {prev_year}年结转下年度",
                          [f"cur.t3.carried_over_from_prior.{c}"], [f"prev.t3.carried_to_next.{c}"], merged))
    if prev_template == "2021" and cur_template == "2021":
        for r in I8_ROWS:
            out.append(_i8(r, prev, cur, prev_year, cur_year))
    for c in out:
        c["detail"] = c["detail"].replace("prev.", f"{prev_year}:").replace("cur.", f"{cur_year}:")
    return out


def _i8(r: str, prev: Cells, cur: Cells, prev_year: int, cur_year: int) -> dict[str, Any]:
    keys = {"now": cur.get(f"t2.{r}.in_force_count"), "before": prev.get(f"t2.{r}.in_force_count"),
            "issued": cur.get(f"t2.{r}.issued_count"), "repealed": cur.get(f"t2.{r}.repealed_count")}
    scope = f"表二 {_T2_ROW_ZH[r]}：{cur_year}年现行有效 ≈ {prev_year}年现行有效+本年制发−本年废止"
    missing = [k for k, v in keys.items() if _num(v) is None]
    if missing:
        return {"check_id": f"I8.{r}", "identity": "I8", "scope": scope, "lhs": None, "rhs": None,
                "delta": None, "status": "not_assessable", "detail": "缺少输入 missing: " + ", ".join(missing)}
    lhs = _clean(keys["now"])                                                    # type: ignore[arg-type]
    rhs = _clean(keys["before"] + keys["issued"] - keys["repealed"])              # type: ignore[operator]
    delta = _clean(lhs - rhs)
    return {"check_id": f"I8.{r}", "identity": "I8", "scope": scope, "lhs": lhs, "rhs": rhs,
            "delta": delta, "status": "pass" if delta == 0 else "warn",
            "detail": "仅提示（修订、清理等会打破此关系）"}
