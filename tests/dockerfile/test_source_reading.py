"""Reading Dockerfiles: special files, the size cap, symbolic link loops.

Each CLI case runs in a subprocess with a timeout, so that a regression that
blocks (on a pipe nobody writes to, on an endless device) fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dockgate.dockerfile import source
from dockgate.dockerfile.source import MAX_SOURCE_BYTES, SourceError, decode, read_source, read_stream, wide_encoding_error

SECONDS = 60


def dockgate(*arguments: str, cwd: Path, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockgate", "check", "--no-config", "--no-shellcheck", *arguments],
        cwd=cwd, stdin=stdin, capture_output=True, text=True, timeout=SECONDS,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    errors = [line for line in result.stderr.splitlines() if line.startswith("dockgate: error:")]
    assert result.returncode == 2, result
    assert len(errors) == 1 and expected in errors[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_nobody_writes_to_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "Dockerfile")
    assert_one_line_error(dockgate("Dockerfile", cwd=tmp_path), "Dockerfile: not a regular file (a named pipe)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused(tmp_path: Path) -> None:
    assert_one_line_error(dockgate("/dev/zero", cwd=tmp_path), "/dev/zero: not a regular file (a character device)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_standard_input_stops_at_the_cap(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zeros:
        result = dockgate("-", cwd=tmp_path, stdin=zeros.fileno())
    assert_one_line_error(result, f"-: larger than {MAX_SOURCE_BYTES // 2**20} MiB")


def test_a_file_growing_while_read_ends_promptly(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\n")
    # A writer appending while the check runs, until the file is past the cap: the read
    # stops at the end it meets or at the cap, and never chases the end.
    appender = (
        "import sys\n"
        "with open(sys.argv[1], 'ab') as f:\n"
        "    while f.tell() <= int(sys.argv[2]):\n"
        "        f.write(b'# ' + b'x' * 65000 + b'\\n')\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", appender, str(path), str(MAX_SOURCE_BYTES)])
    try:
        while path.stat().st_size < 2**20 and writer.poll() is None:
            time.sleep(0.01)
        result = dockgate("Dockerfile", cwd=tmp_path)
    finally:
        writer.kill()
        writer.wait()
    assert "Traceback" not in result.stderr
    if result.returncode == 2:
        assert_one_line_error(result, "Dockerfile: larger than 64 MiB")
    else:
        assert result.returncode == 0, result


def test_a_file_past_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    with open(path, "wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(SourceError, match="Dockerfile: larger than 64 MiB"):
        read_source(str(path), "Dockerfile")


def test_the_cap_itself_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(source, "MAX_SOURCE_BYTES", 12)
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM alpine\n")
    assert read_source(str(path)).text == "FROM alpine\n"
    path.write_bytes(b"FROM alpine:3\n")
    with pytest.raises(SourceError, match="larger than"):
        read_source(str(path))
    assert read_stream(io.BytesIO(b"FROM alpine\n")).text == "FROM alpine\n"
    with pytest.raises(SourceError, match="larger than"):
        read_stream(io.BytesIO(b"FROM alpine:3\n"))


def test_a_symbolic_link_loop_named_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    assert_one_line_error(dockgate("a", cwd=tmp_path), "a: symbolic link loop")


def test_a_directory_loop_below_a_searched_directory_ends(tmp_path: Path) -> None:
    (tmp_path / "project" / "sub").mkdir(parents=True)
    (tmp_path / "project" / "sub" / "Dockerfile").write_text("FROM alpine:3.20\nUSER 65534\n")
    (tmp_path / "project" / "sub" / "back").symlink_to("..")
    (tmp_path / "project" / "self").symlink_to("self")
    result = dockgate("--format", "json", "project", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result


TEXT = "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN echo \"héllo ☃\"\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_byte_order_mark_are_recognised(encoding: str) -> None:
    source = decode(TEXT.encode(encoding))
    assert source.text == TEXT and source.wide_encoding == encoding.upper().replace("-LE", "LE").replace("-BE", "BE")
    assert source.encoded(source.text) == TEXT.encode(encoding)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (TEXT.encode("utf-16"), 1),  # the byte-order mark starts line 1
        (TEXT.encode("utf-16-le"), 2),  # `#` then NUL: a comment to Docker
        (TEXT.encode("utf-16-be"), 1),  # NUL first: an instruction keyword to Docker
        (("\n  \n" + TEXT).encode("utf-16-le"), 2),  # line 2 is `\0 \0 \0` and so not blank
    ],
)
def test_docker_fails_on_the_first_line_it_takes_for_an_instruction(data: bytes, line: int) -> None:
    error = wide_encoding_error(decode(data))
    assert error is not None and error.span.line == line and f"on line {line}" in error.message


def test_utf8_text_has_no_encoding_error() -> None:
    assert wide_encoding_error(decode(TEXT.encode())) is None
    assert wide_encoding_error(decode(b"\xef\xbb\xbf" + TEXT.encode())) is None


@pytest.mark.parametrize(
    "data",
    [
        b"FROM alpine:3.19\n\x00binary",  # a stray NUL in UTF-8 text
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        bytes(range(256)),
        "FROM alpine\n\x01\x02".encode("utf-16-le"),  # UTF-16 of control characters
    ],
)
def test_binary_data_is_not_taken_for_wide_text(data: bytes) -> None:
    with pytest.raises(SourceError, match="binary file"):
        decode(data)


def test_a_file_longer_than_its_size_when_opened_is_read_to_its_end_or_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first read is sized by the file's size at open; a file grown since is read on.
    assert source._read_capped(io.BytesIO(b"FROM alpine\n"), "Dockerfile", 4) == b"FROM alpine\n"
    monkeypatch.setattr(source, "MAX_SOURCE_BYTES", 12)
    with pytest.raises(SourceError, match="larger than"):
        source._read_capped(io.BytesIO(b"FROM alpine:3\n"), "Dockerfile", 4)
