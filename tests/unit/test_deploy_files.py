"""The operations examples (deploy/) start the server the command line really offers: the
Dockerfile's command and the systemd unit's ExecStart parse as a ``serve`` of this build,
and both, with the compose file, name the database the way ``serve`` reads it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from supervision_audit.cli import build_parser
from supervision_audit.cli_server import ENV_DATABASE, ENV_LOG_KEY, cmd_serve

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _serve_args(argv: list[str]) -> object:
    assert argv[0].endswith("supervision-audit"), argv
    args = build_parser().parse_args(argv[1:])
    assert args.handler is cmd_serve
    return args


def test_the_dockerfile_runs_serve_on_all_addresses_of_its_exposed_port() -> None:
    lines = (DEPLOY / "Dockerfile").read_text().splitlines()
    cmd = json.loads(next(line for line in lines if line.startswith("CMD ")).removeprefix("CMD "))
    args = _serve_args(cmd)
    assert (args.host, args.port) == ("0.0.0.0", 8080)  # type: ignore[attr-defined]
    assert f"EXPOSE {args.port}" in lines  # type: ignore[attr-defined]
    assert "STOPSIGNAL SIGTERM" in lines
    # the log key on a volume of its own, the folder made writable by the server's user
    key = next(line for line in lines if line.startswith(f"ENV {ENV_LOG_KEY}="))
    folder = str(Path(key.split("=", 1)[1]).parent)
    assert f"VOLUME {folder}" in lines
    assert any(f"chown audit:audit {folder}" in line for line in lines)


def test_the_systemd_unit_runs_serve_on_loopback_with_the_database_from_its_env_file(
        ) -> None:
    text = (DEPLOY / "supervision-audit.service").read_text()
    settings = dict(line.split("=", 1) for line in text.splitlines()
                    if "=" in line and not line.startswith("#"))
    args = _serve_args(shlex.split(settings["ExecStart"]))
    assert args.host == "127.0.0.1"  # type: ignore[attr-defined]
    assert settings["KillSignal"] == "SIGTERM" and settings["User"] != "root"
    assert f"#   {ENV_DATABASE}=postgresql://" in text  # what the env file must hold
    # the log key where the service may write it (ProtectSystem=strict allows only its
    # state directory)
    assert settings["ProtectSystem"] == "strict"
    key = settings["Environment"].removeprefix(f"{ENV_LOG_KEY}=")
    assert Path(key).parent == Path("/var/lib") / settings["StateDirectory"]


def test_compose_gives_the_server_its_database_by_the_variable_serve_reads() -> None:
    lines = [line.strip() for line in (DEPLOY / "compose.yaml").read_text().splitlines()]
    url = next(line for line in lines if line.startswith(f"{ENV_DATABASE}: "))
    assert url.removeprefix(f"{ENV_DATABASE}: ").startswith("postgresql://audit:")
    assert url.endswith("@db:5432/audit")  # the db service, its user and database
    assert "- logkey:/srv/audit/keys  # the log's sealing key (back it up apart from pgdata)" \
        in lines and "logkey:" in lines  # the Dockerfile's volume, named to outlive the container
    assert {"POSTGRES_USER: audit", "POSTGRES_DB: audit", "image: postgres:15",
            "dockerfile: deploy/Dockerfile", "condition: service_healthy"} <= set(lines)
