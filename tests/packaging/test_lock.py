"""requirements.lock is what every install uses (the README's two commands, CI, the desktop
build): exact versions with hashes, in step with pyproject.toml, made by scripts/lock.sh."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins() -> dict[str, tuple[str, str | None, int]]:
    """name -> (version, marker, number of hashes) for every package in the lock."""
    pins: dict[str, tuple[str, str | None, int]] = {}
    current = ""
    for line in LOCK.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), match.group(3), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, marker, hashes = pins[current]
            pins[current] = (version, marker, hashes + 1)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in
            project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_dependency_in_pyproject_is_pinned_within_its_range() -> None:
    pins = _pins()
    assert len(pins) > 30
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements.lock: run scripts/lock.sh"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, outside {requirement.specifier}: "
            "run scripts/lock.sh")


def test_every_pin_is_exact_and_carries_hashes() -> None:
    pins = _pins()
    text = LOCK.read_text()
    requirement_lines = [line for line in text.splitlines()
                         if line and not line.startswith((" ", "#"))]
    assert len(requirement_lines) == len(pins)  # nothing unpinned slipped in
    assert all(hashes >= 1 for _v, _m, hashes in pins.values())


def test_the_lock_was_made_by_the_documented_command() -> None:
    script = (ROOT / "scripts" / "lock.sh").read_text()
    made_by = re.search(r"^#\s+(uv pip compile .*)$", LOCK.read_text(), re.MULTILINE)
    assert made_by is not None
    documented = re.search(r'uv" (pip compile .*?) "\$@"', script.replace("\\\n", " "),
                           re.DOTALL)
    assert documented is not None
    assert made_by.group(1).split() == ["uv", *documented.group(1).split()]
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes --no-deps -r requirements.lock" in setup


def test_this_environment_is_the_locked_one() -> None:
    """What the tests run on is exactly what the lock says (setup installed it)."""
    environment = default_environment()
    wrong = []
    for name, (version, marker, _hashes) in _pins().items():
        if marker and not Requirement(f"x; {marker}").marker.evaluate(environment):
            continue  # another platform's package
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} not installed (locked {version})")
            continue
        if installed != version:
            wrong.append(f"{name} {installed} installed, {version} locked")
    assert not wrong, wrong
