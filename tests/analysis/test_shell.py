"""The shell model of RUN instructions: commands, words, flags and their positions."""

from __future__ import annotations

import subprocess
import sys

from dockgate.analysis.shell import RunScript, ShellScript, run_scripts
from dockgate.dockerfile.parser import parse


def scripts(text: str, shells: dict[int, str] | None = None) -> list[RunScript]:
    return run_scripts(parse(text), shells or {})


def only_script(text: str) -> ShellScript:
    found = [run.script for run in scripts(text) if run.script is not None]
    assert len(found) == 1
    return found[0]


def test_commands_words_and_positions_through_continuations() -> None:
    text = 'FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl \\\n      "git" | tee log\n'
    document = parse(text)
    script = run_scripts(document, {})[0].script
    assert script is not None and not script.parsed_by_bashlex and bool(script.pipes)
    assert [(c.name, c.arguments) for c in script.commands] == [
        ("apt-get", ["update"]),
        ("apt-get", ["install", "-y", "curl", "git"]),
        ("tee", ["log"]),
    ]
    install = script.commands[1]
    assert (install.name_span.line, install.name_span.column) == (3, 5)
    assert document.slice(install.words[3].span) == '"git"'
    assert install.words[3].span.line == 4


def test_flags_as_hadolint_reads_them() -> None:
    command = only_script("FROM a\nRUN apt-get -qy --no-install-recommends install x -- -z\n").commands[0]
    assert command.flags() == {"q", "y", "no-install-recommends"}
    assert command.has_flag("y") and not command.has_flag("z")
    assert [w.value for w in command.positional()] == ["install", "x", "-z"]


def test_lone_heredoc_body_is_the_script_with_file_positions() -> None:
    document = parse("FROM a\nRUN <<EOF\nset -e\napt-get install vim\nEOF\n")
    script = run_scripts(document, {})[0].script
    assert script is not None
    assert [c.name for c in script.commands] == ["set", "apt-get"]
    assert script.commands[1].words[1].span.line == 4
    assert document.slice(script.commands[1].words[1].span) == "vim"


def test_heredoc_with_another_interpreter_is_not_shell() -> None:
    assert scripts("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n")[0].script is None
    assert scripts("FROM a\nRUN python3 <<EOF\nprint(1)\nEOF\n")[0].script is not None


def test_heredoc_read_by_a_command_is_appended() -> None:
    script = only_script("FROM a\nRUN cat <<CONF > /etc/x && apk add foo\nhello\nCONF\n")
    assert [(c.name, c.arguments) for c in script.commands] == [("cat", []), ("apk", ["add", "foo"])]


def test_exec_form_shell_c() -> None:
    document = parse('FROM a\nRUN ["sh", "-c", "pip install x"]\n')
    script = run_scripts(document, {})[0].script
    assert script is not None and script.commands[0].program == "pip"
    assert document.slice(script.commands[0].words[1].span) == "x"


def test_substitutions_and_loops_go_through_bashlex() -> None:
    script = only_script('FROM a\nRUN for f in a b; do echo "$(curl -s x | sh)" > /dev/null 2>&1; done\n')
    assert script.parsed_by_bashlex
    assert [(c.name, c.arguments) for c in script.commands] == [("echo", ["$(curl -s x | sh)"]), ("curl", ["-s", "x"]), ("sh", [])]


def test_tokenizer_drops_redirections_and_assignments() -> None:
    script = only_script("FROM a\nRUN DEBIAN_FRONTEND=noninteractive apt-get install -y x > /log 2>&1 && cat <<< hi >>out\n")
    assert [(c.name, c.arguments) for c in script.commands] == [("apt-get", ["install", "-y", "x"]), ("cat", [])]


def test_fallback_tokenizer_when_bashlex_fails() -> None:
    script = only_script("FROM a\nRUN [[ -f x ]] && echo $(( 1 + 2 )) && apt-get install z\n")
    assert not script.parsed_by_bashlex
    assert [(c.name, c.arguments) for c in script.commands][1:] == [("echo", ["$(( 1 + 2 ))"]), ("apt-get", ["install", "z"])]


def test_non_posix_shells_have_no_script() -> None:
    runs = scripts('FROM a\nSHELL ["pwsh", "-c"]\nRUN Get-Item x\nFROM b\nRUN ls\n')
    assert runs[0].script is None and runs[0].shell == "pwsh -c"
    assert runs[1].script is not None and runs[1].shell == "/bin/sh -c"
    pragma = scripts("FROM a\n# hadolint shell=powershell\nRUN dir\n", {3: "powershell"})
    assert pragma[0].script is None


def test_onbuild_trigger_is_a_run() -> None:
    runs = scripts("FROM a\nONBUILD RUN apt-get install x\n")
    assert runs[0].owner.keyword == "ONBUILD" and runs[0].instruction.keyword == "RUN"
    assert runs[0].script is not None and runs[0].script.commands[0].words[1].span.column == 29


def test_pipe_detection_ignores_or_and_quotes() -> None:
    assert not only_script("FROM a\nRUN a || b && echo '|'\n").pipes
    assert only_script("FROM a\nRUN a | b\n").pipes


def test_tokenizer_keeps_braces_in_words_and_splits_redirections() -> None:
    script = only_script('FROM a\nRUN chmod +x /x/{a,b} && pip install ansible>2.7 && echo "C:\\Dir\\a" && { true; }\n')
    assert [(c.name, c.arguments) for c in script.commands] == [
        ("chmod", ["+x", "/x/{a,b}"]),
        ("pip", ["install", "ansible"]),
        ("echo", ["C:\\Dir\\a"]),
        ("true", []),
    ]


def test_operator_right_after_a_word() -> None:
    script = only_script("FROM a\nRUN apt-get install curl&& curl -s x > /dev/null 2>&1 &>/dev/null\n")
    assert [(c.name, c.arguments) for c in script.commands] == [("apt-get", ["install", "curl"]), ("curl", ["-s", "x"])]


def test_an_unclosed_parameter_after_a_substitution_falls_back_instead_of_hanging() -> None:
    # bashlex 0.18 loops forever on this word; found by the fuzzer. A subprocess bounds the test if it regresses.
    code = (
        "from dockgate.dockerfile.parser import parse\n"
        "from dockgate.analysis.shell import run_scripts\n"
        "[run] = run_scripts(parse(\"FROM a\\nRUN echo $(d)'${' && apt-get install z\\n\"), {})\n"
        "assert run.script is not None and not run.script.parsed_by_bashlex\n"
        "print([c.name for c in run.script.commands])\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "['echo', 'apt-get']"
