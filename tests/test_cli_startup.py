"""`exercisegen --help` stays fast: the CLI module must not import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys


def test_cli_import_does_not_load_numpy_reportlab_pypdf_or_yaml():
    code = (
        "import sys, exercisegen.cli; "
        "print(sorted(m for m in ('numpy', 'reportlab', 'pypdf', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
