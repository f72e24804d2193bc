"""What a browser session keeps in ``st.session_state``: every key it is kept under."""

from __future__ import annotations

# The conversation on the page: the chosen flow's.
CONVERSATION = "conversation"
# Each flow's conversation in this session, by flow id: switching flows and back keeps each one.
CONVERSATIONS = "conversations"
# The flow selector's widget key: its value is the chosen flow's id.
FLOW_CHOICE = "flow_choice"
CLIENTS = "flowise_clients"
CHATBOT_CONFIGS = "chatbot_configs"
UPLOAD_POLICIES = "upload_policies"
HEALTH = "flowise_health"
PASSWORD_GATE = "password_gate"
QUESTION_WINDOW = "question_window"
REQUESTED_QUESTION = "requested_question"
REJECTION = "rejected_question"
# A question taken back after it was let through: its text, to put back into the box in the next run.
WITHDRAWN = "withdrawn_question"
REQUESTED_REPLY = "requested_reply"
REPLY_REJECTION = "rejected_reply"
# How many recordings were taken: part of the recorder's key, so each new one starts empty.
RECORDINGS = "recordings_taken"
# The question box's widget key: its value is the submitted question, and setting it refills the box.
QUESTION_INPUT = "question"
# The language picked in the sidebar; without one, the browser's. Kept apart from the picker's
# widget state, which Streamlit drops in a run that does not draw the picker.
LANGUAGE_CHOICE = "language_choice"
LANGUAGE_PICKER = "language_picker"
