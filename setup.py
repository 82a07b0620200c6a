"""Build hook: ship `resources/` inside the package and compile the Qt translations.

Everything else about the package is in pyproject.toml. A wheel gets
`spotdesk/resources/` (icons and compiled `.qm` files). An editable install
(`pip install -e .`) compiles the `.qm` files next to their `.ts` sources in
`resources/translations/`, where `spotdesk.gui.resources` looks in a checkout.
The `.qm` files are build output and stay out of git.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"


def find_lrelease() -> str:
    """Return Qt's translation compiler from PySide6 (a build requirement)."""
    import PySide6

    package = Path(PySide6.__file__).parent
    for name in ("lrelease", "lrelease.exe", "Qt/libexec/lrelease", "Qt/bin/lrelease"):
        if (package / name).is_file():
            return str(package / name)
    found = shutil.which("pyside6-lrelease")
    if found:
        return found
    raise RuntimeError(
        f"Qt's lrelease was not found in {package} or on PATH; "
        "install PySide6-Essentials to build spotdesk's translations."
    )


def compile_translations(target: Path) -> list[Path]:
    """Compile every resources/translations/*.ts into `target`; return the .qm paths."""
    sources = sorted((RESOURCES / "translations").glob("*.ts"))
    if not sources:
        return []
    lrelease = find_lrelease()
    target.mkdir(parents=True, exist_ok=True)
    compiled = []
    for source in sources:
        output = target / source.with_suffix(".qm").name
        subprocess.run([lrelease, "-silent", str(source), "-qm", str(output)], check=True)
        compiled.append(output)
    return compiled


class BuildWithResources(build_py):
    """`build_py` that also places the icons and compiled translations."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            # The package is imported from the checkout, which finds resources/ itself.
            compile_translations(RESOURCES / "translations")
            return
        target = Path(self.build_lib) / "spotdesk" / "resources"
        shutil.copytree(RESOURCES / "icons", target / "icons", dirs_exist_ok=True)
        compile_translations(target / "translations")


setup(cmdclass={"build_py": BuildWithResources})
