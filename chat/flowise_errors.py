"""The catalogue's words for the Flowise client's errors, found by each error's code."""

from __future__ import annotations

from flowise_client import FlowiseError
from flowise_client.errors import REASONS

from .i18n import CATALOGUE, Message


def error_message(error: FlowiseError) -> Message:
    """What to tell a person about ``error``, without the server's address: the page never shows
    where Flowise is, since a visitor could call it there, around the app. An error whose code the
    catalogue does not know (a newer client's, or none) is told in the client's own words, and so is
    a connection failure's reason the catalogue does not know."""
    key = f"flowise.{error.code}"
    if key not in CATALOGUE:
        return Message("flowise.unknown", {"message": _without_address(error)})
    values = dict(error.values)
    if "url" in values:
        values["url"] = Message("flowise.configured_address")
    if "reason" in values:
        reason = f"flowise.reason.{values['reason']}"
        values["reason"] = Message(reason) if reason in CATALOGUE else REASONS.get(values["reason"], values["reason"])
    return Message(key, values)


def _without_address(error: FlowiseError) -> str:
    url = error.values.get("url")
    text = str(error)
    return text.replace(str(url), Message("flowise.configured_address").text("en")) if url else text
