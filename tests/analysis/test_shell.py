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


def nested(text: str) -> list[tuple[str, list[str], str | None]]:
    """Every command the script runs, with its arguments and the program that runs it."""
    return [(c.name, c.arguments, c.runner.program if c.runner else None) for c in only_script(text).all_commands]


def test_prefix_assignments_belong_to_their_command() -> None:
    document = parse("FROM a\nRUN A=1 echo x; GIT_SSL_NO_VERIFY=\"0\" TEST='lol' git clone u && B=2\n")
    script = run_scripts(document, {})[0].script
    assert script is not None
    assert [(c.name, [a.value for a in c.assignments]) for c in script.commands] == [
        ("echo", ["A=1"]),
        ("git", ["GIT_SSL_NO_VERIFY=0", "TEST=lol"]),
    ]
    assert document.slice(script.commands[1].assignments[0].span) == 'GIT_SSL_NO_VERIFY="0"'
    assert script.commands[1].assigned()[0][:2] == ("GIT_SSL_NO_VERIFY", "0")


def test_prefix_assignments_through_bashlex() -> None:
    script = only_script("FROM a\nRUN X=$(id -u) PYTHONHTTPSVERIFY=0 python x.py\n")
    assert script.parsed_by_bashlex
    python = script.calls("python")[0]
    assert [a.value for a in python.assignments] == ["X=$(id -u)", "PYTHONHTTPSVERIFY=0"]


def test_commands_behind_wrappers() -> None:
    assert nested("FROM a\nRUN sudo -E -u app pip install x && nice -n 5 nohup make && timeout 10 curl u\n") == [
        ("sudo", ["-E", "-u", "app", "pip", "install", "x"], None),
        ("pip", ["install", "x"], "sudo"),
        ("nice", ["-n", "5", "nohup", "make"], None),
        ("nohup", ["make"], "nice"),
        ("make", [], "nohup"),
        ("timeout", ["10", "curl", "u"], None),
        ("curl", ["u"], "timeout"),
    ]
    found = nested("FROM a\nRUN chroot /mnt apt-get install x; ls | xargs -I{} rm -f {}; exec gosu app ./run\n")
    assert [(name, runner) for name, _, runner in found] == [
        ("chroot", None),
        ("apt-get", "chroot"),
        ("ls", None),
        ("xargs", None),
        ("rm", "xargs"),
        ("exec", None),
        ("gosu", "exec"),
        ("./run", "gosu"),
    ]
    assert found[4][1] == ["-f", "{}"]


def test_wrapper_assignments_and_lookups() -> None:
    script = only_script("FROM a\nRUN env -i NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci && command -v git && runuser -u app -- id\n")
    npm = script.all_commands[1]
    assert npm.name == "npm" and [a.value for a in npm.assignments] == ["NODE_TLS_REJECT_UNAUTHORIZED=0"]
    # `command -v` looks a name up and runs nothing.
    assert [c.name for c in script.all_commands[2:]] == ["command", "runuser", "id"]


def test_scripts_inside_sh_c_and_su_c_keep_file_positions() -> None:
    document = parse("FROM a\nRUN bash -c \"apt-get install -y \\\"curl\\\"\" && su -c 'chmod 777 /x' app\n")
    script = run_scripts(document, {})[0].script
    assert script is not None
    commands = script.all_commands
    assert [(c.name, c.arguments, c.runner.program if c.runner else None) for c in commands] == [
        ("bash", ["-c", 'apt-get install -y "curl"'], None),
        ("apt-get", ["install", "-y", "curl"], "bash"),
        ("su", ["-c", "chmod 777 /x", "app"], None),
        ("chmod", ["777", "/x"], "su"),
    ]
    assert document.slice(commands[1].name_span) == "apt-get"
    # An escaped character maps to itself, not to its backslash.
    assert document.slice(commands[1].words[2].span) == '"curl\\"'
    assert document.slice(commands[3].words[0].span) == "777"


def test_sh_c_across_continuation_lines() -> None:
    document = parse("FROM a\nRUN sh -c 'apk add \\\n    curl'\n")
    script = run_scripts(document, {})[0].script
    assert script is not None
    curl = script.all_commands[1].words[1]
    assert (curl.span.line, curl.span.column) == (3, 5) and document.slice(curl.span) == "curl"


def test_exec_form_is_the_command_it_runs() -> None:
    document = parse('FROM a\nRUN ["apt-get", "install", \\\n  "-y", "curl"]\n')
    script = run_scripts(document, {})[0].script
    assert script is not None and script.exec_form
    [command] = script.commands
    assert (command.name, command.arguments) == ("apt-get", ["install", "-y", "curl"])
    assert document.slice(command.name_span) == '"apt-get"'
    assert document.slice(command.words[2].span) == '"curl"' and command.words[2].span.line == 3
    # Exec form does not go through SHELL.
    assert scripts('FROM a\nSHELL ["pwsh", "-c"]\nRUN ["pip", "install", "x"]\n')[0].script is not None


def test_exec_form_shell_script_maps_json_escapes() -> None:
    document = parse('FROM a\nRUN ["sh", "-c", "echo \\"a\\" && pip install x"]\n')
    script = run_scripts(document, {})[0].script
    assert script is not None and not script.exec_form
    pip = script.calls("pip")[0]
    assert document.slice(pip.name_span) == "pip" and document.slice(pip.words[1].span) == "x"


def test_su_command_option_with_its_value_in_one_word() -> None:
    document = parse("FROM a\nRUN su app \"--command=chmod 777 /x\"\n")
    script = run_scripts(document, {})[0].script
    assert script is not None
    chmod = script.all_commands[1]
    assert (chmod.name, chmod.arguments) == ("chmod", ["777", "/x"])
    assert document.slice(chmod.name_span) == "chmod"
