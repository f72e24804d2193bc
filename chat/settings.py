"""Where the app finds its Flowise: environment variables first, then Streamlit secrets."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flowise_client import DEFAULT_MAX_ANSWER_CHARS

# Each setting with the other names it is known by; APP_URL and FLOW_ID are what the widely copied
# flowise-streamlit template puts in its secrets, so its users can switch by changing nothing else.
_NAMES = {
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
class Flow:
    """A flow the page talks to, and what goes with each question to it."""

    id: str
    url: str
    # None for the flow given by FLOWISE_FLOW_ID alone, which the page names by its id.
    name: str | None = None
    description: str | None = None
    api_key: str | None = field(default=None, repr=False)
    # Sent as the prediction's overrideConfig (temperature, variables, ...); empty: not sent. Out of
    # repr like the key: it may override a node's credentials.
    override_config: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Settings:
    # The flows to choose between, in the order listed; none: the built-in demo flow.
    flows: tuple[Flow, ...] = ()
    read_timeout: float = DEFAULT_READ_TIMEOUT
    flush_interval: float = DEFAULT_FLUSH_INTERVAL
    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS
    # Kept out of repr so that logging the settings never logs the password.
    app_password: str | None = field(default=None, repr=False)
    # Streamlit's own OIDC login, on when the secrets have an [auth] section.
    login_required: bool = False
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    questions_per_minute: int = DEFAULT_QUESTIONS_PER_MINUTE  # 0: no limit

    @property
    def is_demo(self) -> bool:
        return not self.flows


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
    read_timeout = _seconds("read_timeout", environ, secrets, DEFAULT_READ_TIMEOUT, minimum=0.001)
    flush_interval = _seconds("flush_interval", environ, secrets, DEFAULT_FLUSH_INTERVAL, minimum=0)
    return Settings(
        flows=_flows(environ, secrets),
        read_timeout=read_timeout,
        flush_interval=flush_interval,
        max_answer_chars=_count("max_answer_chars", environ, secrets, DEFAULT_MAX_ANSWER_CHARS, minimum=1),
        app_password=_lookup("app_password", environ, secrets),
        login_required=isinstance(secrets.get("auth"), Mapping),
        max_question_chars=_count("max_question_chars", environ, secrets, DEFAULT_MAX_QUESTION_CHARS, minimum=1),
        questions_per_minute=_count("questions_per_minute", environ, secrets, DEFAULT_QUESTIONS_PER_MINUTE, minimum=0),
    )


def _flows(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[Flow, ...]:
    """The listed flows if there is a list (FLOWISE_FLOW_ID is then not used), else the one flow of
    FLOWISE_URL and FLOWISE_FLOW_ID, else none. FLOWISE_URL, FLOWISE_API_KEY and
    FLOWISE_OVERRIDE_CONFIG are what a listed flow has when its entry leaves them out."""
    url, flow_in_url = _server_url(_lookup("url", environ, secrets), "FLOWISE_URL")
    shared = Flow(id="", url=url or "", api_key=_lookup("api_key", environ, secrets),
                  override_config=_override_config(environ, secrets))
    if listed := _flow_list(environ, secrets):
        key, entries = listed
        return _distinct([_listed_flow(entry, f"{key} entry {n}", shared) for n, entry in enumerate(entries, 1)], key)
    if url is None:
        return ()
    flow_id = _lookup("flow_id", environ, secrets) or flow_in_url
    if not flow_id:
        raise SettingsError(
            "FLOWISE_URL is set but FLOWISE_FLOW_ID is not. Set it to the id of the chatflow or agentflow "
            "to talk to (the last part of the flow's URL in Flowise), or list several flows as [[flows]]."
        )
    return (replace(shared, id=flow_id),)


def _server_url(value: str | None, what: str) -> tuple[str | None, str | None]:
    """A Flowise server's base address, and the flow id when it is a whole prediction URL."""
    if value is None:
        return None, None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"{what} must be the address of your Flowise server, starting with http:// or https:// "
            "(for example https://flowise.example.com)."
        )
    if match := _PREDICTION_URL.match(value):
        return match["base"].rstrip("/"), match["flow"]
    return value.rstrip("/"), None


def _flow_list(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The list of flows and the name it was found under: [[flows]] tables in secrets.toml, or a
    JSON array (the environment has only strings). An empty list is no list."""
    for source in (environ, secrets):
        for key in _NAMES["flows"]:
            value = source.get(key)
            if isinstance(value, str):
                try:
                    value = json.loads(value) if value.strip() else None
                except ValueError:
                    value = {}  # reported as not a list, below
            if value is None or (isinstance(value, (list, tuple)) and not value):
                continue
            if not isinstance(value, (list, tuple)):
                raise SettingsError(
                    f"{key} must be a list of flows: in secrets.toml one [[flows]] table per flow (with double "
                    'brackets), or in the environment a JSON array such as [{"name": "Sales", "id": "<flow id>"}].'
                )
            return key, list(value)
    return None


# A listed flow's keys, with the spellings Flowise's own documentation uses.
_FLOW_KEYS = {"name": "name", "id": "id", "description": "description", "url": "url", "api_key": "api_key",
              "apiKey": "api_key", "override_config": "override_config", "overrideConfig": "override_config"}


def _listed_flow(entry: Any, where: str, shared: Flow) -> Flow:
    if not isinstance(entry, Mapping):
        raise SettingsError(f"{where} must be a table with name = ... and id = ... (in the environment, a JSON object).")
    name = entry.get("name")
    if isinstance(name, str) and name.strip():
        where += f" ({json.dumps(name.strip(), ensure_ascii=False)})"
    fields: dict[str, Any] = {}
    for key, value in entry.items():
        field_name = _FLOW_KEYS.get(str(key))
        if field_name is None:
            raise SettingsError(
                f"{where} has an unknown key {str(key)!r}; a flow's keys are name, id, description, url, "
                "api_key and override_config."
            )
        if field_name in fields:
            raise SettingsError(f"{where} gives {field_name} twice: keep one of {field_name} and its other spelling.")
        fields[field_name] = _flow_value(field_name, value, where)
    url, flow_in_url = _server_url(fields.get("url"), f"{where}: url")
    flow = replace(
        shared,
        id=fields.get("id") or flow_in_url or "",
        url=url or shared.url,
        name=fields.get("name"),
        description=fields.get("description"),
        api_key=fields.get("api_key") or shared.api_key,
        override_config=fields.get("override_config") or shared.override_config,
    )
    if not flow.name:
        raise SettingsError(f'{where}: name is missing. Add name = "...", the name shown in the sidebar\'s list of flows.')
    if not flow.id:
        raise SettingsError(
            f'{where}: id is missing. Add id = "<flow id>", the last part of the flow\'s URL in Flowise.'
        )
    if not flow.url:
        raise SettingsError(
            f'{where} has no url and FLOWISE_URL is not set: set FLOWISE_URL to your Flowise server\'s address, '
            'or add url = "https://..." to this flow.'
        )
    return flow


def _flow_value(name: str, value: Any, where: str) -> Any:
    """One key of a listed flow: text (empty: not set), or for override_config a table."""
    if name == "override_config":
        return _table(value, f"{where}: override_config must be a table, such as override_config = "
                             "{ temperature = 0.2 } (in the environment, a JSON object).")
    if not isinstance(value, str):
        # The value is not repeated: it may be the API key.
        raise SettingsError(f'{where}: {name} must be text in quotes, such as {name} = "...".')
    return value.strip() or None


def _distinct(flows: list[Flow], key: str) -> tuple[Flow, ...]:
    """The flows, each id once: the id is what a conversation and the page's link belong to."""
    first: dict[str, int] = {}
    for n, flow in enumerate(flows, 1):
        if flow.id in first:
            raise SettingsError(
                f"{key} entries {first[flow.id]} and {n} have the same id {flow.id}: list each flow once."
            )
        first[flow.id] = n
    return tuple(flows)


def _override_config(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> dict[str, Any]:
    """A table in secrets.toml, or a JSON object in the environment (which has only strings)."""
    (key,) = _NAMES["override_config"]
    for source in (environ, secrets):
        value = source.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return _table(value, f"{key} must be a table in secrets.toml ([{key}] with lines such as temperature = 0.2) "
                             'or, in the environment, a JSON object such as {"temperature": 0.2}.')
    return {}


def _table(value: Any, problem: str) -> dict[str, Any]:
    """``value`` as a plain JSON object, parsed first if it is a string; else ``problem`` is raised."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, Mapping):
        raise SettingsError(problem)
    return _plain(value)


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
