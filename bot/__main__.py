"""`python -m bot`: the Telegram bot when a token is set, the terminal coach otherwise."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from telegram import Update

from bot.config import Config, ConfigError
from bot.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--lang", choices=("ru", "kk"), help="language of the terminal coach")
    args = parser.parse_args(argv)
    try:
        config = Config.from_env()
    except ConfigError as error:
        setup_logging("INFO", None)
        logging.getLogger(__name__).error("configuration: %s", error)
        return 2
    setup_logging(config.log_level, config.token)
    if config.token is None:
        from bot.console import run_console

        logging.getLogger().setLevel(logging.WARNING)
        return asyncio.run(run_console(config, args.lang, sys.stdin, sys.stdout))
    from bot.app import build_application

    log = logging.getLogger(__name__)
    log.info("starting the Telegram bot (long polling)")
    try:
        build_application(config).run_polling(allowed_updates=Update.ALL_TYPES)
    except Exception:
        # logged through the token filter: PTB's own message for a bad token quotes it
        log.exception("the bot stopped on an error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
