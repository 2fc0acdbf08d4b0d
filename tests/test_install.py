"""`pip install .` as an operator (or a container build) does it: the installed package,
started from another directory, finds its catalogs and has its console script.

The wheel is built from a copy of the source tree (so the checkout gets no build/ or
egg-info), installed with `--no-deps --target` next to the test environment's own
dependencies: fast, and no resolution against PyPI beyond the build backend.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

PACKAGES = ("bot", "dialogs", "locales")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    for folder in PACKAGES:
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for file in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / file, source / file)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", work / "dist", source], check=True)
    (wheel,) = (work / "dist").glob("*.whl")
    target = work / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", target, wheel], check=True)
    return target


def run_installed(target: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """A process that sees the installed copy first, started far from the checkout."""
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        args, cwd=target.parent, env=env, input=stdin, capture_output=True, text=True, timeout=60
    )


def test_the_installed_package_finds_its_catalogs_from_another_directory(
    installed: Path, catalog
) -> None:
    probe = (
        "import bot, json; from bot.content.catalog import Catalog; c = Catalog();"
        "print(json.dumps([bot.__file__, str(c.root), {k: len(v) for k, v in c.raw.items()}]))"
    )
    result = run_installed(installed, sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    module, root, sizes = json.loads(result.stdout)
    assert module.startswith(str(installed)) and root.startswith(str(installed))
    assert sizes == {lang: len(entries) for lang, entries in catalog.raw.items()}


def test_the_console_script_starts_the_coach_from_another_directory(installed: Path) -> None:
    result = run_installed(
        installed,
        str(installed / "bin" / "client-calm-coach"),
        stdin="/quit\n",
    )
    assert result.returncode == 0, result.stderr
    assert "/call" in result.stdout  # the greeting of the terminal coach, from the catalog


def test_the_console_script_is_declared_and_only_the_three_folders_are_installed(
    installed: Path,
) -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert declared == {"client-calm-coach": "bot.__main__:main"}
    top = {p.name for p in installed.iterdir() if not p.name.endswith(".dist-info")}
    assert top == {*PACKAGES, "bin"}


def locked(name: str) -> list[tuple[Requirement, list[str]]]:
    """Each pin of a lock (`name==version`, with a platform marker where one applies) and
    the hashes on its continuation lines."""
    text = (REPO / name).read_text().replace("\\\n", " ")
    entries = []
    for line in text.splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pin, *hashes = line.split(" --hash=")
            entries.append((Requirement(pin.strip()), [h.strip() for h in hashes]))
    return entries


def test_every_pin_of_both_locks_carries_the_hashes_of_its_files() -> None:
    for name in ("requirements.lock", "requirements-test.lock"):
        unhashed = [str(pin) for pin, hashes in locked(name) if not hashes]
        assert unhashed == [], name
        assert all(h.startswith("sha256:") for _, hashes in locked(name) for h in hashes)


def test_the_lock_pins_every_runtime_dependency_within_its_range() -> None:
    pinned = {canonicalize_name(lock.name): lock for lock, _ in locked("requirements.lock")}
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for requirement in map(Requirement, project["dependencies"]):
        lock = pinned[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(next(iter(lock.specifier)).version)
        assert lock.marker == requirement.marker, "uvloop: no Windows build"
