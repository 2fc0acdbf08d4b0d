"""Your data: `/export` sends everything stored about you, `/forget` deletes it all."""

from __future__ import annotations

import json

from telegram import InputFile, Update

from bot.adapter.cards import inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from bot.privacy.data import collect, forget
from bot.privacy.sheet import calls_csv

FORGET = "fg"  # `fg:0:yes|no`


def feature(kit: Kit) -> Feature:
    catalog, replies = kit.catalog, kit.replies

    def text(person: Person, key: str, **values: object) -> str:
        return catalog.text(person.lang, f"privacy.{key}", **values)

    async def export(update: Update, context: Context) -> None:
        person = await replies.person_of(update)
        async with kit.db.read() as tx:
            stored = await collect(tx, person.user_id)
        document = {
            "exported_at": kit.clock().isoformat(timespec="seconds"),
            "user_id": person.user_id,
            "tables": stored,
        }
        chat = update.effective_chat
        assert chat is not None
        await chat.send_document(
            InputFile(
                json.dumps(document, ensure_ascii=False, indent=2).encode(),
                filename="coach-data.json",
            ),
            caption=text(person, "export_json"),
        )
        await chat.send_document(
            InputFile(
                calls_csv(catalog, person, stored.get("calls", [])), filename="coach-calls.csv"
            ),
            caption=text(person, "export_csv"),
        )

    async def ask_forget(update: Update, context: Context) -> None:
        person = await replies.person_of(update)
        buttons = tuple(
            (
                RenderedButton(
                    text(person, f"buttons.{choice}"), ButtonData(FORGET, 0, choice).encode()
                ),
            )
            for choice in ("yes", "no")
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(
            text(person, "ask_forget"), reply_markup=inline_keyboard(buttons)
        )

    async def forget_pressed(
        update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await kit.cards.settle(query)
        assert update.effective_chat is not None
        if data.arg != "yes":
            await update.effective_chat.send_message(text(person, "kept"))
            return
        async with kit.db.transaction() as tx:
            deleted = await forget(tx, person.user_id)
        lines = [
            f"• {_table_name(kit, person, table)}: {count}" for table, count in deleted.items()
        ]
        await update.effective_chat.send_message("\n".join([text(person, "forgotten"), *lines]))

    return Feature(
        name="privacy",
        commands=(Command("export", export), Command("forget", ask_forget)),
        buttons={FORGET: forget_pressed},
    )


def _table_name(kit: Kit, person: Person, table: str) -> str:
    """A table in the person's words; one added later shows under its own name."""
    key = f"privacy.tables.{table}"
    return kit.catalog.text(person.lang, key) if kit.catalog.has(person.lang, key) else table
