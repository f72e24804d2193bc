"""A conversation with a flow, as the page holds it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from .i18n import Message
from .turn import Turn


@dataclass
class Conversation:
    # Flowise uses the chat id as the memory session id, so one id per conversation, new per browser.
    # The page's conversations have ids their flow's LinkSigner minted (see links.FlowLink).
    chat_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    turns: list[Turn] = field(default_factory=list)
    # Whether the flow streams, asked once per conversation (see flow_facts.flow_streams).
    streaming: bool | None = None
    # Opened from a link with its id: its turns are still to be read from Flowise's history.
    restore: bool = False
    # Said once on the page, e.g. why a linked conversation could not be restored.
    notice: Message | None = None
