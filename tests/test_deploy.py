"""The container, service and compose files name what exists: the console script, the files
they copy, the variables the bot reads. Nothing is built or started here (no Docker engine);
a typo in any of them would otherwise show only on the operator's machine."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
SCRIPTS = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
KNOWN = set(re.findall(r'"((?:COACH|TELEGRAM)_[A-Z_]+)"', (REPO / "bot/config.py").read_text()))


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.partition(" ") for line in lines if line and line[0] != "#")
    ]


def unit() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string((DEPLOY / "client-calm-coach.service").read_text())
    return parser["Service"]


def assigned(assignments: str) -> dict[str, str]:
    """`A=1 B=2` (ENV, Environment=) as a dict."""
    return dict(word.split("=", 1) for word in shlex.split(assignments) if "=" in word)


def test_the_image_runs_the_console_script_as_a_user_with_the_database_on_a_volume() -> None:
    steps = dockerfile()
    instructions = dict(steps)
    assert instructions["FROM"].startswith("python:3.11-slim")
    assert instructions["CMD"] == '["client-calm-coach"]' and "client-calm-coach" in SCRIPTS
    assert instructions["USER"] not in ("root", "0")
    assert instructions["VOLUME"] == "/data"
    assert instructions["STOPSIGNAL"] == "SIGTERM"
    env = {
        name: value
        for kind, args in steps
        if kind == "ENV"
        for name, value in assigned(args).items()
    }
    assert env["COACH_DB_PATH"] == "/data/coach.db"
    assert {name for name in env if name.startswith(("COACH_", "TELEGRAM_"))} <= KNOWN


def test_the_image_copies_files_that_exist_and_installs_from_the_lock() -> None:
    steps = dockerfile()
    for kind, args in steps:
        if kind == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert (REPO / source).exists(), source
    runs = " ".join(args for kind, args in steps if kind == "RUN")
    assert "pip install -r requirements.lock" in runs and "pip install --no-deps ." in runs
    kept = (DEPLOY / "Dockerfile.dockerignore").read_text()
    copied = {s for kind, a in steps if kind == "COPY" for s in a.split()[:-1]}
    assert all(f"!{source.removeprefix('./')}" in kept for source in copied)


def test_the_unit_restarts_on_failure_and_keeps_the_database_in_its_state_directory() -> None:
    service = unit()
    assert Path(shlex.split(service["ExecStart"])[0]).name in SCRIPTS
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/client-calm-coach.env"
    state = service["StateDirectory"]
    assert service["Environment"] == f"COACH_DB_PATH=%S/{state}/coach.db"
    assert set(assigned(service["Environment"])) <= KNOWN
    assert service.get("DynamicUser") == "yes" or service.get("User") not in (None, "root")


HARDENING = {
    "UMask": "0077",
    "CapabilityBoundingSet": "",
    "AmbientCapabilities": "",
    "SystemCallFilter": "@system-service",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
}


def test_the_unit_creates_private_files_and_gives_the_service_no_privilege() -> None:
    service = unit()
    assert {key: service.get(key) for key in HARDENING} == HARDENING


def test_the_example_environment_names_only_known_variables_and_leaves_the_db_path_alone() -> None:
    example = (DEPLOY / "client-calm-coach.env.example").read_text()
    names = {line.split("=")[0] for line in example.splitlines() if "=" in line and line[0] != "#"}
    assert names <= KNOWN and "COACH_DB_PATH" not in names
    assert {"COACH_WEBHOOK_URL", "COACH_WEBHOOK_SECRET"} <= names


def test_every_variable_the_bot_reads_is_in_the_readme_configuration_table() -> None:
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("## Configuration") :].split("\n## ")[0]
    assert {name for name in KNOWN if f"| `{name}` |" not in table} == set()


def published_ports(text: str) -> list[str]:
    """Every `-p`/`--publish` mapping in *text* (commands and comments alike)."""
    return re.findall(r"(?:-p|--publish)[ =]([0-9.:\[\]]+)", text)


def test_the_webhook_port_is_published_on_the_host_s_loopback_only() -> None:
    """The server listens on every interface inside the container, so the host's mapping
    is all that keeps plain HTTP and `/healthz` from the outside (Docker's published ports
    also bypass a host firewall such as ufw): the TLS proxy on the host reaches it."""
    env = {
        name: value
        for kind, args in dockerfile()
        if kind == "ENV"
        for name, value in assigned(args).items()
    }
    assert env["COACH_WEBHOOK_LISTEN"] == "0.0.0.0"
    readme = (REPO / "docs" / "deploy.md").read_text()
    docker = readme[readme.index("### Docker") :].split("\n#")[0]
    recipes = [(DEPLOY / "Dockerfile").read_text(), docker]
    mappings = [port for text in recipes for port in published_ports(text)]
    assert mappings and all(port.startswith("127.0.0.1:") for port in mappings), mappings
    assert "-p 8443" not in readme and "-p 8443" not in recipes[0]


def test_the_example_environment_leaves_the_listen_address_on_loopback() -> None:
    """The unit reads it as it is: an address here would open the port on the host."""
    example = (DEPLOY / "client-calm-coach.env.example").read_text()
    set_here = [line for line in example.splitlines() if line.startswith("COACH_WEBHOOK_LISTEN=")]
    assert all(line.split("=", 1)[1] in ("", "127.0.0.1") for line in set_here)


# The compose file: two coach instances, PostgreSQL and Caddy (deploy/compose.yaml).

COMPOSE = DEPLOY / "compose.yaml"
INTERPOLATED = re.compile(r"\$\{([A-Z_]+)(:?[?-][^}]*)?\}")


def yaml_subset(text: str) -> dict[str, Any]:
    """The YAML compose.yaml is written in, without PyYAML: block mappings and sequences of
    scalars, one-line flow sequences in JSON's syntax, `key: &name` and `<<: *name`."""
    lines = [
        (len(raw) - len(raw.lstrip(" ")), raw.strip())
        for raw in text.splitlines()
        if raw.strip() and not raw.strip().startswith("#")
    ]
    anchors: dict[str, Any] = {}

    def scalar(text: str) -> Any:
        return json.loads(text) if text[:1] in '["' else text.strip("'")

    def block(at: int, indent: int) -> tuple[Any, int]:
        if lines[at][1].startswith("- "):
            items = []
            while at < len(lines) and lines[at][0] == indent and lines[at][1][:2] == "- ":
                items.append(scalar(lines[at][1][2:]))
                at += 1
            return items, at
        mapping: dict[str, Any] = {}
        while at < len(lines) and lines[at][0] == indent:
            key, _, rest = (part.strip() for part in lines[at][1].partition(":"))
            at += 1
            if key == "<<":
                for name, value in anchors[rest.removeprefix("*")].items():
                    mapping.setdefault(name, value)
                continue
            if rest and not rest.startswith("&"):
                mapping[key] = scalar(rest)
                continue
            nested = at < len(lines) and lines[at][0] > indent
            mapping[key], at = block(at, lines[at][0]) if nested else (None, at)
            if rest:
                anchors[rest[1:]] = mapping[key]
        return mapping, at

    return block(0, 0)[0]


def compose() -> dict[str, Any]:
    return yaml_subset(COMPOSE.read_text())


def coaches() -> dict[str, dict[str, Any]]:
    """The services built from the coach's image."""
    services = compose()["services"]
    return {
        name: service
        for name, service in services.items()
        if (service.get("build") or {}).get("dockerfile") == "deploy/Dockerfile"
    }


def filled(value: str) -> str:
    """A value with its `${NAME…}` replaced by a sample, as compose would fill it in."""
    return INTERPOLATED.sub("sample", value)


def caddyfile() -> str:
    return "\n".join(
        line.split("#")[0].rstrip() for line in (DEPLOY / "Caddyfile").read_text().splitlines()
    )


def test_the_compose_file_runs_two_webhook_instances_of_the_image_on_one_database() -> None:
    services = compose()["services"]
    instances = coaches()
    assert len(instances) == 2, list(instances)
    environments = [service["environment"] for service in instances.values()]
    for service, env in zip(instances.values(), environments, strict=True):
        assert (DEPLOY / service["build"]["context"]).resolve() == REPO.resolve()
        assert (REPO / service["build"]["dockerfile"]).is_file()
        assert set(env) <= KNOWN, set(env) - KNOWN
        assert {"TELEGRAM_BOT_TOKEN", "COACH_WEBHOOK_SECRET"} <= set(env)
        assert env["COACH_WEBHOOK_LISTEN"] == "0.0.0.0"
        assert filled(env["COACH_WEBHOOK_URL"]).startswith("https://")
        database = urlsplit(filled(env["COACH_DATABASE_URL"]))
        assert database.scheme == "postgresql" and database.path.strip("/")
        assert services[database.hostname]["image"].startswith("postgres:")
        assert service["depends_on"][database.hostname] == {"condition": "service_healthy"}
    shared = ("COACH_DATABASE_URL", "COACH_WEBHOOK_URL", "COACH_WEBHOOK_SECRET")
    assert all(env[name] == environments[0][name] for env in environments for name in shared)


def test_every_service_checks_its_health_and_the_coaches_ask_healthz() -> None:
    services = compose()["services"]
    for name, service in coaches().items():
        command = service["healthcheck"]["test"]
        port = service["environment"].get("COACH_WEBHOOK_PORT", "8443")
        assert command[0] == "CMD" and command[1] in SCRIPTS.keys() | {"python"}, name
        assert f"://127.0.0.1:{port}/healthz" in " ".join(command), name
    database = [s for s in services.values() if s.get("image", "").startswith("postgres:")]
    assert [service["healthcheck"]["test"][1] for service in database] == ["pg_isready"]
    assert re.search(r"^\s*health_uri /healthz$", caddyfile(), re.MULTILINE)


def test_only_the_proxy_publishes_ports_and_it_forwards_the_webhook_to_every_coach() -> None:
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert "443:443" in services["proxy"]["ports"]
    proxied = caddyfile()
    upstreams = re.search(r"^\s*reverse_proxy (.+) \{$", proxied, re.MULTILINE)
    assert upstreams, "no reverse_proxy with its upstreams"
    wanted = {
        f"{name}:{service['environment'].get('COACH_WEBHOOK_PORT', '8443')}"
        for name, service in coaches().items()
    }
    assert set(upstreams.group(1).split()) == wanted
    for service in coaches().values():
        path = urlsplit(filled(service["environment"]["COACH_WEBHOOK_URL"])).path
        assert re.search(rf"^\s*handle {re.escape(path)} \{{$", proxied, re.MULTILINE), path


def test_the_compose_file_names_files_that_exist_and_takes_its_values_from_the_env_file() -> None:
    text = COMPOSE.read_text()
    document = compose()
    for service in document["services"].values():
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), volume
            else:
                assert source in document["volumes"], volume
    interpolated = {match.group(1) for match in INTERPOLATED.finditer(text)}
    assert {name for name in interpolated if name.startswith(("COACH_", "TELEGRAM_"))} <= KNOWN
    example = (DEPLOY / "compose.env.example").read_text()
    names = {line.split("=")[0] for line in example.splitlines() if "=" in line and line[0] != "#"}
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    assert required <= names <= interpolated, (required - names, names - interpolated)
    proxy = document["services"]["proxy"]["environment"]
    assert set(re.findall(r"\{\$([A-Z_]+)\}", caddyfile())) <= set(proxy)
    ignored = (REPO / ".gitignore").read_text().split()
    assert any(fnmatch("compose.env", pattern) for pattern in ignored)
