"""The command line works without a display and speaks plainly on errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from supervision_audit.cli import main
from supervision_audit.services.demo import PEOPLE


def test_demo_then_list_staff_as_json(tmp_path: Path, capsys) -> None:
    db = tmp_path / "demo.sqlite"
    assert main(["--db", str(db), "demo"]) == 0
    assert f"({len(PEOPLE)} people)" in capsys.readouterr().out
    assert main(["--db", str(db), "list-staff", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(PEOPLE)
    by_id = {r["staff_id"]: r for r in rows}
    assert by_id["P101"]["name"] == "Łucja Żak"
    assert by_id["P101"]["supervisor"] == "Rachel Whitcombe"
    assert {r["role"] for r in rows} >= {"senior_manager", "team_manager", "practitioner", "asye",
                                         "foster_carer"}


def test_demo_twice_keeps_the_first(tmp_path: Path, capsys) -> None:
    db = tmp_path / "demo.sqlite"
    assert main(["--db", str(db), "demo"]) == 0
    assert main(["--db", str(db), "demo"]) == 0
    assert "already holds an organisation" in capsys.readouterr().out
    assert main(["--db", str(db), "list-staff", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(PEOPLE)


def test_foreign_file_exits_non_zero_with_message(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    assert main(["--db", str(junk), "list-staff"]) == 1
    assert "is not a Supervision Audit database" in capsys.readouterr().err
    assert junk.read_text() == "not a database"


def test_unknown_staff_for_contract_export(tmp_path: Path, capsys) -> None:
    db = tmp_path / "demo.sqlite"
    main(["--db", str(db), "demo"])
    out = tmp_path / "c.pdf"
    assert main(["--db", str(db), "export-contract", "--staff", "NOPE", "--out", str(out)]) == 1
    assert "no member of staff with staff id 'NOPE'" in capsys.readouterr().err
    assert not out.exists()


def test_commands_run_without_a_display_or_qt(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    code = (
        "import sys\n"
        "from supervision_audit.cli import main\n"
        f"rc = main(['--db', {str(tmp_path / 'x.sqlite')!r}, 'demo'])\n"
        "print('rc', rc)\n"
        "print('qt', any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "rc 0" in result.stdout
    assert "qt False" in result.stdout
