"""The window shows before the PDF, sealing and workbook libraries are loaded; they are
loaded in the background once it is idle, so that the first export does not wait for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from supervision_audit.db import open_store
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.ui.app import application
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.window.window_tools import HEAVY_MODULES

HEAVY = ("reportlab", "openpyxl", "pyhanko", "pypdfium2", "pypdf")
def loaded():
    return sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))

app = application([sys.argv[0]])
store = open_store(Path(sys.argv[1]))
window = MainWindow(store, SYSTEM_ACTOR)
window.show()
app.processEvents()
at_show = loaded()
deadline = time.monotonic() + 60
while not (getattr(window, "preload_job", None) and not window.preload_job.running):
    app.processEvents()
    time.sleep(0.02)
    if time.monotonic() > deadline:
        break
print(json.dumps({"at_show": at_show, "later": loaded(),
                  "all": all(m in sys.modules for m in HEAVY_MODULES)}))
window.close()
store.close()
"""


def test_heavy_libraries_wait_until_the_window_is_idle(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "org.sqlite")],
                            capture_output=True, text=True, env=env, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["at_show"] == [], f"loaded before the window showed: {seen['at_show']}"
    assert {"reportlab", "openpyxl", "pyhanko", "pypdfium2"} <= set(seen["later"])
    assert seen["all"]
