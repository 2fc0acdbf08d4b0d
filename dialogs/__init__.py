"""The coach's brain: flows declared as data and a pure engine. Imports nothing from Telegram."""
