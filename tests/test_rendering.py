"""Pure helpers behind the sources and tools expanders, and the turn model."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from chat.display_text import display_text
from chat.http_urls import http_url
from chat.turn import AnswerState, Turn
from components.conversation import answer_caption
from components.markdown import escape_markdown
from components.sources import source_heading
from flowise_client.events import (
    EndEvent,
    MetadataEvent,
    SourceDocument,
    SourceDocumentsEvent,
    StartEvent,
    TokenEvent,
    ToolUse,
    UsageMetadataEvent,
    UsedToolsEvent,
)


def test_heading_links_only_http_urls_and_shows_page_and_lines():
    doc = SourceDocument(
        "x", {"source": "https://docs.example/a b", "title": "Guide", "loc": {"lines": {"from": 3, "to": 9}}, "page": 2}
    )
    assert source_heading(doc, 1) == "**1.** [Guide](https://docs.example/a%20b) · page 2, lines 3–9"
    hostile = SourceDocument("x", {"source": "javascript:alert(1)"})
    assert source_heading(hostile, 2) == "**2.** javascript\\:alert\\(1\\)"
    assert source_heading(SourceDocument("x", {}), 3) == "**3.** Document 3"
    pdf = SourceDocument("x", {"source": "report.pdf", "loc": {"pageNumber": 7}})
    assert source_heading(pdf, 4) == "**4.** report\\.pdf · page 7"
    titled = SourceDocument("x", {"source": "deployment.md", "title": "Cloud", "loc": {"lines": {"from": 4, "to": 4}}})
    assert source_heading(titled, 5) == "**5.** Cloud · deployment\\.md · line 4"


def test_http_url():
    assert http_url("https://a.example/x") == "https://a.example/x"
    for value in ["javascript:alert(1)", "data:text/html,hi", "/local/path", "facts.txt", None, 3]:
        assert http_url(value) is None


def test_escape_markdown_neutralises_syntax():
    assert escape_markdown("*a* [b](c) :red[d] $x$") == "\\*a\\* \\[b\\]\\(c\\) \\:red\\[d\\] \\$x\\$"


def test_tool_values_display_text():
    assert display_text({"input": "1+1"}) == ('{\n  "input": "1+1"\n}', "json")
    assert display_text('{"a": [1]}') == ('{\n  "a": [\n    1\n  ]\n}', "json")
    assert display_text("20308.59") == ("20308.59", None)
    assert display_text("plain words") == ("plain words", None)


def test_an_artifact_s_text_is_shown_as_written_even_when_it_reads_as_json():
    for text in ("1.50", "[1,2]", '{"a": 1}'):
        assert display_text(text, text_may_be_json=False) == (text, None)
    assert display_text({"a": 1}, text_may_be_json=False) == ('{\n  "a": 1\n}', "json")


def test_turn_collects_answer_sources_tools_and_ignores_start_text():
    turn = Turn("q")
    doc = SourceDocument("Paris is the capital.", {"source": "facts.txt"})
    shown = [
        turn.apply(StartEvent("Hel")),
        turn.apply(TokenEvent("Hel")),
        turn.apply(TokenEvent("lo")),
        turn.apply(SourceDocumentsEvent((doc, SourceDocument(" Paris is the capital. ", {"source": "facts.txt"})))),
        turn.apply(SourceDocumentsEvent((doc, SourceDocument("Paris is the capital.", {"source": "other.txt"})))),
        turn.apply(UsedToolsEvent((ToolUse("calculator", {"input": "1+1"}, "2"),))),
        turn.apply(MetadataEvent(chat_message_id="m-1")),
        turn.apply(EndEvent()),
    ]
    assert shown == ["", "Hel", "lo", "", "", "", "", ""]
    assert turn.answer == "Hello"
    assert [d.metadata["source"] for d in turn.sources] == ["facts.txt", "other.txt"]
    assert turn.tools == [ToolUse("calculator", {"input": "1+1"}, "2")]
    assert turn.message_id == "m-1" and turn.state is AnswerState.COMPLETE


def test_heading_shows_control_and_bidi_characters_visibly():
    doc = SourceDocument("x", {"title": "invoice\u202efdp.exe", "source": "a\x00b.txt"})
    assert source_heading(doc, 1) == "**1.** invoice�fdp\\.exe · a�b\\.txt"


def test_answer_caption_is_in_the_readers_zone_with_the_tokens_reported():
    turn = Turn("q", asked_at=datetime(2026, 11, 25, 9, 5, tzinfo=UTC))
    assert answer_caption(turn, ZoneInfo("Europe/Moscow")) == "12:05"
    assert answer_caption(turn, None) == "09:05"
    turn.usage = UsageMetadataEvent(input_tokens=1234, output_tokens=56, total_tokens=1290)
    assert answer_caption(turn, None) == "09:05 · 1,234 tokens in, 56 out"
    turn.usage = UsageMetadataEvent(total_tokens=77)
    assert answer_caption(turn, None) == "09:05 · 77 tokens"


def test_an_answer_counts_the_tokens_of_every_model_call():
    turn = Turn("q", asked_at=datetime(2026, 11, 25, 9, 5, tzinfo=UTC))
    turn.apply(UsageMetadataEvent(input_tokens=100, output_tokens=20, total_tokens=120))  # a first node
    turn.apply(UsageMetadataEvent(input_tokens=1200, output_tokens=36, total_tokens=1236))  # the answering node
    assert answer_caption(turn, None) == "09:05 · 1,300 tokens in, 56 out"
    turn.apply(UsageMetadataEvent(total_tokens=4))  # a provider that reports a total only
    assert turn.usage == UsageMetadataEvent(input_tokens=1300, output_tokens=56, total_tokens=1360)
