"""Where the app keeps its files: the user data directory and the shipped resources."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

from supervision_audit import APP_NAME

ORG_DIR_NAME = "SupervisionAudit"


def data_dir() -> Path:
    """The per-user data directory (created on first use)."""
    path = Path(platformdirs.user_data_dir(APP_NAME.replace(" ", ""), ORG_DIR_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "supervision.sqlite"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def resources_dir() -> Path:
    """The shipped resources: beside the package in a checkout, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / name
