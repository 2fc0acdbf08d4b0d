"""`COACH_WEBHOOK_URL` as Telegram takes it: https on 443, 80, 88 or 8443; plain http (on
any port) only on loopback, and only with TELEGRAM_API_BASE_URL pointing at a stand-in or
a local Bot API server. Anything else stops the start with one line, before anything runs.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot.config import Config, ConfigError
from tests.conftest import REPO
from tests.harness import WEBHOOK_SECRET, BotProcess

LOCAL_API = "http://127.0.0.1:8081/bot"


def webhook_url(url: str, api_base_url: str | None = None) -> str:
    env = {"COACH_WEBHOOK_URL": url, "COACH_WEBHOOK_SECRET": WEBHOOK_SECRET}
    if api_base_url is not None:
        env["TELEGRAM_API_BASE_URL"] = api_base_url
    webhook = Config.from_env(env).webhook
    assert webhook is not None
    return webhook.url


@pytest.mark.parametrize(
    "url",
    [
        "https://coach.example.com/telegram",
        "https://coach.example.com:443/t",
        "https://coach.example.com:80/t",
        "https://coach.example.com:88/t",
        "https://coach.example.com:8443/t",
    ],
)
@pytest.mark.parametrize("api_base_url", [None, "https://api.telegram.org/bot", LOCAL_API])
def test_https_on_the_four_ports_is_taken_whatever_the_api(url, api_base_url):
    assert webhook_url(url, api_base_url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5000/telegram",
        "http://127.3.2.1/t",
        "http://localhost:5000/t",
        "http://LOCALHOST:5000/t",
        "http://[::1]:5000/t",
        "https://127.0.0.1:5000/t",
    ],
)
def test_loopback_on_any_port_is_taken_with_a_local_api(url):
    assert webhook_url(url, LOCAL_API) == url


@pytest.mark.parametrize(
    ("url", "api_base_url"),
    [
        ("http://coach.example.com/t", None),  # Telegram: "An HTTPS URL must be provided"
        ("https://coach.example.com:8080/t", None),  # "…only on ports 80, 88, 443 or 8443"
        ("https://coach.example.com:0/t", None),
        ("https://coach.example.com:99999/t", None),
        ("https://coach.example.com:x/t", None),
        ("http://127.0.0.1:5000/t", None),  # loopback, but Telegram's own API
        ("http://127.0.0.1:5000/t", "https://api.telegram.org/bot"),  # the same, spelled out
        ("http://coach.example.com/t", LOCAL_API),  # a local API, but not a loopback URL
        ("http://10.0.0.1:5000/t", LOCAL_API),
        ("https://coach.example.com:8080/t", LOCAL_API),
        ("ftp://coach.example.com/t", None),
        ("https:///t", None),
        ("coach.example.com/t", None),
    ],
)
def test_any_other_url_stops_the_start_with_one_line_naming_the_rule(url, api_base_url):
    with pytest.raises(ConfigError) as error:
        webhook_url(url, api_base_url)
    message = str(error.value)
    assert message.startswith(f"COACH_WEBHOOK_URL={url!r} is not valid: expected an https URL")
    assert "443, 80, 88 or 8443" in message and "TELEGRAM_API_BASE_URL" in message
    assert "\n" not in message


async def test_a_wrong_url_exits_2_with_one_line_on_stderr_before_anything_starts(stub, db_path):
    """Today Telegram refuses such a URL only at setWebhook, with the server already up."""
    env = {"COACH_WEBHOOK_URL": "http://coach.example.com/t", "COACH_WEBHOOK_SECRET": "s"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=REPO,
        env=BotProcess(stub, db_path, env).env,  # the stand-in as TELEGRAM_API_BASE_URL
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 2
    (line,) = err.decode().splitlines()
    assert "COACH_WEBHOOK_URL='http://coach.example.com/t' is not valid" in line
    assert out == b""
    assert stub.calls == []  # no application started: not even getMe
    assert not db_path.exists()  # no database opened
