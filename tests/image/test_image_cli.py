"""`dockgate image` on inputs it cannot use: one line on standard error, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.cli.main import main
from dockgate.cli.output import EXIT_ERROR


@pytest.mark.parametrize(
    "arguments,message",
    [
        ([""], "an empty SOURCE"),
        (["-", "-"], "standard input can be read only once"),
        (["app.tar", "--platform", "linux"], "expected os/arch or os/arch/variant"),
        (["app.tar", "--dockerfile", "no/such/Dockerfile"], "--dockerfile no/such/Dockerfile"),
    ],
)
def test_usage_errors(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["image", *arguments]) == EXIT_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err


@pytest.mark.parametrize("content", [b"", b"not a tar at all", b"[]", b"{\"Id\": 1}"])
def test_unreadable_inputs_are_one_error_line(content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "input.tar"
    path.write_bytes(content)
    assert main(["image", str(path), "--no-config"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("dockgate: error: ") and err.count("\n") == 1 and "Traceback" not in err
