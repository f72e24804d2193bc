"""The catalogue's words for the Flowise client's errors, found by each error's code."""

from __future__ import annotations

from flowise_client import FlowiseError

from .i18n import CATALOGUE, Message


def error_message(error: FlowiseError) -> Message:
    """What to tell a person about ``error``, without the server's address; one whose code the
    catalogue does not know (a newer client's, or none), or whose reason it does not know, is told in
    the client's own words."""
    key = f"flowise.{error.code}"
    # The client names why a connection failed with a code of its own, which may be new too.
    reason = f"flowise.reason.{error.values['reason']}" if "reason" in error.values else None
    if key not in CATALOGUE or (reason is not None and reason not in CATALOGUE):
        return Message("flowise.unknown", {"message": str(error)})
    values = dict(error.values)
    if "url" in values:
        # The page never shows where Flowise is: a visitor could call it there, around the app.
        values["url"] = Message("flowise.configured_address")
    if reason is not None:
        values["reason"] = Message(reason)
    return Message(key, values)
