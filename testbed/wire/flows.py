"""The flows the stand-in serves, each a named Scenario whose value is its flow id, and what
Flowise would keep about each: names, types, API keys, chat settings, upload settings."""

from __future__ import annotations

import json
from enum import StrEnum

from .recordings import fixture_bytes


class Scenario(StrEnum):
    """A flow of the stand-in by what it does; its value is the flow id a test sets, as in
    ``FLOWISE_FLOW_ID=Scenario.ECHO``."""

    # Replays of the recorded flows (tests/fixtures/flowise-3.1.4).
    PLAIN = "plain"
    RAG = "rag"
    AGENT = "agent"
    AGENTFLOW = "agentflow"
    # The human-input agentflow (recorded), one with a second Human Input node, a multi-agent flow and
    # an agentflow whose tool fails.
    HUMAN_INPUT = "human-input"
    HUMAN_INPUT_TWICE = "human-input-twice"
    AGENTS = "agents"
    AGENTFLOW_ERROR = "agentflow-error"
    # Flowise says it does not stream; it replays rag.
    JSON_ONLY = "json-only"
    # A flow that fails while building (recorded).
    BUILD_ERROR = "build-error"
    # Runs only with API_KEY, as a flow assigned a key: else Flowise's Unauthorized error.
    PROTECTED = "protected"
    # Failures and misbehaviour.
    SERVER_ERROR = "server-error"
    QUOTES_KEY = "quotes-key"
    ERROR_MIDSTREAM = "error-midstream"
    DROP = "drop"
    STALL = "stall"
    HANG = "hang"
    HTML = "html"
    NO_END = "no-end"
    # Answers.
    ECHO = "echo"
    FOLLOW_UPS = "follow-ups"
    # Echo with a welcome message and starter prompts (CHATBOT_CONFIGS).
    WELCOME = "welcome"
    SLOW = "slow"
    RESET_TWICE = "reset-twice"
    RESET_MIDSTREAM = "reset-midstream"
    TRUNCATED_CHUNK = "truncated-chunk"
    BAD_JSON_LINE = "bad-json-line"
    ENDLESS = "endless"
    GIANT_EVENT = "giant-event"
    JSON_FLOOD = "json-flood"
    FAILS_ONCE = "fails-once"
    HOSTILE = "hostile"
    HUGE = "huge"
    REASONING = "reasoning"
    CHAOS = "chaos"
    # Uploads: each says what came with the question.
    IMAGES = "images"
    RAG_FILES = "rag-files"
    FULL_FILES = "full-files"
    VOICE = "voice"
    # Its chat settings lack the uploads config, as Flowise before 1.6 answered them.
    IMAGES_FLOWISE_1_5 = "images-flowise-1.5"
    # Answers with files.
    ARTIFACTS = "artifacts"
    IMAGE_BOMB = "image-bomb"
    REMOTE_IMAGES = "remote-images"
    # Echo that Flowise runs only with its own API key (its ChatFlow has an apikeyid).
    OWN_KEY = "own-key"
    # Echo flows with ids like Flowise's own, which the page must never show.
    SALES_ASSISTANT = "5d0c9a8e-3b1f-4e27-9c6a-7f2e4b8d1a03"
    SUPPORT_DESK = "c81f3b6e-92d4-4a7a-b5e0-1d6f0a4c7e29"
    # Budgets: each sends one kind of event until the client hangs up.
    ENDLESS_THINKING = "endless-thinking"
    ENDLESS_ARTIFACTS = "endless-artifacts"
    ENDLESS_SOURCES = "endless-sources"
    ENDLESS_AGENT_EVENTS = "endless-agent-events"


API_KEY = "sk-test-7f3a9c1e5b"
# A valid key without Flowise's chatflows:view permission: it may run flows but not read them.
RUN_ONLY_KEY = "sk-run-only-2d8e4a"


HIDDEN_FLOW_IDS = (Scenario.SALES_ASSISTANT, Scenario.SUPPORT_DESK)


FLOW_API_KEY_IDS = {Scenario.OWN_KEY: "0f6a2c1e-7b3d-4e58-9a21-c4d8e6f0b193"}


FLOW_TYPES = {
    Scenario.AGENTFLOW: "AGENTFLOW",
    Scenario.HUMAN_INPUT: "AGENTFLOW",
    Scenario.HUMAN_INPUT_TWICE: "AGENTFLOW",
    Scenario.AGENTFLOW_ERROR: "AGENTFLOW",
    Scenario.AGENTS: "MULTIAGENT",
}


# Flow names may hold Markdown; the page must show them as written.
FLOW_NAMES = {
    Scenario.ECHO: "Echo *test* [flow]",
    Scenario.RAG: "Facts about France",
    Scenario.SALES_ASSISTANT: "Sales assistant",
    Scenario.SUPPORT_DESK: "Support desk",
}


# Full File Upload, as Flowise's configuration dialog stores it in the flow's chatbotConfig.
FULL_FILE_UPLOAD = {"status": True, "allowedUploadFileTypes": "text/plain,text/csv", "pdfFile": {"usage": "perPage"}}


# As the owner sets them in Flowise (Configuration → Chat → Starter Prompts) and its widget reads them.
CHATBOT_CONFIGS = {
    Scenario.FULL_FILES: {"fullFileUpload": FULL_FILE_UPLOAD},
    Scenario.WELCOME: {
        "welcomeMessage": "Здравствуйте! 👋 Ask me *anything*.",
        "starterPrompts": {
            "0": {"prompt": "What can you do?"},
            "1": {"prompt": "Что такое **Flowise**?"},
            "2": {"prompt": ""},
        },
    },
}


# GET /api/v1/chatflows-uploads/{id}: a flow with no upload settings answers as below; "images" is the
# recorded answer for a flow whose ChatOpenAI allows image uploads.
NO_UPLOADS = {
    "isSpeechToTextEnabled": False,
    "isImageUploadAllowed": False,
    "isRAGFileUploadAllowed": False,
    "imgUploadSizeAndTypes": [],
    "fileUploadSizeAndTypes": [],
}
IMAGE_UPLOADS = json.loads(fixture_bytes("chatflows-uploads.json"))
UPLOADS_CONFIGS = {
    Scenario.IMAGES: IMAGE_UPLOADS,
    # A vector store with "file upload" on, fed by a text loader (utils/getUploadsConfig.ts: 500 MB).
    Scenario.RAG_FILES: {
        **IMAGE_UPLOADS,
        "isRAGFileUploadAllowed": True,
        "fileUploadSizeAndTypes": [{"fileTypes": [".txt", ".md"], "maxUploadSize": 500}],
    },
    Scenario.FULL_FILES: IMAGE_UPLOADS,
    Scenario.VOICE: {**NO_UPLOADS, "isSpeechToTextEnabled": True},
    Scenario.IMAGES_FLOWISE_1_5: IMAGE_UPLOADS,
}


# Flows whose chat settings do not carry the uploads config, as Flowise before 1.6 answered them.
CONFIG_WITHOUT_UPLOADS = {Scenario.IMAGES_FLOWISE_1_5}
