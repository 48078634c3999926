"""Production code never imports the demo package: the demo data set can be left out of a
deployment without breaking anything. Only the demo itself, the benchmarks and tests use it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAY_IMPORT_DEMO = {"demo", "bench", "tests", ".venv", ".tools", "var", "node_modules"}


def _production_modules():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in MAY_IMPORT_DEMO or parts[0].startswith("."):
            continue
        if "tests" in parts or path.name == "conftest.py":
            continue
        yield path


def _imports_demo(tree) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "demo" or name.startswith("demo.") for name in names):
            lines.append(node.lineno)
    return lines


def test_no_production_module_imports_the_demo_package():
    offenders = {}
    for path in _production_modules():
        lines = _imports_demo(ast.parse(path.read_text(), filename=str(path)))
        if lines:
            offenders[str(path.relative_to(ROOT))] = lines
    assert offenders == {}


def test_the_check_sees_an_import_of_the_demo_package():
    # The scan above would pass on any tree if it looked at nothing: make sure it can fail.
    assert _imports_demo(ast.parse("from demo.people import chinese_name")) == [1]
    assert _imports_demo(ast.parse("import demo.grids as g")) == [1]
    assert _imports_demo(ast.parse("from grids import demo_tools")) == []
    assert len(list(_production_modules())) > 100
