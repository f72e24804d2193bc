"""A flow that Flowise runs without a key of its own answers anyone who learns its id, around the
app's password, login and limits: whoever runs the app is told so in the log, once."""

from __future__ import annotations

from chat.health import Health, warn_if_unprotected
from chat.settings import Flow
from flowise_client import FlowDetails, FlowiseClient
from testbed.wire.flows import API_KEY, FLOW_API_KEY_IDS, HIDDEN_FLOW_IDS, Scenario
from tests.log_capture import fresh_log, warnings_of  # noqa: F401 (a fixture)


def test_the_log_warns_once_when_the_flow_has_no_api_key_of_its_own(app, fresh_log):  # noqa: F811 (the fixture)
    for _ in range(2):
        app(HIDDEN_FLOW_IDS[1], FLOWISE_API_KEY=API_KEY)
    app(Scenario.OWN_KEY, FLOWISE_API_KEY=API_KEY)  # Flowise asks for its own key: nothing to say
    (warning,) = warnings_of(fresh_log, "chat.health")
    assert f"Flow {HIDDEN_FLOW_IDS[1]} has no API key of its own in Flowise" in warning
    assert API_KEY not in warning and FLOW_API_KEY_IDS[Scenario.OWN_KEY] not in warning


def test_the_log_warns_once_when_the_flow_is_called_without_a_key(fresh_log):  # noqa: F811 (the fixture)
    flow = Flow(id="keyless-flow", url="https://flowise.example")
    for _ in range(2):
        warn_if_unprotected(flow, Health(None))
    (warning,) = warnings_of(fresh_log, "chat.health")
    assert "Flow keyless-flow is used without an API key" in warning


def test_flowise_tells_whether_the_flow_has_a_key_of_its_own(wire):
    client = FlowiseClient(wire.url, API_KEY)
    assert client.flow_details(Scenario.OWN_KEY) == FlowDetails("Test flow own-key", True)
    assert client.flow_details(HIDDEN_FLOW_IDS[1]) == FlowDetails("Support desk", False)
    assert FlowDetails.from_json({"name": "Older server"}).has_own_key is None  # it does not say
