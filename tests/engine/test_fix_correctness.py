"""Fixing with every rule and unsafe fixes is correct on real and on generated Dockerfiles.

For each file (see fix_properties.check_fixing): no fix makes it unparsable,
instructions no fix touched stay byte-identical, no fixable finding is left,
and a second fix changes nothing. The real files are a sample of public
Dockerfiles vendored in tests/data/corpus (attribution in its README.md and
MANIFEST.tsv).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest
from fix_properties import check_fixing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockgate.dockerfile.source import decode

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def _manifest() -> list[dict[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as manifest:
        return list(csv.DictReader(manifest, delimiter="\t"))


SAMPLE = [row["file"] for row in _manifest()]


def test_the_sample_is_large_and_every_file_attributed() -> None:
    on_disk = {path.relative_to(CORPUS).as_posix() for path in (CORPUS / "files").rglob("*") if path.is_file()}
    assert len(SAMPLE) >= 300
    assert on_disk == set(SAMPLE)
    assert all(row["repo"] and row["commit"] and row["license"] for row in _manifest())


@cache
def _fixed(name: str) -> tuple[str, str, set[str]]:
    """The file's text, its fixed text, and the codes fixed."""
    text = decode((CORPUS / name).read_bytes()).text
    return (text, *check_fixing(text))


@pytest.mark.parametrize("name", SAMPLE)
def test_fixing_a_real_dockerfile(name: str) -> None:
    _fixed(name)


def test_the_fixes_run_on_real_files() -> None:
    """The sample exercises the fixes: most files change, and these rules' fixes all apply somewhere."""
    changed = [name for name in SAMPLE if _fixed(name)[0] != _fixed(name)[1]]
    assert len(changed) >= len(SAMPLE) // 2
    codes = {code for name in SAMPLE for code in _fixed(name)[2]}
    expected = {"DL3009", "DL3015", "DL3019", "DL3020", "DL3042", "DL3047", "DL3059", "DL4000", "DL4006", "DG1013"}
    assert expected - codes == set()


# ------------------------------------------------------------------ generated Dockerfiles

_IMAGES = st.sampled_from(["debian:12", "alpine:3.20", "python:3.12-slim", "scratch", "example.com/tools:1", "base"])
_COMMANDS = st.sampled_from([
    "apt-get update", "apt-get install curl", "apt-get -y install --no-install-recommends wget",
    "apk add curl", "apk add --no-cache git", "pip install flask", "python3 -m pip install requests",
    "wget https://example.com/a", "curl -fsSL https://example.com/b | tar -xz", "yum install httpd",
    "dnf install -y git", "zypper install vim", "cd /src", "cd src", "make", "echo 'a | b'",
    "rm -rf /var/lib/apt/lists/*", "ls -la", 'echo "$HOME"',
])  # fmt: skip
_SEPARATORS = st.sampled_from([" && ", " \\\n    && ", "; ", " || "])
_KEYWORD_CASE = st.sampled_from([str.upper, str.lower])


@st.composite
def _run(draw: st.DrawFn) -> str:
    commands = draw(st.lists(_COMMANDS, min_size=1, max_size=4))
    if draw(st.booleans()):
        return "RUN <<EOF\n" + "\n".join(commands) + "\nEOF"
    script = commands[0]
    for command in commands[1:]:
        script += draw(_SEPARATORS) + command
    return "RUN " + script


_OTHER = st.sampled_from([
    "MAINTAINER Jane Doe <jane@example.com>", "ENV APP_HOME /app", 'ENV GREETING hello "big world"',
    "LABEL version 1.0", "EXPOSE 80/TCP 53/udp", "ADD app.py /app/", "ADD vendor.tar.gz /opt/",
    "WORKDIR /srv", "WORKDIR app", "CMD node server.js", "ENTRYPOINT exec nginx -g daemon", "CMD [\"sh\"]",
    "COPY . /app", "USER app", "# hadolint ignore=DL3008,DL9999", "SHELL [\"/bin/bash\", \"-c\"]",
])  # fmt: skip


@st.composite
def _dockerfile(draw: st.DrawFn) -> str:
    lines = []
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        image = draw(_IMAGES)
        name = f" {draw(st.sampled_from(['AS', 'as']))} base" if index == 0 and draw(st.booleans()) else ""
        lines.append(f"FROM {image}{name}")
        for _ in range(draw(st.integers(min_value=0, max_value=6))):
            line = draw(st.one_of(_run(), _OTHER))
            keyword, _, rest = line.partition(" ")
            lines.append(draw(_KEYWORD_CASE)(keyword) + " " + rest if not line.startswith("#") else line)
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_dockerfile())
def test_fixing_a_generated_dockerfile(text: str) -> None:
    check_fixing(text)
