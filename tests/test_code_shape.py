"""The layers stay apart and the code stays small enough to read: checked on the source itself, so a
shortcut taken in a hurry fails here instead of in review."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ("app.py", "pages", "chat", "components", "flowise_client", "flowise_wire", "demo_flow")
# Our own top-level packages: the client may import none of them.
APP_PACKAGES = {"app", "pages", "chat", "components", "demo_flow", "tests", "testbed", "scripts", "benchmarks"}
# What sends a request to Flowise: the client, and the modules that build and send its requests.
CALLING_FLOWISE = {"FlowiseClient", "client", "transport", "prediction"}
MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 450
# The words of the interface in both languages: long because it is a table, not because it does much.
LONG_BY_NATURE = {"chat/i18n.py"}


def app_files() -> list[Path]:
    files: list[Path] = []
    for name in APP_CODE:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported_packages(source: str) -> Iterator[tuple[int, str]]:
    """The top-level package of every absolute import, with its line; relative imports stay inside
    their own package and are not yielded."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def imported_names(source: str, package: str) -> Iterator[tuple[int, str]]:
    """Each name imported from ``package`` or its modules, and each of its modules imported."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == package:
                yield from ((node.lineno, alias.name) for alias in node.names)
            elif node.module.startswith(f"{package}."):
                yield node.lineno, node.module.removeprefix(f"{package}.")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(f"{package}."):
                    yield node.lineno, alias.name.removeprefix(f"{package}.")


def session_state_uses(source: str) -> Iterator[int]:
    """Lines that name ``session_state`` as an attribute (``st.session_state``) or import it."""
    for node in ast.walk(ast.parse(source)):
        named = isinstance(node, ast.Attribute) and node.attr == "session_state"
        imported = isinstance(node, ast.ImportFrom) and any(alias.name == "session_state" for alias in node.names)
        if named or imported:
            yield node.lineno


def long_functions(source: str) -> Iterator[tuple[int, str, int]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield node.lineno, node.name, length


def forbidden_imports(files: list[Path], forbidden: set[str]) -> list[str]:
    return [
        f"{relative(path)}:{line} imports {package}"
        for path in files
        for line, package in imported_packages(path.read_text(encoding="utf-8"))
        if package in forbidden
    ]


def in_package(package: str) -> list[Path]:
    return [path for path in app_files() if relative(path).startswith(f"{package}/")]


def test_the_client_imports_no_streamlit_and_no_app_code():
    assert forbidden_imports(in_package("flowise_client"), {"streamlit"} | APP_PACKAGES) == []


def test_the_wire_format_imports_no_streamlit_and_no_app_code():
    # The demo flow, the tests' server and the benchmarks all write Flowise's bytes with it.
    assert forbidden_imports(in_package("flowise_wire"), {"streamlit", "flowise_client"} | APP_PACKAGES) == []


def test_chat_imports_no_drawing_code():
    assert forbidden_imports(in_package("chat"), {"components", "pages", "app"}) == []


def test_components_import_no_page():
    assert forbidden_imports(in_package("components"), {"pages", "app"}) == []


def test_no_component_can_call_flowise():
    """Components draw what chat/ gives them: they may name the client's event types, not the client."""
    reaching = [
        f"{relative(path)}:{line} imports {name}"
        for path in in_package("components")
        for line, name in imported_names(path.read_text(encoding="utf-8"), "flowise_client")
        if name in CALLING_FLOWISE
    ]
    assert reaching == []


def test_only_chat_touches_session_state():
    outside = [path for path in app_files() if not relative(path).startswith("chat/")]
    uses = [
        f"{relative(path)}:{line}" for path in outside for line in session_state_uses(path.read_text(encoding="utf-8"))
    ]
    assert uses == []


def test_no_app_function_is_too_long_to_read():
    too_long = [
        f"{relative(path)}:{line} {name} has {length} lines"
        for path in app_files()
        for line, name, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert too_long == []


def test_no_app_module_is_too_long_to_read():
    too_long = [
        f"{relative(path)} has {lines} lines"
        for path in app_files()
        if relative(path) not in LONG_BY_NATURE
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import streamlit as st\n", [(1, "streamlit")]),
        ("def f():\n    from chat.turn import Turn\n", [(2, "chat")]),
        ("from . import sse\nfrom .events import Event\n", []),
        ("import os.path\n", [(1, "os")]),
    ],
)
def test_imports_are_found_where_they_hide(source, found):
    assert list(imported_packages(source)) == found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from flowise_client import FlowiseClient, HumanReply\n", [(1, "FlowiseClient"), (1, "HumanReply")]),
        ("from flowise_client.transport import send\n", [(1, "transport")]),
        ("import flowise_client.client\n", [(1, "client")]),
        ("from flowise_client_extra import FlowiseClient\n", []),
    ],
)
def test_names_from_the_client_are_found(source, found):
    assert list(imported_names(source, "flowise_client")) == found


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("import streamlit as st\nst.session_state['x'] = 1\n", [2]),
        ("from streamlit import session_state\n", [1]),
        ("def f(st):\n    return st.session_state.get('x')\n", [2]),
        ("state = {'session_state': 1}\n", []),
    ],
)
def test_session_state_is_found_however_it_is_reached(source, lines):
    assert list(session_state_uses(source)) == lines


def test_a_long_function_is_found():
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))
    assert list(long_functions(f"def short():\n    pass\n\nasync def long():\n{body}")) == [
        (4, "long", MAX_FUNCTION_LINES + 1)
    ]
