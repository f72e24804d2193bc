"""No words for a person are written into the page's code: they all come from the catalogue.

A scan of the Streamlit calls in components/, pages/ and app.py for string literals with letters in
what a person reads (a call's text argument, its label, placeholder, help or title)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SCANNED = sorted([*(ROOT / "components").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])

# Streamlit calls whose first argument a person reads (on st, st.sidebar, a container or a placeholder).
TEXT_CALLS = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "text",
    "write",
    "error",
    "warning",
    "info",
    "success",
    "toast",
    "button",
    "download_button",
    "form_submit_button",
    "link_button",
    "page_link",
    "text_input",
    "text_area",
    "chat_input",
    "number_input",
    "selectbox",
    "radio",
    "multiselect",
    "segmented_control",
    "pills",
    "checkbox",
    "toggle",
    "slider",
    "select_slider",
    "file_uploader",
    "date_input",
    "time_input",
    "color_picker",
    "camera_input",
    "expander",
    "popover",
    "spinner",
    "status",
    "tabs",
}
# Keywords that a person reads, in any call (st.Page's title, set_page_config's page_title, ...).
TEXT_KEYWORDS = {"label", "placeholder", "help", "page_title", "title", "text"}
# The log is read by whoever runs the app, in English.
LOGS = {"log", "logger", "logging"}
# The catalogue's readers: what they are given is a key, not words.
CATALOGUE_READERS = {"t", "say"}
# Icons are names, not words.
ICON = re.compile(r":material/[a-z0-9_]+:|:[a-z0-9_+-]+:")
LETTER = re.compile(r"[^\W\d_]")
# Literals allowed in what a person reads: product and format names are the same in every language.
ALLOWED: set[str] = set()


def _literals(node: ast.AST, constants: dict[str, ast.AST]) -> list[str]:
    """The string literals in an expression, following names bound once at module level."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CATALOGUE_READERS:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return _literals(constants[node.id], constants)
    return [text for child in ast.iter_child_nodes(node) for text in _literals(child, constants)]


def english_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each literal with letters in the text of a Streamlit call."""
    tree = ast.parse(source)
    constants = {
        target.id: statement.value
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or getattr(getattr(node.func, "value", None), "id", None) in LOGS:
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", None))
        read = node.args[:1] if name in TEXT_CALLS else []
        read += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        for argument in read:
            for text in _literals(argument, constants):
                if text not in ALLOWED and LETTER.search(ICON.sub("", text)):
                    found.append((node.lineno, text))
    return found


@pytest.mark.parametrize("path", SCANNED, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_words_are_written_into_the_page_s_code(path):
    assert english_literals(path.read_text(encoding="utf-8")) == []


def test_the_scan_covers_the_interface():
    assert {p.parent.name for p in SCANNED} >= {"components", "pages"} and len(SCANNED) > 10


@pytest.mark.parametrize(
    "source",
    [
        'st.button("Retry")',
        'stop.button("Stop generating", key="stop")',
        'st.caption(f":material/stop_circle: You stopped {what}.")',
        'st.expander(f"Sources ({len(sources)})", icon=":material/description:")',
        'st.text_input(t("access.password"), placeholder="The password you were given")',
        'LOCKED = ("Too many " "wrong passwords")\nst.error(LOCKED)',
        'st.caption("Flow: demo" if demo else t("sidebar.flow"))',
        'st.sidebar.selectbox(label="Язык", options=choices)',
        'st.Page("pages/chat.py", title="Chat")',
        'st.set_page_config(page_title="Flowise chat")',
    ],
)
def test_the_scan_finds_words_in_the_code(source):
    assert english_literals(source)


@pytest.mark.parametrize(
    "source",
    [
        'st.button(t("answer.retry"), icon=":material/refresh:", key=f"retry-{turn.id}")',
        'st.markdown(f"**{number}.** {heading}")',
        'st.caption(f":material/error: {say(problem)}")',
        'st.chat_message("user")',
        'st.Page("pages/chat.py", title=t("page.nav"), icon="💬")',
        'log.warning("Flowise did not accept the request to stop an answer")',
        'st.feedback("thumbs", key=key)',
        'slot.caption("  \\n".join(lines))',
        'st.download_button(t("sidebar.download_json"), data=data, file_name=f"{name}.json", mime="application/json")',
    ],
)
def test_the_scan_passes_keys_icons_and_markup(source):
    assert english_literals(source) == []
