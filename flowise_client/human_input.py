"""A person's answer to a flow that stopped to ask for it (an ``action`` event)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .events import ActionEvent

# The question an agentflow's decision without a comment is sent as: what the chat history stores.
AGENTFLOW_REPLY_WORDS = {True: "Proceed", False: "Reject"}


def stored_decision(question: str) -> bool | None:
    """The decision a stored question of a resumed agentflow run was sent as: True for "Proceed",
    False for "Reject", None for a comment (the person's own words)."""
    return next((approve for approve, word in AGENTFLOW_REPLY_WORDS.items() if word == question), None)


@dataclass(frozen=True)
class HumanReply:
    """Approve or reject what the flow asked about, with an optional comment (``feedback``; only an
    agentflow's Human Input node takes one).

    Sent back as Flowise's own chat widget sends it (FlowiseChatEmbed ``handleActionClick``), in the
    same chat:

    - Agentflow v2: the question is the comment, or else "Proceed"/"Reject", and ``humanInput`` is
      ``{"type": "proceed" | "reject", "startNodeId": <the stopped node>, "feedback": <comment>}``;
      Flowise resumes the stopped execution at that node (``buildAgentflow.ts``).
    - Sequential agents: the question is the chosen button's label, sent with the action itself;
      Flowise compares the question with the action's approve/reject mapping (``buildAgentGraph.ts``).
    """

    action: ActionEvent
    approve: bool
    feedback: str = ""

    @property
    def question(self) -> str:
        if not self.action.is_agentflow:
            # Flowise matches the question against the mapping; without one, any word will do.
            return self.action.label(self.approve) or ("Approve" if self.approve else "Reject")
        return self.feedback.strip() or AGENTFLOW_REPLY_WORDS[self.approve]

    def request_fields(self) -> dict[str, Any]:
        """What goes into the prediction's body beside the question and chat id."""
        if not self.action.is_agentflow:
            return {"action": self.action.as_json()}
        kind = "proceed" if self.approve else "reject"
        return {"humanInput": {"type": kind, "startNodeId": self.action.node_id, "feedback": self.feedback.strip()}}
