"""The apps depend on each other one way only, and say so where a reader looks: at the top.

Read from the bottom up: the core (``academy``) imports no app of ours; the mail
outbox builds on the core; each feature app on the two of them (assignments also
on the sessions, for the kick-off its pre-assignment belongs to); and
``programme``, the pages that bring the features together, on all of them.
Nothing imports ``programme``. A feature reaches a higher one, when it must,
through a signal that the higher one receives.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FEATURES = {"applications", "workshops", "assignments", "plans"}
MAY_IMPORT = {
    "academy": set(),
    "notifications": {"academy"},
    "applications": {"academy", "notifications"},
    "workshops": {"academy", "notifications"},
    "assignments": {"academy", "notifications", "workshops"},
    "plans": {"academy", "notifications"},
    "programme": {"academy", "notifications", *FEATURES},
}
APPS = set(MAY_IMPORT)


def modules():
    """Every module of the apps but their tests, with its app and its path from the root."""
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or relative.name == "conftest.py":
                continue
            yield app, relative, ast.parse(path.read_text(encoding="utf-8"))


def imported(node: ast.AST) -> list[str]:
    """The absolute module names an import statement names (relative ones stay in the app)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def imports(tree: ast.AST, *, in_functions: bool = False):
    """(line, module) of each import of another of our apps; those inside a function only
    when ``in_functions``."""
    found = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            for name in imported(child):
                if name.split(".")[0] in APPS and (not in_functions or nested):
                    found.append((child.lineno, name))
            visit(child, nested)

    visit(tree, False)
    return found


def test_every_app_of_the_layout_exists():
    assert all((ROOT / app / "__init__.py").exists() for app in APPS)


def test_apps_import_only_the_layers_below_them():
    wrong = [
        f"{path}:{line} imports {name}"
        for app, path, tree in modules()
        for line, name in imports(tree)
        if (target := name.split(".")[0]) != app and target not in MAY_IMPORT[app]
    ]
    assert wrong == []


def test_no_import_of_another_app_hides_inside_a_function():
    """An import inside a function is how a loop between modules is dodged; migrations,
    which Django runs function by function, are the exception."""
    hidden = [
        f"{path}:{line} imports {name}"
        for app, path, tree in modules()
        if "migrations" not in path.parts
        for line, name in imports(tree, in_functions=True)
        if name.split(".")[0] != app
    ]
    assert hidden == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from plans.models import ActionPlan\n", [(1, "plans.models")]),
        ("def f():\n    import workshops.services\n", [(2, "workshops.services")]),
        ("from .models import X\nimport django\n", []),
    ],
)
def test_the_check_sees_imports_of_every_form(source, expected):
    assert imports(ast.parse(source)) == expected
