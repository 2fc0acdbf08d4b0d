"""Your data: `/export` sends everything stored about you, `/forget` deletes it all."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from telegram import Chat, InputFile, Update

from bot.adapter.cards import inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from bot.privacy import export
from bot.privacy.data import forget

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
        """Two files: the stored rows as JSON, and the calls as a spreadsheet; each in
        parts when it would pass the upload limit. Built on disk off the loop, in a
        private temporary folder removed after the upload."""
        person = await self.kit.replies.person_of(update)
        head = {
            "exported_at": self.kit.clock().isoformat(timespec="seconds"),
            "user_id": person.user_id,
        }
        chat = update.effective_chat
        assert chat is not None
        with tempfile.TemporaryDirectory(prefix="coach-export-") as folder:
            data, calls = await export.build(
                self.kit.db, self.kit.catalog, person, Path(folder), head
            )
            for paths, name, caption in (
                (data, "coach-data.json", "export_json"),
                (calls, "coach-calls.csv", "export_csv"),
            ):
                await self.send_parts(chat, paths, name, self.text(person, caption))

    async def send_parts(self, chat: Chat, paths: list[Path], name: str, caption: str) -> None:
        """Each part as its own document, streamed from its file: `coach-data.json`, or
        `coach-data-1.json`, `coach-data-2.json` … with (1/2) after the caption."""
        stem, _, suffix = name.rpartition(".")
        for number, path in enumerate(paths, start=1):
            many = len(paths) > 1
            with path.open("rb") as file:
                await chat.send_document(
                    InputFile(
                        file,
                        filename=f"{stem}-{number}.{suffix}" if many else name,
                        read_file_handle=False,
                    ),
                    caption=f"{caption} ({number}/{len(paths)})" if many else caption,
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
