"""The embedded demo flow: a local server speaking Flowise's wire format that answers questions about
this app from its bundled documents (BM25 retrieval) and runs a calculator tool for arithmetic.

It has no Streamlit dependency; the app starts it when no Flowise is configured.
"""

from .server import DemoServer, start_demo_server

__all__ = ["DemoServer", "start_demo_server"]
