"""The build context's .dockerignore: which file is read, and Docker's matching."""

from __future__ import annotations

from pathlib import Path

from dockgate.analysis.dockerignore import (
    DockerIgnore,
    context_files,
    read_dockerignore,
    read_patterns,
)


def test_patterns_are_cleaned_as_docker_reads_them() -> None:
    text = "\ufeff# comment\n/secrets/\n\n ! keep.txt \n./build//out\n"
    assert read_patterns(text) == ["secrets", "!keep.txt", "build/out"]


def test_the_last_matching_pattern_decides_and_parents_count() -> None:
    ignore = DockerIgnore(("**/*.key", "docs", "!docs/public.key", "*"))
    assert ignore.has_exceptions
    assert ignore.excludes("tls/server.key")
    assert ignore.excludes("docs/readme.md")  # its parent `docs` is excluded
    assert ignore.excludes("app.py")
    assert ignore.excludes(".")
    assert not DockerIgnore(("docs", "!docs/public.key")).excludes("docs/public.key")
    assert not DockerIgnore((".*",)).excludes(".")


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    assert read_dockerignore(tmp_path, "Dockerfile") is None
    (tmp_path / ".dockerignore").write_text("a\n", encoding="utf-8")
    (tmp_path / "Dockerfile.dev.dockerignore").write_text("b\n", encoding="utf-8")
    assert read_dockerignore(tmp_path, "Dockerfile").patterns == ("a",)  # type: ignore[union-attr]
    assert read_dockerignore(tmp_path, "Dockerfile.dev").patterns == ("b",)  # type: ignore[union-attr]


def test_context_files_leave_out_excluded_files_and_git(tmp_path: Path) -> None:
    for name in ("app.py", ".git/config", "dist/bundle.js", "dist/keep.js", "src/.env"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    assert context_files(tmp_path, None) == ["app.py", "dist/bundle.js", "dist/keep.js", "src/.env"]
    assert context_files(tmp_path, DockerIgnore(("dist", "!dist/keep.js"))) == ["app.py", "dist/keep.js", "src/.env"]
    assert context_files(tmp_path, DockerIgnore(("dist", "**/.env"))) == ["app.py"]


def test_character_classes_hold_any_character_literally() -> None:
    ignore = DockerIgnore(("[&&]x", "[!a-c].log", "[]]"))
    assert ignore.excludes("&x")
    assert ignore.excludes("d.log") and not ignore.excludes("b.log")


def test_a_reversed_range_matches_nothing() -> None:
    # Go's regexp refuses `[t-g]`, so Docker never matches with such a pattern; found by the fuzzer.
    ignore = DockerIgnore(('["/bin/sh", "-c", "apt-get install curl"]',))
    assert not ignore.excludes("t") and not ignore.excludes("a")


def test_repeated_double_stars_match_like_one() -> None:
    ignore = DockerIgnore(("a/" + "**/" * 40 + "b",))
    assert ignore.excludes("a/b") and ignore.excludes("a/x/y/b")
    # One `(.*/)?` for all of them: a long path that does not match is answered at once, not by backtracking.
    assert not ignore.excludes("a/" + "x/" * 60 + "c")
