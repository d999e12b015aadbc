"""The signature lines' labels are never broken inside a word ("Manager/Supervis|or")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from supervision_audit.exports.pdf import render_form_pdf
from supervision_audit.forms import ALL_FORMS


@pytest.mark.parametrize("form_key", ["individual", "manager", "group"])
def test_signature_labels_print_whole(form_key: str, tmp_path: Path) -> None:
    form = ALL_FORMS[form_key]
    labels = [f.label for s in form.sections for f in s.fields if f.kind.name == "SIGNATURE"]
    assert labels
    out = render_form_pdf(form, {}, tmp_path / "r.pdf", organisation="Org", record_id="r1")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    for label in labels:
        for word in label.split():
            assert word in text, word  # each word of the label on one line
