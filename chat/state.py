"""The one owner of ``st.session_state``: everything a browser session keeps lives here."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TypeVar

import streamlit as st

from flowise_client import (
    ChatbotConfig,
    FlowiseAuthError,
    FlowiseClient,
    FlowiseError,
    FlowiseProtocolError,
    FlowiseServerError,
    HumanReply,
    Timeouts,
)
from flowise_client.uploads import MB

from .access import PasswordGate, PlaceThrottle
from .app_wide import app_wide
from .client_place import Network, current_place
from .attachments import Attachment
from .flowise_errors import error_message
from .health import Health, check_health
from .history import turns_from_history
from .i18n import LANGUAGES, Message, Verbatim, language_for_locale, translate
from .limits import QuestionLimits, Rejection, SlidingWindow, admit, answer_slot, too_many_files
from .links import LinkSigner, flow_slugs, link_signer
from .settings import Flow, Settings
from .turn import Question, Turn
from .uploads import UploadPolicy, pending_files
from .voice import recording_upload
from .wav_recording import RecordingRefused

_Answer = TypeVar("_Answer")

# The conversation on the page: the chosen flow's.
_CONVERSATION = "conversation"
# Each flow's conversation in this session, by flow id: switching flows and back keeps each one.
_CONVERSATIONS = "conversations"
# The page URL's query parameters: the conversation id, and with several flows, the flow's slug.
URL_CHAT = "chat"
URL_FLOW = "flow"
# The flow selector's widget key: its value is the chosen flow's id.
FLOW_CHOICE = "flow_choice"
_CLIENTS = "flowise_clients"
_REQUESTED = "requested_question"
_CHATBOT_CONFIGS = "chatbot_configs"
_UPLOAD_POLICIES = "upload_policies"
# How many recordings were taken: part of the recorder's key, so each new one starts empty.
_RECORDINGS = "recordings_taken"
_PASSWORD_GATE = "password_gate"
_QUESTION_WINDOW = "question_window"
_REJECTION = "rejected_question"
# A question taken back after it was let through: its text, to put back into the box in the next run.
_WITHDRAWN = "withdrawn_question"
_REPLY = "requested_reply"
_REPLY_REJECTION = "rejected_reply"
_HEALTH = "flowise_health"
# The language picked in the sidebar; without one, the browser's. Kept apart from the picker's
# widget state, which Streamlit drops in a run that does not draw the picker.
LANGUAGE_CHOICE = "language_choice"
LANGUAGE_PICKER = "language_picker"
# The picker's choice that follows the browser.
AUTO_LANGUAGE = "auto"
# The question box's widget key: its value is the submitted question, and setting it refills the box.
QUESTION_INPUT = "question"
# Fresh enough for a status line, rare enough that reruns do not hit Flowise each time.
HEALTH_TTL = 60.0
# A restored conversation's images are read back for their thumbnails up to this size (Flowise takes
# images up to 5 MB unless the flow says otherwise), and for this long altogether.
THUMBNAIL_SOURCE_BYTES = 5 * MB
THUMBNAILS_SECONDS = 10.0
# How long a flow's settings that Flowise could not give are taken as unknown before asking again.
PROBE_RETRY_SECONDS = 30.0


@dataclass
class Conversation:
    # Flowise uses the chat id as the memory session id, so one id per conversation, new per browser.
    # The page's conversations have ids their flow's LinkSigner minted (see FlowLink).
    chat_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    turns: list[Turn] = field(default_factory=list)
    streaming: bool | None = None
    # Opened from a link with its id: its turns are still to be read from Flowise's history.
    restore: bool = False
    # Said once on the page, e.g. why a linked conversation could not be restored.
    notice: Message | None = None


@dataclass(frozen=True)
class FlowLink:
    """How the page's address names a flow and its conversations."""

    flow_id: str
    slug: str | None  # None: the address names no flow (there is only one)
    signer: LinkSigner

    @classmethod
    def of(cls, flow: Flow, flows: Sequence[Flow], secret: str | None) -> FlowLink:
        """``flow``'s link among ``flows``, its ids signed with ``secret`` (CHAT_LINK_SECRET) if set."""
        slug = flow_slugs(flows).get(flow.id) if len(flows) > 1 else None
        return cls(flow.id, slug, link_signer(secret, flow.api_key))

    def new_conversation(self) -> Conversation:
        return Conversation(chat_id=self.signer.mint(self.flow_id))


def chosen_flow_id(flows: Sequence[Flow]) -> str:
    """The flow picked in the sidebar; until one is, the flow the page's link names, else the first."""
    flow_ids = [flow.id for flow in flows]
    choice = st.session_state.get(FLOW_CHOICE)
    if choice not in flow_ids:
        by_slug = {slug: flow_id for flow_id, slug in flow_slugs(flows).items()}
        linked = by_slug.get(st.query_params.get(URL_FLOW) or "")
        choice = st.session_state[FLOW_CHOICE] = linked or flow_ids[0]
    return choice


def open_conversation(link: FlowLink) -> Conversation:
    """The flow's conversation, now the one on the page. Its id is in the page's URL (``?chat=<id>``,
    and ``&flow=<slug>`` when there are several flows), so a reload or a shared link continues it: the
    first conversation a session opens is the link's, if this app started it."""
    conversations = st.session_state.setdefault(_CONVERSATIONS, {})
    if link.flow_id not in conversations:
        conversations[link.flow_id] = link.new_conversation() if conversations else _linked_conversation(link)
    convo = st.session_state[_CONVERSATION] = conversations[link.flow_id]
    _show_in_url(convo.chat_id, link.slug)
    return convo


def _linked_conversation(link: FlowLink) -> Conversation:
    linked_chat = (st.query_params.get(URL_CHAT) or "").strip()
    linked_flow = (st.query_params.get(URL_FLOW) or "").strip()
    fresh = link.new_conversation()
    if linked_flow and linked_flow != link.slug:
        # The link's flow is not one of the app's flows (else it would be the chosen one).
        fresh.notice = Message("page.link_flow_unknown")
    elif linked_chat and not link.signer.signed(link.flow_id, linked_chat):
        # Typed, guessed, changed, another flow's, or from another channel of the flow: whoever made it
        # could read what is said next, or read a conversation that is not theirs. Flowise is not asked.
        fresh.notice = Message("page.link_not_from_here")
    elif linked_chat:
        return Conversation(chat_id=linked_chat, restore=True)
    return fresh


def _show_in_url(chat_id: str, slug: str | None) -> None:
    if st.query_params.get(URL_CHAT) != chat_id:
        st.query_params[URL_CHAT] = chat_id
    if slug is None:
        if URL_FLOW in st.query_params:
            del st.query_params[URL_FLOW]
    elif st.query_params.get(URL_FLOW) != slug:
        st.query_params[URL_FLOW] = slug


def conversation() -> Conversation:
    """The conversation on the page (see open_conversation)."""
    return st.session_state[_CONVERSATION]


def restore_conversation(client: FlowiseClient, link: FlowLink, convo: Conversation) -> Conversation:
    """Read a linked conversation's turns from Flowise, once; if they cannot be read, start afresh
    and say why. Returns the conversation to go on with."""
    if not convo.restore:
        return convo
    convo.restore = False
    flow_id = link.flow_id

    # The page waits for these, and they only make thumbnails: each gets a status check's short wait,
    # and all together a few seconds, so that a slow server cannot hold the page.
    deadline = time.monotonic() + THUMBNAILS_SECONDS

    def stored_file(name: str) -> bytes | None:
        if time.monotonic() > deadline:
            return None
        try:
            return client.get_upload_file(flow_id, convo.chat_id, name, max_bytes=THUMBNAIL_SOURCE_BYTES, quick=True)
        except FlowiseError:
            return None  # the question keeps its file name, without a picture

    try:
        convo.turns = turns_from_history(client.chat_history(flow_id, convo.chat_id), stored_file)
    except FlowiseError as exc:
        fresh = start_new_conversation(link)
        why = Message("page.history_not_readable") if isinstance(exc, FlowiseAuthError) else error_message(exc)
        fresh.notice = Message("page.not_restored", {"why": why})
        return fresh
    # A link to a conversation with nothing in it yet is not taken up: whoever made it (opening the
    # page is enough) would read what is said next.
    return convo if convo.turns else start_new_conversation(link)


def start_new_conversation(link: FlowLink) -> Conversation:
    """A new conversation with the flow, in place of its current one."""
    convo = link.new_conversation()
    st.session_state[_CONVERSATIONS][link.flow_id] = st.session_state[_CONVERSATION] = convo
    st.query_params[URL_CHAT] = convo.chat_id
    return convo


def request_question(question: str | Question) -> None:
    """Send ``question`` in the next run: the callback of a button that asks one (Retry, a starter
    prompt) or of the voice recorder."""
    st.session_state[_REQUESTED] = Question(question) if isinstance(question, str) else question


def take_requested_question(limits: QuestionLimits) -> Question | None:
    """The question a button asked to send, once, if the limits let it through: it costs the flow
    as much as a typed one."""
    question = st.session_state.pop(_REQUESTED, None)
    # A spoken question has no text to put back, and the box may hold something typed since.
    return question if question and _screen(question.text, limits, refill=bool(question.text)) else None


def recorder_key() -> str:
    """The voice recorder's widget key."""
    return f"voice-{st.session_state.get(_RECORDINGS, 0)}"


def take_recording(max_seconds: int) -> None:
    """The voice recorder's on_change callback: a finished recording of at most ``max_seconds`` becomes
    a spoken question, sent in this run; the next run shows an empty recorder."""
    recording = st.session_state.get(recorder_key())
    st.session_state[_RECORDINGS] = st.session_state.get(_RECORDINGS, 0) + 1
    if recording is None:
        return
    try:
        upload = recording_upload(recording.getvalue(), max_seconds, app_wide().slots)
    except RecordingRefused as refused:
        # Nothing typed goes with a recording, so there is no text to give back.
        st.session_state[_REJECTION] = Rejection(refused.message, "")
        return
    request_question(Question("", uploads=(upload,), attachments=(Attachment(upload.name, upload.mime),), spoken=True))


def action_comment_key(turn: Turn) -> str:
    """The widget key of the comment a person may give with their decision on ``turn``'s action.
    One per decision: a turn may stop for a second one, whose box must not hold the first comment."""
    return f"action-comment-{turn.id}-{len(turn.decisions)}"


def request_reply(turn: Turn, approve: bool) -> None:
    """Answer ``turn``'s pending action in the next run: the callback of its Proceed/Reject buttons."""
    if turn.action is not None:
        comment = st.session_state.get(action_comment_key(turn)) or ""
        st.session_state[_REPLY] = (
            turn.id,
            HumanReply(turn.action, approve, comment if turn.action.accepts_feedback else ""),
        )


def take_requested_reply(convo: Conversation, limits: QuestionLimits) -> tuple[Turn, HumanReply] | None:
    """The reply a button asked to send, once: only to the last turn's action still pending (a
    second click arrives after the first was sent), and only if the limits let it through: it runs
    the flow as a question does."""
    requested = st.session_state.pop(_REPLY, None)
    st.session_state.pop(_REPLY_REJECTION, None)
    if requested is None or not convo.turns:
        return None
    turn_id, reply = requested
    turn = convo.turns[-1]
    if turn.id != turn_id or turn.action is not reply.action:
        return None
    if rejection := admit(reply.question, limits, _question_window(), app_wide()):
        st.session_state[_REPLY_REJECTION] = (turn.id, rejection.message)
        return None
    return turn, reply


def rejected_reply(turn: Turn) -> Message | None:
    """Why the limits kept the person's decision on ``turn`` from being sent, in the run after."""
    rejected = st.session_state.get(_REPLY_REJECTION)
    return rejected[1] if rejected and rejected[0] == turn.id else None


def chatbot_config(client: FlowiseClient, flow_id: str) -> ChatbotConfig:
    """The flow's chat settings (starter prompts, welcome message, what it accepts besides text), asked
    once per session and flow. A server that cannot tell is a flow without them: the chat works all the same."""
    return _read_chatbot_config(client, flow_id) or ChatbotConfig()


def _read_chatbot_config(client: FlowiseClient, flow_id: str) -> ChatbotConfig | None:
    return _asked_once(_CHATBOT_CONFIGS, client, flow_id, lambda: client.chatbot_config(flow_id))


def upload_policy(client: FlowiseClient, flow_id: str) -> UploadPolicy:
    """What the flow accepts besides text, asked once per session and flow. A server that cannot tell
    is a flow that takes text only."""
    return (
        _asked_once(_UPLOAD_POLICIES, client, flow_id, lambda: _read_upload_policy(client, flow_id)) or UploadPolicy()
    )


def _read_upload_policy(client: FlowiseClient, flow_id: str) -> UploadPolicy | None:
    config = _read_chatbot_config(client, flow_id)
    if config is None:
        return None  # Flowise did not answer just now: both are asked again later
    # Flowise 1.6 and later put the uploads config into the chat settings; older ones answer it apart.
    uploads = config.uploads if config.uploads is not None else client.uploads_config(flow_id)
    return UploadPolicy(uploads, config.full_file_upload)


def _asked_once(store: str, client: FlowiseClient, flow_id: str, ask: Callable[[], _Answer | None]) -> _Answer | None:
    """What ``ask`` answers about the flow, asked once per session; None while Flowise cannot tell
    (``ask`` raised a FlowiseError or answered None).
    A failure is asked again after PROBE_RETRY_SECONDS, on a later rerun: a server that was briefly
    down then gets its settings back, without every rerun waiting for one that stays down."""
    answers = st.session_state.setdefault(store, {})
    key = (client.base_url, flow_id)
    cached = answers.get(key)
    if cached is None or (cached[1] is None and time.monotonic() - cached[0] > PROBE_RETRY_SECONDS):
        try:
            answer = ask()
        except FlowiseError:
            answer = None
        answers[key] = cached = (time.monotonic(), answer)
    return cached[1]


def client_for(flow: Flow, settings: Settings) -> FlowiseClient:
    """This session's client for the flow (it keeps the connection pool), rebuilt when the settings
    change."""
    clients = st.session_state.setdefault(_CLIENTS, {})
    cached = clients.get(flow.id)
    key = (flow.url, flow.api_key, settings.read_timeout, settings.max_answer_chars)
    if cached is None or cached[0] != key:
        if cached is not None:
            cached[1].close()
        client = FlowiseClient(
            flow.url,
            flow.api_key,
            timeouts=Timeouts(read=settings.read_timeout),
            max_answer_chars=settings.max_answer_chars,
        )
        clients[flow.id] = cached = (key, client)
    return cached[1]


def flow_streams(client: FlowiseClient, flow_id: str) -> bool:
    """Whether to ask for a stream; asked once per conversation. An unknown flow id raises here,
    at once, where a streaming request would get no answer at all from some Flowise versions."""
    convo = conversation()
    if convo.streaming is None:
        try:
            convo.streaming = client.is_streaming(flow_id)
        except (FlowiseServerError, FlowiseProtocolError):
            # A server or proxy that fails only this check may still answer; the prediction will tell.
            convo.streaming = True
    return convo.streaming


def prefetch_flow_streams(client: FlowiseClient, flow_id: str) -> None:
    """Ask whether the flow streams while the person is still typing, so that their first question
    does not wait for it. A failure is left for that question to report, in the chat."""
    try:
        flow_streams(client, flow_id)
    except FlowiseError:
        pass


def password_gate() -> PasswordGate:
    if _PASSWORD_GATE not in st.session_state:
        st.session_state[_PASSWORD_GATE] = PasswordGate()
    return st.session_state[_PASSWORD_GATE]


def password_throttle(trusted_proxies: tuple[Network, ...]) -> tuple[PlaceThrottle, bool]:
    """The throttle of the place this session connects from, and whether an X-Forwarded-For header
    it sent was not believed."""
    place = current_place(trusted_proxies)
    return PlaceThrottle(app_wide().windows, place.key), place.header_ignored


def _question_window() -> SlidingWindow:
    if _QUESTION_WINDOW not in st.session_state:
        st.session_state[_QUESTION_WINDOW] = SlidingWindow()
    return st.session_state[_QUESTION_WINDOW]


def screen_question(limits: QuestionLimits, policy: UploadPolicy) -> None:
    """The question box's on_submit callback: it runs before the page, so a question the limits or
    the flow's upload rules turn away can still go back into the box (the page then gets no
    question), and is kept to be shown. Streamlit cannot put files back into the box, so a refusal of
    a question with files says to attach them again."""
    value = st.session_state.get(QUESTION_INPUT)
    text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
    files = pending_files(value)
    # Counted before anything is read from the files or sent: each costs the server to hold and the flow to read.
    if why := too_many_files([file.name for file in files], limits):
        _reject(Rejection(why, text), refill=True)
    elif files and (why := policy.refusal(text, files)):
        _reject(Rejection(why, text), refill=True)
    elif text.strip() or files:
        _screen(text, limits, refill=True, files=[file.name for file in files])


def _screen(text: str, limits: QuestionLimits, refill: bool, files: Sequence[str] = ()) -> bool:
    """Whether ``text`` may be sent now; if not, it is kept to be shown, and with ``refill`` put back
    into the box. ``files``: the names of the files that were to go with it, which are dropped."""
    rejection = admit(text.strip(), limits, _question_window(), app_wide())
    st.session_state[_REJECTION] = rejection
    if rejection is not None:
        if files:
            why = Message("limits.attach_again", {"why": rejection.message, "names": Verbatim(", ".join(files))})
            rejection = Rejection(why, rejection.question)
        _reject(rejection, refill)
    return rejection is None


def _reject(rejection: Rejection, refill: bool) -> None:
    st.session_state[_REJECTION] = rejection
    # Setting the box's value also keeps the submission from the page, even an empty text.
    if refill:
        st.session_state[QUESTION_INPUT] = rejection.question


def withdraw_question(convo: Conversation, turn: Turn, why: Message) -> None:
    """Take back the question of ``turn``, the conversation's last, found unfit to send after the box
    let it through (by the text Flowise extracted from its files, say): the turn is dropped, and the
    page runs again, saying why, with the question's text back in the box. Does not return."""
    convo.turns.remove(turn)
    st.session_state[_REJECTION] = Rejection(why, turn.question)
    st.session_state[_WITHDRAWN] = turn.question
    st.rerun()


def refill_withdrawn_question() -> None:
    """Put a withdrawn question's text back into the box; to be called before the box is drawn."""
    if text := st.session_state.pop(_WITHDRAWN, None):
        st.session_state[QUESTION_INPUT] = text


def streaming_slot(limits: QuestionLimits) -> AbstractContextManager[bool]:
    """Whether an answer may stream now, in all the app's sessions together; see limits.answer_slot."""
    return answer_slot(app_wide().slots, limits.concurrent_answers)


def rejected_question() -> Rejection | None:
    """The last question the limits turned away, until the next one is sent."""
    return st.session_state.get(_REJECTION)


def flow_health(client: FlowiseClient, flow_id: str) -> Health:
    """This session's view of the server and flow, checked again after HEALTH_TTL seconds."""
    checks = st.session_state.setdefault(_HEALTH, {})
    key = (client.base_url, flow_id)
    cached = checks.get(key)
    if cached is None or time.monotonic() - cached[0] > HEALTH_TTL:
        checks[key] = cached = (time.monotonic(), check_health(client, flow_id))
    return cached[1]


def feedback_keys(turn: Turn) -> tuple[str, str]:
    """The widget keys of a turn's rating and comment."""
    return f"feedback-{turn.id}", f"feedback-comment-{turn.id}"


def feedback_given(turn: Turn) -> tuple[int | None, str]:
    """The rating (0 down, 1 up, None) and comment a person has given on ``turn``."""
    rating_key, comment_key = feedback_keys(turn)
    return st.session_state.get(rating_key), (st.session_state.get(comment_key) or "").strip()


def language() -> str:
    """The interface language: the one picked in the sidebar, else the browser's locale."""
    choice = st.session_state.get(LANGUAGE_CHOICE)
    return choice if choice in LANGUAGES else language_for_locale(st.context.locale)


def language_choice() -> str:
    """What the sidebar's picker shows: a language, or AUTO_LANGUAGE."""
    return st.session_state.get(LANGUAGE_CHOICE) or AUTO_LANGUAGE


def remember_language_choice() -> None:
    """The picker's on_change callback: it runs before the page, so the whole page is drawn in the
    language just picked."""
    st.session_state[LANGUAGE_CHOICE] = st.session_state[LANGUAGE_PICKER]


def t(key: str, **values: object) -> str:
    """The catalogue's text for ``key`` in this session's language."""
    return translate(language(), key, **values)


def say(message: Message) -> str:
    """``message`` in this session's language."""
    return message.text(language())
