"""Where the app finds its Flowise: environment variables first, then Streamlit secrets."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flowise_client import DEFAULT_MAX_ANSWER_CHARS

# Each setting with the other names it is known by; APP_URL and FLOW_ID are what the widely copied
# flowise-streamlit template puts in its secrets, so its users can switch by changing nothing else.
_NAMES = {
    "url": ("FLOWISE_URL", "APP_URL"),
    "flow_id": ("FLOWISE_FLOW_ID", "FLOW_ID"),
    "api_key": ("FLOWISE_API_KEY",),
    "read_timeout": ("FLOWISE_READ_TIMEOUT",),
    "flush_interval": ("STREAM_FLUSH_INTERVAL",),
    "max_answer_chars": ("FLOWISE_MAX_ANSWER_CHARS",),
    "override_config": ("FLOWISE_OVERRIDE_CONFIG",),
    "app_password": ("APP_PASSWORD",),
    "max_question_chars": ("MAX_QUESTION_CHARS",),
    "questions_per_minute": ("QUESTIONS_PER_MINUTE",),
}
# People often paste the whole prediction URL from Flowise's "API endpoint" dialog.
_PREDICTION_URL = re.compile(r"^(?P<base>.+?)/api/v1/predictions?/(?P<flow>[^/?#]+)/?$")
DEFAULT_READ_TIMEOUT = 120.0
# Short enough to read as smooth streaming, long enough to batch a fast model's tokens.
DEFAULT_FLUSH_INTERVAL = 0.1
# Every question costs tokens on the flow's side: a long paste or a script hammering the box is cut off here.
DEFAULT_MAX_QUESTION_CHARS = 4000
DEFAULT_QUESTIONS_PER_MINUTE = 10

_N = TypeVar("_N", int, float)


@dataclass(frozen=True)
class Settings:
    url: str | None
    flow_id: str | None
    api_key: str | None = None
    read_timeout: float = DEFAULT_READ_TIMEOUT
    flush_interval: float = DEFAULT_FLUSH_INTERVAL
    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS
    # Kept out of repr so that logging the settings never logs the password.
    app_password: str | None = field(default=None, repr=False)
    # Streamlit's own OIDC login, on when the secrets have an [auth] section.
    login_required: bool = False
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    questions_per_minute: int = DEFAULT_QUESTIONS_PER_MINUTE  # 0: no limit
    # Sent as the prediction's overrideConfig (temperature, variables, ...); empty: not sent.
    override_config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.url is None


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and how to fix it."""


def _lookup(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> str | None:
    for source in (environ, secrets):
        for key in _NAMES[name]:
            value = source.get(key)
            if value is not None and str(value).strip():
                return str(value).strip()
    return None


def load_settings(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> Settings:
    url = _lookup("url", environ, secrets)
    flow_id = _lookup("flow_id", environ, secrets)
    read_timeout = _seconds("read_timeout", environ, secrets, DEFAULT_READ_TIMEOUT, minimum=0.001)
    flush_interval = _seconds("flush_interval", environ, secrets, DEFAULT_FLUSH_INTERVAL, minimum=0)
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(
                "FLOWISE_URL must be the address of your Flowise server, starting with http:// or https:// "
                "(for example https://flowise.example.com)."
            )
        if match := _PREDICTION_URL.match(url):
            url, flow_id = match["base"], flow_id or match["flow"]
        if not flow_id:
            raise SettingsError(
                "FLOWISE_URL is set but FLOWISE_FLOW_ID is not. Set it to the id of the chatflow or agentflow "
                "to talk to (the last part of the flow's URL in Flowise)."
            )
        url = url.rstrip("/")
    return Settings(
        url=url,
        flow_id=flow_id,
        api_key=_lookup("api_key", environ, secrets),
        read_timeout=read_timeout,
        flush_interval=flush_interval,
        max_answer_chars=_count("max_answer_chars", environ, secrets, DEFAULT_MAX_ANSWER_CHARS, minimum=1),
        app_password=_lookup("app_password", environ, secrets),
        login_required=isinstance(secrets.get("auth"), Mapping),
        max_question_chars=_count("max_question_chars", environ, secrets, DEFAULT_MAX_QUESTION_CHARS, minimum=1),
        questions_per_minute=_count("questions_per_minute", environ, secrets, DEFAULT_QUESTIONS_PER_MINUTE, minimum=0),
        override_config=_override_config(environ, secrets),
    )


def _override_config(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> dict[str, Any]:
    """A table in secrets.toml, or a JSON object in the environment (which has only strings)."""
    (key,) = _NAMES["override_config"]
    for source in (environ, secrets):
        value = source.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        if not isinstance(value, Mapping):
            raise SettingsError(
                f"{key} must be a table in secrets.toml ([{key}] with lines such as temperature = 0.2) "
                'or, in the environment, a JSON object such as {"temperature": 0.2}.'
            )
        return _plain(value)
    return {}


def _plain(value: Any) -> Any:
    # Streamlit's secrets are its own mapping type; the request body needs plain JSON values.
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _seconds(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any], default: float, minimum: float) -> float:
    return _number(name, environ, secrets, default, minimum, float, "a number of seconds", " seconds")


def _count(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any], default: int, minimum: int) -> int:
    return _number(name, environ, secrets, default, minimum, int, "a whole number")


def _number(
    name: str,
    environ: Mapping[str, str],
    secrets: Mapping[str, Any],
    default: _N,
    minimum: _N,
    parse: Callable[[str], _N],
    what: str,
    unit: str = "",
) -> _N:
    raw = _lookup(name, environ, secrets)
    key = _NAMES[name][0]
    try:
        value = parse(raw) if raw else default
    except ValueError:
        raise SettingsError(f"{key} must be {what}, not {raw!r}.") from None
    if value < minimum:
        raise SettingsError(f"{key} must be at least {minimum:g}{unit}." if minimum else f"{key} cannot be negative.")
    return value
