"""Which place a connection's password tries count under, from what Streamlit reports about it."""

from __future__ import annotations

import pytest

from chat.client_place import ClientPlace, Connection, forwarded_hops, parse_networks, place_of, server_trust

LOOPBACK_DEFAULT = server_trust({})  # Streamlit's web server when FORWARDED_ALLOW_IPS is not set
PROXY = parse_networks("10.0.0.5")


def test_the_server_trusts_loopback_unless_the_environment_says_otherwise():
    assert parse_networks("127.0.0.1, ::1") == LOOPBACK_DEFAULT
    assert server_trust({"FORWARDED_ALLOW_IPS": "10.0.0.5"}) == PROXY
    assert server_trust({"FORWARDED_ALLOW_IPS": ""}) == ()


@pytest.mark.parametrize(
    ("reported", "place"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (None, None),  # localhost, or no browser: every unknown address is one place
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # an IPv6 client holds its whole /64
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", None),
    ],
)
def test_without_a_header_the_peer_is_the_place(reported, place):
    assert place_of(Connection(reported), (), LOOPBACK_DEFAULT) == ClientPlace(place)


@pytest.mark.parametrize("forged", ["198.51.100.1", "198.51.100.2", "1.2.3.4, 198.51.100.3", "127.0.0.1"])
def test_a_header_from_localhost_is_not_believed_by_default(forged):
    # Streamlit's server believed it (loopback is its default) and reports the forged address; the app,
    # trusting no proxy, counts the connection as localhost's, however the header rotates.
    reported = forwarded_hops([forged])[-1]
    connection = Connection(None if reported == "127.0.0.1" else reported, forwarded_hops([forged]))
    assert place_of(connection, (), LOOPBACK_DEFAULT) == ClientPlace(None, header_ignored=True)


@pytest.mark.parametrize("forged", ["198.51.100.1", "198.51.100.2, 10.0.0.5"])
def test_a_header_from_an_untrusted_peer_is_not_believed(forged):
    connection = Connection("203.0.113.9", forwarded_hops([forged]))
    assert place_of(connection, PROXY, PROXY) == ClientPlace("203.0.113.9", header_ignored=True)
    assert place_of(connection, (), LOOPBACK_DEFAULT) == ClientPlace("203.0.113.9", header_ignored=True)


def test_a_trusted_proxy_named_in_the_environment_separates_its_clients():
    # The server read the same FORWARDED_ALLOW_IPS and already reports the client.
    for client in ("203.0.113.1", "203.0.113.2"):
        connection = Connection(client, forwarded_hops([client]))
        assert place_of(connection, PROXY, PROXY) == ClientPlace(client)


def test_a_trusted_proxy_named_in_secrets_only_separates_its_clients():
    # The server (on its loopback default) did not believe the proxy; the app does.
    connection = Connection("10.0.0.5", forwarded_hops(["203.0.113.1"]))
    assert place_of(connection, PROXY, LOOPBACK_DEFAULT) == ClientPlace("203.0.113.1")
    # A proxy on this machine listed in secrets: the server believed it too.
    local = parse_networks("127.0.0.1")
    assert place_of(Connection("203.0.113.2", ("203.0.113.2",)), local + parse_networks("::1"), LOOPBACK_DEFAULT) == (
        ClientPlace("203.0.113.2")
    )


def test_what_the_client_writes_left_of_the_proxy_s_hop_is_ignored():
    # The proxy appends the address it saw; anything the client sent comes before it.
    hops = forwarded_hops(["1.1.1.1, 8.8.8.8", "203.0.113.5"])
    assert hops == ("1.1.1.1", "8.8.8.8", "203.0.113.5")
    assert place_of(Connection("203.0.113.5", hops), PROXY, PROXY) == ClientPlace("203.0.113.5")


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    proxies = parse_networks("10.0.0.0/24")
    hops = forwarded_hops(["6.6.6.6, 203.0.113.5, 10.0.0.7"])
    # The server, trusting the same network, reports the first untrusted hop from the right.
    assert place_of(Connection("203.0.113.5", hops), proxies, proxies) == ClientPlace("203.0.113.5")
    # All trusted: the leftmost, as uvicorn does.
    assert place_of(Connection("10.0.0.9", ("10.0.0.9", "10.0.0.7")), proxies, proxies) == ClientPlace("10.0.0.9")


@pytest.mark.parametrize(
    ("hop", "place"),
    [("203.0.113.5:4711", "203.0.113.5"), ("[2001:db8::1]:443", "2001:db8::/64"), ("unknown", None), ("", None)],
)
def test_hops_with_ports_and_hops_that_are_no_address(hop, place):
    # A proxy the app trusts wrote it; the server did not, so it reports the proxy.
    assert place_of(Connection("10.0.0.5", (hop,)), PROXY, ()) == ClientPlace(place)


@pytest.mark.parametrize("value", ["*", "10.0.0.300", "proxy.internal", "10.0.0.0/33"])
def test_only_addresses_and_networks_are_trusted(value):
    with pytest.raises(ValueError, match="^" + value.replace("*", r"\*").replace(".", r"\.") + "$"):
        parse_networks(f"10.0.0.5, {value}")
