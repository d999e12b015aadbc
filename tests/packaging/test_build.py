"""The desktop build: build.spec makes a one-folder app that runs with no Python beside it.

One slow test builds the folder with PyInstaller, then drives the built program headless
the way an IT team would check an install: a fresh demo store, the organisation's seal set
up, one record exported as a sealed PDF, and the seal verified. A second look opens the
window (off screen) to see that Qt and its plugins load from the bundle.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = "SupervisionAudit"
DEMO_PASSWORD = "supervision-demo"
SEAL_PASSPHRASE = "a seal passphrase for the build test"
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 180


def _child_env(home: Path) -> dict[str, str]:
    """The environment of the built program: off screen, a private home, no leftovers."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SUPERVISION_AUDIT_", "PYTHON", "VIRTUAL_ENV", "QT_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               QT_QPA_PLATFORM="offscreen")
    return env


def _run(program: Path, args: list[str], env: dict[str, str], **extra_env: str
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(program), *args], env={**env, **extra_env}, text=True,
                          capture_output=True, timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL)


def _ok(result: subprocess.CompletedProcess[str], what: str) -> str:
    assert result.returncode == 0, (
        f"{what} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built folder's program (the build's time and size are printed for the log)."""
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build")],
        cwd=ROOT, text=True, capture_output=True, timeout=BUILD_TIMEOUT_S)
    assert result.returncode == 0, f"PyInstaller failed:\n{result.stderr[-6000:]}"
    folder = work / "dist" / APP
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbuilt {folder} in {time.monotonic() - started:.0f} s, {size / 2**20:.0f} MiB")
    program = folder / (APP + (".exe" if sys.platform == "win32" else ""))
    assert program.is_file()
    return program


@pytest.mark.slow
def test_the_bundle_ships_its_data_files(built: Path) -> None:
    inside = built.parent / "_internal"
    assert (inside / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (inside / "resources" / "icons" / "app.svg").is_file()
    assert (inside / "resources" / "kss.json").is_file()
    migrations = inside / "supervision_audit" / "migrations"
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    shipped = sorted(p.name for p in (migrations / "versions").glob("*.py"))
    source = sorted(p.name for p in (ROOT / "supervision_audit" / "migrations" / "versions")
                    .glob("*.py"))
    assert shipped == source  # alembic reads the scripts as source at run time
    unused = [name for name in ("QtQml", "QtQuick", "QtNetwork", "QtWebEngineCore", "QtSql")
              if list((inside / "PySide6").glob(f"{name}.*"))]
    assert not unused, f"Qt modules the app does not use were bundled: {unused}"


@pytest.mark.slow
def test_the_built_program_seeds_exports_a_sealed_record_and_verifies_it(
        built: Path, tmp_path: Path) -> None:
    env = _child_env(tmp_path / "home")
    db = tmp_path / "store" / "demo.sqlite"
    base = ["--db", str(db)]

    out = _ok(_run(built, [*base, "demo"], env), "demo")
    assert "Demo organisation written" in out and db.is_file()

    out = _ok(_run(built, [*base, "certificate"], env, SUPERVISION_AUDIT_USER="admin",
                   SUPERVISION_AUDIT_PASSWORD=DEMO_PASSWORD,
                   SUPERVISION_AUDIT_SEAL_PASSPHRASE=SEAL_PASSPHRASE), "certificate")
    assert "Seal certificate" in out

    rachel = {"SUPERVISION_AUDIT_USER": "rachel", "SUPERVISION_AUDIT_PASSWORD": DEMO_PASSWORD}
    records = json.loads(_ok(_run(built, [*base, "list-records", "--staff", "P101", "--json"],
                                  env, **rachel), "list-records"))
    complete = [r for r in records if r["status"] != "Draft"]
    assert complete, records

    pdf = tmp_path / "record.pdf"
    out = _ok(_run(built, [*base, "export-record", "--id", complete[0]["id"], "--out",
                           str(pdf)], env, **rachel), "export-record")
    assert "(sealed)" in out
    assert pdf.read_bytes().startswith(b"%PDF")

    out = _ok(_run(built, [*base, "verify", str(pdf)], env, **rachel), "verify")
    assert "intact: yes" in out and "the organisation's own certificate: yes" in out

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01  # a bit of the record's own page content, which is sealed
    tampered.write_bytes(bytes(data))
    assert _run(built, [*base, "verify", str(tampered)], env, **rachel).returncode != 0


@pytest.mark.slow
def test_the_built_window_starts_off_screen(built: Path, tmp_path: Path) -> None:
    """With no command the program opens the window (sign-in first) and waits: it must still
    be running a few seconds later rather than have died loading Qt from the bundle."""
    env = _child_env(tmp_path / "home")
    db = tmp_path / "demo.sqlite"
    _ok(_run(built, ["--db", str(db), "demo", "--no-encryption"], env), "demo")
    process = subprocess.Popen([str(built), "--db", str(db)], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
    try:
        process.wait(timeout=8)
    except subprocess.TimeoutExpired:
        pass  # still showing the sign-in dialog: as it should
    else:
        stdout, stderr = process.communicate()
        pytest.fail(f"the window exited {process.returncode}\n{stdout}\n{stderr}")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.slow
def test_the_built_program_lists_printers_through_cups(built: Path, tmp_path: Path) -> None:
    """Printing needs Qt's CUPS plugin, which needs libcups beside it when the bundle is made
    (without it PyInstaller leaves the plugin's library out and the app cannot print): the
    built program loads the plugin and asks it for the printers."""
    env = _child_env(tmp_path / "home")
    result = _run(built, ["printers"], env, QT_DEBUG_PLUGINS="1")
    out = _ok(result, "printers")
    assert "No printers found" in out or out.strip()
    assert re.search(r'libcupsprintersupport\.so" loaded library', result.stderr), (
        "the CUPS print plugin did not load:\n"
        + "\n".join(line for line in result.stderr.splitlines() if "cups" in line.lower()))


def test_the_benchmark_generator_writes_a_small_organisation_the_app_can_read(
        tmp_path: Path) -> None:
    """benchmarks/generate.py writes straight into the tables: it must keep up with the
    schema, and what it writes must read back through the services (signatures that match
    their content, compliance for everyone, the accounts signing in)."""
    from datetime import date

    from sqlmodel import select

    from benchmarks.generate import PASSWORD, generate
    from supervision_audit.models import Signature
    from supervision_audit.services.compliance import compute
    from supervision_audit.services.integrity import signature_problems
    from supervision_audit.services.signin import sign_in

    db = tmp_path / "small.sqlite"
    counts = generate(db, staff=60, years=1, today=date(2026, 6, 15))
    assert counts.rows["staff"] == 60 and counts.rows["supervision_record"] > 300
    opened = sign_in(db, "director", PASSWORD)
    try:
        with opened.store.read() as session:
            rows = compute(session, date(2026, 6, 15))
            assert len(rows) == 59  # everyone but the director has a supervisor
            signed = session.exec(select(Signature.record_kind, Signature.record_id)).all()
            assert {kind for kind, _ in signed} >= {"record", "contract"}
            for kind, record_id in signed[:200]:
                assert signature_problems(session, kind, record_id) == []
    finally:
        opened.store.close()
