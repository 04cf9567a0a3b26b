"""bashlex imported with the stored parse tables parses exactly as bashlex with the tables it builds."""

from __future__ import annotations

import json
import subprocess
import sys

from dockgate.analysis.bash_grammar import TABLES_PATH, generated_tables

SCRIPTS = [
    "echo hi",
    "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
    "echo $(ls -la) `date` \"$(id -u)\"",
    "for f in a b c; do echo $f; done",
    "while read line; do echo \"$line\"; done < file",
    "if [ -f x ]; then echo yes; elif true; then :; else echo no; fi",
    "case $x in a) echo a;; *) echo other;; esac",
    "{ echo a; echo b; } > out 2>&1",
    "(cd /tmp && make) | tee log",
    "f() { echo inside; }; f",
    "A=1 B=2 env | grep A",
    "cat <<EOF\nbody $HOME\nEOF\n",
    "echo 'unterminated",
    "echo ${HOME:-/root} ${#PATH} $((1 + 2))",
    "! false || echo recovered; wait &",
    "select x in a b; do break; done",
    "until false; do sleep 1; done",
    "time ls -l /",
    "echo a;; echo b",
    "[[ -n $x ]] && echo set",
]

DUMP = """
import json, sys
{importer}
results = []
for script in json.loads(sys.stdin.read()):
    try:
        results.append([tree.dump() for tree in bashlex.parse(script)])
    except Exception as error:
        results.append(f"{{type(error).__name__}}: {{error}}")
stored = bashlex.parser.yaccparser.productions[1].file == ""
print(json.dumps({{"stored_tables": stored, "results": results}}))
"""

WITH_STORED_TABLES = "from dockgate.analysis.bash_grammar import import_bashlex\nbashlex = import_bashlex()\nimport bashlex.parser"
BUILDING_ITS_OWN = "import bashlex, bashlex.parser"
WITH_A_STALE_DIGEST = (
    "import dockgate.analysis.bash_grammar_tables as stored\nstored.BASHLEX_DIGEST = 'another bashlex'\n" + WITH_STORED_TABLES
)


def parsed(importer: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", DUMP.format(importer=importer)],
        input=json.dumps(SCRIPTS),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_the_stored_tables_are_those_the_installed_bashlex_builds() -> None:
    assert TABLES_PATH.read_text(encoding="utf-8") == generated_tables(), (
        "regenerate with: python -m dockgate.analysis.bash_grammar"
    )


def test_bashlex_with_the_stored_tables_parses_as_bashlex_with_its_own() -> None:
    stored, built = parsed(WITH_STORED_TABLES), parsed(BUILDING_ITS_OWN)
    assert stored["stored_tables"] is True
    assert built["stored_tables"] is False
    assert stored["results"] == built["results"]


def test_tables_made_from_another_bashlex_are_not_used() -> None:
    stale = parsed(WITH_A_STALE_DIGEST)
    assert stale["stored_tables"] is False
    assert stale["results"] == parsed(BUILDING_ITS_OWN)["results"]
