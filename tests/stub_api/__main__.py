"""Run the stub on its own: ``python -m tests.stub_api --port 8081``.

Prints the base URL (give PTB ``base_url=<it>/bot``) and serves until interrupted; the
``/_stub/`` control routes (see ``control.py``) let another process act as the people.
"""

import argparse
import asyncio
import contextlib

from .server import DEFAULT_TOKEN, BotApiStub


async def _serve(host: str, port: int, token: str) -> None:
    stub = BotApiStub(token, control_routes=True)
    await stub.start(host, port)
    print(stub.base_url, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await stub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Stand-in Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
