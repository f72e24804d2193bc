"""No id can steer a request to another path, and the API key goes only where Flowise asks for it:
what the server received, request by request."""

from __future__ import annotations

import contextlib
import uuid

import pytest

from flowise_client import FlowiseClient, FlowiseError, Rating
from testbed.wire.flows import API_KEY, Scenario

TRAVERSAL = "../../../chatflows/X"


def every_request(client: FlowiseClient, flow_id: str, chat_id: str, feedback_id: str) -> None:
    """Each call of the client that names a flow, a chat or a feedback; what the server answers does
    not matter here, only where each request went."""
    files = [("a.txt", b"text", "text/plain")]

    def predict() -> None:
        with client.predict(flow_id, "Hi", chat_id) as events:
            list(events)

    for call in (
        predict,
        lambda: client.is_streaming(flow_id),
        lambda: client.flow_details(flow_id),
        lambda: client.uploads_config(flow_id),
        lambda: client.chatbot_config(flow_id),
        lambda: client.chat_history(flow_id, chat_id),
        lambda: client.abort(flow_id, chat_id),
        lambda: client.send_feedback(flow_id, chat_id, "m-1", Rating.THUMBS_UP, feedback_id=feedback_id),
        lambda: client.extract_attachments(flow_id, chat_id, files),
        lambda: client.add_to_vector_store(flow_id, chat_id, files),
        lambda: client.get_upload_file(flow_id, chat_id, "a.png"),
        lambda: client.download_file_annotation(flow_id, chat_id, "a.png"),
    ):
        with contextlib.suppress(FlowiseError):
            call()


def test_an_id_holding_a_path_stays_one_segment_of_its_own_endpoint(wire):
    client = FlowiseClient(wire.url, api_key=API_KEY)
    before = len(wire.received)
    every_request(client, TRAVERSAL, TRAVERSAL, TRAVERSAL)
    # What the server received, exactly: the attacker's path only ever inside one encoded segment.
    seg = query = "..%2F..%2F..%2Fchatflows%2FX"
    got = [(r.method, r.path) for r in wire.received[before:]]
    assert got[0] == ("POST", f"/api/v1/prediction/{seg}")
    assert ("PUT", f"/api/v1/chatmessage/abort/{seg}/{seg}") in got
    assert ("GET", f"/api/v1/chatmessage/{seg}?chatId={query}&order=ASC") in got
    assert not any(path.startswith("/api/v1/chatflows/X") or "/../" in path for _, path in got)
    assert not any(method == "PUT" and path.startswith("/api/v1/chatflows/") for method, path in got)


def test_every_call_goes_to_its_endpoint_with_each_id_encoded(wire):
    client = FlowiseClient(wire.url, api_key=API_KEY)
    before = len(wire.received)
    every_request(client, "fl/ow?x#y", "ch at/../z", "fb/1")
    flow, chat = "fl%2Fow%3Fx%23y", "ch%20at%2F..%2Fz"
    assert [(r.method, r.path) for r in wire.received[before:]] == [
        ("POST", f"/api/v1/prediction/{flow}"),
        ("GET", f"/api/v1/chatflows-streaming/{flow}"),
        ("GET", f"/api/v1/chatflows/{flow}"),
        ("GET", f"/api/v1/chatflows-uploads/{flow}"),
        ("GET", f"/api/v1/public-chatbotConfig/{flow}"),
        ("GET", f"/api/v1/chatmessage/{flow}?chatId=ch+at%2F..%2Fz&order=ASC"),
        ("PUT", f"/api/v1/chatmessage/abort/{flow}/{chat}"),
        ("PUT", "/api/v1/feedback/fb%2F1"),
        ("POST", f"/api/v1/attachments/{flow}/{chat}"),
        ("POST", f"/api/v1/vector/upsert/{flow}"),
        ("GET", "/api/v1/get-upload-file?chatflowId=fl%2Fow%3Fx%23y&chatId=ch+at%2F..%2Fz&fileName=a.png"),
        ("POST", "/api/v1/openai-assistants-file/download"),
    ]


@pytest.mark.parametrize("segment", [".", ".."])
def test_a_dot_segment_is_never_sent(wire, segment):
    before = len(wire.received)
    with pytest.raises(ValueError):
        FlowiseClient(wire.url, api_key=API_KEY).abort(Scenario.RAG, segment)
    assert len(wire.received) == before


KEYED = ("/api/v1/prediction/", "/api/v1/chatmessage/rag?", "/api/v1/chatflows/rag", "/api/v1/vector/upsert/")


def test_the_api_key_goes_only_to_the_endpoints_that_need_it(wire):
    client = FlowiseClient(wire.url, api_key=API_KEY)
    before = len(wire.received)
    every_request(client, Scenario.RAG, str(uuid.uuid4()), "fb-1")
    client.ping()
    received = wire.received[before:]
    assert len(received) == 13
    for request in received:
        keyed = request.path.startswith(KEYED)
        assert (request.headers.get("Authorization") == f"Bearer {API_KEY}") is keyed, request.path
        assert keyed or "Authorization" not in request.headers, request.path
