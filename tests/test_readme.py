"""Every command README.md shows works after README's own set-up (issue 10, defect 5).

A fresh clone gets only what README's ``pip install`` lines install.  For each command, in README
order: it runs from the project's ``.venv`` (no bare ``python``); every third-party module the
command's package imports (lazily or not) comes from a distribution that the install lines above
it provide (pyproject dependencies + the extras named, and their own requirements); and
``--help`` of the module starts.
"""
from __future__ import annotations

import ast
import importlib.metadata as md
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OWN = {"etl", "app", "synth", "pages", "tests", "dashboard"}


def commands() -> list[str]:
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            out += [c.strip() for c in line.split("&&") if c.strip()]
    return out


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0].lower().replace("_", "-")


def closure(extras: set[str]) -> set[str]:
    """Distribution names installed by ``pip install -e '.[extras]'`` (transitively)."""
    reqs = list(PYPROJECT["project"]["dependencies"])
    opt = PYPROJECT["project"].get("optional-dependencies", {})
    todo = list(extras)
    while todo:
        for r in opt.get(todo.pop(), []):
            m = re.match(r"gongkai-nianbao\[(.*)\]", r)
            if m:
                todo += m.group(1).split(",")
            else:
                reqs.append(r)
    seen: set[str] = set()
    stack = [_name(r) for r in reqs]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        try:
            sub = md.requires(n) or []
        except md.PackageNotFoundError:
            continue
        stack += [_name(r) for r in sub if "extra ==" not in r]
    return seen


def imports_of(package: str) -> set[str]:
    """Top-level modules imported anywhere in ``package`` (following its own imports)."""
    found: set[str] = set()
    todo, done = [package], set()
    while todo:
        pkg = todo.pop()
        if pkg in done:
            continue
        done.add(pkg)
        for py in (ROOT / pkg).rglob("*.py") if (ROOT / pkg).is_dir() else [ROOT / f"{pkg}.py"]:
            for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
                for n in names:
                    top = n.split(".")[0]
                    if top in OWN:
                        todo.append(top)
                    else:
                        found.add(top)
    return {m for m in found if m not in sys.stdlib_module_names}


def test_readme_commands_run_after_readme_setup():
    dists = md.packages_distributions()
    extras: set[str] | None = None
    checked = 0
    for cmd in commands():
        argv = shlex.split(cmd)
        if argv[:3] == ["python3", "-m", "venv"]:
            continue
        assert argv[0].startswith(".venv/bin/"), f"README command outside the project's venv: {cmd}"
        if argv[0] == ".venv/bin/pip":
            target = next(a for a in argv[1:] if a.startswith("."))
            m = re.search(r"\[(.*)\]", target)
            extras = (extras or set()) | (set(m.group(1).split(",")) if m else set())
            continue
        assert extras is not None, f"{cmd}: no install line before it"
        installed = closure(extras)
        if argv[0] == ".venv/bin/python" and argv[1] == "-m":
            mod = argv[2]
            if mod in OWN:
                missing = {m for m in imports_of(mod)
                           if not {_name(d) for d in dists.get(m, [m])} & installed}
                assert not missing, f"{cmd}: needs {sorted(missing)}, which README's set-up does not install"
                r = subprocess.run([sys.executable, "-m", mod, "--help"], cwd=ROOT, capture_output=True,
                                   text=True, timeout=120)
                assert r.returncode == 0, r.stderr
            else:
                assert _name(mod) in installed, cmd
            checked += 1
        elif argv[0] == ".venv/bin/streamlit":
            assert "streamlit" in installed and (ROOT / argv[2]).is_file()
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("extras,missing", [(set(), "reportlab")])
def test_the_check_sees_a_missing_extra(extras, missing):
    """The check above can fail: synth's renderer needs an extra the bare install lacks."""
    dists = md.packages_distributions()
    installed = closure(extras)
    assert missing in {m for m in imports_of("synth") if not {_name(d) for d in dists.get(m, [m])} & installed}
