"""The command menu, per language, from the commands the features declare."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.content.catalog import Catalog


class Menu:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.names: list[str] = []  # filled at wiring time, in the features' order

    def commands(self, lang: str) -> list[BotCommand]:
        """The features declare their commands; `[commands]` in the catalog orders the menu."""
        keys = list(self.catalog.raw[lang])
        ordered = sorted(self.names, key=lambda name: keys.index(f"ui.commands.{name}"))
        return [
            BotCommand(name, self.catalog.text(lang, f"ui.commands.{name}")) for name in ordered
        ]

    async def publish(self, bot: Bot) -> None:
        """The default menu, then one per language (`set_my_commands(language_code=…)`)."""
        await bot.set_my_commands(self.commands(self.catalog.languages[0]))
        for lang in self.catalog.languages:
            await bot.set_my_commands(self.commands(lang), language_code=lang)

    async def set_for_chat(self, bot: Bot, chat_id: int, lang: str) -> None:
        """A language chosen in the bot wins over Telegram's in that person's chat."""
        await bot.set_my_commands(self.commands(lang), scope=BotCommandScopeChat(chat_id))
