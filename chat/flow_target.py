"""The flow a page talks to, and how its answers are asked for and drawn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flowise_client import FlowiseClient

from .limits import QuestionLimits
from .uploads import UploadPolicy


@dataclass(frozen=True)
class FlowTarget:
    client: FlowiseClient
    flow_id: str
    flush_interval: float
    override_config: Mapping[str, Any]
    # What a question may cost, checked again once its files' text is known; and how many answers
    # may stream at once.
    limits: QuestionLimits
    upload_policy: UploadPolicy = field(default_factory=UploadPolicy)
    # Hosts whose images an answer may show (IMAGE_HOSTS); any other image is a link.
    image_hosts: frozenset[str] = frozenset()
