"""How the bot runs, kept apart from what it is (`bot.app`): one module per runner —
long polling, or a webhook server with a health endpoint — and `bot.__main__` choosing
by the configuration. Both run the very same application."""
