"""The app's settings: the flows to talk to (one, a list, or the demo), and how the app waits, limits
and guards what is asked of them; each read as setting_sources finds it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flowise_client import DEFAULT_MAX_ANSWER_CHARS

from .client_place import Network, parse_networks
from .http_urls import http_url
from .i18n import Message
from .image_hosts import host_name
from .login import EmailAllowlist
from .setting_sources import (
    NAMES,
    SettingsError,
    count,
    listed_items,
    lookup,
    refuse_settings_inside_tables,
    seconds,
)

# People often paste the whole prediction URL from Flowise's "API endpoint" dialog.
_PREDICTION_URL = re.compile(r"^(?P<base>.+?)/api/v1/predictions?/(?P<flow>[^/?#]+)/?$")
DEFAULT_READ_TIMEOUT = 120.0
# Short enough to read as smooth streaming, long enough to batch a fast model's tokens.
DEFAULT_FLUSH_INTERVAL = 0.1
# Every question costs tokens on the flow's side: a long paste or a script hammering the box is cut off here.
DEFAULT_MAX_QUESTION_CHARS = 4000
DEFAULT_QUESTIONS_PER_MINUTE = 10
# Five minutes of speech is a long question; every second of it is encoded on this server.
DEFAULT_MAX_RECORDING_SECONDS = 300
# What every visitor together may spend: a new tab or a script opening sessions does not escape these.
DEFAULT_TOTAL_QUESTIONS_PER_MINUTE = 60
DEFAULT_MAX_CONCURRENT_ANSWERS = 20
# Images included: each is held in the server's memory and read by the flow.
DEFAULT_MAX_FILES_PER_QUESTION = 10


@dataclass(frozen=True)
class Flow:
    """A flow the page talks to, and what goes with each question to it."""

    id: str
    # May carry a proxy's user:password@, which the client sends as basic auth: out of repr, which
    # shows ``address`` instead.
    url: str = field(repr=False)
    # None for the flow given by FLOWISE_FLOW_ID alone, which the page names by its id.
    name: str | None = None
    description: str | None = None
    api_key: str | None = field(default=None, repr=False)
    # Sent as the prediction's overrideConfig (temperature, variables, ...); empty: not sent. Out of
    # repr like the key: it may override a node's credentials.
    override_config: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # The url without its credentials, for repr and the log.
    address: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "address", _without_credentials(self.url))


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


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
    max_recording_seconds: int = DEFAULT_MAX_RECORDING_SECONDS
    # Signs the conversation ids in the page's links (see chat/links.py); None: each flow's API key does.
    chat_link_secret: str | None = field(default=None, repr=False)
    # The proxies whose X-Forwarded-For names the client; none: the header is believed from nobody.
    forwarded_allow_ips: tuple[Network, ...] = ()
    # Who of those the login provider authenticates may chat; empty: all of them.
    email_allowlist: EmailAllowlist = field(default_factory=EmailAllowlist)
    # All sessions together; 0: no limit.
    total_questions_per_minute: int = DEFAULT_TOTAL_QUESTIONS_PER_MINUTE
    max_concurrent_answers: int = DEFAULT_MAX_CONCURRENT_ANSWERS  # 0: no limit
    max_files_per_question: int = DEFAULT_MAX_FILES_PER_QUESTION  # 0: no limit
    # Hosts whose images the flow's answers may show; any other image is a link, never loaded.
    image_hosts: frozenset[str] = frozenset()

    @property
    def is_demo(self) -> bool:
        return not self.flows


def load_settings(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> Settings:
    refuse_settings_inside_tables(secrets)
    read_timeout = seconds("read_timeout", environ, secrets, DEFAULT_READ_TIMEOUT, minimum=0.001)
    flush_interval = seconds("flush_interval", environ, secrets, DEFAULT_FLUSH_INTERVAL, minimum=0)
    return Settings(
        flows=_flows(environ, secrets),
        read_timeout=read_timeout,
        flush_interval=flush_interval,
        max_answer_chars=count("max_answer_chars", environ, secrets, DEFAULT_MAX_ANSWER_CHARS, minimum=1),
        app_password=lookup("app_password", environ, secrets),
        login_required=isinstance(secrets.get("auth"), Mapping),
        max_question_chars=count("max_question_chars", environ, secrets, DEFAULT_MAX_QUESTION_CHARS, minimum=1),
        questions_per_minute=count("questions_per_minute", environ, secrets, DEFAULT_QUESTIONS_PER_MINUTE, minimum=0),
        max_recording_seconds=count(
            "max_recording_seconds", environ, secrets, DEFAULT_MAX_RECORDING_SECONDS, minimum=1
        ),
        chat_link_secret=lookup("chat_link_secret", environ, secrets),
        forwarded_allow_ips=_networks("forwarded_allow_ips", environ, secrets),
        email_allowlist=EmailAllowlist(
            emails=_listed("allowed_emails", environ, secrets, _EMAIL, "settings.bad_email"),
            domains=_listed("allowed_email_domains", environ, secrets, _DOMAIN, "settings.bad_email_domain"),
        ),
        total_questions_per_minute=count(
            "total_questions_per_minute", environ, secrets, DEFAULT_TOTAL_QUESTIONS_PER_MINUTE, minimum=0
        ),
        max_concurrent_answers=count(
            "max_concurrent_answers", environ, secrets, DEFAULT_MAX_CONCURRENT_ANSWERS, minimum=0
        ),
        max_files_per_question=count(
            "max_files_per_question", environ, secrets, DEFAULT_MAX_FILES_PER_QUESTION, minimum=0
        ),
        image_hosts=_image_hosts(environ, secrets),
    )


def _image_hosts(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> frozenset[str]:
    hosts = set()
    for entry in listed_items("image_hosts", environ, secrets):
        if (host := host_name(entry)) is None:
            raise SettingsError(Message("settings.bad_image_host", {"name": "IMAGE_HOSTS", "value": repr(entry)}))
        hosts.add(host)
    return frozenset(hosts)


def _flows(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[Flow, ...]:
    """The listed flows if there is a list (FLOWISE_FLOW_ID is then not used), else the one flow of
    FLOWISE_URL and FLOWISE_FLOW_ID, else none. FLOWISE_URL, FLOWISE_API_KEY and
    FLOWISE_OVERRIDE_CONFIG are what a listed flow has when its entry leaves them out."""
    url, flow_in_url = _server_url(lookup("url", environ, secrets), "FLOWISE_URL")
    shared = Flow(
        id="",
        url=url or "",
        api_key=lookup("api_key", environ, secrets),
        override_config=_override_config(environ, secrets),
    )
    if listed := _flow_list(environ, secrets):
        key, entries = listed
        return _distinct([_listed_flow(entry, key, n, shared) for n, entry in enumerate(entries, 1)], key)
    if url is None:
        return ()
    flow_id = lookup("flow_id", environ, secrets) or flow_in_url
    if not flow_id:
        raise SettingsError(Message("settings.no_flow_id"))
    return (replace(shared, id=flow_id),)


def _server_url(value: str | None, what: str | Message) -> tuple[str | None, str | None]:
    """A Flowise server's base address, and the flow id when it is a whole prediction URL; ``what``
    names the setting in a message if it is not an address."""
    if value is None:
        return None, None
    url = http_url(value)
    if url is None:
        raise SettingsError(Message("settings.bad_url", {"name": what}))
    if match := _PREDICTION_URL.match(url):
        return match["base"].rstrip("/"), match["flow"]
    return url.rstrip("/"), None


def _flow_list(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The list of flows and the name it was found under: [[flows]] tables in secrets.toml, or a
    JSON array (the environment has only strings). An empty list is no list."""
    for source in (environ, secrets):
        for key in NAMES["flows"]:
            value = source.get(key)
            if isinstance(value, str):
                try:
                    value = json.loads(value) if value.strip() else None
                except ValueError:
                    value = {}  # reported as not a list, below
            if value is None or (isinstance(value, (list, tuple)) and not value):
                continue
            if not isinstance(value, (list, tuple)):
                raise SettingsError(Message("settings.flows_not_a_list", {"name": key}))
            return key, list(value)
    return None


# A listed flow's keys, with the spellings Flowise's own documentation uses.
_FLOW_KEYS = {
    "name": "name",
    "id": "id",
    "description": "description",
    "url": "url",
    "api_key": "api_key",
    "apiKey": "api_key",
    "override_config": "override_config",
    "overrideConfig": "override_config",
}


def _listed_flow(entry: Any, key: str, number: int, shared: Flow) -> Flow:
    """Entry ``number`` of the list found under ``key``."""
    where = Message("settings.flow_entry", {"list": key, "number": number})
    if not isinstance(entry, Mapping):
        raise SettingsError(Message("settings.flow_not_a_table", {"entry": where}))
    name = entry.get("name")
    if isinstance(name, str) and name.strip():
        where = Message(
            "settings.flow_entry_named",
            {
                "list": key,
                "number": number,
                "name": json.dumps(name.strip(), ensure_ascii=False),
            },
        )
    fields: dict[str, Any] = {}
    for entry_key, value in entry.items():
        field_name = _FLOW_KEYS.get(str(entry_key))
        if field_name is None:
            raise SettingsError(Message("settings.flow_unknown_key", {"entry": where, "key": repr(str(entry_key))}))
        if field_name in fields:
            raise SettingsError(Message("settings.flow_key_twice", {"entry": where, "key": field_name}))
        fields[field_name] = _flow_value(field_name, value, where)
    url, flow_in_url = _server_url(fields.get("url"), Message("settings.flow_url", {"entry": where}))
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
        raise SettingsError(Message("settings.flow_no_name", {"entry": where}))
    if not flow.id:
        raise SettingsError(Message("settings.flow_no_id", {"entry": where}))
    if not flow.url:
        raise SettingsError(Message("settings.flow_no_url", {"entry": where}))
    return flow


def _flow_value(name: str, value: Any, where: Message) -> Any:
    """One key of a listed flow: text (empty: not set), or for override_config a table."""
    if name == "override_config":
        return _table(value, Message("settings.flow_bad_override_config", {"entry": where}))
    if not isinstance(value, str):
        # The value is not repeated: it may be the API key.
        raise SettingsError(Message("settings.flow_not_text", {"entry": where, "key": name}))
    return value.strip() or None


def _distinct(flows: list[Flow], key: str) -> tuple[Flow, ...]:
    """The flows, each id once: the id is what a conversation and the page's link belong to."""
    first: dict[str, int] = {}
    for n, flow in enumerate(flows, 1):
        if flow.id in first:
            raise SettingsError(
                Message("settings.flows_same_id", {"list": key, "first": first[flow.id], "second": n, "id": flow.id})
            )
        first[flow.id] = n
    return tuple(flows)


def _override_config(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> dict[str, Any]:
    """A table in secrets.toml, or a JSON object in the environment (which has only strings)."""
    (key,) = NAMES["override_config"]
    for source in (environ, secrets):
        value = source.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return _table(value, Message("settings.bad_override_config", {"name": key}))
    return {}


def _table(value: Any, problem: Message) -> dict[str, Any]:
    """``value`` as a plain JSON object, parsed first if it is a string; else ``problem`` is raised."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, Mapping):
        raise SettingsError(problem)
    return _plain_table(value)


def _plain_table(table: Mapping[Any, Any]) -> dict[str, Any]:
    # Streamlit's secrets are its own mapping type; the request body needs plain JSON values.
    return {str(k): _plain(v) for k, v in table.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _plain_table(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# An address as a provider sends it (one @, something either side, no spaces), and a bare domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_DOMAIN = re.compile(r"^[^@\s]+\.[^@\s]+$")


def _listed(
    name: str, environ: Mapping[str, str], secrets: Mapping[str, Any], form: re.Pattern[str], problem: str
) -> tuple[str, ...]:
    """Addresses or domains, in lower case (a leading @ of a domain is dropped); ``problem`` is
    said of the first item not of that ``form``."""
    items = [
        item.lower().removeprefix("@") if form is _DOMAIN else item.lower()
        for item in listed_items(name, environ, secrets)
    ]
    for item in items:
        if not form.match(item):
            raise SettingsError(Message(problem, {"name": NAMES[name][0], "value": repr(item)}))
    return tuple(items)


def _networks(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[Network, ...]:
    key = NAMES[name][0]
    try:
        return parse_networks(",".join(listed_items(name, environ, secrets)))
    except ValueError as exc:
        raise SettingsError(Message("settings.bad_network", {"name": key, "value": repr(str(exc))})) from None
