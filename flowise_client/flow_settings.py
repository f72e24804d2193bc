"""What Flowise tells about a flow: its name and key (``chatflows/{id}``) and its chat settings for
visitors (``public-chatbotConfig/{id}``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .uploads import FullFileUpload, UploadsConfig


@dataclass(frozen=True)
class FlowDetails:
    """What ``GET /api/v1/chatflows/{id}`` tells about a flow: its name, and whether Flowise asks for
    the flow's own API key to run it (``apikeyid``); None where the server does not say."""

    name: str | None
    has_own_key: bool | None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> FlowDetails:
        name = body.get("name")
        return cls(
            name.strip() if isinstance(name, str) and name.strip() else None,
            bool(body["apikeyid"]) if "apikeyid" in body else None,
        )


@dataclass(frozen=True)
class ChatbotConfig:
    """What Flowise's own chat widget shows around a flow: its welcome message and starter prompts,
    and what it accepts besides text. ``uploads`` is None from a server that does not say (Flowise
    before 1.6, whose widget asked ``chatflows-uploads`` for it)."""

    starter_prompts: tuple[str, ...] = ()
    welcome_message: str | None = None
    full_file_upload: FullFileUpload | None = None
    uploads: UploadsConfig | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ChatbotConfig:
        welcome = body.get("welcomeMessage")
        return cls(
            _starter_prompts(body.get("starterPrompts")),
            welcome.strip() if isinstance(welcome, str) and welcome.strip() else None,
            FullFileUpload.from_json(body.get("fullFileUpload")),
            UploadsConfig.from_json(body["uploads"]) if isinstance(body.get("uploads"), Mapping) else None,
        )


def _starter_prompts(stored: Any) -> tuple[str, ...]:
    # Flowise stores the prompts as an object keyed "0", "1", ... of {"prompt": text}.
    entries = stored.values() if isinstance(stored, Mapping) else stored if isinstance(stored, list) else ()
    prompts = (entry.get("prompt") for entry in entries if isinstance(entry, Mapping))
    return tuple(prompt.strip() for prompt in prompts if isinstance(prompt, str) and prompt.strip())
