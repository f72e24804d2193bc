"""The embedded demo flow, started once per app process when no Flowise is configured."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from .language import t

if TYPE_CHECKING:
    from demo_flow import DemoServer


def demo_server() -> DemoServer:
    # The spinner shows only if starting takes a while, so not once the server is running.
    with st.spinner(t("page.demo_starting")):
        return _started_demo_server()


@st.cache_resource(show_spinner=False)
def _started_demo_server() -> DemoServer:
    # Imported here so that an app talking to a real Flowise never loads the demo's server code.
    from demo_flow import start_demo_server

    return start_demo_server()
