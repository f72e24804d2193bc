"""The interface's own words, in English and Russian: one catalogue for every string a person reads
in the app. The flow's answers, prompts and names are never translated: they are the flow's."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from flowise_client.errors import MESSAGES, REASONS

LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"

# Digit grouping and decimal mark: Russian groups thousands with a non-breaking space, so that a
# number never breaks across lines, and writes decimals with a comma.
_THOUSANDS = {"en": ",", "ru": "\u00a0"}
_DECIMAL = {"en": ".", "ru": ","}

# key -> {language: text}. {name} placeholders are filled by translate(), which writes numbers the
# language's way: templates carry no format specs. Counts are put where no plural form follows them
# ("токенов: 1 234"), so that one text reads right for every number. Grouped by where they show.
# The client's errors ("flowise.<code>") have their English from the client: see _Catalogue.
_WORDS: dict[str, dict[str, str]] = {
    # The page: its title, and what it says before the chat starts
    "page.title": {"en": "Flowise chat", "ru": "Чат Flowise"},
    "page.nav": {"en": "Chat", "ru": "Чат"},
    "page.settings_problem": {
        "en": "{problem}\n\nSet it in the environment or in `.streamlit/secrets.toml`, then reload the page.",
        "ru": (
            "{problem}\n\nИсправьте настройку в переменных окружения или в `.streamlit/secrets.toml` "
            "и перезагрузите страницу."
        ),
    },
    "page.demo": {
        "en": (
            "You are talking to the **built-in demo flow**, which answers questions about this app. "
            "To chat with your own Flowise flow, set `FLOWISE_URL` and `FLOWISE_FLOW_ID` "
            "(and `FLOWISE_API_KEY` if the flow needs one) in the environment or in `.streamlit/secrets.toml`."
        ),
        "ru": (
            "Вы общаетесь со **встроенным демо-сценарием**, который отвечает на вопросы об этом приложении. "
            "Чтобы общаться со своим сценарием Flowise, задайте `FLOWISE_URL` и `FLOWISE_FLOW_ID` "
            "(и `FLOWISE_API_KEY`, если сценарий его требует) в переменных окружения или в `.streamlit/secrets.toml`."
        ),
    },
    "page.demo_starting": {"en": "Starting the demo flow…", "ru": "Запускаю демо-сценарий…"},
    "page.not_restored": {
        "en": "The conversation in the link could not be restored ({why}), so a new one has started.",
        "ru": "Разговор из ссылки не удалось восстановить ({why}), поэтому начат новый.",
    },
    "page.link_flow_unknown": {
        "en": "The link names a flow this app does not offer, so a new conversation has started.",
        "ru": "В ссылке указан сценарий, которого в этом приложении нет, поэтому начат новый разговор.",
    },
    "page.link_not_from_here": {
        "en": (
            "The link does not lead to a conversation started in this app (it may have been mistyped or "
            "changed), so it was not opened and a new conversation has started."
        ),
        "ru": (
            "Ссылка не ведёт к разговору, начатому в этом приложении (возможно, её изменили или набрали "
            "с ошибкой), поэтому она не открыта и начат новый разговор."
        ),
    },
    "page.history_not_readable": {
        "en": "the API key may not read chat history",
        "ru": "этому API-ключу не разрешено читать историю чата",
    },
    # Sidebar
    "language": {"en": "Language", "ru": "Язык"},
    "language.auto": {"en": "Auto (browser)", "ru": "Авто (как в браузере)"},
    # The choice between several flows
    "sidebar.flow_choice": {"en": "Flow", "ru": "Сценарий"},
    "sidebar.new_chat": {"en": "New chat", "ru": "Новый чат"},
    "sidebar.flow_demo": {"en": "Flow: built-in demo", "ru": "Сценарий: встроенная демонстрация"},
    "sidebar.flow": {"en": "Flow: {name}", "ru": "Сценарий: {name}"},
    "sidebar.conversation": {"en": "Conversation: {chat_id}", "ru": "Разговор: {chat_id}"},
    "sidebar.log_out": {"en": "Log out", "ru": "Выйти"},
    "sidebar.not_reached": {"en": "**Flowise not reached.** {problem}", "ru": "**Flowise недоступен.** {problem}"},
    "sidebar.reached": {"en": "Flowise reached", "ru": "Flowise доступен"},
    "sidebar.flow_name": {"en": "Flow name: {name}", "ru": "Название сценария: {name}"},
    "sidebar.streams": {"en": "Answers stream as they are written", "ru": "Ответы появляются по мере написания"},
    "sidebar.one_piece": {"en": "Answers arrive in one piece", "ru": "Ответы приходят целиком"},
    "sidebar.download_markdown": {"en": "Download as Markdown", "ru": "Скачать в Markdown"},
    "sidebar.download_json": {"en": "Download as JSON", "ru": "Скачать в JSON"},
    # Who may use the chat: the login and the shared password
    "access.no_auth_packages": {
        "en": (
            "This app is set up to require a login (`[auth]` in its secrets), but the packages Streamlit's "
            'login needs are not installed ({missing}). Run `pip install "streamlit[auth]=={version}"` (on '
            "Streamlit Community Cloud, write `streamlit[auth]=={version}` instead of `streamlit=={version}` in "
            "`requirements.txt`), then reload the page."
        ),
        "ru": (
            "Приложение настроено на вход с учётной записью (`[auth]` в его секретах), но пакеты, нужные "
            'для входа в Streamlit, не установлены ({missing}). Выполните `pip install "streamlit[auth]=={version}"` '
            "(в Streamlit Community Cloud напишите в `requirements.txt` `streamlit[auth]=={version}` вместо "
            "`streamlit=={version}`) и перезагрузите страницу."
        ),
    },
    "access.log_in_prompt": {"en": "Log in to use this chat.", "ru": "Войдите, чтобы пользоваться этим чатом."},
    "access.log_in": {"en": "Log in", "ru": "Войти"},
    "access.email_not_allowed": {
        "en": (
            "You are logged in as {email}, and this address may not use this chat. "
            "Log out, then log in with an account that may."
        ),
        "ru": (
            "Вы вошли как {email}, а этому адресу не разрешено пользоваться этим чатом. "
            "Выйдите и войдите с учётной записью, которой это разрешено."
        ),
    },
    "access.email_unverified": {
        "en": (
            "You are logged in as {email}, but your login provider has not confirmed that this address is yours, "
            "so this chat cannot let you in. Confirm the address with your provider, or log out and use another "
            "account."
        ),
        "ru": (
            "Вы вошли как {email}, но ваш провайдер входа не подтвердил, что этот адрес принадлежит вам, "
            "поэтому чат не может вас впустить. Подтвердите адрес у провайдера или выйдите и войдите с другой "
            "учётной записью."
        ),
    },
    "access.no_email": {
        "en": (
            "Your login provider did not tell this app your email address, so it cannot check that you may use "
            "this chat. Log out, then log in with an account that has one."
        ),
        "ru": (
            "Провайдер входа не сообщил приложению ваш адрес электронной почты, поэтому нельзя проверить, "
            "разрешено ли вам пользоваться этим чатом. Выйдите и войдите с учётной записью, у которой он есть."
        ),
    },
    "access.password": {"en": "Password", "ru": "Пароль"},
    "access.password_placeholder": {"en": "The password you were given", "ru": "Пароль, который вам сообщили"},
    "access.enter": {"en": "Enter", "ru": "Войти"},
    "access.wrong_password": {
        "en": "Wrong password. {left} tries left.",
        "ru": "Неверный пароль. Осталось попыток: {left}.",
    },
    "access.wrong_password_last": {
        "en": "Wrong password. 1 try left.",
        "ru": "Неверный пароль. Осталась последняя попытка.",
    },
    "access.locked": {
        "en": (
            "Too many wrong passwords ({max_attempts}): this session is locked and checks no more passwords. "
            "Reload the page later to try again."
        ),
        "ru": (
            "Слишком много неверных паролей ({max_attempts}): этот сеанс заблокирован и больше не проверяет "
            "пароли. Перезагрузите страницу позже, чтобы попробовать снова."
        ),
    },
    "access.cooling_down": {
        "en": (
            "Too many wrong passwords came from your network address in the last {window} minutes "
            "({max_attempts}), so no password from there is checked for now, in any window or tab. "
            "Try again in {minutes} minutes."
        ),
        "ru": (
            "С вашего сетевого адреса за последние {window} мин пришло слишком много неверных паролей "
            "({max_attempts}), поэтому пароли оттуда пока не проверяются ни в одном окне или вкладке. "
            "Попробуйте снова через {minutes} мин."
        ),
    },
    "access.cooling_down_one_minute": {
        "en": (
            "Too many wrong passwords came from your network address in the last {window} minutes "
            "({max_attempts}), so no password from there is checked for now, in any window or tab. "
            "Try again in a minute."
        ),
        "ru": (
            "С вашего сетевого адреса за последние {window} мин пришло слишком много неверных паролей "
            "({max_attempts}), поэтому пароли оттуда пока не проверяются ни в одном окне или вкладке. "
            "Попробуйте снова через минуту."
        ),
    },
    # The question box, and a question the limits kept from being sent
    "question.placeholder": {"en": "Ask the flow a question", "ru": "Задайте вопрос сценарию"},
    "question.given_back": {
        "en": "Your question is back in the box below, and here to copy:",
        "ru": "Ваш вопрос возвращён в поле ниже, а здесь его можно скопировать:",
    },
    "limits.too_long": {
        "en": (
            "Your question is {length} characters long; this chat accepts at most {max_chars}. "
            "It was not sent. Shorten it and send it again."
        ),
        "ru": (
            "Ваш вопрос слишком длинный (символов: {length}), а этот чат принимает не больше {max_chars}. "
            "Он не отправлен: сократите его и отправьте снова."
        ),
    },
    "limits.too_many": {
        "en": (
            "You have sent as many questions in the last minute as this chat accepts ({per_minute}). "
            "It was not sent. Wait {seconds} seconds, then send it again."
        ),
        "ru": (
            "За последнюю минуту вы отправили столько вопросов, сколько принимает этот чат ({per_minute}). "
            "Вопрос не отправлен: подождите {seconds} с и отправьте его снова."
        ),
    },
    "limits.too_many_one_second": {
        "en": (
            "You have sent as many questions in the last minute as this chat accepts ({per_minute}). "
            "It was not sent. Wait 1 second, then send it again."
        ),
        "ru": (
            "За последнюю минуту вы отправили столько вопросов, сколько принимает этот чат ({per_minute}). "
            "Вопрос не отправлен: подождите секунду и отправьте его снова."
        ),
    },
    # Budgets of the whole app: every visitor's questions together, and the answers streaming at once
    "limits.too_many_everyone": {
        "en": (
            "This chat has had as many questions from all its visitors in the last minute as it accepts "
            "({per_minute}). Yours was not sent. Wait {seconds} seconds, then send it again."
        ),
        "ru": (
            "За последнюю минуту все посетители этого чата вместе задали столько вопросов, сколько он "
            "принимает ({per_minute}). Ваш вопрос не отправлен: подождите {seconds} с и отправьте его снова."
        ),
    },
    "limits.too_many_everyone_one_second": {
        "en": (
            "This chat has had as many questions from all its visitors in the last minute as it accepts "
            "({per_minute}). Yours was not sent. Wait 1 second, then send it again."
        ),
        "ru": (
            "За последнюю минуту все посетители этого чата вместе задали столько вопросов, сколько он "
            "принимает ({per_minute}). Ваш вопрос не отправлен: подождите секунду и отправьте его снова."
        ),
    },
    "limits.busy": {
        "en": (
            "This chat is answering as many questions as it can at once ({answers}). Yours was not sent. "
            "Send it again in a moment, when one of those answers is done."
        ),
        "ru": (
            "Этот чат сейчас отвечает на столько вопросов сразу, сколько может ({answers}). Ваш вопрос не "
            "отправлен: отправьте его снова чуть позже, когда один из этих ответов будет готов."
        ),
    },
    # Files with a question: how many, and how much text Flowise extracted from them
    "limits.too_many_files": {
        "en": (
            "Your question has {count} files attached ({names}); this chat accepts at most {max_files} "
            "with one question. Nothing was sent. Attach fewer files and send it again."
        ),
        "ru": (
            "К вопросу прикреплено файлов: {count} ({names}), а этот чат принимает не больше {max_files} "
            "с одним вопросом. Ничего не отправлено: прикрепите меньше файлов и отправьте вопрос снова."
        ),
    },
    "limits.attached_too_long": {
        "en": (
            "Your question with the text of its files ({names}) is {length} characters long; this chat "
            "accepts at most {max_chars}. It was not sent. Send it with shorter or fewer files."
        ),
        "ru": (
            "Ваш вопрос вместе с текстом файлов ({names}) слишком длинный (символов: {length}), а этот чат "
            "принимает не больше {max_chars}. Он не отправлен: прикрепите файлы покороче или поменьше."
        ),
    },
    # The same, for a question sent with files, which the box cannot be given back
    "limits.attach_again": {
        "en": "{why} Your files ({names}) were not kept: attach them again when you send it.",
        "ru": "{why} Ваши файлы ({names}) не сохранились: прикрепите их снова, когда будете отправлять вопрос.",
    },
    # An answer and what comes with it
    "answer.thinking": {"en": "Thinking…", "ru": "Думаю…"},
    # A reasoning model's thoughts above its answer
    "thinking.live": {"en": "Thinking…", "ru": "Размышляет…"},
    "thinking.done": {"en": "Thoughts", "ru": "Размышления"},
    "thinking.done_in": {"en": "Thought for {seconds} s", "ru": "Размышления: {seconds} с"},
    "answer.stop": {"en": "Stop generating", "ru": "Остановить ответ"},
    "answer.stopped": {"en": "You stopped this answer.", "ru": "Вы остановили этот ответ."},
    "answer.interrupted": {
        "en": "This answer was interrupted before it was complete.",
        "ru": "Этот ответ прервался, не дойдя до конца.",
    },
    "answer.no_text": {
        "en": "The flow sent no text for this question.",
        "ru": "Сценарий не прислал текста на этот вопрос.",
    },
    "answer.retry": {"en": "Retry", "ru": "Повторить"},
    "answer.app_failed": {
        "en": "Something went wrong in this app while reading the answer. Please try again.",
        "ru": "При чтении ответа в приложении что-то пошло не так. Попробуйте ещё раз.",
    },
    "answer.tokens_in_out": {
        "en": "{input} tokens in, {output} out",
        "ru": "токенов: {input} на входе, {output} на выходе",
    },
    "answer.tokens": {"en": "{total} tokens", "ru": "токенов: {total}"},
    "sources.title": {"en": "Sources ({count})", "ru": "Источники ({count})"},
    "sources.document": {"en": "Document {number}", "ru": "Документ {number}"},
    "sources.page": {"en": "page {page}", "ru": "стр. {page}"},
    "sources.line": {"en": "line {line}", "ru": "строка {line}"},
    "sources.lines": {"en": "lines {first}–{last}", "ru": "строки {first}–{last}"},
    "tools.title": {"en": "Tools used ({count})", "ru": "Использованные инструменты ({count})"},
    "tools.input": {"en": "Input", "ru": "Входные данные"},
    "tools.output": {"en": "Output", "ru": "Результат"},
    "long_text.show_all": {"en": "Show all {count} characters", "ru": "Показать весь текст (символов: {count})"},
    "feedback.comment": {"en": "Anything to add? (optional)", "ru": "Хотите что-то добавить? (необязательно)"},
    "feedback.comment_placeholder": {
        "en": "What was good or wrong about this answer",
        "ru": "Что в этом ответе было хорошо, а что не так",
    },
    "feedback.not_sent": {"en": "Your feedback was not sent: {why}", "ru": "Ваш отзыв не отправлен: {why}"},
    # The conversation as a file to download (headings and labels; the JSON's keys stay English)
    "export.title": {"en": "Conversation with {flow}", "ru": "Разговор: {flow}"},
    "export.demo_flow": {"en": "the built-in demo flow", "ru": "встроенный демо-сценарий"},
    "export.flow": {"en": "a Flowise flow", "ru": "сценарий Flowise"},
    "export.chat_id": {"en": "Conversation id: {chat_id}", "ru": "Идентификатор разговора: {chat_id}"},
    "export.question": {"en": "{number}. Question ({asked_at})", "ru": "{number}. Вопрос ({asked_at})"},
    "export.answer": {"en": "Answer", "ru": "Ответ"},
    "export.sent_with": {"en": "Sent with:", "ru": "Отправлено вместе с:"},
    "export.no_text": {"en": "*(no text)*", "ru": "*(нет текста)*"},
    "export.error": {"en": "**Error:** {error}", "ru": "**Ошибка:** {error}"},
    "export.stopped": {"en": "*Stopped before it was complete.*", "ru": "*Остановлен, не дойдя до конца.*"},
    "export.interrupted": {
        "en": "*This answer was interrupted before it was complete.*",
        "ru": "*Этот ответ прервался, не дойдя до конца.*",
    },
    # Unusable settings (chat/settings.py), shown instead of the chat
    "settings.bad_url": {
        "en": (
            "{name} must be the address of your Flowise server, starting with http:// or https:// "
            "(for example https://flowise.example.com)."
        ),
        "ru": (
            "{name} должен быть адресом вашего сервера Flowise и начинаться с http:// или https:// "
            "(например, https://flowise.example.com)."
        ),
    },
    "settings.no_flow_id": {
        "en": (
            "FLOWISE_URL is set but FLOWISE_FLOW_ID is not. Set it to the id of the chatflow or agentflow "
            "to talk to (the last part of the flow's URL in Flowise), or list several flows as [[flows]]."
        ),
        "ru": (
            "FLOWISE_URL задан, а FLOWISE_FLOW_ID — нет. Укажите в нём id чатфлоу или агентфлоу, с которым "
            "нужно общаться (последняя часть адреса сценария в Flowise), или перечислите несколько "
            "сценариев в [[flows]]."
        ),
    },
    "settings.flows_not_a_list": {
        "en": (
            "{name} must be a list of flows: in secrets.toml one [[flows]] table per flow (with double brackets), "
            'or in the environment a JSON array such as [{{"name": "Sales", "id": "<flow id>"}}].'
        ),
        "ru": (
            "{name} должен быть списком сценариев: в secrets.toml — по таблице [[flows]] на сценарий (с двойными "
            'скобками), в переменных окружения — JSON-массивом вида [{{"name": "Sales", "id": "<id сценария>"}}].'
        ),
    },
    # Which entry of the list of flows a problem is in, and the entry's url
    "settings.flow_entry": {"en": "{list} entry {number}", "ru": "{list}, запись {number}"},
    "settings.flow_entry_named": {"en": "{list} entry {number} ({name})", "ru": "{list}, запись {number} ({name})"},
    "settings.flow_url": {"en": "{entry}: url", "ru": "{entry}: url"},
    "settings.flow_not_a_table": {
        "en": "{entry} must be a table with name = ... and id = ... (in the environment, a JSON object).",
        "ru": "{entry} должна быть таблицей с name = ... и id = ... (в переменных окружения — JSON-объектом).",
    },
    "settings.flow_unknown_key": {
        "en": (
            "{entry} has an unknown key {key}; a flow's keys are name, id, description, url, api_key "
            "and override_config."
        ),
        "ru": (
            "{entry}: неизвестный ключ {key}; у сценария бывают ключи name, id, description, url, api_key "
            "и override_config."
        ),
    },
    "settings.flow_key_twice": {
        "en": "{entry} gives {key} twice: keep one of {key} and its other spelling.",
        "ru": "{entry}: {key} указан дважды — оставьте либо {key}, либо другое его написание.",
    },
    "settings.flow_no_name": {
        "en": """{entry}: name is missing. Add name = "...", the name shown in the sidebar's list of flows.""",
        "ru": '{entry}: нет name. Добавьте name = "..." — название в списке сценариев на боковой панели.',
    },
    "settings.flow_no_id": {
        "en": """{entry}: id is missing. Add id = "<flow id>", the last part of the flow's URL in Flowise.""",
        "ru": '{entry}: нет id. Добавьте id = "<id сценария>" — последнюю часть адреса сценария в Flowise.',
    },
    "settings.flow_no_url": {
        "en": (
            "{entry} has no url and FLOWISE_URL is not set: set FLOWISE_URL to your Flowise server's address, "
            'or add url = "https://..." to this flow.'
        ),
        "ru": (
            "{entry}: нет url, и FLOWISE_URL не задан. Укажите в FLOWISE_URL адрес вашего сервера Flowise "
            'или добавьте этому сценарию url = "https://...".'
        ),
    },
    "settings.flow_bad_override_config": {
        "en": (
            "{entry}: override_config must be a table, such as override_config = {{ temperature = 0.2 }} "
            "(in the environment, a JSON object)."
        ),
        "ru": (
            "{entry}: override_config должен быть таблицей, например override_config = {{ temperature = 0.2 }} "
            "(в переменных окружения — JSON-объектом)."
        ),
    },
    "settings.flow_not_text": {
        "en": '{entry}: {key} must be text in quotes, such as {key} = "...".',
        "ru": '{entry}: {key} должен быть текстом в кавычках, например {key} = "...".',
    },
    "settings.flows_same_id": {
        "en": "{list} entries {first} and {second} have the same id {id}: list each flow once.",
        "ru": "У записей {first} и {second} в {list} одинаковый id {id}: укажите каждый сценарий один раз.",
    },
    "settings.bad_override_config": {
        "en": (
            "{name} must be a table in secrets.toml ([{name}] with lines such as temperature = 0.2) "
            'or, in the environment, a JSON object such as {{"temperature": 0.2}}.'
        ),
        "ru": (
            "{name} должен быть таблицей в secrets.toml ([{name}] со строками вида temperature = 0.2) "
            'или, в переменных окружения, JSON-объектом вида {{"temperature": 0.2}}.'
        ),
    },
    "settings.not_seconds": {
        "en": "{name} must be a number of seconds, not {value}.",
        "ru": "{name} должен быть числом секунд, а не {value}.",
    },
    "settings.not_whole_number": {
        "en": "{name} must be a whole number, not {value}.",
        "ru": "{name} должен быть целым числом, а не {value}.",
    },
    "settings.at_least_seconds": {
        "en": "{name} must be at least {minimum} seconds.",
        "ru": "{name} должен быть не меньше {minimum} с.",
    },
    "settings.at_least": {"en": "{name} must be at least {minimum}.", "ru": "{name} должен быть не меньше {minimum}."},
    "settings.not_negative": {"en": "{name} cannot be negative.", "ru": "{name} не может быть отрицательным."},
    "settings.setting_inside_table": {
        "en": (
            "{name} is written inside the table `{table}` of secrets.toml, where it is not read as a setting "
            "(and a table's keys may be sent to Flowise). Move the line with {name} above the first [table] "
            "line of secrets.toml: every line below a [table] line belongs to that table."
        ),
        "ru": (
            "{name} записан внутри таблицы `{table}` в secrets.toml, где он не читается как настройка "
            "(а ключи таблицы могут уйти во Flowise). Перенесите строку с {name} выше первой строки [таблицы] "
            "в secrets.toml: все строки ниже строки [таблицы] относятся к этой таблице."
        ),
    },
    "settings.not_a_list": {
        "en": "{name} must be a comma-separated text, or in secrets.toml a list of texts.",
        "ru": "{name} должен быть текстом через запятую или, в secrets.toml, списком строк.",
    },
    "settings.bad_email": {
        "en": "{name} lists {value}, which is not an email address.",
        "ru": "В {name} указано {value}, а это не адрес электронной почты.",
    },
    "settings.bad_email_domain": {
        "en": "{name} lists {value}, which is not a domain such as example.com.",
        "ru": "В {name} указано {value}, а это не домен вида example.com.",
    },
    "settings.bad_network": {
        "en": "{name} lists {value}, which is not an IP address or network such as 10.0.0.5 or 10.0.0.0/24.",
        "ru": "В {name} указано {value}, а это не IP-адрес и не сеть вида 10.0.0.5 или 10.0.0.0/24.",
    },
    "settings.bad_image_host": {
        "en": (
            "{name} lists {value}, which is not a host name: list names such as images.example.com, "
            "without https://, a port or a path."
        ),
        "ru": (
            "В {name} указано {value}, а это не имя хоста: укажите имена вида images.example.com, "
            "без https://, порта и пути."
        ),
    },
    "settings.bad_secrets": {
        "en": "`.streamlit/secrets.toml` could not be read: check that it is valid TOML.",
        "ru": "Не удалось прочитать `.streamlit/secrets.toml`: проверьте, что это корректный TOML.",
    },
    # The Flowise client's errors, by their code, shown in the chat; the English is the client's own
    # (flowise_client.errors.MESSAGES and REASONS), filled in below the catalogue
    "flowise.unknown": {"en": "{message}", "ru": "{message}"},
    # What the errors above say in place of the server's address, which the page never shows
    "flowise.configured_address": {"en": "the configured address", "ru": "из настроек"},
    "flowise.tls_failed": {
        "ru": (
            "Не удалось установить защищённое соединение с сервером по адресу {url} ({reason}). Проверьте, "
            "что в FLOWISE_URL указана верная схема (http или https) и что сертификат сервера действителен."
        ),
    },
    "flowise.connect_timeout": {
        "ru": (
            "Flowise по адресу {url} не принял соединение за {seconds} с. Возможно, он перегружен или id "
            "сценария указан неверно: попробуйте ещё раз и проверьте FLOWISE_URL и FLOWISE_FLOW_ID."
        ),
    },
    "flowise.first_byte_timeout": {
        "ru": (
            "Flowise по адресу {url} не начал отвечать за {seconds} с. Возможно, он перегружен или id "
            "сценария указан неверно: попробуйте ещё раз и проверьте FLOWISE_URL и FLOWISE_FLOW_ID."
        ),
    },
    "flowise.unreachable": {
        "ru": (
            "Не удаётся связаться с Flowise по адресу {url} ({reason}). Проверьте, что сервер запущен "
            "и FLOWISE_URL указан верно."
        ),
    },
    "flowise.not_flowise": {
        "ru": "Сервер по адресу {url} — не Flowise: /api/v1/ping не ответил «pong». Проверьте FLOWISE_URL.",
    },
    "flowise.feedback_not_stored": {
        "ru": "Flowise по адресу {url} не сообщил, какой отзыв он сохранил.",
    },
    "flowise.answer_too_long": {
        "ru": (
            "Ответ оказался длиннее допустимого (символов: {limit}), поэтому приложение перестало его читать. "
            "То, что пришло, показано выше; чтобы разрешить более длинные ответы, увеличьте "
            "FLOWISE_MAX_ANSWER_CHARS."
        ),
    },
    "flowise.thoughts_too_long": {
        "ru": (
            "Размышления сценария оказались длиннее допустимого (символов: {limit}), поэтому приложение "
            "перестало читать ответ. То, что пришло, показано выше; чтобы разрешить более длинные "
            "размышления, увеличьте FLOWISE_MAX_ANSWER_CHARS."
        ),
    },
    "flowise.too_many_artifacts": {
        "ru": (
            "Сценарий прислал с этим ответом слишком много артефактов (больше {limit}), поэтому приложение "
            "перестало его читать. То, что пришло, показано выше."
        ),
    },
    "flowise.artifacts_too_large": {
        "ru": (
            "Артефакты этого ответа заняли больше {megabytes} МБ, поэтому приложение перестало его читать. "
            "То, что пришло, показано выше."
        ),
    },
    "flowise.too_many_sources": {
        "ru": (
            "Сценарий прислал с этим ответом слишком много документов-источников (больше {limit}), поэтому "
            "приложение перестало его читать. То, что пришло, показано выше."
        ),
    },
    "flowise.too_many_events": {
        "ru": (
            "Сценарий прислал с этим ответом слишком много шагов и других событий (больше {limit}), поэтому "
            "приложение перестало его читать. То, что пришло, показано выше."
        ),
    },
    "flowise.stream_too_large": {
        "ru": (
            "Поток этого ответа занял больше {megabytes} МБ, поэтому приложение перестало его читать. "
            "То, что пришло, показано выше."
        ),
    },
    "flowise.wrong_content_type": {
        "ru": (
            "Сервер по адресу {url} прислал {content_type} вместо ответа Flowise. Проверьте, что FLOWISE_URL "
            "указывает на сам Flowise, а не на страницу входа или страницу ошибки прокси."
        ),
    },
    "flowise.unknown_content_type": {
        "ru": (
            "Сервер по адресу {url} прислал данные неизвестного типа вместо ответа Flowise. Проверьте, что "
            "FLOWISE_URL указывает на сам Flowise, а не на страницу входа или страницу ошибки прокси."
        ),
    },
    "flowise.stream_silent": {
        "ru": (
            "Flowise перестал присылать ответ: за {seconds} с ничего не пришло. Попробуйте ещё раз; если это "
            "повторяется, возможно, сценарий завис."
        ),
    },
    "flowise.connection_broken": {
        "ru": (
            "Соединение с Flowise оборвалось до конца ответа. То, что пришло, сохранено; попробуйте спросить ещё раз."
        ),
    },
    "flowise.connection_closed": {
        "ru": "Flowise закрыл соединение до конца ответа. То, что пришло, сохранено; попробуйте спросить ещё раз.",
    },
    "flowise.read_broken": {
        "ru": "Соединение с Flowise оборвалось, пока читался ответ. Попробуйте спросить ещё раз.",
    },
    "flowise.flow_failed": {
        "ru": "Сценарий завершился с ошибкой во время ответа: {message}",
    },
    "flowise.key_rejected": {
        "ru": (
            "Flowise отклонил API-ключ. Проверьте FLOWISE_API_KEY: это должен быть ключ, который принимает "
            "этот сценарий."
        ),
    },
    "flowise.key_needed": {
        "ru": "Этому сценарию нужен API-ключ. Укажите в FLOWISE_API_KEY один из API-ключей Flowise для этого сценария.",
    },
    "flowise.flow_not_found": {
        "ru": "Flowise не знает такого сценария ({message}). Проверьте FLOWISE_FLOW_ID.",
    },
    "flowise.api_not_found": {
        "ru": "По адресу {url} не найден API Flowise. Проверьте FLOWISE_URL: это базовый адрес сервера, без /api/v1.",
    },
    "flowise.rate_limited": {
        "ru": "Flowise ограничивает число вопросов к этому сценарию. Подождите минуту и попробуйте снова.",
    },
    "flowise.request_failed": {
        "ru": "Flowise ответил ошибкой (HTTP {status}): {message}",
    },
    "flowise.request_failed_bare": {
        "ru": "Flowise ответил ошибкой (HTTP {status}).",
    },
    "flowise.server_failed": {
        "ru": "Flowise ответил ошибкой (HTTP {status}): {message} Попробуйте ещё раз чуть позже.",
    },
    "flowise.server_failed_bare": {
        "ru": "Flowise ответил ошибкой (HTTP {status}). Попробуйте ещё раз чуть позже.",
    },
    "flowise.not_json": {
        "ru": (
            "Сервер по адресу {url} прислал ответ, который не является корректным JSON. Проверьте, что "
            "FLOWISE_URL указывает на сам Flowise."
        ),
    },
    "flowise.event_too_large": {
        "ru": (
            "Сервер прислал событие больше {megabytes} МБ — больше, чем нужно любому ответу Flowise, — поэтому "
            "приложение перестало читать. То, что пришло, сохранено; проверьте, что FLOWISE_URL указывает на "
            "сам Flowise."
        ),
    },
    "flowise.file_too_large": {
        "ru": "Файл {name} больше {megabytes} МБ — больше, чем это приложение показывает или скачивает.",
    },
    "flowise.file_read_broken": {
        "ru": "Соединение с Flowise оборвалось, пока читался файл {name}. Попробуйте ещё раз.",
    },
    "flowise.answer_too_large": {
        "ru": (
            "Сервер прислал ответ больше {megabytes} МБ — больше, чем когда-либо присылает Flowise, — поэтому "
            "приложение перестало его читать. Проверьте, что FLOWISE_URL указывает на сам Flowise."
        ),
    },
    # Why a connection failed: the reason in the errors above (flowise_client.errors.REASONS)
    "flowise.reason.connection_refused": {"ru": "соединение отклонено"},
    "flowise.reason.unknown_host": {"ru": "имя хоста не найдено"},
    "flowise.reason.untrusted_certificate": {
        "ru": "его сертификат не является доверенным",
    },
    "flowise.reason.tls_handshake": {"ru": "не удалось согласовать TLS"},
    "flowise.reason.connection_reset": {"ru": "соединение сброшено"},
    "flowise.reason.invalid_url": {"ru": "адрес некорректен"},
    "flowise.reason.network_error": {"ru": "ошибка сети"},
    # Files attached in the question box: why they were not sent (a warning above the box)
    "upload.not_accepted": {
        "en": "{name} is not a kind of file this flow accepts, so nothing was sent. It accepts: {accepted}. "
        "Your text is back in the box; attach files of those kinds and send again.",
        "ru": "Этот сценарий не принимает такие файлы, как {name}, поэтому ничего не отправлено. Он принимает: "
        "{accepted}. Ваш текст снова в поле ввода; прикрепите файлы этих видов и отправьте ещё раз.",
    },
    "upload.not_accepted_any": {
        "en": "This flow accepts no files right now, so {name} and your question were not sent. "
        "Your text is back in the box; send it without the file.",
        "ru": "Сейчас этот сценарий не принимает файлы, поэтому {name} и ваш вопрос не отправлены. "
        "Ваш текст снова в поле ввода; отправьте его без файла.",
    },
    "upload.too_large": {
        "en": "{name} is {size} MB; this flow accepts files of this kind up to {limit} MB, so nothing was sent. "
        "Your text is back in the box; attach a smaller file and send again.",
        "ru": "Размер {name} — {size} МБ, а этот сценарий принимает такие файлы не больше {limit} МБ, поэтому "
        "ничего не отправлено. Ваш текст снова в поле ввода; прикрепите файл поменьше и отправьте ещё раз.",
    },
    "upload.needs_question": {
        "en": "Add a question to go with {name}: the flow needs to know what to do with the file. "
        "Nothing was sent; attach it again with your question.",
        "ru": "Добавьте вопрос к файлу {name}: сценарию нужно знать, что с ним делать. "
        "Ничего не отправлено; прикрепите файл снова вместе с вопросом.",
    },
    "upload.accepts_images": {"en": "{types} images up to {limit} MB", "ru": "изображения {types} до {limit} МБ"},
    "upload.accepts_files": {"en": "{types} files", "ru": "файлы {types}"},
    "upload.accepts_files_up_to": {"en": "{types} files up to {limit} MB", "ru": "файлы {types} до {limit} МБ"},
    "upload.accepts_any_files_up_to": {
        "en": "files of any type up to {limit} MB",
        "ru": "файлы любых типов до {limit} МБ",
    },
    "upload.accepts_both": {"en": "{first}; {then}", "ru": "{first}; {then}"},
    # An attached image in its question's bubble, in place of its thumbnail
    "upload.image_too_large": {
        "en": "{name} is not shown here: it has more than {limit} million pixels.",
        "ru": "Изображение {name} здесь не показано: в нём больше {limit} млн пикселей.",
    },
    # Files that Flowise did not take (an error under the question)
    "upload.failed": {
        "en": "The files ({names}) could not be handed to Flowise, so the question was not asked: {reason}",
        "ru": "Не удалось передать файлы ({names}) во Flowise, поэтому вопрос не задан: {reason}",
    },
    "upload.no_text": {
        "en": "Flowise did not return the text of {name}, so the question was not asked. Try again, or send "
        "a different file.",
        "ru": "Flowise не вернул текст файла {name}, поэтому вопрос не задан. Попробуйте ещё раз или "
        "отправьте другой файл.",
    },
    # Voice: the recorder beside the question box, and a spoken question's bubble
    "voice.record": {"en": "Ask by voice", "ru": "Спросить голосом"},
    "voice.message": {"en": "Voice message", "ru": "Голосовое сообщение"},
    "voice.transcribing": {
        "en": "Voice message: the flow is listening…",
        "ru": "Голосовое сообщение: сценарий слушает…",
    },
    "voice.unreadable": {
        "en": "The recording could not be read, so nothing was sent. Record your question again.",
        "ru": "Запись не удалось прочитать, поэтому ничего не отправлено. Запишите вопрос ещё раз.",
    },
    # Recordings the app does not take: checked from the WAV header before anything is decoded
    "voice.empty": {
        "en": "The recording is empty, so nothing was sent. Record your question again.",
        "ru": "Запись пустая, поэтому ничего не отправлено. Запишите вопрос ещё раз.",
    },
    "voice.not_wav": {
        "en": "This is not a recording from the recorder (only WAV recordings are taken), so nothing was "
        "sent. Record your question with the microphone button.",
        "ru": "Это не запись с диктофона (принимаются только записи WAV), поэтому ничего не отправлено. "
        "Запишите вопрос кнопкой с микрофоном.",
    },
    "voice.channels": {
        "en": "The recording has {channels} channels and at most {max_channels} are taken, so nothing was "
        "sent. Record your question with the microphone button.",
        "ru": "В записи каналов: {channels}, а принимается не больше {max_channels}, поэтому ничего не "
        "отправлено. Запишите вопрос кнопкой с микрофоном.",
    },
    "voice.rate": {
        "en": "The recording's sample rate is {rate} Hz and at most {max_rate} Hz is taken, so nothing was "
        "sent. Record your question with the microphone button.",
        "ru": "Частота дискретизации записи {rate} Гц, а принимается не выше {max_rate} Гц, поэтому ничего "
        "не отправлено. Запишите вопрос кнопкой с микрофоном.",
    },
    "voice.encoding": {
        "en": "The recording's samples are stored in a way the app does not read, so nothing was sent. "
        "Record your question with the microphone button.",
        "ru": "Отсчёты в записи хранятся в формате, который приложение не читает, поэтому ничего не "
        "отправлено. Запишите вопрос кнопкой с микрофоном.",
    },
    "voice.too_long": {
        "en": "The recording is {seconds} seconds long and at most {max_seconds} seconds are taken, so "
        "nothing was sent. Ask a shorter question, or type it.",
        "ru": "Запись длится {seconds} с, а принимается не больше {max_seconds} с, поэтому ничего не "
        "отправлено. Задайте вопрос короче или напишите его.",
    },
    "voice.unusable": {
        "en": "The recording could not be used, so nothing was sent. Record your question again, or type it.",
        "ru": "Запись не удалось использовать, поэтому ничего не отправлено. Запишите вопрос ещё раз или напишите его.",
    },
    "voice.busy": {
        "en": "Too many recordings are being prepared right now, so nothing was sent. Record your question "
        "again in a moment, or type it.",
        "ru": "Сейчас готовится слишком много записей, поэтому ничего не отправлено. Запишите вопрос ещё "
        "раз чуть позже или напишите его.",
    },
    # What an answer came with: artifacts and files to download
    "artifact.html_title": {"en": "HTML from the flow", "ru": "HTML от сценария"},
    "artifact.image_missing": {
        "en": "The image {name} that came with this answer could not be shown.",
        "ru": "Не удалось показать изображение {name}, пришедшее с этим ответом.",
    },
    "artifact.image_too_large": {
        "en": "The image {name} that came with this answer is not shown: it has more than {limit} million pixels.",
        "ru": "Изображение {name}, пришедшее с этим ответом, не показано: в нём больше {limit} млн пикселей.",
    },
    # A link in place of an image on another site: loading it would tell that site who reads the answer.
    "artifact.remote_image": {"en": "Image at {host}", "ru": "Изображение на {host}"},
    "artifact.download": {"en": "Download {name}", "ru": "Скачать {name}"},
    "artifact.save": {"en": "Save {name}", "ru": "Сохранить {name}"},
    "artifact.download_failed": {
        "en": "{name} could not be downloaded: {reason}",
        "ru": "Не удалось скачать {name}: {reason}",
    },
    # The flow's steps above an answer (components/agent_steps.py)
    "steps.working": {"en": "The flow is working…", "ru": "Сценарий работает…"},
    "steps.running": {"en": "Working: {step}…", "ru": "Выполняется: {step}…"},
    "steps.calling": {"en": "Calling {tools}…", "ru": "Вызов инструмента: {tools}…"},
    "steps.done": {"en": "Steps: {count}", "ru": "Шаги: {count}"},
    "steps.failed": {"en": "Failed at {step}", "ru": "Ошибка на шаге «{step}»"},
    "steps.failed_run": {"en": "The flow failed", "ru": "Сценарий завершился с ошибкой"},
    # An agent the flow left unnamed, numbered in the order the flow ran them
    "steps.agent": {"en": "Agent {number}", "ru": "Агент {number}"},
    "steps.waiting": {"en": "Paused at {step} for your decision", "ru": "Пауза на шаге «{step}»: нужно ваше решение"},
    "steps.cancelled": {"en": "Stopped (steps: {count})", "ru": "Остановлено (шагов: {count})"},
    "steps.state.done": {"en": "done", "ru": "выполнен"},
    "steps.state.running": {"en": "running", "ru": "выполняется"},
    "steps.state.waiting": {"en": "waiting for your decision", "ru": "ждёт вашего решения"},
    "steps.state.failed": {"en": "failed", "ru": "ошибка"},
    "steps.state.cancelled": {"en": "stopped", "ru": "остановлен"},
    "steps.state.interrupted": {"en": "interrupted", "ru": "прерван"},
    "steps.tools": {"en": "Tools: {tools}", "ru": "Инструменты: {tools}"},
    "steps.sources": {"en": "Sources: {sources}", "ru": "Источники: {sources}"},
    "steps.calling_tool": {"en": "Calling {tool}…", "ru": "Вызывается {tool}…"},
    # A flow waiting for the person's approval, under its answer (components/human_input.py)
    "action.waiting": {"en": "The flow is waiting for your decision.", "ru": "Сценарий ждёт вашего решения."},
    "action.approve": {"en": "Proceed", "ru": "Продолжить"},
    "action.reject": {"en": "Reject", "ru": "Отклонить"},
    "action.comment": {"en": "Comment (optional)", "ru": "Комментарий (необязательно)"},
    "action.comment_placeholder": {
        "en": "Anything the flow should take into account",
        "ru": "Что сценарию стоит учесть",
    },
    "decision.approved": {"en": "You chose to proceed.", "ru": "Вы выбрали «Продолжить»."},
    "decision.rejected": {"en": "You rejected.", "ru": "Вы отклонили."},
    "decision.approved_comment": {"en": "You chose to proceed: {comment}", "ru": "Вы выбрали «Продолжить»: {comment}"},
    "decision.rejected_comment": {"en": "You rejected: {comment}", "ru": "Вы отклонили: {comment}"},
    "decision.answered_comment": {"en": "You answered: {comment}", "ru": "Ваш ответ: {comment}"},
}


_CLIENT_PREFIX = "flowise."
_REASON_PREFIX = "reason."
_FORMAT_SPEC = re.compile(r"\{(\w+)[^}]*\}")


class _Catalogue(Mapping[str, Mapping[str, str]]):
    """The catalogue's entries, where the client's errors read in English in the client's own words,
    kept in one place (flowise_client.errors). Those are looked up when an entry is asked for: a code a
    newer client adds is then one the catalogue does not know (see flowise_errors), not a failure to
    start."""

    def __init__(self, words: dict[str, dict[str, str]]) -> None:
        self._words = words

    def __getitem__(self, key: str) -> Mapping[str, str]:
        entry = self._words[key]
        if DEFAULT_LANGUAGE in entry or (english := _client_words(key)) is None:
            return entry
        return {DEFAULT_LANGUAGE: english, **entry}

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def _client_words(key: str) -> str | None:
    """The client's English for the error entry ``key``, without format specs (translate() writes
    numbers itself); None for an entry that is not a client's error, or whose code the client dropped."""
    if not key.startswith(_CLIENT_PREFIX):
        return None
    code = key.removeprefix(_CLIENT_PREFIX)
    words = REASONS.get(code.removeprefix(_REASON_PREFIX)) if code.startswith(_REASON_PREFIX) else MESSAGES.get(code)
    return None if words is None else _FORMAT_SPEC.sub(r"{\1}", words)


CATALOGUE: Mapping[str, Mapping[str, str]] = _Catalogue(_WORDS)


class Verbatim(str):
    """A message value a person gave, such as a file name: wherever the message is shown as Markdown,
    this value is shown exactly as written (``__init__.py`` is not bold)."""


@dataclass(frozen=True)
class Message:
    """A catalogue entry with its values, kept instead of its text, so that it reads in whichever
    language the page is drawn in (a person may switch languages after it was made). A value may be
    a Message itself."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return translate(language, self.key, **self.values)


def language_for_locale(locale: str | None) -> str:
    """The catalogue language for a browser locale such as ``ru-RU``; English for any other."""
    code = (locale or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, key: str, /, **values: object) -> str:
    """The text for ``key`` in ``language`` (English where it has none), with ``values`` filled in."""
    entry = CATALOGUE[key]
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return template.format(**{name: _written(value, language) for name, value in values.items()})


def format_number(value: int | float, language: str) -> str:
    """``value`` as ``language`` writes it: 1,234.5 in English, 1 234,5 (non-breaking space) in Russian."""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.15g}"
    return text.translate({ord(","): _THOUSANDS.get(language, ","), ord("."): _DECIMAL.get(language, ".")})


def _written(value: object, language: str) -> object:
    if isinstance(value, Message):
        return value.text(language)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, language)
    return value
