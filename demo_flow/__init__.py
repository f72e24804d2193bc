"""The embedded demo flow: a local server speaking Flowise 3.x's HTTP and SSE wire format that answers
questions about this app from its bundled documents (BM25 retrieval) and runs a calculator tool when a
question contains arithmetic.

It has no Streamlit dependency; the app starts it when no Flowise is configured and talks to it with
its ordinary Flowise client.
"""

from .server import DemoServer, start_demo_server

__all__ = ["DemoServer", "start_demo_server"]
