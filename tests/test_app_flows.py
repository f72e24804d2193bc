"""Several flows in one chat page: the selector, each flow's own conversation, key and config."""

from __future__ import annotations

from testbed.wire.flows import API_KEY, Scenario
from tests.app_cases import SECOND_KEY, TWO_FLOWS, feedback_sent, flows_app
from tests.page import ask, chat_id, conversation_of, flow_selector, health_line, page_text, sent_to_browser


def test_two_flows_each_keep_their_own_conversation_key_and_override_config(wire):
    at = flows_app(wire, TWO_FLOWS)
    selector = flow_selector(at)
    assert selector.label == "Flow" and selector.value == Scenario.WELCOME
    assert selector.options == ["Greeter \\*one\\*", "Facts"]  # names as written, not as Markdown
    assert list(selector.proto.captions) == ["Says **hello**", ""]
    greeter_chat = chat_id(at)
    # Each flow by its name in the address, never by its id.
    assert (at.query_params["flow"], at.query_params["chat"]) == ("greeter-one", greeter_chat)
    assert [b.label for b in at.button if b.key and b.key.startswith("starter-")]  # the greeter's own prompts
    at = ask(at, "Hello, greeter")
    greeting = wire.predictions(Scenario.WELCOME)[-1]
    assert greeting.headers["Authorization"] == f"Bearer {API_KEY}"
    assert greeting.body["overrideConfig"] == {"temperature": 0.1, "sessionId": greeter_chat}
    assert greeting.body["streaming"] is True

    at = flow_selector(at).set_value(Scenario.JSON_ONLY).run()
    facts_chat = chat_id(at)
    assert facts_chat != greeter_chat
    assert (at.query_params["flow"], at.query_params["chat"]) == ("facts", facts_chat)
    assert not at.chat_message  # neither the greeter's turns nor its welcome message
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]
    assert "Answers arrive in one piece" in health_line(at)  # this flow's own streaming check
    at = ask(at, "Capital?")
    fact = wire.predictions(Scenario.JSON_ONLY)[-1]
    assert fact.headers["Authorization"] == f"Bearer {SECOND_KEY}"
    assert fact.body["overrideConfig"] == {"vars": {"team": "facts"}, "sessionId": facts_chat}
    assert fact.body["streaming"] is False and fact.body["chatId"] == facts_chat
    assert "The capital of France is Paris." in page_text(at) and "You asked" not in page_text(at)
    at.get("feedback")[0].set_value(1).run()
    rated = feedback_sent(wire)[-1]  # feedback goes to this flow; it is public in Flowise, so without a key
    assert rated.body["chatflowid"] == Scenario.JSON_ONLY and rated.body["chatId"] == facts_chat
    assert "Authorization" not in rated.headers

    at = flow_selector(at).set_value(Scenario.WELCOME).run()
    assert chat_id(at) == greeter_chat and at.query_params["flow"] == "greeter-one"
    assert [t.question for t in conversation_of(at).turns] == ["Hello, greeter"]
    assert "You asked: Hello, greeter" in page_text(at) and "Capital?" not in page_text(at)
    assert "Answers stream as they are written" in health_line(at)
    at = at.sidebar.button[0].click().run()  # New chat: for the greeter only
    assert chat_id(at) != greeter_chat and not conversation_of(at).turns
    at = flow_selector(at).set_value(Scenario.JSON_ONLY).run()
    assert chat_id(at) == facts_chat and "The capital of France is Paris." in page_text(at)
    assert API_KEY not in sent_to_browser(at) and SECOND_KEY not in sent_to_browser(at)


def test_one_listed_flow_has_no_selector_and_the_url_as_for_a_single_flow(wire):
    at = ask(flows_app(wire, TWO_FLOWS[1:]), "Only one")
    assert not at.sidebar.radio
    assert "flow" not in at.query_params and at.query_params["chat"] == chat_id(at)
    assert wire.predictions(Scenario.JSON_ONLY)[-1].headers["Authorization"] == f"Bearer {SECOND_KEY}"


def test_a_single_flow_id_has_no_selector(app):
    at = app(Scenario.ECHO)
    assert not at.sidebar.radio and "flow" not in at.query_params


def test_a_link_opens_its_flow_and_restores_the_conversation_with_that_flows_key(wire):
    flows = [{**TWO_FLOWS[0], "api_key": SECOND_KEY}, {**TWO_FLOWS[1], "id": Scenario.RAG, "api_key": API_KEY}]
    # The link the app showed for the rag flow's new conversation (Facts is the second flow).
    shown = flow_selector(flows_app(wire, flows)).set_value(Scenario.RAG).run().query_params
    assert shown["flow"] == "facts"
    at = flows_app(wire, flows, {"flow": shown["flow"], "chat": shown["chat"]})
    assert flow_selector(at).value == Scenario.RAG and chat_id(at) == shown["chat"]
    history = [r for r in wire.received if r.path.startswith("/api/v1/chatmessage/")][-1]
    assert (
        history.path.startswith("/api/v1/chatmessage/rag?") and history.headers["Authorization"] == f"Bearer {API_KEY}"
    )
    assert [t.question for t in conversation_of(at).turns] == ["What is the capital of France?"] * 2
    at = flow_selector(at).set_value(Scenario.WELCOME).run()
    assert chat_id(at) != shown["chat"] and not conversation_of(at).turns


def test_a_link_to_a_flow_not_offered_starts_afresh_and_says_so(wire):
    at = flows_app(wire, TWO_FLOWS, {"flow": "gone", "chat": "old-chat"})
    assert flow_selector(at).value == Scenario.WELCOME
    assert chat_id(at) != "old-chat" and at.query_params["flow"] == "greeter-one"
    assert "The link names a flow this app does not offer" in at.info[0].value


def test_a_bad_flow_list_says_which_entry_and_how_to_fix_it(wire):
    at = flows_app(wire, [TWO_FLOWS[0], {"name": "No id", "api_key": "sk-not-shown-3"}])
    assert not at.exception and not at.chat_input
    assert 'flows entry 2 ("No id"): id is missing' in at.error[0].value
    assert "sk-not-shown-3" not in at.error[0].value
