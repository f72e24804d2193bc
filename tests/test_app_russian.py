"""The chat page in Russian: the language picked, and every part of the page worded in it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from testbed.wire.answers import HUGE_TEXT
from testbed.wire.flows import API_KEY, Scenario
from testbed.wire.recordings import RECORDED_SECOND_TURN
from tests.app_cases import PASSWORD, TWO_FLOWS
from tests.page import APP, ask, enter_password, flow_selector, health_line, sent_to_browser


def russian_app(wire, monkeypatch, flow_id: str, **env: str) -> AppTest:
    """The app for a browser whose locale is Russian."""
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", flow_id)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    return at.run()


def test_russian_picked_in_the_sidebar_words_the_interface_and_leaves_the_flow_s_words_as_sent(app, wire):
    english = ask(app(Scenario.RAG), "What is the capital of France?")
    at = app(Scenario.RAG)
    (picker,) = at.sidebar.selectbox
    assert picker.label == "Language" and picker.options == ["Auto (browser)", "English", "Русский"]
    at = picker.select("ru").run()
    assert at.title[0].value == "Чат Flowise"
    assert at.sidebar.selectbox[0].label == "Язык"
    assert at.sidebar.selectbox[0].options == ["Авто (как в браузере)", "English", "Русский"]
    assert at.sidebar.button[0].label == "Новый чат"
    assert at.chat_input[0].placeholder == "Задайте вопрос сценарию"
    at = ask(at, "What is the capital of France?")
    assert not at.exception
    assert wire.predictions(Scenario.RAG)[-1].body["question"] == "What is the capital of France?"
    # The flow's answer and its document are shown exactly as in English: they are never translated.
    answer = RECORDED_SECOND_TURN
    assert at.chat_message[1].markdown[0].value == english.chat_message[1].markdown[0].value == answer
    (sources,) = at.expander
    assert sources.label == "Источники (1)"
    assert sources.text[0].value == english.expander[0].text[0].value
    assert "Flowise доступен" in health_line(at) and "Ответы появляются по мере написания" in health_line(at)
    assert [c.value for c in at.sidebar.caption][-1].startswith("Разговор: ")
    assert [b.proto.label for b in at.get("download_button")] == ["Скачать в Markdown", "Скачать в JSON"]
    # And back: the same conversation, in English.
    at = at.sidebar.selectbox[0].select("en").run()
    assert at.sidebar.button[0].label == "New chat" and [e.label for e in at.expander] == ["Sources (1)"]
    assert at.chat_message[1].markdown[0].value == answer


@pytest.mark.parametrize(
    ("locale", "title", "placeholder"),
    [
        ("ru-RU", "Чат Flowise", "Задайте вопрос сценарию"),
        ("ru", "Чат Flowise", "Задайте вопрос сценарию"),
        ("en-GB", "Flowise chat", "Ask the flow a question"),
        ("de-DE", "Flowise chat", "Ask the flow a question"),
        (None, "Flowise chat", "Ask the flow a question"),
    ],
)
def test_the_browser_s_locale_picks_the_language(wire, monkeypatch, locale, title, placeholder):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.RAG)
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at = at.run()
    assert (at.title[0].value, at.chat_input[0].placeholder) == (title, placeholder)


def test_a_language_picked_in_the_sidebar_wins_over_the_browser_s_until_auto_again(wire, monkeypatch):
    at = russian_app(wire, monkeypatch, Scenario.RAG)
    assert at.sidebar.selectbox[0].value == "auto" and at.title[0].value == "Чат Flowise"
    at = at.sidebar.selectbox[0].select("en").run()
    assert at.title[0].value == "Flowise chat"
    at = ask(at, "Still English?")
    assert at.title[0].value == "Flowise chat" and at.sidebar.selectbox[0].value == "en"
    at = at.sidebar.selectbox[0].select("auto").run()
    assert at.title[0].value == "Чат Flowise"


@pytest.mark.parametrize(
    ("flow_id", "expected"),
    [
        ("no-such-flow", "Flowise не знает такого сценария"),
        (Scenario.SERVER_ERROR, "Flowise ответил ошибкой (HTTP 500): SerpAPI API key not set"),
        (Scenario.PROTECTED, "Этому сценарию нужен API-ключ"),
        (Scenario.HTML, "вместо ответа Flowise"),
        (Scenario.DROP, "Соединение с Flowise оборвалось до конца ответа"),
        (Scenario.ERROR_MIDSTREAM, "Сценарий завершился с ошибкой во время ответа: Model quota exceeded"),
    ],
)
def test_errors_read_in_russian_with_the_server_s_own_words_kept(wire, monkeypatch, flow_id, expected):
    at = ask(russian_app(wire, monkeypatch, flow_id), "Привет?")
    assert not at.exception
    (error,) = at.error
    assert expected in error.value
    assert at.button[0].label == "Повторить"


def test_a_wrong_key_is_reported_in_russian_and_never_shown(wire, monkeypatch):
    at = ask(russian_app(wire, monkeypatch, Scenario.PROTECTED, FLOWISE_API_KEY="sk-wrong-secret-1234"), "Привет?")
    assert "Flowise отклонил API-ключ" in at.error[0].value
    assert "sk-wrong-secret-1234" not in sent_to_browser(at)


def test_limits_password_and_settings_speak_russian(wire, monkeypatch):
    at = russian_app(wire, monkeypatch, Scenario.ECHO, APP_PASSWORD=PASSWORD, MAX_QUESTION_CHARS="10")
    # The password page has the language picker too.
    assert at.sidebar.selectbox[0].label == "Язык"
    assert at.text_input[0].label == "Пароль" and at.button[0].label == "Войти"
    at = enter_password(at, "nope")
    assert at.error[0].value == "Неверный пароль. Осталось попыток: 4."
    at = enter_password(at, PASSWORD)
    at = ask(at, "Слишком длинный вопрос")
    assert at.warning[0].value.startswith("Ваш вопрос слишком длинный (символов: 22)")
    assert at.caption[0].value == "Ваш вопрос возвращён в поле ниже, а здесь его можно скопировать:"
    monkeypatch.setenv("FLOWISE_URL", "localhost:3000")
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    at = at.run()
    assert at.error[0].value.startswith("FLOWISE_URL должен быть адресом вашего сервера Flowise")
    assert "Исправьте настройку" in at.error[0].value


def test_what_comes_with_an_answer_speaks_russian(wire, monkeypatch):
    at = ask(russian_app(wire, monkeypatch, Scenario.AGENTFLOW), "What is the capital of France?")
    (answer,) = (m for m in at.chat_message if m.name == "assistant")
    assert answer.caption[-1].value.endswith(" · токенов: 10 на входе, 10 на выходе")
    at = ask(russian_app(wire, monkeypatch, Scenario.AGENT), "What is 2140526 / 105.4 ?")
    (tools,) = at.expander
    assert tools.label == "Использованные инструменты (1)"
    assert [c.value for c in tools.caption] == ["Входные данные", "Результат"]
    at = ask(russian_app(wire, monkeypatch, Scenario.HUGE), "Everything?")
    count = f"{len(HUGE_TEXT):,}".replace(",", "\u00a0")
    assert at.toggle[0].label == f"Показать весь текст (символов: {count})"


def test_a_key_quoted_by_the_server_is_never_shown_in_either_language(wire, monkeypatch):
    at = ask(russian_app(wire, monkeypatch, Scenario.QUOTES_KEY, FLOWISE_API_KEY=API_KEY), "Привет?")
    assert "Flowise ответил ошибкой (HTTP 500): Invalid key [API key] for this tool" in at.error[0].value
    assert API_KEY not in sent_to_browser(at)
    at = at.sidebar.selectbox[0].select("en").run()
    assert "Flowise answered with an error (HTTP 500): Invalid key [API key] for this tool" in at.error[0].value
    assert API_KEY not in sent_to_browser(at)


def test_the_flow_choice_speaks_russian_and_the_flow_names_stay_as_written(wire):
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    at.secrets["FLOWISE_URL"] = wire.url
    at.secrets["flows"] = TWO_FLOWS
    at = at.run()
    selector = flow_selector(at)
    assert selector.label == "Сценарий"
    assert selector.options == ["Greeter \\*one\\*", "Facts"]
