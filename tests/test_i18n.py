"""The catalogue: every entry in every language, with the same placeholders; every key the code
asks for is in it; numbers written each language's way; the client's errors in the catalogue's words."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path
from string import Formatter

import pytest

from chat.flowise_errors import error_message
from chat.i18n import CATALOGUE, LANGUAGES, Message, format_number, language_for_locale, translate
from flowise_client import FlowiseError, FlowiseServerError
from flowise_client.errors import MESSAGES, REASONS

ROOT = Path(__file__).parent.parent
SOURCES = [path for folder in ("chat", "components", "pages") for path in (ROOT / folder).glob("*.py")]
SOURCES.append(ROOT / "app.py")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_is_in_every_language_with_the_same_placeholders(key):
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES), key
    assert all(text.strip() for text in entry.values()), key
    assert len({frozenset(placeholders(text)) for text in entry.values()}) == 1, key
    # translate() writes numbers the language's way, so a template has nothing to format itself.
    assert all(
        not spec and not conversion
        for text in entry.values()
        for _, name, spec, conversion in Formatter().parse(text)
        if name
    ), key


def keys_asked_for() -> set[str]:
    """Every literal key passed to t(), translate() or Message() in the app's code."""
    keys = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                args = {"t": node.args[:1], "Message": node.args[:1], "translate": node.args[1:2]}
                for arg in args.get(name, []):
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        keys.add(arg.value)
    return keys


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    asked = keys_asked_for()
    assert len(asked) > 50  # the scan finds them
    assert not asked - set(CATALOGUE)


def test_every_entry_is_used():
    constants = {
        node.value
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    client_words = {"flowise.unknown"} | {f"flowise.{code}" for code in MESSAGES}
    client_words |= {f"flowise.reason.{reason}" for reason in REASONS}
    assert not set(CATALOGUE) - constants - client_words


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ru-RU", "ru"), ("ru", "ru"), ("RU_ru", "ru"), ("en-US", "en"), ("de-DE", "en"), (None, "en"), ("", "en")],
)
def test_the_browser_locale_picks_the_language(locale, language):
    assert language_for_locale(locale) == language


def test_translate_uses_the_language():
    assert translate("ru", "language") == "Язык"
    assert translate("en", "language") == "Language"


def test_numbers_are_written_each_language_s_way():
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "ru") == "1\u00a0234\u00a0567"
    assert format_number(0.001, "ru") == "0,001" and format_number(120.0, "ru") == "120"
    assert translate("ru", "answer.tokens", total=1234) == "токенов: 1\u00a0234"
    assert translate("en", "answer.tokens_in_out", input=12345, output=6) == "12,345 tokens in, 6 out"
    assert translate("ru", "long_text.show_all", count=12000) == "Показать весь текст (символов: 12\u00a0000)"


def test_a_message_reads_in_the_language_it_is_shown_in_with_messages_inside_it():
    notice = Message("page.not_restored", {"why": Message("page.history_not_readable")})
    assert notice.text("en").startswith("The conversation in the link could not be restored (the API key may not")
    assert notice.text("ru").startswith("Разговор из ссылки не удалось восстановить (этому API-ключу не разрешено")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_client_error_code_has_words_made_of_the_error_s_values(code):
    key = f"flowise.{code}"
    assert key in CATALOGUE
    # The catalogue may use only what the client's own message is made of: the error's values.
    assert placeholders(CATALOGUE[key]["en"]) <= placeholders(MESSAGES[code])


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_connection_failure_reason_has_words(reason):
    assert f"flowise.reason.{reason}" in CATALOGUE


def test_a_client_error_reads_in_russian_from_its_code_and_values():
    error = FlowiseServerError.of("server_failed", status=502, message="Bad gateway [API key]")
    assert str(error) == "Flowise answered with an error (HTTP 502): Bad gateway [API key] Try again in a moment."
    message = error_message(error)
    assert message.text("ru") == (
        "Flowise ответил ошибкой (HTTP 502): Bad gateway [API key] Попробуйте ещё раз чуть позже."
    )
    assert message.text("en") == str(error)


def test_an_error_the_catalogue_does_not_know_is_told_in_the_client_s_words():
    for error in (FlowiseError("Something new went wrong."), FlowiseError("Newer.", code="from_a_newer_client")):
        assert error_message(error).text("ru") == str(error)


def test_a_code_a_newer_client_brings_is_told_in_the_client_s_words():
    # The catalogue may not have words yet for a code (or a connection failure's reason) the client
    # adds: the app must still start, and tell such an error as the client words it, without the
    # server's address. In a fresh interpreter, since the catalogue is imported with the client's
    # codes as they are then.
    script = textwrap.dedent(
        """
        from flowise_client import FlowiseUnreachableError
        from flowise_client.errors import MESSAGES, REASONS

        MESSAGES["from_a_newer_client"] = "Something new went wrong at {url} after {seconds:g} s."
        REASONS["a_newer_reason"] = "a newer reason"

        from chat.flowise_errors import error_message

        for error in (
            FlowiseUnreachableError.of("from_a_newer_client", url="http://flowise:3000", seconds=1.5),
            FlowiseUnreachableError.of("unreachable", url="http://flowise:3000", reason="a_newer_reason"),
        ):
            print(error_message(error).text("ru"))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    new_code, new_reason = done.stdout.splitlines()
    assert new_code == "Something new went wrong at the configured address after 1.5 s."
    assert new_reason == translate("ru", "flowise.unreachable", url="из настроек", reason="a newer reason")
    assert "flowise:3000" not in new_reason


def test_the_client_s_english_is_read_when_a_message_is_shown(monkeypatch):
    monkeypatch.setitem(MESSAGES, "server_failed_bare", "Flowise failed (HTTP {status:d}).")
    assert translate("en", "flowise.server_failed_bare", status=502) == "Flowise failed (HTTP 502)."
    assert translate("ru", "flowise.server_failed_bare", status=502).startswith("Flowise ответил ошибкой (HTTP 502)")
