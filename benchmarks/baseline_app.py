"""Baseline for the benchmark: the per-token pattern of the widely copied flowise-streamlit template.

Every token goes to ``st.write_stream`` on its own, so the whole growing answer is re-sent to the
browser once per token. Kept here only to measure the app against it.
"""

import json
import os
import uuid

import requests
import sseclient
import streamlit as st

if "chat_id" not in st.session_state:
    st.session_state.chat_id = str(uuid.uuid4())
    st.session_state.messages = []

for message in st.session_state.messages:
    with st.chat_message(message["role"]):
        st.markdown(message["content"])


def tokens(question: str):
    response = requests.post(
        f"{os.environ['FLOWISE_URL']}/api/v1/prediction/{os.environ['FLOWISE_FLOW_ID']}",
        json={"question": question, "streaming": True, "chatId": st.session_state.chat_id},
        stream=True,
        timeout=60,
    )
    for event in sseclient.SSEClient(response.iter_content(chunk_size=None)).events():
        payload = json.loads(event.data)
        if payload["event"] == "token" and payload["data"]:
            yield payload["data"]


if prompt := st.chat_input("Ask"):
    st.session_state.messages.append({"role": "user", "content": prompt})
    with st.chat_message("user"):
        st.markdown(prompt)
    with st.chat_message("assistant"):
        answer = st.write_stream(tokens(prompt))
    st.session_state.messages.append({"role": "assistant", "content": answer})
