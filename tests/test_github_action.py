"""The composite GitHub Action in action.yml: linted, and its steps run as a runner would.

actionlint reads a local action's metadata when a workflow uses it as `./`,
so the example workflows in docs/examples are checked against action.yml with
their `uses: OWNER/dockgate@REF` pointed at a copy of it. The steps then
run locally, each with the command line GitHub uses for `shell: bash`, in a
fake runner environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP,
GITHUB_ACTION_PATH as files and folders in tmp_path).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from checkout_copy import CHECKOUT, copy_of_checkout, require_tool

pytestmark = pytest.mark.integration

ACTION = CHECKOUT / "action.yml"
EXAMPLES = sorted((CHECKOUT / "docs" / "examples").glob("*.yml"))
PUBLISHED_ACTION = "OWNER/dockgate@REF"
"""How the examples name the action: dockgate is not published, so its owner and ref are placeholders."""
BASH_STEP = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
"""What the runner executes for a step with `shell: bash` (plus the script file)."""
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

DOCKERFILE_WITH_FINDINGS = "FROM ubuntu\nRUN apt-get install -y curl\n"
CLEAN_DOCKERFILE = 'FROM alpine:3.20\nUSER 65534\nHEALTHCHECK CMD ["true"]\nCMD ["echo", "hello"]\n'


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


def actionlint() -> str:
    beside_python = Path(sys.executable).parent / "actionlint"
    return str(beside_python) if beside_python.exists() else require_tool("actionlint")


def lint_workflows(repository: Path, workflows: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """actionlint over `workflows` (name -> text) in a repository whose root action is action.yml."""
    (repository / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ACTION, repository / "action.yml")
    for name, text in workflows.items():
        (repository / ".github" / "workflows" / name).write_text(text, encoding="utf-8")
    subprocess.run([require_tool("git"), "init", "-q"], cwd=repository, check=True)
    return subprocess.run([actionlint(), "-no-color"], cwd=repository, capture_output=True, text=True, check=False)


def test_there_are_example_workflows_using_the_action() -> None:
    assert EXAMPLES
    for example in EXAMPLES:
        assert f"uses: {PUBLISHED_ACTION}" in example.read_text(encoding="utf-8"), example


def test_actionlint_passes_the_action_and_the_example_workflows(tmp_path: Path) -> None:
    workflows = {example.name: example.read_text(encoding="utf-8").replace(PUBLISHED_ACTION, "./") for example in EXAMPLES}
    completed = lint_workflows(tmp_path, workflows)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_actionlint_reads_the_action_metadata(tmp_path: Path) -> None:
    # The negative control: an input and an output action.yml does not define.
    workflow = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - id: dockgate\n        uses: ./\n        with:\n          no-such-input: x\n"
        "      - run: echo \"${{ steps.dockgate.outputs.no-such-output }}\"\n"
    )
    completed = lint_workflows(tmp_path, {"lint.yml": workflow})
    assert completed.returncode == 1
    assert 'input "no-such-input" is not defined in action' in completed.stdout
    assert 'property "no-such-output" is not defined' in completed.stdout


def test_the_action_scripts_pass_shellcheck(tmp_path: Path) -> None:
    # actionlint runs ShellCheck on workflow scripts, not on a composite action's.
    shellcheck = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or require_tool("shellcheck")
    scripts = [step["run"] for step in action()["runs"]["steps"] if "run" in step]
    assert scripts
    for index, script in enumerate(scripts):
        path = tmp_path / f"step{index}.sh"
        path.write_text(script, encoding="utf-8")
        completed = subprocess.run([shellcheck, "--shell=bash", str(path)], capture_output=True, text=True, check=False)
        assert completed.returncode == 0, completed.stdout


def test_every_input_reaches_a_step_through_env() -> None:
    metadata = action()
    used = {
        match.group(1)
        for step in metadata["runs"]["steps"]
        for value in [*step.get("env", {}).values(), *step.get("with", {}).values()]
        for match in re.finditer(r"inputs\.([\w-]+)", str(value))
    }
    assert used == set(metadata["inputs"])
    for step in metadata["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), "a run script must read inputs from env, not expand them"


class FakeRunner:
    """Runs the action's `run` steps in order as GitHub's runner would, in tmp_path."""

    def __init__(self, tmp_path: Path, workspace: Path, action_path: Path) -> None:
        self.workspace = workspace
        self.summary = tmp_path / "step-summary.md"
        self.environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("GITHUB_", "RUNNER_", "INPUT_"))},
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_ACTION_PATH": str(action_path),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "octo/app",
            "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        }
        Path(self.environment["RUNNER_TEMP"]).mkdir()
        self.outputs_file = tmp_path / "github-output"

    def run(self, inputs: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        """The action's exit status, what its steps printed, and its outputs."""
        metadata = action()
        unknown = set(inputs) - set(metadata["inputs"])
        assert not unknown, unknown
        values = {name: inputs.get(name, spec.get("default", "")) for name, spec in metadata["inputs"].items()}
        step_outputs: dict[str, dict[str, str]] = {}
        printed = ""
        self.summary.write_text("", encoding="utf-8")
        for step in metadata["runs"]["steps"]:
            if "uses" in step:
                assert step["uses"].startswith("actions/cache@"), step  # nothing else can run here
                continue
            assert step["shell"] == "bash"
            self.outputs_file.write_text("", encoding="utf-8")  # a fresh file per step, as on GitHub
            environment = dict(self.environment, GITHUB_OUTPUT=str(self.outputs_file))
            for name, value in step.get("env", {}).items():
                environment[name] = self._expand(str(value), values, step_outputs)
            script = self.outputs_file.with_suffix(".sh")
            script.write_text(step["run"], encoding="utf-8")
            completed = subprocess.run(
                [*BASH_STEP, str(script)], cwd=self.workspace, env=environment, capture_output=True, text=True, timeout=600, check=False
            )
            printed += completed.stdout + completed.stderr
            step_outputs[step.get("id", "")] = self._read_outputs()
            if completed.returncode != 0:
                return completed.returncode, printed, self._action_outputs(metadata, step_outputs)
        return 0, printed, self._action_outputs(metadata, step_outputs)

    def _read_outputs(self) -> dict[str, str]:
        lines = self.outputs_file.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines if line)

    def _action_outputs(self, metadata: dict[str, Any], step_outputs: dict[str, dict[str, str]]) -> dict[str, str]:
        return {name: self._expand(spec["value"], {}, step_outputs) for name, spec in metadata["outputs"].items()}

    @staticmethod
    def _expand(text: str, inputs: dict[str, str], step_outputs: dict[str, dict[str, str]]) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                return inputs[expression.removeprefix("inputs.")]
            step, outputs, name = expression.removeprefix("steps.").split(".")
            assert expression.startswith("steps.") and outputs == "outputs", f"unsupported expression {expression}"
            return step_outputs.get(step, {}).get(name, "")

        return _EXPRESSION.sub(value, text)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    project = tmp_path / "workspace"
    (project / "docker dir").mkdir(parents=True)
    (project / "docker dir" / "Dockerfile").write_text(DOCKERFILE_WITH_FINDINGS, encoding="utf-8")
    (project / "Containerfile").write_text(CLEAN_DOCKERFILE, encoding="utf-8")
    subprocess.run([require_tool("git"), "init", "-q"], cwd=project, check=True)
    return project


def test_the_action_annotates_summarises_and_writes_sarif(tmp_path: Path, workspace: Path) -> None:
    runner = FakeRunner(tmp_path, workspace, copy_of_checkout(tmp_path / "action"))

    status, printed, outputs = runner.run({"paths": "docker dir/Dockerfile\nContainerfile\n", "sarif-category": "dockerfiles"})

    assert status == 1, printed
    assert outputs["exit-code"] == "1"
    sarif_path = workspace / "dockgate.sarif"
    assert outputs["sarif-file"] == "dockgate.sarif"
    log = json.loads(sarif_path.read_text(encoding="utf-8"))
    results = log["runs"][0]["results"]
    assert log["runs"][0]["automationDetails"]["id"] == "dockerfiles/"
    assert {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results} == {"docker%20dir/Dockerfile"}
    assert outputs["findings"] == str(len(results)) and len(results) >= 3
    annotations = [line for line in printed.splitlines() if line.startswith("::")]
    assert len(annotations) == len(results)
    assert "::warning file=docker dir/Dockerfile,line=1,col=6,endLine=1,endColumn=12,title=DL3006 untagged-image::" in printed
    assert f"{len(results)} findings" in printed  # the text report, for people reading the log
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## dockgate\n")
    assert f"**{len(results)} findings** in 2 files." in summary
    assert "(https://github.com/octo/app/blob/0123456789abcdef0123456789abcdef01234567/docker%20dir/Dockerfile#L1)" in summary
    assert "| [DL3006](https://github.com/dockgate/dockgate/blob/main/docs/rules.md#dl3006) untagged-image | warning | 1 |" in summary

    # Used a second time in the job: no stale reports, an input error is an error.
    sarif_path.unlink()
    status, printed, outputs = runner.run({"paths": "missing/Dockerfile", "annotations": "false", "sarif-file": "", "shellcheck": "false"})

    assert status == 2, printed
    assert outputs == {"findings": "0", "sarif-file": "", "exit-code": "2"}
    assert not sarif_path.exists()
    assert not [line for line in printed.splitlines() if line.startswith("::")]
    assert "missing/Dockerfile: no such file or directory" in printed
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## dockgate: run incomplete\n")
    assert "**Run incomplete**: 1 of the inputs could not be checked." in summary
    assert "- missing/Dockerfile: no such file or directory" in summary
    assert "No findings" not in summary  # an error never reads as a clean run
    assert "the result is not a clean run" in summary


def test_a_clean_run_passes_with_the_threshold(tmp_path: Path, workspace: Path) -> None:
    runner = FakeRunner(tmp_path, workspace, copy_of_checkout(tmp_path / "action"))

    status, printed, outputs = runner.run({"paths": "Containerfile", "failure-threshold": "error", "job-summary": "false"})

    assert status == 0, printed
    assert outputs == {"findings": "0", "sarif-file": "dockgate.sarif", "exit-code": "0"}
    assert runner.summary.read_text(encoding="utf-8") == ""
