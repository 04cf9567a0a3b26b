"""How many findings a user gets per real-world Dockerfile: dockgate beside hadolint, at default levels.

Run it with the Python that dockgate is installed into (a plain `pip install .`):

    python benchmarks/noise.py [--corpus ../shared/corpus] [--json results.json]

The corpus (see its README) holds real repositories' Dockerfiles and
hadolint 2.15.1's findings on each (`hadolint-findings.jsonl`). Measured are
the files of every repository that is not another tool's test fixture (the
`fixture` rows of the README's repository table), less the files hadolint
could not parse, which have no hadolint findings to compare with. dockgate
runs as `dockgate check --format json --no-config --no-cache` (nothing written into the corpus) on those files, in
batches. The output gives the findings per file for each tool, their ratio,
and each tool's ten most frequent codes. benchmarks/README.md says how to
read it. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench_cold_start import BenchmarkError, dockgate_command

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_FIXTURE_ROW = re.compile(r"^\|\s*(?P<repo>[^|\s]+)\s*\|\s*fixture\s*\|", re.MULTILINE)


@dataclass
class Tally:
    """One tool's findings on the measured files."""

    tool: str
    files: int
    codes: Counter[str]

    @property
    def findings(self) -> int:
        return sum(self.codes.values())

    @property
    def per_file(self) -> float:
        return self.findings / self.files if self.files else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "files": self.files,
            "findings": self.findings,
            "findings_per_file": round(self.per_file, 2),
            "top_codes": [[code, count, round(count / self.files, 2)] for code, count in self.codes.most_common(10)],
        }


def measured_files(corpus: Path) -> tuple[list[str], dict[str, Counter[str]]]:
    """The files to measure (relative to the corpus), and hadolint's codes per file."""
    readme = (corpus / "README.md").read_text(encoding="utf-8")
    fixtures = {match.group("repo") for match in _FIXTURE_ROW.finditer(readme)}
    if not fixtures:
        raise BenchmarkError(f"{corpus / 'README.md'}: no repository rows marked `fixture`")
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    hadolint: dict[str, Counter[str]] = {}
    with (corpus / "hadolint-findings.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                finding = json.loads(line)
                hadolint.setdefault(finding["file"], Counter())[finding["code"]] += 1
    unparsed = {file for file, codes in hadolint.items() if codes.get("DL1000")}
    files = [
        row["file"]
        for row in rows
        if row["repo"] not in fixtures and row["file"].startswith("files/") and row["file"] not in unparsed
    ]
    return files, hadolint


def dockgate_codes(dockgate: list[str], corpus: Path, files: list[str], batch: int) -> dict[str, Counter[str]]:
    """dockgate's codes per file (relative to the corpus)."""
    found: dict[str, Counter[str]] = {}
    for start in range(0, len(files), batch):
        chunk = files[start : start + batch]
        completed = subprocess.run(
            [*dockgate, "check", "--format", "json", "--no-config", "--no-cache", "--no-fail", "--", *chunk],
            cwd=corpus,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            message = (completed.stderr.strip().splitlines() or ["no message"])[-1]
            raise BenchmarkError(f"dockgate exited {completed.returncode} on files {start}-{start + len(chunk)}: {message}")
        for finding in json.loads(completed.stdout or "[]"):
            found.setdefault(finding["file"], Counter())[finding["code"]] += 1
    return found


def tally(tool: str, files: list[str], codes_by_file: dict[str, Counter[str]]) -> Tally:
    codes: Counter[str] = Counter()
    for file in files:
        codes.update(codes_by_file.get(file, Counter()))
    return Tally(tool, len(files), codes)


def report(tallies: list[Tally]) -> str:
    dockgate, hadolint = tallies
    ratio = dockgate.per_file / hadolint.per_file if hadolint.per_file else float("nan")
    lines = [
        f"{dockgate.files} real-world files (no test fixtures, none hadolint failed to parse), default levels",
        f"dockgate  {dockgate.findings:6d} findings  {dockgate.per_file:6.2f} per file",
        f"hadolint  {hadolint.findings:6d} findings  {hadolint.per_file:6.2f} per file   (dockgate/hadolint {ratio:.2f}x)",
    ]
    for each in tallies:
        lines.append(f"top ten codes, {each.tool} (count, per file):")
        lines.extend(f"  {code:8s} {count:6d}  {count / each.files:5.2f}" for code, count in each.codes.most_common(10))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus folder (default: %(default)s)")
    parser.add_argument("--dockgate", help="the command to run dockgate (default: the console script beside this Python)")
    parser.add_argument("--batch", type=int, default=200, help="files per dockgate run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    try:
        dockgate = dockgate_command(args.dockgate)
        files, hadolint = measured_files(args.corpus)
        tallies = [tally("dockgate", files, dockgate_codes(dockgate, args.corpus, files, args.batch)),
                   tally("hadolint 2.15.1", files, hadolint)]
    except (BenchmarkError, OSError) as error:
        print(f"noise: {error}", file=sys.stderr)
        return 2
    print(report(tallies))
    if args.json is not None:
        args.json.write_text(json.dumps([each.as_json() for each in tallies], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
