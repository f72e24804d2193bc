"""Markup, scripts and link targets from a flow, in the real app in headless Chromium: all shown as
text, none run, none clickable but http(s)."""

from __future__ import annotations

from playwright.sync_api import expect

from testbed.browser import assistant_messages, open_page, send, streamlit_app
from testbed.wire.flows import Scenario

# Elements the payloads would create, were any of their markup rendered.
INJECTED = "script, iframe, object, embed, img[onerror], img[src='x'], [onclick], [onload]"


def test_hostile_answer_sources_and_tools_are_inert_text(browser, wire, tmp_path):
    with streamlit_app(tmp_path, FLOWISE_URL=wire.url, FLOWISE_FLOW_ID=Scenario.HOSTILE) as app:
        page = open_page(browser, app.url)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        send(page, "Show me the report")
        answer = assistant_messages(page).last
        expect(answer).to_contain_text("are fine.", timeout=20_000)
        expect(answer.get_by_test_id("stAlertContentError")).to_contain_text(
            "The flow failed while answering: <img src=x onerror=\"window.__pwned='error'\"> "
            "see [help](data:text/html,<b>x</b>) �evil"
        )
        answer.get_by_text("Sources (2)").click()
        answer.get_by_text("Tools used (1)").click()
        sources, tools = answer.get_by_test_id("stExpanderDetails").all()
        expect(sources).to_contain_text("<script>alert('page')</script>")
        expect(tools).to_contain_text("<img src=x onerror=\"window.__pwned='tool'\">")

        # The payloads are there to read, as the flow sent them.
        expect(answer).to_contain_text("<script>window.__pwned = 'script'; alert('script')</script>")
        expect(answer).to_contain_text("<img src=x onerror=\"window.__pwned='img'; alert('img')\">")
        expect(answer).to_contain_text("[Click me](javascript:window.__pwned='link';alert('link'))")
        expect(answer).to_contain_text("[File](file:///etc/passwd)")
        expect(answer).to_contain_text("<javascript:alert('autolink')>")
        expect(answer).to_contain_text("Reversed: �exe.txt� and a bell�.")
        expect(sources).to_contain_text("<img src=x onerror=\"window.__pwned='title'\">")
        expect(sources).to_contain_text("[Evil](javascript:alert('title-link'))")
        expect(sources).to_contain_text("<iframe src=\"javascript:alert('page-iframe')\"></iframe>")
        expect(tools).to_contain_text("<script>alert('tool')</script>")
        expect(tools).to_contain_text("<iframe src=\\\"javascript:alert('tool-input')\\\"></iframe>")

        # None of them became markup, a link or a running script.
        messages = page.get_by_test_id("stChatMessage")
        assert messages.locator(INJECTED).count() == 0
        hrefs = messages.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs == ["https://docs.flowiseai.com/"]
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
        assert "Traceback" not in page.content()
