"""Settings that fail closed and keep their secrets: a setting written inside a TOML table stops the
page, URL credentials stay out of every repr, a key sent over plain http:// is warned about, and the
websocket's message cap fits what the app sends."""

from __future__ import annotations

import base64
import logging
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from chat.cleartext import warn_of_credentials_in_clear
from chat.setting_sources import SETTING_NAMES, SettingsError
from chat.settings import Flow, load_settings
from chat.streamlit_settings import current_settings
from flowise_client import DEFAULT_MAX_ANSWER_CHARS, FlowiseClient
from flowise_client.sse import MAX_MESSAGE_BYTES
from testbed.wire.server import start_wire
from tests.page import APP

PASSWORD = "correct horse battery staple"


def secrets_toml(text: str) -> dict:
    # TOML as in secrets.toml (Streamlit reads it with the toml package, same tables): a [table] takes
    # every line below it.
    return tomllib.loads(text)


@pytest.mark.parametrize(
    ("toml", "table"),
    [
        (f'[FLOWISE_OVERRIDE_CONFIG]\ntemperature = 0.2\n\nAPP_PASSWORD = "{PASSWORD}"\n', "FLOWISE_OVERRIDE_CONFIG"),
        (f'[FLOWISE_OVERRIDE_CONFIG]\nvars = {{ APP_PASSWORD = "{PASSWORD}" }}\n', "FLOWISE_OVERRIDE_CONFIG.vars"),
        (
            f'[[flows]]\nname = "Sales"\nid = "s"\n\n[flows.override_config]\ntemperature = 0.1\n'
            f'APP_PASSWORD = "{PASSWORD}"\n',
            "flows[1].override_config",
        ),
        (
            f'[[flows]]\nname = "Sales"\nid = "s"\n\n[[flows]]\nname = "Support"\nid = "t"\n'
            f'APP_PASSWORD = "{PASSWORD}"\n',
            "flows[2]",
        ),
        (f'[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\nAPP_PASSWORD = "{PASSWORD}"\n', "auth"),
        (
            f'[auth]\nclient_id = "c"\n\n[auth.google]\nclient_secret = "s"\nAPP_PASSWORD = "{PASSWORD}"\n',
            "auth.google",
        ),
        (f'[connections.db]\nurl = "sqlite://"\nAPP_PASSWORD = "{PASSWORD}"\n', "connections.db"),
    ],
)
def test_a_setting_inside_any_table_stops_with_where_it_is_and_never_its_value(toml, table):
    with pytest.raises(SettingsError) as raised:
        load_settings({}, secrets_toml(f'FLOWISE_URL = "https://f.example"\nFLOWISE_FLOW_ID = "x"\n{toml}'))
    for language in ("en", "ru"):
        text = raised.value.message.text(language)
        assert "APP_PASSWORD" in text and f"`{table}`" in text
        assert PASSWORD not in text
    assert "above the first [table] line" in str(raised.value)


@pytest.mark.parametrize("name", SETTING_NAMES)
def test_every_setting_name_is_refused_inside_a_table(name):
    # SETTING_NAMES is every name the app reads: a setting added later is covered without a list here.
    with pytest.raises(SettingsError, match=f"{name} is written inside the table `FLOWISE_OVERRIDE_CONFIG`"):
        load_settings({}, {"FLOWISE_OVERRIDE_CONFIG": {"temperature": 0.2, name: "value"}})


def test_settings_above_the_first_table_are_read_and_tables_keep_their_own_keys():
    settings = load_settings(
        {},
        secrets_toml(
            f'FLOWISE_URL = "https://f.example"\nFLOWISE_FLOW_ID = "x"\nAPP_PASSWORD = "{PASSWORD}"\n\n'
            '[FLOWISE_OVERRIDE_CONFIG]\ntemperature = 0.2\nvars = { team = "sales" }\n\n'
            '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\nclient_id = "c"\n'
        ),
    )
    assert settings.app_password == PASSWORD and settings.login_required
    assert settings.flows[0].override_config == {"temperature": 0.2, "vars": {"team": "sales"}}


@pytest.fixture
def own_wire():
    """A wire server of this test alone, so that everything it received came from this test."""
    server = start_wire()
    yield server
    server.stop()


def test_page_with_the_password_under_a_table_shows_the_error_and_sends_nothing(own_wire):
    at = AppTest.from_file(APP, default_timeout=30)
    secrets = secrets_toml(
        f'FLOWISE_URL = "{own_wire.url}"\nFLOWISE_FLOW_ID = "echo"\n\n'
        f'[FLOWISE_OVERRIDE_CONFIG]\ntemperature = 0.2\n\nAPP_PASSWORD = "{PASSWORD}"\n'
    )
    for key, value in secrets.items():
        at.secrets[key] = value
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "APP_PASSWORD is written inside the table `FLOWISE_OVERRIDE_CONFIG`" in error.value
    assert PASSWORD not in error.value
    assert not at.chat_input and not at.text_input
    assert own_wire.received == []


def test_url_credentials_are_in_no_repr_and_still_reach_the_server(own_wire):
    with_credentials = own_wire.url.replace("http://", "http://bob:s3cret@")
    settings = load_settings(
        {},
        {
            "FLOWISE_URL": with_credentials + "/api/v1/prediction/one",
            "flows": [
                {"name": "One", "id": "one"},
                {"name": "Two", "id": "two", "url": "https://amy:pa55@two.example"},
            ],
        },
    )
    shown = repr(settings) + "".join(repr(flow) + str(flow) for flow in settings.flows)
    for secret in ("bob", "s3cret", "amy", "pa55"):
        assert secret not in shown
    assert "address='http://***@127.0.0.1:" in shown and "address='https://***@two.example'" in shown
    one = settings.flows[0]
    assert one.url == with_credentials
    FlowiseClient(one.url).ping()
    (ping,) = own_wire.received
    assert ping.headers["Authorization"] == "Basic " + base64.b64encode(b"bob:s3cret").decode()


def cleartext_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "chat.cleartext" and r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    "url",
    [
        "http://flowise.example.com",
        "http://flowise:3000",
        "http://10.0.0.5:3000",
        "http://[fd00::5]:3000",
        "http://localhost.example.com",
    ],
)
def test_a_key_over_plain_http_to_another_machine_is_warned_about_once(caplog, url):
    flow = Flow(f"plain-{url}", url, name="Sales", api_key="sk-very-secret")
    warn_of_credentials_in_clear([flow])
    warn_of_credentials_in_clear([flow])
    (warning,) = cleartext_warnings(caplog)
    assert "Flow Sales sends its API key over plain http:// to " + urlsplit(url).hostname in warning
    assert "sk-very-secret" not in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:3000",
        "http://LOCALHOST",
        "http://127.0.0.1:3000",
        "http://127.8.9.10",
        "http://[::1]:3000",
        "http://[::ffff:127.0.0.1]:3000",
        "https://flowise.example.com",
    ],
)
def test_a_key_to_this_machine_or_over_https_is_not_warned_about(caplog, url):
    warn_of_credentials_in_clear([Flow(f"local-{url}", url, api_key="sk-very-secret")])
    assert cleartext_warnings(caplog) == []


def test_plain_http_without_secrets_is_not_warned_about(caplog):
    warn_of_credentials_in_clear([Flow("no-key", "http://flowise.example.com")])
    assert cleartext_warnings(caplog) == []


def test_url_credentials_over_plain_http_are_warned_about_without_showing_them(caplog):
    warn_of_credentials_in_clear([Flow("proxy-auth", "http://bob:s3cret@flowise.example.com", api_key="sk-1")])
    (warning,) = cleartext_warnings(caplog)
    assert "Flow proxy-auth sends its API key and URL credentials over plain http:// to flowise.example.com" in warning
    assert "s3cret" not in caplog.text and "bob" not in caplog.text and "sk-1" not in caplog.text


def test_the_page_settings_warn_of_a_key_over_plain_http(caplog, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", "http://flowise.internal.example:3000")
    monkeypatch.setenv("FLOWISE_FLOW_ID", "read-by-the-page")
    monkeypatch.setenv("FLOWISE_API_KEY", "sk-very-secret")
    current_settings()
    current_settings()
    (warning,) = cleartext_warnings(caplog)
    assert "read-by-the-page" in warning and "sk-very-secret" not in caplog.text


def test_websocket_message_cap_fits_the_largest_message_the_app_sends():
    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    cap = config["server"]["maxMessageSize"] * 1_000_000  # Streamlit counts it in MB of 10^6 bytes
    # Inline text only (pictures and files go through the media endpoint): the answer, at up to 4 bytes
    # a character, or one Flowise message, doubled for the escaping of an HTML artifact.
    needed = max(4 * DEFAULT_MAX_ANSWER_CHARS, 2 * MAX_MESSAGE_BYTES)
    # Well under Streamlit's default of 200 MB, and never far above the need, so that a change of either
    # the app's bounds or the cap without the other fails here.
    assert needed <= cap <= 2 * needed
