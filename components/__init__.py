"""Streamlit building blocks of the chat page; each renders data it is given and keeps no state."""
