"""The embedded demo flow, started once per app process when no Flowise is configured."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from demo_flow import DemoServer


@st.cache_resource(show_spinner="Starting the demo flow…")
def demo_server() -> DemoServer:
    # Imported here so that an app talking to a real Flowise never loads the demo's server code.
    from demo_flow import start_demo_server

    return start_demo_server()
