"""What the page and its address disclose: flows by a slug of their name, never their id nor where
Flowise is, and what a link holds shown as the text it is, in the page and in the export."""

from __future__ import annotations

import socket

from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from chat.conversation import Conversation
from chat.export import to_markdown
from chat.links import flow_slugs
from chat.settings import Flow
from testbed.wire.flows import API_KEY, HIDDEN_FLOW_IDS
from tests.page import APP, page_text


def test_flows_are_named_in_links_by_a_unique_slug_of_their_name():
    flows = [
        Flow(id=HIDDEN_FLOW_IDS[0], url="u", name="Sales *assistant*"),
        Flow(id=HIDDEN_FLOW_IDS[1], url="u", name="sales assistant"),
        Flow(id="c", url="u", name="Продажи"),
        Flow(id="d", url="u", name="***"),
        Flow(id="e", url="u"),
    ]
    assert flow_slugs(flows) == {
        HIDDEN_FLOW_IDS[0]: "sales-assistant",
        HIDDEN_FLOW_IDS[1]: "sales-assistant-2",
        "c": "продажи",
        "d": "flow-4",
    }


def test_the_page_shows_neither_the_flowise_address_nor_the_flow_id(app, wire):
    at = app(HIDDEN_FLOW_IDS[0], FLOWISE_API_KEY=API_KEY)
    at = at.chat_input[0].set_value("Hello").run()
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Flowise reached" in sidebar and "Flow name: Sales assistant" in sidebar  # the name stays
    shown = page_text(at) + sidebar + str(dict(at.query_params))
    assert wire.url.removeprefix("http://") not in shown and HIDDEN_FLOW_IDS[0] not in shown


def test_an_unreachable_flowise_is_told_without_its_address(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("FLOWISE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("FLOWISE_FLOW_ID", HIDDEN_FLOW_IDS[0])
    at = AppTest.from_file(APP, default_timeout=30).run()
    at = at.chat_input[0].set_value("Hello?").run()
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Cannot reach Flowise at the configured address (connection refused)" in at.error[0].value
    assert "Flowise not reached" in sidebar
    shown = page_text(at) + sidebar
    assert f":{port}" not in shown and HIDDEN_FLOW_IDS[0] not in shown


INJECTION = "x` [Sign in again](https://phish.example/login) ![](https://phish.example/p.png) `y"


def test_an_id_in_the_export_is_text_whatever_it_holds():
    html = MarkdownIt().render(
        to_markdown(Conversation(chat_id=INJECTION + "\n\n![](https://phish.example/q.png)"), "a Flowise flow", "en")
    )
    assert "<a " not in html and "<img" not in html
    assert "phish.example/login" in html  # shown, as the text it is
