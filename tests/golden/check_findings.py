#!/usr/bin/env python3
"""Each bundled capture of a real failure yields the diagnosis it was
recorded for, and each healthy one nothing above info: the per-session
verdicts, the findings that must appear and those that must not, as
tests/golden/findings.tsv lists them for every capture in captures/ (and
tests/corpus/findings.tsv for ../shared/corpus); a verdict of "-" is not
checked.

Usage: check_findings.py FTPSNIFF CAPTURES_DIR FINDINGS_TSV"""
import json
import pathlib
import subprocess
import sys


def split(field):
    return [x for x in field.split(",") if x]


def main():
    ftpsniff, captures, table = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    expected = {}
    for line in table.read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("capture\t"):
            continue
        name, verdicts, must, must_not = (line.split("\t") + ["", "", ""])[:4]
        expected[name] = (split(verdicts), split(must), split(must_not))
    failures = []
    names = sorted(p.stem for p in captures.glob("*.pcap"))
    for name in names:
        if name not in expected:
            failures.append(f"{name}: not listed in {table.name}")
            continue
        verdicts, must, must_not = expected[name]
        out = subprocess.run([ftpsniff, "-r", str(captures / f"{name}.pcap"), "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        records = [json.loads(line) for line in out.splitlines()]
        got_verdicts = [r["verdict"]["finding"] or "healthy" for r in records if r["type"] == "session_end"]
        found = {f["id"] for r in records if r["type"] == "summary" for f in r["findings"]}
        if verdicts != ["-"] and got_verdicts != verdicts:
            failures.append(f"{name}: verdicts {got_verdicts}, expected {verdicts}")
        for i in must:
            if i not in found:
                failures.append(f"{name}: no {i} (found {sorted(found)})")
        for i in must_not:
            if i in found:
                failures.append(f"{name}: {i} must not be found")
    for name in sorted(set(expected) - set(names)):
        failures.append(f"{name}: listed but not in {captures}")
    for f in failures:
        print("FAIL:", f)
    print(f"findings: {len(names)} captures checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
