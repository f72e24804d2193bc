"""How one setting is found, by each of its names, in the environment first, then in Streamlit's
secrets, and read as a number or a list; and what is said when it cannot be used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .client_place import SERVER_TRUST_VARIABLE
from .i18n import DEFAULT_LANGUAGE, Message

# Each setting with the other names it is known by; APP_URL and FLOW_ID are what the widely copied
# flowise-streamlit template puts in its secrets, so its users can switch by changing nothing else.
NAMES = {
    "url": ("FLOWISE_URL", "APP_URL"),
    "flows": ("FLOWISE_FLOWS", "flows"),
    "flow_id": ("FLOWISE_FLOW_ID", "FLOW_ID"),
    "api_key": ("FLOWISE_API_KEY",),
    "read_timeout": ("FLOWISE_READ_TIMEOUT",),
    "flush_interval": ("STREAM_FLUSH_INTERVAL",),
    "max_answer_chars": ("FLOWISE_MAX_ANSWER_CHARS",),
    "override_config": ("FLOWISE_OVERRIDE_CONFIG",),
    "app_password": ("APP_PASSWORD",),
    "max_question_chars": ("MAX_QUESTION_CHARS",),
    "questions_per_minute": ("QUESTIONS_PER_MINUTE",),
    "max_recording_seconds": ("MAX_RECORDING_SECONDS",),
    "chat_link_secret": ("CHAT_LINK_SECRET",),
    # The same variable tells Streamlit's web server whom to take X-Forwarded-For from.
    "forwarded_allow_ips": (SERVER_TRUST_VARIABLE,),
    "allowed_emails": ("ALLOWED_EMAILS",),
    "allowed_email_domains": ("ALLOWED_EMAIL_DOMAINS",),
    "total_questions_per_minute": ("TOTAL_QUESTIONS_PER_MINUTE",),
    "max_concurrent_answers": ("MAX_CONCURRENT_ANSWERS",),
    "max_files_per_question": ("MAX_FILES_PER_QUESTION",),
    "image_hosts": ("IMAGE_HOSTS",),
}
# Every name the app reads its settings under, e.g. for tests that must start from none of them.
SETTING_NAMES = tuple(name for names in NAMES.values() for name in names)
_SETTING_NAME_SET = frozenset(SETTING_NAMES)
_N = TypeVar("_N", int, float)


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and how to fix it (``str()`` of the
    error says it in English, for logs)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text(DEFAULT_LANGUAGE))
        self.message = message


def lookup(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> str | None:
    for source in (environ, secrets):
        for key in NAMES[name]:
            value = source.get(key)
            if value is not None and str(value).strip():
                return str(value).strip()
    return None


def refuse_settings_inside_tables(secrets: Mapping[str, Any]) -> None:
    """Every line below a ``[table]`` line of secrets.toml is a key of that table, so a setting written
    there is not read: a password would silently be off, and a table such as FLOWISE_OVERRIDE_CONFIG
    goes to Flowise with every question. The page stops instead. The value is never repeated: it may
    be the password."""
    for key, value in secrets.items():
        if found := _setting_inside(value, str(key)):
            name, table = found
            raise SettingsError(Message("settings.setting_inside_table", {"name": name, "table": table}))


def _setting_inside(value: Any, table: str) -> tuple[str, str] | None:
    """The first setting name that is a key of ``value`` or of a table nested in it, and the table it is
    a key of, written as a path such as ``flows[2].override_config``."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if str(key) in _SETTING_NAME_SET:
                return str(key), table
            if found := _setting_inside(inner, f"{table}.{key}"):
                return found
    elif isinstance(value, (list, tuple)):
        for number, item in enumerate(value, 1):
            if found := _setting_inside(item, f"{table}[{number}]"):
                return found
    return None


def listed_items(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> list[str]:
    """A list setting: comma-separated text (the environment has only strings), or in secrets a
    list of texts; empty items are dropped."""
    key = NAMES[name][0]
    value: Any = environ.get(key)
    if value is None or not value.strip():
        value = secrets.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise SettingsError(Message("settings.not_a_list", {"name": key}))
    return [item.strip() for item in value if item.strip()]


def seconds(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any], default: float, minimum: float) -> float:
    return _number(name, environ, secrets, default, minimum, float, "settings.not_seconds", "settings.at_least_seconds")


def count(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any], default: int, minimum: int) -> int:
    return _number(name, environ, secrets, default, minimum, int, "settings.not_whole_number", "settings.at_least")


def _number(
    name: str,
    environ: Mapping[str, str],
    secrets: Mapping[str, Any],
    default: _N,
    minimum: _N,
    parse: Callable[[str], _N],
    unparsable: str,
    too_small: str,
) -> _N:
    """``unparsable`` and ``too_small``: the catalogue keys of what to say when the value is not a
    number of the kind ``parse`` reads, or is below ``minimum``."""
    raw = lookup(name, environ, secrets)
    key = NAMES[name][0]
    try:
        value = parse(raw) if raw else default
    except ValueError:
        raise SettingsError(Message(unparsable, {"name": key, "value": repr(raw)})) from None
    if value < minimum:
        if minimum:
            raise SettingsError(Message(too_small, {"name": key, "minimum": minimum}))
        raise SettingsError(Message("settings.not_negative", {"name": key}))
    return value
