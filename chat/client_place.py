"""Where a visitor connects from, as far as this app can tell: the place whose password tries are
counted together, whatever session they come from.

Streamlit reports the websocket's peer (``st.context.ip_address``), but says None for 127.0.0.1 and
::1, and its web server (uvicorn) has already put the ``X-Forwarded-For`` header's address in the
peer's place when the peer is one *it* trusts: those listed in the environment variable
``FORWARDED_ALLOW_IPS``, which is also this app's setting, or loopback when that is not set. The app
believes the header only from the peers its own setting lists, so it undoes the server's choice when
the two disagree.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import streamlit as st

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# What Streamlit's web server trusts when the environment does not say (uvicorn's default).
SERVER_TRUST_VARIABLE = "FORWARDED_ALLOW_IPS"
_SERVER_DEFAULT_TRUST = "127.0.0.1,::1"
# The peers st.context.ip_address reports as None.
_LOOPBACK = frozenset({"127.0.0.1", "::1"})
# An IPv6 client is usually given a whole /64 and may use any address in it: one place.
_IPV6_PLACE_PREFIX = 64


@dataclass(frozen=True)
class Connection:
    """What Streamlit says about a session's connection."""

    # st.context.ip_address: the peer, or the header's address if the server believed the header.
    reported: str | None
    # The X-Forwarded-For hops as sent, the client's end first.
    forwarded_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientPlace:
    # An IPv4 address or an IPv6 /64; None for every connection whose address is unknown.
    key: str | None
    # The connection had an X-Forwarded-For header that was not believed.
    header_ignored: bool = False


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses and networks (``10.0.0.5, 10.1.0.0/16``); a ValueError carries the
    first item that is neither."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(item) from None
    return tuple(networks)


def server_trust(environ: Mapping[str, str]) -> tuple[Network, ...]:
    """The peers Streamlit's web server takes X-Forwarded-For from: it read the same environment."""
    value = environ.get(SERVER_TRUST_VARIABLE)
    try:
        return parse_networks(_SERVER_DEFAULT_TRUST if value is None else value)
    except ValueError:
        # Not reached with a running page: the app's settings refuse the same value first.
        return ()


def place_of(connection: Connection, trusted: tuple[Network, ...], server_trusted: tuple[Network, ...]) -> ClientPlace:
    """The place a connection's tries count under: the address the nearest proxy in ``trusted``
    saw (the rightmost hop of X-Forwarded-For that is not itself such a proxy), or else the peer."""
    hops = connection.forwarded_for
    if not hops:
        return ClientPlace(_place(connection.reported))
    if _server_believed(connection, server_trusted):
        # The peer was one the server trusts; when this app does not trust all of those, the server
        # is on its default (loopback) and the peer was this machine, which Streamlit reports as None.
        if not _covers(trusted, server_trusted):
            return ClientPlace(None, header_ignored=True)
        return ClientPlace(_place(_client_hop(hops, trusted)))
    if _peer_trusted(connection.reported, trusted):
        return ClientPlace(_place(_client_hop(hops, trusted)))
    return ClientPlace(_place(connection.reported), header_ignored=True)


def forwarded_hops(values: Iterable[str]) -> tuple[str, ...]:
    """Every X-Forwarded-For header's hops, in order (a proxy may add a header or extend one)."""
    return tuple(hop.strip() for value in values for hop in value.split(","))


def connection() -> Connection:
    """This session's connection, as Streamlit reports it."""
    reported = st.context.ip_address
    return Connection(
        reported if isinstance(reported, str) else None,  # not a str when no browser is connected
        forwarded_hops(st.context.headers.get_all("X-Forwarded-For")),
    )


def current_place(trusted: tuple[Network, ...]) -> ClientPlace:
    return place_of(connection(), trusted, server_trust(os.environ))


def _server_believed(connection: Connection, server_trusted: tuple[Network, ...]) -> bool:
    """Whether the reported address is the one the server would take from the header. If the peer
    wrote its own address as the last hop it may be taken for believed: it then counts as the place
    of the server's trusted peers, never as a place of its choosing."""
    chosen = _client_hop(connection.forwarded_for, server_trusted)
    if not chosen:
        return False  # the server ignores an empty header
    return connection.reported is None if chosen in _LOOPBACK else chosen == connection.reported


def _client_hop(hops: tuple[str, ...], trusted: tuple[Network, ...]) -> str:
    """The host of the rightmost hop not in ``trusted`` (all in it: the leftmost), as uvicorn picks it."""
    for hop in reversed(hops):
        host = _host(hop)
        if not _within(_address(host), trusted):
            return host
    return _host(hops[0])


def _host(hop: str) -> str:
    """A hop without its port: ``1.2.3.4:80``, ``[::1]:80`` and bare addresses, as uvicorn reads them."""
    if hop.startswith("["):
        host, bracket, rest = hop[1:].partition("]")
        return host if bracket and (not rest or rest.startswith(":")) else hop
    if hop.count(":") == 1:
        host, _, port = hop.partition(":")
        return host if port.isdigit() else hop
    return hop


def _address(host: str | None) -> Address | None:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _within(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def _peer_trusted(reported: str | None, trusted: tuple[Network, ...]) -> bool:
    # None is a loopback peer (or no browser at all, which sends no header).
    candidates = _LOOPBACK if reported is None else (reported,)
    return any(_within(_address(peer), trusted) for peer in candidates)


def _covers(trusted: tuple[Network, ...], server_trusted: tuple[Network, ...]) -> bool:
    return all(
        any(inner.version == outer.version and inner.subnet_of(outer) for outer in trusted)  # type: ignore[arg-type]
        for inner in server_trusted
    )


def _place(host: str | None) -> str | None:
    if host in _LOOPBACK:
        return None
    address = _address(host)
    if address is None:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{_IPV6_PLACE_PREFIX}", strict=False))
    return str(address)
