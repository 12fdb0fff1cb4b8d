"""The apps stand in layers (README, Architecture; pyproject.toml's [tool.importlinter]): each imports
only the apps below it, peers none of each other. import-linter reads the imports of the code as written,
so a violation fails `make test` however deep in a function it hides."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "pyproject.toml"
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"


def _lint(cwd: Path, config: Path) -> subprocess.CompletedProcess:
    # A process of its own, started in `cwd`, so the `comptoir` package analysed is the one found there.
    return subprocess.run([sys.executable, "-c", LINT, str(config)], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, timeout=300)


def test_every_app_imports_only_the_apps_below_it():
    result = _lint(ROOT, CONFIG)

    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_upward_fails_the_layers_check(tmp_path):
    # given a copy of the code where core (near the bottom) reaches up into sales
    shutil.copytree(ROOT / "comptoir", tmp_path / "comptoir", ignore=shutil.ignore_patterns(
        "__pycache__", "locale", "static", "templates", "data", "*.sqlite3"))
    shutil.copy(CONFIG, tmp_path / "pyproject.toml")
    (tmp_path / "comptoir" / "core" / "planted.py").write_text(
        "def opportunities():\n    from comptoir.sales.models import Opportunity\n\n    return Opportunity\n")

    # when the layers are checked
    result = _lint(tmp_path, tmp_path / "pyproject.toml")

    # then the check fails and names the import
    assert result.returncode == 1
    assert "comptoir.core.planted -> comptoir.sales.models" in result.stdout
