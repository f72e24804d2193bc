"""A flow that stopped for the person's approval: its Proceed and Reject buttons, with a comment
box when the flow takes one, and what the person chose, where they chose it."""

from __future__ import annotations

import streamlit as st

from chat.asking import action_comment_key, rejected_reply, request_reply
from chat.language import say, t
from chat.turn import Decision, Turn
from flowise_client.events import ActionEvent

from .markdown import plain_text


def render_action(turn: Turn) -> None:
    """The buttons for ``turn``'s pending action; a click answers it and the flow goes on in this
    same answer."""
    action = turn.action
    if action is None:
        return
    st.caption(f":material/front_hand: {t('action.waiting')}")
    if action.accepts_feedback:
        st.text_input(t("action.comment"), key=action_comment_key(turn), placeholder=t("action.comment_placeholder"))
    approve, reject = _button_label(action, True), _button_label(action, False)
    left, right, _ = st.columns([1, 1, 3])
    left.button(
        approve,
        key=f"approve-{turn.id}",
        type="primary",
        icon=":material/check:",
        width="stretch",
        on_click=request_reply,
        args=(turn, True),
    )
    right.button(
        reject,
        key=f"reject-{turn.id}",
        icon=":material/close:",
        width="stretch",
        on_click=request_reply,
        args=(turn, False),
    )
    if problem := rejected_reply(turn):
        st.warning(say(problem), icon=":material/block:")


def _button_label(action: ActionEvent, approve: bool) -> str:
    # An agentflow's buttons are Flowise's own words; a sequential agent's are its owner's, where
    # the owner wrote any.
    own = "" if action.is_agentflow else plain_text(action.label(approve))
    return own or t("action.approve" if approve else "action.reject")


def decision_caption(decision: Decision) -> str:
    icon = {True: ":material/check:", False: ":material/close:", None: ":material/reply:"}[decision.approve]
    return f"{icon} {say(decision.message(plain_text(decision.feedback)))}"
