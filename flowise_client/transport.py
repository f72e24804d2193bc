"""One HTTP request to Flowise: where it goes, who is sent the API key, how long it may take, and
what its failure means. Bodies are always read here in bounded pieces, never whole by requests."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from .errors import FlowiseConnectionLostError, FlowiseError, FlowiseProtocolError
from .http_errors import QUOTED_CHARS, auth_error, caused_by, clean_server_message, connection_error, status_error
from .sse import MAX_MESSAGE_BYTES
from .uploads import MB

log = logging.getLogger(__name__)

# Longest wait for a status check (ping, the flow's name, its chat settings, a thumbnail): the page
# waits for these, so they must not hold it as long as a slow answer may.
_PROBE_SECONDS = 5.0
# Waits before asking again when a question's connection failed before any answer; see predict.
DEFAULT_RETRY_DELAYS = (0.5, 1.0)
# Each read hands on what has arrived, up to this much: a chunk is passed on as soon as it is complete,
# and a server that sends one enormous chunk (or an unframed body) cannot make a single read hold it all.
READ_BYTES = 64 * 1024
# Flowise's error bodies are a short JSON message; anything longer is not worth quoting.
_ERROR_BODY_BYTES = 64 * 1024


# The API key goes only where Flowise asks for it. Its auth middleware lets the endpoints in
# WHITELIST_URLS (packages/server/src/utils/constants.ts) through without one: ping,
# public-chatbotConfig, chatflows-streaming, chatflows-uploads, get-upload-file,
# openai-assistants-file/download, feedback, attachments and chatmessage/abort. Prediction is in that
# list but checks the flow's own key itself (validateFlowAPIKey in utils/validateKey.ts); chat history
# (chatmessage/{id}), chatflows/{id} and vector/upsert are not in it and need a key. Only those four
# requests are sent it (``keyed``), so that no other endpoint, nor any path an id could make, gets it.


def api_path(route: str, *segments: str) -> str:
    """``/api/v1/<route>/<segment>/...`` with each segment percent-encoded whole: an id holding "/",
    "?", "#" or "%" stays one segment of ``route`` and cannot name another path."""
    return "/".join(["/api/v1", route, *map(_path_segment, segments)])


def _path_segment(value: str) -> str:
    # quote leaves dots alone, and requests turns an encoded dot back into one before it drops dot
    # segments: "." and ".." cannot be sent as a segment at all. No id of Flowise's or the app's is one.
    if value in ("", ".", ".."):
        raise ValueError(f"not a path segment: {value!r}")
    return quote(value, safe="")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait. ``first_byte`` covers the wait for the response headers of a stream (Flowise
    sends them before running the flow, and sends nothing at all for some bad requests); ``read`` is
    the longest silence allowed inside a stream (Flowise sends a heartbeat every 30 s) and the wait
    for a whole JSON answer."""

    connect: float = 10.0
    first_byte: float = 30.0
    read: float = 120.0


class Transport:
    """Requests to one Flowise server, with its API key and its waits."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        timeouts: Timeouts,
        session: requests.Session | None,
        retry_delays: tuple[float, ...],
    ) -> None:
        self._http = session or requests.Session()
        parts = urlsplit(base_url.rstrip("/"))
        if parts.username is not None or parts.password is not None:
            # Credentials in the address (a proxy's basic auth) go with each request, as requests would
            # send them from the address itself, but never into a message, a log line or a page.
            self._http.auth = (unquote(parts.username or ""), unquote(parts.password or ""))
            parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
        self.base_url = urlunsplit(parts)
        self._api_key = api_key or None
        self.timeouts = timeouts
        self.retry_delays = retry_delays

    def close(self) -> None:
        self._http.close()

    @property
    def json_timeout(self) -> tuple[float, float]:
        return (self.timeouts.connect, self.timeouts.read)

    @property
    def probe_timeout(self) -> tuple[float, float]:
        # A status check must not hold the page for as long as a slow answer may take.
        return (min(self.timeouts.connect, _PROBE_SECONDS), min(self.timeouts.read, _PROBE_SECONDS))

    @contextmanager
    def request(
        self,
        method: str,
        path: str,
        *,
        timeout: tuple[float, float],
        retry_on: tuple[type[OSError], ...] = (),
        body_timeout: float | None = None,
        keyed: bool = False,
        **kwargs: Any,
    ) -> Iterator[requests.Response]:
        """``body_timeout``: the longest silence once the headers are in; the ``timeout``'s read wait if None.
        ``keyed``: an endpoint that needs the API key; no other is sent it (see api_path)."""
        headers = {"Accept": "text/event-stream, application/json"}
        sends_key = keyed and self._api_key is not None
        if sends_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        try:
            response = self._send(
                method, self.base_url + path, retry_on, headers=headers, stream=True, timeout=timeout, **kwargs
            )
        except requests.exceptions.RequestException as exc:
            error = connection_error(exc, self.base_url, self.timeouts.connect, timeout[1])
            log.warning("Flowise did not answer %s %s: %s", method, path, _detail(error))
            raise error from exc
        try:
            if response.status_code >= 400:
                raise self._status_error(response, method, path, sends_key)
            # Past the headers, a stream may be quiet for longer than the first-byte wait, while a
            # status check keeps its short wait to the end.
            _set_read_timeout(response, body_timeout if body_timeout is not None else timeout[1])
            yield response
        finally:
            response.close()

    def _send(self, method: str, url: str, retry_on: tuple[type[OSError], ...], **kwargs: Any) -> requests.Response:
        for delay in self.retry_delays if retry_on else ():
            try:
                return self._http.request(method, url, **kwargs)
            except requests.exceptions.ConnectionError as exc:
                # Past the headers, failures surface while the body is read, never here. A timeout is
                # not retried: the question may be running on the server.
                if isinstance(exc, requests.exceptions.Timeout) or not any(caused_by(exc, k) for k in retry_on):
                    raise
                log.info("Asking Flowise again in %g s: the connection failed before any answer", delay)
            time.sleep(delay)
        return self._http.request(method, url, **kwargs)

    def _status_error(self, response: requests.Response, method: str, path: str, sent_key: bool) -> FlowiseError:
        status = response.status_code
        # Redacted before it is shortened: a key cut in two would no longer be found whole.
        message = self.redact(clean_server_message(_server_message(response)))[:QUOTED_CHARS]
        error = status_error(status, message, self.base_url, sent_key)
        log.warning("Flowise answered %s %s with HTTP %d (%s): %s", method, path, status, error.code, message or "-")
        return error

    def auth_error(self) -> FlowiseError:
        """The error for a stream that says "Unauthorized": the key sent was refused, or none was sent."""
        return auth_error(self._api_key is not None)

    def json_body(self, response: requests.Response) -> Any:
        # A JSON answer is one message: the same bound as for one event of a stream.
        try:
            return json.loads(read_body(response, MAX_MESSAGE_BYTES))
        except FlowiseProtocolError:
            log.warning("Stopped reading Flowise's reply to %s: it passed %d bytes", _path(response), MAX_MESSAGE_BYTES)
            raise
        except ValueError as exc:
            log.warning("Flowise's reply to %s is not valid JSON", _path(response))
            raise FlowiseProtocolError.of("not_json", url=self.base_url) from exc
        except requests.exceptions.RequestException as exc:
            log.warning("The connection broke while Flowise's reply to %s was read", _path(response))
            raise FlowiseConnectionLostError.of("read_broken") from exc

    def file_body(self, response: requests.Response, name: str, limit: int) -> bytes:
        try:
            return read_body(response, limit)
        except FlowiseProtocolError as exc:
            log.warning("A file Flowise sent from %s is larger than %d bytes", _path(response), limit)
            raise FlowiseProtocolError.of("file_too_large", name=name, megabytes=limit / MB) from exc
        except requests.exceptions.RequestException as exc:
            log.warning("The connection broke while a file from %s was read", _path(response))
            raise FlowiseConnectionLostError.of("file_read_broken", name=name) from exc

    def redact(self, text: str) -> str:
        return text.replace(self._api_key, "[API key]") if self._api_key else text


def _detail(error: FlowiseError) -> str:
    # The error's code and its reason or wait: never the exception's text, which quotes the request's URL.
    values = error.values
    if "reason" in values:
        return f"{error.code} ({values['reason']})"
    return f"{error.code} after {values['seconds']:g} s" if "seconds" in values else str(error.code)


def _path(response: requests.Response) -> str:
    # Without the query, which may name a chat or a file.
    return urlsplit(response.url or "").path


def _server_message(response: requests.Response) -> str:
    """Flowise's JSON ``message`` (or ``error``), or nothing: never a raw HTML page."""
    try:
        body = json.loads(read_body(response, _ERROR_BODY_BYTES))
    except (ValueError, requests.exceptions.RequestException, FlowiseProtocolError):
        return ""
    if isinstance(body, Mapping):
        message = body.get("message") or body.get("error")
        if isinstance(message, str):
            return message
    return ""


def read_body(response: requests.Response, limit: int) -> bytes:
    """The whole body; FlowiseProtocolError as soon as it passes ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    for part in response.iter_content(chunk_size=READ_BYTES):
        size += len(part)
        if size > limit:
            raise FlowiseProtocolError.too_large("answer_too_large", limit)
        parts.append(part)
    return b"".join(parts)


def _set_read_timeout(response: requests.Response, seconds: float) -> None:
    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(seconds)
