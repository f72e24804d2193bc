"""Entry point: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Flowise chat", page_icon="💬")
st.navigation([st.Page("pages/chat.py", title="Chat", icon="💬", default=True)], position="hidden").run()
