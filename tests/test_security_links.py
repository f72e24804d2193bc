"""Conversation links: an id the app did not make opens nothing and is never looked up in Flowise,
and a link to a conversation with nothing in it is not taken up."""

from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from chat.links import link_signer
from testbed.wire.flows import API_KEY, Scenario
from tests.log_capture import fresh_log, warnings_of  # noqa: F401 (a fixture)
from tests.page import APP, chat_id, conversation_of

TRAVERSAL = "../../../chatflows/X"


def test_an_id_the_app_minted_is_its_own_and_nothing_else_is():
    signer = link_signer(None, API_KEY)
    minted = signer.mint("rag")
    bare, mac = minted.split(".")
    assert str(uuid.UUID(bare)) == bare and len(mac) == 32
    assert signer.signed("rag", minted)
    tampered = f"{bare}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}"
    for foreign in ("session-1", bare, tampered, minted.upper(), f"{minted} ", minted + "0", TRAVERSAL, ""):
        assert not signer.signed("rag", foreign), foreign
    assert not signer.signed("echo", minted)  # another flow's
    assert not link_signer(None, "sk-another-key").signed("rag", minted)  # another app's


def test_links_outlive_a_restart_when_the_key_comes_from_a_setting():
    # A signer made again from the same setting, as after a restart, knows the ids of the first.
    assert link_signer("a long link secret", None).signed("rag", link_signer("a long link secret", "k").mint("rag"))
    assert link_signer(None, API_KEY).signed("rag", link_signer(None, API_KEY).mint("rag"))
    # CHAT_LINK_SECRET wins over the key, so that changing the key keeps the links.
    assert link_signer("a long link secret", "sk-new").signed(
        "rag", link_signer("a long link secret", API_KEY).mint("rag")
    )


def test_without_a_secret_or_key_links_last_as_long_as_the_process_and_the_log_says_so_once(fresh_log):  # noqa: F811 (the fixture)
    first, second = link_signer(None, None), link_signer(None, None)
    assert second.signed("rag", first.mint("rag"))
    assert not link_signer(None, API_KEY).signed("rag", first.mint("rag"))
    (warning,) = warnings_of(fresh_log, "chat.links")
    assert "stop working when it restarts" in warning and "CHAT_LINK_SECRET" in warning


@pytest.mark.parametrize(
    "linked",
    ["attacker-chosen", "session-1", str(uuid.uuid4()), "tampered", "other-flow", TRAVERSAL],
)
def test_a_link_the_app_did_not_make_is_refused_and_its_history_never_asked_for(app, wire, linked):
    if linked == "tampered":
        linked = link_signer(None, API_KEY).mint(Scenario.RAG)[:-1] + "x"
    elif linked == "other-flow":
        linked = link_signer(None, API_KEY).mint(Scenario.ECHO)
    before = len(wire.received)
    at = app(Scenario.RAG, chat=linked, FLOWISE_API_KEY=API_KEY)
    assert not at.exception
    assert "does not lead to a conversation started in this app" in at.info[0].value
    assert chat_id(at) != linked and link_signer(None, API_KEY).signed(Scenario.RAG, chat_id(at))
    assert at.query_params["chat"] == chat_id(at) and not conversation_of(at).turns
    assert not [r for r in wire.received[before:] if r.path.startswith("/api/v1/chatmessage")]


def test_the_refusal_reads_in_russian(wire, monkeypatch):
    monkeypatch.setenv("FLOWISE_URL", wire.url)
    monkeypatch.setenv("FLOWISE_FLOW_ID", Scenario.RAG)
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "ru-RU"
    at.query_params["chat"] = "session-1"
    at = at.run()
    assert "Ссылка не ведёт к разговору, начатому в этом приложении" in at.info[0].value


def test_an_own_link_to_a_conversation_with_no_history_is_not_taken_up(app, wire):
    linked = app(Scenario.ECHO, FLOWISE_API_KEY=API_KEY).query_params["chat"]
    wire.history[(Scenario.ECHO, linked)] = []  # nothing was ever said under it
    at = app(Scenario.ECHO, chat=linked, FLOWISE_API_KEY=API_KEY)
    assert chat_id(at) != linked and at.query_params["chat"] == chat_id(at)
    assert not at.info  # nothing went wrong: the link simply held nothing
    at = at.chat_input[0].set_value("Hello").run()
    assert wire.predictions(Scenario.ECHO)[-1].body["chatId"] == chat_id(at) != linked
