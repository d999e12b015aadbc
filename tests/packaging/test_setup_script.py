"""scripts/setup.sh on a machine that lacks system packages: it installs them through
apt-get (with sudo when not root), and an account without sudo is told the one line to run
as root instead of 'sudo: command not found'. Run against stand-ins for dpkg-query, id,
sudo and apt-get, on a copy of the scripts, so nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _machine(tmp_path: Path, *, root: bool, sudo: bool) -> tuple[Path, dict[str, str]]:
    """A copy of the project's set-up files, and a PATH where every package is missing."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, project / name)
    shutil.copy(ROOT / "scripts" / "setup.sh", project / "scripts" / "setup.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    stand_ins = {
        "dpkg-query": "exit 1",  # nothing installed
        "id": f'[ "$1" = -u ] && echo {0 if root else 1000} || exec /usr/bin/env id "$@"',
        "apt-get": f'echo "apt-get $*" >> {calls}; exit 1',  # stop there: install nothing
    }
    if sudo:
        stand_ins["sudo"] = f'echo "sudo $*" >> {calls}; exec "$@"'
    for name, body in stand_ins.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    for folder in os.environ["PATH"].split(os.pathsep):  # everything else as it is, no sudo
        for tool in Path(folder).glob("*") if Path(folder).is_dir() else []:
            link = bin_dir / tool.name
            if tool.name != "sudo" and not link.exists() and os.access(tool, os.X_OK):
                link.symlink_to(tool)
    return project, {**os.environ, "PATH": str(bin_dir)}


def _setup(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "scripts/setup.sh", "test"], cwd=project, env=env,
                          text=True, capture_output=True, timeout=60, check=False)


def test_without_sudo_it_prints_the_line_to_run_as_root(tmp_path: Path) -> None:
    project, env = _machine(tmp_path, root=False, sudo=False)
    result = _setup(project, env)
    assert result.returncode == 1
    assert "command not found" not in result.stderr
    line = next(text for text in result.stderr.splitlines() if "apt-get install" in text)
    for package in ("libegl1", "libcups2", "binutils", "poppler-utils", "xvfb"):
        assert package in line.split()
    assert "as root" in result.stderr
    assert not (tmp_path / "calls").exists()  # nothing was tried
    assert not (project / ".venv").exists()


def test_with_sudo_it_installs_through_sudo(tmp_path: Path) -> None:
    project, env = _machine(tmp_path, root=False, sudo=True)
    result = _setup(project, env)
    assert result.returncode != 0  # the stand-in apt-get stops it
    assert (tmp_path / "calls").read_text().splitlines()[:2] == [
        "sudo apt-get update -qq", "apt-get update -qq"]
    assert "Installing system packages" in result.stdout


def test_as_root_it_installs_without_sudo(tmp_path: Path) -> None:
    project, env = _machine(tmp_path, root=True, sudo=False)
    _setup(project, env)
    assert (tmp_path / "calls").read_text().splitlines()[0] == "apt-get update -qq"
