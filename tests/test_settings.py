from __future__ import annotations

import pytest

from chat.settings import Settings, SettingsError, load_settings


def test_nothing_configured_is_the_demo():
    settings = load_settings({}, {})
    assert settings.is_demo and settings.flow_id is None


def test_environment_wins_and_empty_means_unset():
    env = {"FLOWISE_URL": "https://env.example", "FLOWISE_FLOW_ID": "", "FLOWISE_API_KEY": " "}
    secrets = {"FLOWISE_URL": "https://secret.example", "FLOWISE_FLOW_ID": "abc", "FLOWISE_API_KEY": "k"}
    assert load_settings(env, secrets) == Settings("https://env.example", "abc", "k")


def test_template_secret_names_are_accepted():
    settings = load_settings({}, {"APP_URL": "http://flowise:3000/", "FLOW_ID": "f1"})
    assert (settings.url, settings.flow_id) == ("http://flowise:3000", "f1")


def test_pasted_prediction_url_is_split():
    settings = load_settings({"FLOWISE_URL": "https://f.example/api/v1/prediction/1234-abcd"}, {})
    assert (settings.url, settings.flow_id) == ("https://f.example", "1234-abcd")


def test_read_timeout_from_secrets():
    assert load_settings({}, {"FLOWISE_READ_TIMEOUT": 45}).read_timeout == 45.0


def test_max_answer_chars_defaults_and_comes_from_env_or_secrets():
    assert load_settings({}, {}).max_answer_chars == 200_000
    assert load_settings({}, {"FLOWISE_MAX_ANSWER_CHARS": 5000}).max_answer_chars == 5000
    assert load_settings({"FLOWISE_MAX_ANSWER_CHARS": " 7000 "}, {"FLOWISE_MAX_ANSWER_CHARS": 5000}).max_answer_chars == 7000


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FLOWISE_URL": "localhost:3000", "FLOWISE_FLOW_ID": "x"}, "starting with http:// or https://"),
        ({"FLOWISE_URL": "ftp://x", "FLOWISE_FLOW_ID": "x"}, "starting with http:// or https://"),
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
    table = {"temperature": 0.2, "vars": {"team": "sales"}, "stop": ["\n\n"]}
    assert load_settings({}, {"FLOWISE_OVERRIDE_CONFIG": table}).override_config == table
    env = {"FLOWISE_OVERRIDE_CONFIG": '{"temperature": 0.9}'}
    assert load_settings(env, {"FLOWISE_OVERRIDE_CONFIG": table}).override_config == {"temperature": 0.9}
    assert load_settings({"FLOWISE_OVERRIDE_CONFIG": " "}, {}).override_config == {}


@pytest.mark.parametrize("value", ["temperature=0.2", "[1, 2]", 3])
def test_override_config_that_is_not_an_object_says_how_to_write_it(value):
    source = {"FLOWISE_OVERRIDE_CONFIG": value}
    with pytest.raises(SettingsError, match=r"FLOWISE_OVERRIDE_CONFIG must be a table in secrets\.toml"):
        load_settings(source if isinstance(value, str) else {}, source if not isinstance(value, str) else {})
