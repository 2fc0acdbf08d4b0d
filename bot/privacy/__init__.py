"""Your data: `/export` sends everything stored about you, `/forget` deletes it all."""

from __future__ import annotations

import json
from datetime import timedelta

from telegram import InputFile, Update

from bot.adapter.cards import inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from bot.privacy.data import collect, forget
from bot.privacy.sheet import calls_csv

FORGET = "fg"  # `fg:<minute asked>:yes|no`
ASK_LIVES = timedelta(minutes=10)  # an older "yes" is refused: asked again, it is meant


class Privacy:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    def text(self, person: Person, key: str, **values: object) -> str:
        return self.kit.catalog.text(person.lang, f"privacy.{key}", **values)

    def table_name(self, person: Person, table: str) -> str:
        """A table in the person's words; one added later shows under its own name."""
        key = f"privacy.tables.{table}"
        catalog = self.kit.catalog
        return catalog.text(person.lang, key) if catalog.has(person.lang, key) else table

    async def export(self, update: Update, context: Context) -> None:
        """Two files: the stored rows as JSON, and the calls as a spreadsheet."""
        person = await self.kit.replies.person_of(update)
        async with self.kit.db.read() as tx:
            stored = await collect(tx, person.user_id)
        document = {
            "exported_at": self.kit.clock().isoformat(timespec="seconds"),
            "user_id": person.user_id,
            "tables": stored,
        }
        data = json.dumps(document, ensure_ascii=False, indent=2).encode()
        calls = calls_csv(self.kit.catalog, person, stored.get("calls", []))
        chat = update.effective_chat
        assert chat is not None
        await chat.send_document(
            InputFile(data, filename="coach-data.json"), caption=self.text(person, "export_json")
        )
        await chat.send_document(
            InputFile(calls, filename="coach-calls.csv"), caption=self.text(person, "export_csv")
        )

    def minute(self) -> int:
        """Now, in whole minutes since the epoch: the stamp a question's buttons carry."""
        return int(self.kit.clock().timestamp()) // 60

    def expired(self, data: ButtonData) -> bool:
        """A question asked too long ago (a stale prompt left in the chat, or a button
        without a stamp): a press on it must not wipe everything at once."""
        age = self.minute() - data.number
        return not 0 <= age <= ASK_LIVES.total_seconds() // 60

    async def ask_forget(self, update: Update, context: Context) -> None:
        person = await self.kit.replies.person_of(update)
        asked = self.minute()
        buttons = tuple(
            (
                RenderedButton(
                    self.text(person, f"buttons.{choice}"),
                    ButtonData(FORGET, asked, choice).encode(),
                ),
            )
            for choice in ("yes", "no")
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(
            self.text(person, "ask_forget"), reply_markup=inline_keyboard(buttons)
        )

    async def forget_pressed(
        self, update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await self.kit.cards.settle(query)
        assert update.effective_chat is not None
        if data.arg != "yes" or self.expired(data):
            key = "kept" if data.arg != "yes" else "forget_expired"
            await update.effective_chat.send_message(self.text(person, key))
            return
        async with self.kit.db.transaction() as tx:
            deleted = await forget(tx, person.user_id)
        await self.kit.db.checkpoint()  # no copy of the rows left in the -wal file
        await update.effective_chat.send_message(self.forgotten(person, deleted))

    def forgotten(self, person: Person, deleted: dict[str, int]) -> str:
        """What went, table by table; "deleted" only if something did (a person's own row
        is written by the very press, so it alone means nothing was stored)."""
        if not set(deleted) - {"users"}:
            return self.text(person, "nothing_stored")
        lines = [f"• {self.table_name(person, table)}: {n}" for table, n in deleted.items()]
        return "\n".join([self.text(person, "forgotten"), *lines])


def feature(kit: Kit) -> Feature:
    privacy = Privacy(kit)
    return Feature(
        name="privacy",
        commands=(Command("export", privacy.export), Command("forget", privacy.ask_forget)),
        buttons={FORGET: privacy.forget_pressed},
    )
