"""Entry point: `streamlit run app.py`."""

import streamlit as st

from chat.language import t

st.set_page_config(page_title=t("page.title"), page_icon="💬")
st.navigation([st.Page("pages/chat.py", title=t("page.nav"), icon="💬", default=True)], position="hidden").run()
