"""How the bot runs, kept apart from what it is (`bot.app`): one module per runner —
long polling, or a webhook server with a health endpoint — and `bot.__main__` choosing
by the configuration. Both run the very same application."""

from telegram import Update

# The updates some handler takes (`bot.app.register` and the features' own), for both
# runners: Telegram then sends no other, such as a Business account's client chats.
UPDATE_TYPES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER)
