import subprocess
from pathlib import Path

from spotdesk.frozen import worker_command


def test_worker_ignores_copy_in_current_folder(tmp_path: Path) -> None:
    stray = tmp_path / "spotdesk"
    stray.mkdir()
    (stray / "__init__.py").write_text('raise ImportError("a stray copy of spotdesk")\n')

    completed = subprocess.run(
        worker_command(["--help"]), cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert completed.returncode == 0, completed.stderr
    assert "--store" in completed.stdout
