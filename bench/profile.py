"""Summarize py-spy profiles recorded by `bench/coach.py --profile DIR`: where the bot's CPU
goes per press.

py-spy (`--format raw --threads`, idle samples left out) writes one line per distinct stack:
frames root first, then the number of samples. This prints, per file: the share of samples
per thread (the event loop versus aiosqlite's worker), per area (the package of the
innermost Python frame: time in C is charged to the Python frame that called it), and the
top functions by self and by inclusive samples.

    bench/.venv/bin/py-spy …  (run by bench/coach.py --profile /tmp/prof)
    .venv/bin/python bench/profile.py /tmp/prof/coach-20-*.txt
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
AREAS = (  # first match wins: (substring of the file path, area)
    ("aiosqlite/", "aiosqlite + sqlite3 (C)"),
    ("sqlite3/", "aiosqlite + sqlite3 (C)"),
    ("/bot/adapter/", "bot: adapter"),
    ("/bot/content/", "bot: content (render, catalog)"),
    ("/bot/database/", "bot: database"),
    ("/bot/dialog/", "bot: dialog service"),
    ("/bot/delivery/", "bot: delivery (pacing)"),
    ("/bot/", "bot: features"),
    ("/dialogs/", "dialogs (engine)"),
    ("telegram/ext/", "PTB ext (dispatch, handlers)"),
    ("telegram/request/", "PTB request"),
    ("telegram/", "PTB objects (de/serialize)"),
    ("httpx/", "httpx/httpcore"),
    ("httpcore/", "httpx/httpcore"),
    ("aiohttp/", "aiohttp"),
    ("yarl/", "aiohttp"),
    ("multidict/", "aiohttp"),
    ("jinja2/", "jinja2"),
    ("markupsafe/", "jinja2"),
    ("babel/", "babel"),
    ("json/", "json"),
    ("asyncio/", "asyncio loop"),
    ("selectors.py", "asyncio loop"),
    ("logging/", "logging"),
    ("threading.py", "threads (queue, wait)"),
    ("queue.py", "threads (queue, wait)"),
)


def parse(line: str) -> tuple[list[tuple[str, str]], int] | None:
    stack, _, count = line.rstrip().rpartition(" ")
    if not stack or not count.isdigit():
        return None
    frames = []
    for part in stack.split(";"):
        match = FRAME.match(part)
        frames.append((match["func"], match["file"]) if match else (part, ""))
    return frames, int(count)


def area(path: str) -> str:
    path = "/" + path.lstrip("/")  # py-spy prints paths relative to sys.path entries
    for needle, name in AREAS:
        if needle in path:
            return name
    return "other"


def short(func: str, path: str) -> str:
    for root in ("site-packages/", "/bench-head/", "/before/", "/main/", "python3.11/"):
        if root in path:
            path = path.split(root, 1)[1]
            break
    return f"{func} ({path})"


def summarize(path: Path, top: int) -> None:
    threads: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    self_: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        parsed = parse(line)
        if parsed is None:
            continue
        frames, count = parsed
        total += count
        code = [(f, p) for f, p in frames if p]  # thread/process labels have no file
        worker = any("threading.py" in p for _, p in code)
        threads["aiosqlite worker thread" if worker else "event loop (main thread)"] += count
        if not code:
            continue
        func, file = code[-1]
        areas[area(file)] += count
        self_[short(func, file)] += count
        own = {short(f, p) for f, p in code if area(p).startswith(("bot", "dialogs"))}
        for name in own:
            inclusive[name] += count
    print(f"\n{path.name}: {total} samples on the CPU")
    for title, counter, limit in (
        ("by thread", threads, top),
        ("by area (innermost Python frame)", areas, top),
        ("top functions, self", self_, top),
        ("top project functions, inclusive", inclusive, top),
    ):
        print(f"  {title}:")
        for name, count in counter.most_common(limit):
            print(f"    {100 * count / total:5.1f} %  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    for path in args.files:
        summarize(path, args.top)


if __name__ == "__main__":
    main()
