"""Who of the people the login provider authenticates may use the chat: the email allowlist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import Message, Verbatim


@dataclass(frozen=True)
class EmailAllowlist:
    """Addresses and domains (lower case) whose people may chat; both empty: anyone logged in."""

    emails: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return not (self.emails or self.domains)

    def admits(self, email: str) -> bool:
        email = email.strip().lower()
        return email in self.emails or email.rpartition("@")[2] in self.domains


def email_verified(user: Mapping[str, Any]) -> bool:
    """Whether the provider says the address is the person's. A provider that does not say is taken
    as not saying yes: the address might be one anybody can type into their profile. Some providers
    (Amazon Cognito) send the claim as the text "true"."""
    verified = user.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")


def login_refusal(user: Mapping[str, Any], allowlist: EmailAllowlist) -> Message | None:
    """Why the logged-in ``user`` (st.user's claims) may not chat, if they may not."""
    if allowlist.open:
        return None
    email = user.get("email")
    if not isinstance(email, str) or not email.strip():
        return Message("access.no_email")
    if not allowlist.admits(email):
        return Message("access.email_not_allowed", {"email": Verbatim(email.strip())})
    if not email_verified(user):
        return Message("access.email_unverified", {"email": Verbatim(email.strip())})
    return None
