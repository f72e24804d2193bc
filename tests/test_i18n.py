"""The catalogue: every entry in every language, with the same placeholders."""

import pytest

from chat.i18n import CATALOGUE, LANGUAGES, language_for_locale, placeholders, translate


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_is_in_every_language_with_the_same_placeholders(key):
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES), key
    assert all(text.strip() for text in entry.values()), key
    assert len({frozenset(placeholders(text)) for text in entry.values()}) == 1, key


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ru-RU", "ru"), ("ru", "ru"), ("RU_ru", "ru"), ("en-US", "en"), ("de-DE", "en"), (None, "en"), ("", "en")],
)
def test_the_browser_locale_picks_the_language(locale, language):
    assert language_for_locale(locale) == language


def test_translate_uses_the_language():
    assert translate("ru", "language") == "Язык"
    assert translate("en", "language") == "Language"
