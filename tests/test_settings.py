from __future__ import annotations

import pytest

from chat.setting_sources import SettingsError
from chat.settings import Flow, load_settings


def test_nothing_configured_is_the_demo():
    settings = load_settings({}, {})
    assert settings.is_demo and settings.flows == ()
    assert load_settings({"FLOWISE_FLOW_ID": "abc"}, {}).is_demo  # a flow id without a server: still the demo


def test_environment_wins_and_empty_means_unset():
    env = {"FLOWISE_URL": "https://env.example", "FLOWISE_FLOW_ID": "", "FLOWISE_API_KEY": " "}
    secrets = {"FLOWISE_URL": "https://secret.example", "FLOWISE_FLOW_ID": "abc", "FLOWISE_API_KEY": "k"}
    assert load_settings(env, secrets).flows == (Flow("abc", "https://env.example", api_key="k"),)


def test_template_secret_names_are_accepted():
    (flow,) = load_settings({}, {"APP_URL": "http://flowise:3000/", "FLOW_ID": "f1"}).flows
    assert (flow.url, flow.id, flow.name) == ("http://flowise:3000", "f1", None)


def test_pasted_prediction_url_is_split():
    (flow,) = load_settings({"FLOWISE_URL": "https://f.example/api/v1/prediction/1234-abcd"}, {}).flows
    assert (flow.url, flow.id) == ("https://f.example", "1234-abcd")


def test_read_timeout_from_secrets():
    assert load_settings({}, {"FLOWISE_READ_TIMEOUT": 45}).read_timeout == 45.0


def test_max_answer_chars_defaults_and_comes_from_env_or_secrets():
    assert load_settings({}, {}).max_answer_chars == 200_000
    assert load_settings({}, {"FLOWISE_MAX_ANSWER_CHARS": 5000}).max_answer_chars == 5000
    assert (
        load_settings({"FLOWISE_MAX_ANSWER_CHARS": " 7000 "}, {"FLOWISE_MAX_ANSWER_CHARS": 5000}).max_answer_chars
        == 7000
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FLOWISE_URL": "localhost:3000", "FLOWISE_FLOW_ID": "x"}, "starting with http:// or https://"),
        ({"FLOWISE_URL": "ftp://x", "FLOWISE_FLOW_ID": "x"}, "starting with http:// or https://"),
        ({"FLOWISE_URL": "http://[::1:3000", "FLOWISE_FLOW_ID": "x"}, "starting with http:// or https://"),
        ({"FLOWISE_URL": "http://x"}, "FLOWISE_FLOW_ID is not"),
        ({"FLOWISE_READ_TIMEOUT": "soon"}, "number of seconds"),
        ({"FLOWISE_READ_TIMEOUT": "0"}, "at least 0.001 seconds"),
        ({"STREAM_FLUSH_INTERVAL": "-1"}, "cannot be negative"),
        ({"FLOWISE_MAX_ANSWER_CHARS": "0"}, "FLOWISE_MAX_ANSWER_CHARS must be at least 1"),
        ({"FLOWISE_MAX_ANSWER_CHARS": "-5"}, "FLOWISE_MAX_ANSWER_CHARS must be at least 1"),
        ({"FLOWISE_MAX_ANSWER_CHARS": "lots"}, "FLOWISE_MAX_ANSWER_CHARS must be a whole number"),
        ({"FLOWISE_MAX_ANSWER_CHARS": "1.5"}, "FLOWISE_MAX_ANSWER_CHARS must be a whole number"),
    ],
)
def test_unusable_settings_say_how_to_fix_them(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env, {})


def test_limits_and_password_defaults():
    settings = load_settings({}, {})
    assert (settings.max_question_chars, settings.questions_per_minute) == (4000, 10)
    assert settings.app_password is None and settings.login_required is False


def test_limits_and_password_from_environment_and_secrets():
    env = {"MAX_QUESTION_CHARS": "500", "QUESTIONS_PER_MINUTE": "", "APP_PASSWORD": "hunter2"}
    secrets = {"QUESTIONS_PER_MINUTE": 0, "APP_PASSWORD": "from-secrets"}
    settings = load_settings(env, secrets)
    assert (settings.max_question_chars, settings.questions_per_minute) == (500, 0)
    assert settings.app_password == "hunter2"


def test_password_is_not_in_the_settings_repr():
    assert "hunter2" not in repr(load_settings({"APP_PASSWORD": "hunter2"}, {}))


def test_auth_section_in_secrets_requires_login():
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s"}
    assert load_settings({}, {"auth": auth}).login_required is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAX_QUESTION_CHARS": "lots"}, "MAX_QUESTION_CHARS must be a whole number, not 'lots'"),
        ({"MAX_QUESTION_CHARS": "0"}, "MAX_QUESTION_CHARS must be at least 1"),
        ({"QUESTIONS_PER_MINUTE": "2.5"}, "QUESTIONS_PER_MINUTE must be a whole number"),
        ({"QUESTIONS_PER_MINUTE": "-1"}, "QUESTIONS_PER_MINUTE cannot be negative"),
    ],
)
def test_unusable_limits_say_how_to_fix_them(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env, {})


def test_override_config_from_a_secrets_table_or_json_in_the_environment():
    def override_config(environ, secrets):
        (flow,) = load_settings({"FLOWISE_URL": "http://f", "FLOWISE_FLOW_ID": "x", **environ}, secrets).flows
        return flow.override_config

    table = {"temperature": 0.2, "vars": {"team": "sales"}, "stop": ["\n\n"]}
    assert override_config({}, {"FLOWISE_OVERRIDE_CONFIG": table}) == table
    env = {"FLOWISE_OVERRIDE_CONFIG": '{"temperature": 0.9}'}
    assert override_config(env, {"FLOWISE_OVERRIDE_CONFIG": table}) == {"temperature": 0.9}
    assert override_config({"FLOWISE_OVERRIDE_CONFIG": " "}, {}) == {}


@pytest.mark.parametrize("value", ["temperature=0.2", "[1, 2]", 3])
def test_override_config_that_is_not_an_object_says_how_to_write_it(value):
    source = {"FLOWISE_OVERRIDE_CONFIG": value}
    with pytest.raises(SettingsError, match=r"FLOWISE_OVERRIDE_CONFIG must be a table in secrets\.toml"):
        load_settings(source if isinstance(value, str) else {}, source if not isinstance(value, str) else {})


SALES = {
    "name": "Sales",
    "id": "flow-sales",
    "description": "Prices and orders",
    "api_key": "sk-sales-1",
    "override_config": {"temperature": 0.1},
}
SUPPORT = {
    "name": "Support",
    "id": "flow-support",
    "url": "https://other.example/",
    "overrideConfig": {"vars": {"a": 1}},
}


def test_listed_flows_from_secrets_take_what_they_leave_out_from_the_flowise_settings():
    secrets = {
        "FLOWISE_URL": "https://f.example",
        "FLOWISE_API_KEY": "sk-shared",
        "FLOWISE_FLOW_ID": "single",
        "FLOWISE_OVERRIDE_CONFIG": {"temperature": 0.7},
        "flows": [SALES, SUPPORT],
    }
    settings = load_settings({}, secrets)
    assert settings.flows == (
        Flow("flow-sales", "https://f.example", "Sales", "Prices and orders", "sk-sales-1", {"temperature": 0.1}),
        Flow("flow-support", "https://other.example", "Support", None, "sk-shared", {"vars": {"a": 1}}),
    )
    # The list is the list: the single FLOWISE_FLOW_ID is not added to it.
    assert "single" not in [flow.id for flow in settings.flows]


def test_listed_flows_from_the_environment_win_over_secrets():
    env = {"FLOWISE_URL": "https://f.example", "FLOWISE_FLOWS": '[{"name": "Только этот", "id": "env-flow"}]'}
    (flow,) = load_settings(env, {"flows": [SALES, SUPPORT]}).flows
    assert (flow.id, flow.name, flow.url) == ("env-flow", "Только этот", "https://f.example")


def test_an_empty_list_is_no_list():
    for env in ({"FLOWISE_FLOWS": " "}, {"FLOWISE_FLOWS": "[]"}):
        (flow,) = load_settings(
            {"FLOWISE_URL": "https://f.example", "FLOWISE_FLOW_ID": "one", **env}, {"flows": []}
        ).flows
        assert (flow.id, flow.name) == ("one", None)


def test_a_listed_flow_may_be_given_by_its_prediction_url_and_without_flowise_url():
    entry = {"name": "Pasted", "url": "https://p.example/api/v1/prediction/abcd-1234"}
    (flow,) = load_settings({}, {"flows": [entry]}).flows
    assert (flow.url, flow.id) == ("https://p.example", "abcd-1234")
    assert not load_settings({}, {"flows": [entry]}).is_demo


def test_api_keys_and_override_configs_are_not_in_the_settings_repr():
    secrets = {
        "FLOWISE_URL": "https://f.example",
        "FLOWISE_API_KEY": "sk-shared-secret",
        "FLOWISE_OVERRIDE_CONFIG": {"openAIApiKey": "sk-node-secret"},
        "flows": [SALES, SUPPORT],
    }
    text = repr(load_settings({}, secrets))
    assert "Sales" in text and "flow-support" in text
    assert not any(secret in text for secret in ("sk-sales-1", "sk-shared-secret", "sk-node-secret"))
    single = repr(
        load_settings({"FLOWISE_URL": "https://f.example", "FLOWISE_FLOW_ID": "x", "FLOWISE_API_KEY": "sk-9"}, {})
    )
    assert "sk-9" not in single


@pytest.mark.parametrize(
    ("flows", "message"),
    [
        ({"name": "Sales", "id": "x"}, r"flows must be a list of flows: .* one \[\[flows\]\] table per flow"),
        ("not json", r"flows must be a list of flows"),
        ([{"name": "Sales", "id": "x"}, "Support"], r"flows entry 2 must be a table with name = \.\.\. and id"),
        ([{"id": "x"}], r"flows entry 1: name is missing\. Add name = "),
        ([{"name": "Sales", "id": " "}], r'flows entry 1 \("Sales"\): id is missing\. Add id = "<flow id>"'),
        ([{"name": "Sales", "id": 42}], r'flows entry 1 \("Sales"\): id must be text in quotes, such as id = "\.\.\."'),
        ([{"name": "Sales", "id": "x", "api_key": 12345}], r"api_key must be text in quotes"),
        ([{"name": "Sales", "id": "x", "apikey": "k"}], r"has an unknown key 'apikey'; a flow's keys are name, id"),
        ([{"name": "S", "id": "x", "override_config": "temperature=1"}], r"override_config must be a table"),
        ([{"name": "S", "id": "x", "override_config": {}, "overrideConfig": {}}], r"gives override_config twice"),
        ([{"name": "S", "id": "x", "url": "flowise.local"}], r'flows entry 1 \("S"\): url must be the address'),
        (
            [SALES, SUPPORT, {"name": "Sales again", "id": "flow-sales"}],
            r"flows entries 1 and 3 have the same id flow-sales: list each flow once",
        ),
    ],
)
def test_unusable_flow_lists_say_which_entry_and_how_to_fix_it(flows, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"FLOWISE_URL": "https://f.example"}, {"flows": flows})


def test_a_listed_flow_needs_a_server():
    with pytest.raises(SettingsError, match=r'flows entry 1 \("Sales"\) has no url and FLOWISE_URL is not set'):
        load_settings({}, {"flows": [{"name": "Sales", "id": "x"}]})


def test_a_bad_flow_list_in_the_environment_is_named_as_such():
    with pytest.raises(SettingsError, match=r"FLOWISE_FLOWS entry 1: name is missing"):
        load_settings(
            {"FLOWISE_URL": "https://f.example", "FLOWISE_FLOWS": '[{"id": "x", "api_key": "sk-hidden"}]'}, {}
        )
    with pytest.raises(SettingsError, match="api_key must be text") as error:
        load_settings(
            {"FLOWISE_URL": "https://f.example", "FLOWISE_FLOWS": '[{"name": "S", "id": "x", "api_key": 98765}]'}, {}
        )
    assert "98765" not in str(error.value)  # a key is never repeated, even a malformed one


def test_a_bad_flow_list_reads_in_russian_too():
    with pytest.raises(SettingsError) as info:
        load_settings({"FLOWISE_URL": "http://x", "FLOWISE_FLOWS": '[{"name": "Продажи"}]'}, {})
    assert info.value.message.text("ru") == (
        'FLOWISE_FLOWS, запись 1 ("Продажи"): нет id. Добавьте id = "<id сценария>" — последнюю часть адреса '
        "сценария в Flowise."
    )
    assert str(info.value).startswith('FLOWISE_FLOWS entry 1 ("Продажи"): id is missing.')


def test_trusted_proxies_and_email_allowlist_default_to_none():
    settings = load_settings({}, {})
    assert settings.forwarded_allow_ips == () and settings.email_allowlist.open


def test_trusted_proxies_from_environment_or_secrets_as_text_or_list():
    assert [
        str(n) for n in load_settings({"FORWARDED_ALLOW_IPS": "10.0.0.5, 10.1.0.0/16"}, {}).forwarded_allow_ips
    ] == [
        "10.0.0.5/32",
        "10.1.0.0/16",
    ]
    from_secrets = load_settings({"FORWARDED_ALLOW_IPS": " "}, {"FORWARDED_ALLOW_IPS": ["::1", "127.0.0.1"]})
    assert [str(n) for n in from_secrets.forwarded_allow_ips] == ["::1/128", "127.0.0.1/32"]


def test_email_allowlist_from_environment_or_secrets_in_lower_case():
    env = {"ALLOWED_EMAILS": "Ada@Example.com, bob@example.org", "ALLOWED_EMAIL_DOMAINS": "@Team.Example"}
    allowlist = load_settings(env, {}).email_allowlist
    assert allowlist.emails == ("ada@example.com", "bob@example.org") and allowlist.domains == ("team.example",)
    secrets = {"ALLOWED_EMAILS": ["ada@example.com"], "ALLOWED_EMAIL_DOMAINS": "example.com,example.org"}
    allowlist = load_settings({}, secrets).email_allowlist
    assert allowlist.emails == ("ada@example.com",) and allowlist.domains == ("example.com", "example.org")


@pytest.mark.parametrize(
    ("env", "secrets", "message"),
    [
        ({"FORWARDED_ALLOW_IPS": "*"}, {}, r"FORWARDED_ALLOW_IPS lists '\*', which is not an IP address or network"),
        ({"FORWARDED_ALLOW_IPS": "10.0.0.5, proxy"}, {}, "FORWARDED_ALLOW_IPS lists 'proxy'"),
        ({}, {"FORWARDED_ALLOW_IPS": 10}, "FORWARDED_ALLOW_IPS must be a comma-separated text"),
        ({"ALLOWED_EMAILS": "ada@example.com, bob"}, {}, "ALLOWED_EMAILS lists 'bob', which is not an email address"),
        ({}, {"ALLOWED_EMAILS": ["a@b.c", 1]}, "ALLOWED_EMAILS must be a comma-separated text"),
        (
            {"ALLOWED_EMAIL_DOMAINS": "ada@example.com"},
            {},
            "ALLOWED_EMAIL_DOMAINS lists 'ada@example.com', which is not a domain",
        ),
    ],
)
def test_unusable_access_settings_name_themselves(env, secrets, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env, secrets)
