"""The house rules a newcomer relies on, as tests: the contract in docs/ equals the shared spec,
every module says its role, README lists every module and every command it shows works, the
rooms import each other one way only (no circles; ``etl`` knows nothing of the dashboard or
the synthetic corpus).
"""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from paths import ROOT, SHARED

README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = ("etl", "app", "synth")


def _modules() -> list[Path]:
    out = [ROOT / "dashboard.py"]
    for pkg in PACKAGES + ("pages",):
        out += sorted((ROOT / pkg).rglob("*.py"))
    return [p for p in out if "__pycache__" not in p.parts]


def _name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# ----------------------------------------------------------------------------- docs
def test_contract_copy_equals_shared_spec():
    shared = SHARED / "spec" / "report-schema.md"
    if not shared.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{shared} is missing under CI")
        pytest.skip("../shared/spec is absent (the copy in docs/ is then the contract)")
    assert (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8") == shared.read_text(encoding="utf-8"), \
        "docs/report-schema.md differs from shared/spec/report-schema.md: copy the shared one over"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_opens_with_its_role(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.strip()) >= 20, f"{path.relative_to(ROOT)} has no docstring saying its role"


def test_readme_layout_lists_every_module():
    missing = []
    for path in _modules():
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "pages" or (rel.name == "__init__.py" and rel.parent.name != "readers"):
            continue  # pages/ is one row; a package's __init__ is its folder's row
        rows = [ln for ln in README.splitlines() if ln.startswith("|") and f"`{rel.parent}/" in ln]
        listed = f"`{rel}`" in README or any(re.search(rf"[`/ ]{re.escape(rel.name)}[`,: ]", r) for r in rows)
        if not listed:
            missing.append(str(rel))
    assert not missing, f"README's layout table does not list: {missing}"


# ----------------------------------------------------------------------------- imports
def _imports(path: Path) -> set[str]:
    """Project modules imported by ``path`` (absolute imports of etl/app/synth/pages)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {n for n in names if n.split(".")[0] in PACKAGES}
    return out


def _graph() -> dict[str, set[str]]:
    mods = {_name(p): p for p in _modules()}
    return {m: {i for i in _imports(p) if i in mods and i != m} for m, p in mods.items()}


def test_etl_imports_nothing_of_the_dashboard_or_synth():
    bad = {m: sorted(i for i in deps if i.split(".")[0] in ("app", "synth"))
           for m, deps in _graph().items() if m.split(".")[0] == "etl"}
    assert not {m: d for m, d in bad.items() if d}


def test_no_import_circles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d] if d in stack else [m, d])
            elif d not in state:
                visit(d, stack + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, f"import circles: {cycles}"


def test_production_dependencies_are_imported_by_production_code():
    """Every production dependency in pyproject.toml is imported by etl/, app/, pages/ or dashboard.py."""
    import tomllib
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    module_of = {"python-docx": "docx", "charset-normalizer": "charset_normalizer", "pypdfium2": "pypdfium2",
                 "opencc-python-reimplemented": "opencc"}
    indirect = {"pyarrow"}  # pandas/duckdb Arrow output (DataFrame.to_parquet, fetch_arrow_table)
    text = "\n".join(p.read_text(encoding="utf-8") for p in _modules() if p.parts[len(ROOT.parts)] != "synth")
    unused = []
    for d in deps:
        name = re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0]
        mod = module_of.get(name, name.replace("-", "_"))
        if name in indirect:
            continue
        if not re.search(rf"^\s*(import|from)\s+{re.escape(mod)}\b", text, re.M) and f'"{mod}"' not in text:
            unused.append(name)
    assert not unused, f"production dependencies no production code imports: {unused}"


# ----------------------------------------------------------------------------- README commands
SETUP = ("python3 -m venv .venv", ".venv/bin/pip install")
NEEDS_WEBSITE = "<!-- needs a website:"


def readme_commands() -> list[str]:
    """Every command line of README's bash blocks, set-up parts removed (the test run did them)."""
    out = []
    for marker, block in re.findall(r"(<!--[^\n]*-->\n)?```bash\n(.*?)```", README, re.S):
        if marker.startswith(NEEDS_WEBSITE):
            continue            # a crawl: tests/test_crawl.py runs it against its local test site
        for line in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" && ") if not p.strip().startswith(SETUP)]
            parts = [p for p in parts if " -m pytest" not in p]   # the test command itself
            out += parts
    return out


def _copy_repo(dst: Path) -> Path:
    """A clean copy of the tracked tree (what a fresh clone has)."""
    try:
        files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in files.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
                 and not {".git", ".venv", "__pycache__"} & set(p.parts) and "warehouse.duckdb" not in p.name]
    for n in names:
        if (ROOT / n).is_file():
            (dst / n).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / n, dst / n)
    return dst


def _run_streamlit(cmd: list[str], cwd: Path, env: dict) -> None:
    from app.server import free_port
    port = free_port()
    proc = subprocess.Popen(cmd + [f"--server.port={port}", "--server.address=127.0.0.1", "--server.headless=true"],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        end = time.time() + 60
        while time.time() < end:
            assert proc.poll() is None, proc.stdout.read().decode("utf-8", "replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"{' '.join(cmd)} did not become healthy in 60 s")
    finally:
        proc.terminate()
        proc.wait(10)


def test_readme_opens_with_two_commands():
    head = README.split("\n---", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", head, re.S)
    assert len(blocks) == 2 and all(len(b.strip().splitlines()) == 1 for b in blocks)
    assert "streamlit run dashboard.py" in blocks[0] and "pytest" in blocks[1]


def test_every_readme_command_works_in_a_fresh_copy(tmp_path):
    cmds = readme_commands()
    assert len(cmds) >= 6, cmds
    repo = _copy_repo(tmp_path / "repo")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(repo)}
    for line in cmds:
        argv = line.split()
        if argv[0].startswith(".venv/bin/"):
            argv[0] = str(bin_dir / argv[0].removeprefix(".venv/bin/"))
        if "streamlit" in Path(argv[0]).name and argv[1:2] == ["run"]:
            _run_streamlit(argv, repo, env)
            continue
        r = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"README command failed: {line}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
