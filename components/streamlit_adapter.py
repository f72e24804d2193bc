"""The one place the drawing code calls a private Streamlit API (chat/run_stopped.py is the one
place that reads Streamlit's runtime).

Text still arriving is drawn as ``st.write_stream`` draws it, with ``DeltaGenerator._markdown(...,
unterminated_parsing=True)``: an unclosed ``**bold**`` or code span shows as closed, not as raw
asterisks and backticks. Streamlit 1.67 has no public call for that; should the private one change
in an upgrade, this module is all there is to change.
"""

from __future__ import annotations

from streamlit.delta_generator import DeltaGenerator


def unfinished_markdown(element: DeltaGenerator, body: str) -> None:
    """Draw ``body``, Markdown cut off at any point, into ``element`` as if its open spans were closed."""
    element._markdown(body, unterminated_parsing=True)
