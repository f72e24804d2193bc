"""What the page's address holds: the flow, by a slug of its name, and the conversation, by an id
this app signed. A link then opens only a conversation the app itself started: an id someone typed,
guessed, changed or brought from another channel of the flow is not one of them."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from .conversation import Conversation
from .log_once import warn_once
from .settings import Flow

log = logging.getLogger(__name__)

# Keys are derived from a secret under this label, so that the HMAC of links never equals any other
# use of the same secret (the API key is also Flowise's credential).
_KEY_LABEL = b"flowise-streamlit-chat: conversation links v1"
# 128 bits of HMAC-SHA256: beyond guessing, and short enough for an address.
_MAC_HEX_DIGITS = 32
# <uuid4>.<mac>: letters, digits, "-" and one ".", so it goes as it is into a URL, a request path and
# Flowise's storage paths (which refuse "..", "/" and their encodings).
_SIGNED_ID = re.compile(
    r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.(?P<mac>[0-9a-f]{"
    + str(_MAC_HEX_DIGITS)
    + "})"
)
_NOT_IN_SLUGS = re.compile(r"[\W_]+")

# Without CHAT_LINK_SECRET or an API key there is nothing lasting to sign with: a key of this process,
# so links work until it stops.
_PROCESS_KEY = secrets.token_bytes(32)


@dataclass(frozen=True)
class LinkSigner:
    """Mints the conversation ids of one app, and tells its own from any other."""

    key: bytes = field(repr=False)

    def mint(self, flow_id: str) -> str:
        """A new conversation id for ``flow_id``: a random uuid and its MAC. It is also the chatId
        Flowise keeps the conversation under."""
        chat = str(uuid.uuid4())
        return f"{chat}.{self._mac(flow_id, chat)}"

    def signed(self, flow_id: str, chat_id: str) -> bool:
        """Whether ``chat_id`` is one this app minted for ``flow_id``."""
        match = _SIGNED_ID.fullmatch(chat_id)
        return match is not None and hmac.compare_digest(match["mac"], self._mac(flow_id, match["uuid"]))

    def _mac(self, flow_id: str, chat: str) -> str:
        # The flow id first and the uuid (fixed length, no newline) last: no two pairs give one message.
        message = f"{flow_id}\n{chat}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:_MAC_HEX_DIGITS]


def link_signer(secret: str | None, api_key: str | None) -> LinkSigner:
    """The signer of a flow's links: keyed by CHAT_LINK_SECRET, else by the flow's API key, so that
    links outlive a restart; with neither, by this process's own key."""
    material = secret or api_key
    if not material:
        return LinkSigner(_process_key())
    return LinkSigner(hmac.new(material.encode(), _KEY_LABEL, hashlib.sha256).digest())


def _process_key() -> bytes:
    warn_once(
        log,
        "links:process-key",
        "Neither CHAT_LINK_SECRET nor an API key is set for a flow: its conversation links are signed with a "
        "key of this process and stop working when it restarts. Set CHAT_LINK_SECRET to a long random string "
        "to keep them.",
    )
    return _PROCESS_KEY


def flow_slugs(flows: Sequence[Flow]) -> dict[str, str]:
    """Each flow's name in the page's address, by flow id: its name in lower case with "-" between
    words, made unique with a number; a flow without a name (the single FLOWISE_FLOW_ID) has none,
    and the address names no flow. The flow's id never shows."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for number, flow in enumerate(flows, 1):
        if flow.name is None:
            continue
        base = _NOT_IN_SLUGS.sub("-", flow.name.lower()).strip("-") or f"flow-{number}"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[flow.id] = slug
    return slugs


@dataclass(frozen=True)
class FlowLink:
    """How the page's address names a flow and its conversations."""

    flow_id: str
    slug: str | None  # None: the address names no flow (there is only one)
    signer: LinkSigner

    @classmethod
    def of(cls, flow: Flow, flows: Sequence[Flow], secret: str | None) -> FlowLink:
        """``flow``'s link among ``flows``, its ids signed with ``secret`` (CHAT_LINK_SECRET) if set."""
        slug = flow_slugs(flows).get(flow.id) if len(flows) > 1 else None
        return cls(flow.id, slug, link_signer(secret, flow.api_key))

    def new_conversation(self) -> Conversation:
        return Conversation(chat_id=self.signer.mint(self.flow_id))
