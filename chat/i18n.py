"""The interface's own words, in English and Russian: one catalogue for every string a person reads
in the app. The flow's answers, prompts and names are never translated: they are the flow's."""

from __future__ import annotations

from string import Formatter

LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"

# key -> {language: text}; {name} placeholders are filled by translate(). Grouped by where they show.
CATALOGUE: dict[str, dict[str, str]] = {
    # Sidebar
    "language": {"en": "Language", "ru": "Язык"},
    # Sidebar: the choice between several flows, and what a conversation with one is called in its files
    "flow_choice": {"en": "Flow", "ru": "Сценарий"},
    "export_named_flow": {"en": "{name} (Flowise flow {id})", "ru": "{name} (сценарий Flowise {id})"},
    # Chat: a link that names a flow this app does not offer
    "link_flow_unknown": {
        "en": "The link names a flow this app does not offer, so a new conversation has started.",
        "ru": "В ссылке указан сценарий, которого в этом приложении нет, поэтому начат новый разговор.",
    },
}


def language_for_locale(locale: str | None) -> str:
    """The catalogue language for a browser locale such as ``ru-RU``; English for any other."""
    code = (locale or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (English where it has none), with ``values`` filled in."""
    entry = CATALOGUE[key]
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return template.format(**values) if values else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}
