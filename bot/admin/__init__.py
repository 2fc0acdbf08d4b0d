"""`/stats` for the operators in `COACH_ADMIN_IDS`, in a private chat only. Anyone else
gets the ordinary unknown-command answer: the command's existence is not revealed."""

from __future__ import annotations

from telegram import Update

from bot.admin.figures import figures, sparkline
from bot.feature import Command, Context, Feature, Kit


def feature(kit: Kit) -> Feature:
    catalog, replies = kit.catalog, kit.replies

    async def stats(update: Update, context: Context) -> None:
        person = await replies.person_of(update)
        if person.user_id not in kit.config.admin_ids:
            await replies.reply(update, person, "unknown_command")
            return
        async with kit.db.read() as tx:
            found = await figures(tx, kit.clock(), catalog.languages[0])
        calls = found.calls
        html = catalog.text(
            person.lang,
            "admin.stats",
            people=found.people,
            active_week=found.active_week,
            blocked=found.blocked,
            languages=", ".join(f"{lang} {n}" for lang, n in found.by_language.items()),
            started=sum(calls.values()),
            finished=calls.get("done", 0),
            unfinished=calls.get("unfinished", 0) + calls.get("closed", 0),
            rude_exits=calls.get("rude_exit", 0),
            flareups=found.flareups_per_call,
            kept=found.kept,
            missed=found.missed,
            tips_today=found.tips_today,
            tips_week=found.tips_week,
            feedback="; ".join(f"{t} 👍{up} 👎{down}" for t, (up, down) in found.feedback.items())
            or "—",
            hours=", ".join(f"{hour:02}:00 UTC ({n})" for hour, n in found.busiest_hours) or "—",
            chart=sparkline(found.per_day),
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(html)

    return Feature(name="admin", commands=(Command("stats", stats, menu=False),))
