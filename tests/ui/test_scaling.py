"""At 150 % and 200 % on a 1280×720 laptop (``QT_SCALE_FACTOR``; 853×480 and 640×360
logical pixels), each role's window fits the screen with its status bar on it, its first
page does not scroll sideways, nor does any list a dashboard tile opens, nor any file on
its staff list. Each scale runs in a process of its own (``tests/ui/scaled_window.py``),
as Qt reads the factor once, on an offscreen screen of the laptop's physical size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAPTOP = (1280, 720)  # physical pixels
ROLES = ("rachel", "catherine", "lucja", "admin", "inspector")


def run_scaled(tmp_path: Path, scale: str) -> dict:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": LAPTOP[0], "height": LAPTOP[1],
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = dict(os.environ, QT_SCALE_FACTOR=scale,
               QT_QPA_PLATFORM=f"offscreen:configfile={screen}",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "tests.ui.scaled_window", str(tmp_path),
                             *ROLES], capture_output=True, text=True, env=env, timeout=900,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize(("scale", "logical"), [("1.5", [853, 480]), ("2", [640, 360])])
def test_each_role_fits_a_laptop_at_large_scaling(tmp_path: Path, scale: str,
                                                   logical: list[int]) -> None:
    seen = run_scaled(tmp_path, scale)
    assert seen["scale"] == float(scale)
    assert set(seen["roles"]) == set(ROLES)
    for role, found in seen["roles"].items():
        assert found["screen"] == logical, role
        assert found["window_fits"] is None, (role, found["window_fits"])
        assert found["status_bar_on_screen"], role
        assert found["status_bar_on_screen_in_files"], role
        assert found["pages_sideways"] is None, (role, found["pages_sideways"])
        lists = {title: what for title, what in found["lists_sideways"].items() if what}
        assert lists == {}, (role, lists)
        assert found["sideways"], f"{role} saw no file"
        sideways = {name: what for name, what in found["sideways"].items() if what}
        assert sideways == {}, (role, sideways)
