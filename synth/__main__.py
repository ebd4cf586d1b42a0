"""Command line: ``python -m synth --reports N --out DIR`` writes a fictional corpus with its truth."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m synth",
        description="生成示例年报（虚构机构，标注为示例数据）及其真值，用于测试与基准。")
    p.add_argument("--reports", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, default=Path("data/synth"))
    p.add_argument("--formats", default="txt,html,docx,md,pdf,json",
                   help="comma-separated formats to render (default: %(default)s)")
    p.add_argument("--defect-rate", type=float, default=0.0,
                   help="share of reports with an injected defect (broken identity or damaged text)")
    p.add_argument("--text", action="store_true",
                   help="varied report text with deliberate copies (truth in meta.copies) for 年报评估")
    args = p.parse_args(argv)
    from synth.generate import cli_synth
    return cli_synth(args)


if __name__ == "__main__":
    sys.exit(main())
