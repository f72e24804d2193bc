"""The app's own logic between the Flowise client and the Streamlit page: settings, turns, state."""
