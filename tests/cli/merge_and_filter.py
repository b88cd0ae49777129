#!/usr/bin/env python3
"""Several files are one capture, and a filter keeps the frame numbers.

A bundled capture is split into its odd and even frames (editcap); read back
as `-r odd -r even`, in either order, ftpsniff must print exactly what it
prints for the whole capture, and what it prints for mergecap's merge of the
two. Two captures whose first frames tie merge as mergecap merges them. A BPF
filter on -r must leave frames out without renumbering the ones it keeps.

usage: merge_and_filter.py FTPSNIFF CAPTURES_DIR
"""
import json
from decimal import Decimal
import subprocess
import sys
import tempfile
from pathlib import Path

CAPTURES = ["vsftpd-python-abor.pcap", "vsftpd-curl-disk-full.pcap", "proftpd-lftp-healthy-pasv.pcap",
            "vsftpd-lftp-ipv6.pcap"]
failures = []


def run(*args):
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        failures.append(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def frames_in(path):
    out = run("capinfos", "-c", "-M", "-T", "-r", str(path))
    return int(out.split("\t")[-1])


def without_summary(json_lines):
    return [line for line in json_lines.splitlines() if '"type":"summary"' not in line]


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: the two outputs differ")


def main():
    ftpsniff, captures = sys.argv[1], Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        for name in CAPTURES:
            whole = captures / name
            odd, even, merged = (Path(tmp) / f"{part}-{name}" for part in ("odd", "even", "merged"))
            n = frames_in(whole)
            run("editcap", "-r", str(whole), str(odd), *(str(i) for i in range(1, n + 1, 2)))
            run("editcap", "-r", str(whole), str(even), *(str(i) for i in range(2, n + 1, 2)))
            run("mergecap", "-F", "pcap", "-w", str(merged), str(even), str(odd))
            text = run(ftpsniff, "-r", str(whole), "--frames", "--color", "never")
            check(f"{name}: -r odd -r even", run(ftpsniff, "-r", str(odd), "-r", str(even), "--frames",
                                                   "--color", "never"), text)
            check(f"{name}: mergecap's merge", run(ftpsniff, "-r", str(merged), "--frames", "--color", "never"),
                  text)
            js = without_summary(run(ftpsniff, "-r", str(whole), "--format", "json"))
            check(f"{name}: -r even -r odd, JSON",
                  without_summary(run(ftpsniff, "-r", str(even), "-r", str(odd), "--format", "json")), js)

            # Two sessions whose first frames tie: the order must be mergecap's.
            other = captures / "vsftpd-python-demo.pcap"
            first = run("tshark", "-r", str(whole), "-c", "1", "-T", "fields", "-e", "frame.time_epoch").strip()
            base = run("tshark", "-r", str(other), "-c", "1", "-T", "fields", "-e", "frame.time_epoch").strip()
            tied = Path(tmp) / f"tied-{name}"
            run("editcap", "-t", str(Decimal(first) - Decimal(base)), str(other), str(tied))
            both = Path(tmp) / f"both-{name}"
            run("mergecap", "-F", "pcap", "-w", str(both), str(whole), str(tied))
            check(f"{name}: a tie with another capture, against mergecap",
                  run(ftpsniff, "-r", str(whole), "-r", str(tied), "--frames", "--color", "never"),
                  run(ftpsniff, "-r", str(both), "--frames", "--color", "never"))

            # A filter that keeps the control connection: its replies keep their frames.
            def replies(lines):
                return [(r["frame"], r["code"]) for r in map(json.loads, lines) if r["type"] == "reply"]

            kept = without_summary(run(ftpsniff, "-r", str(whole), "--format", "json", "tcp", "port", "21"))
            if not replies(js) or replies(kept) != replies(js):
                failures.append(f"{name}: 'tcp port 21' changed the replies' frame numbers")
            # Its data connections are still announced, but none of their packets passed.
            for r in map(json.loads, kept):
                if r["type"] == "data_channel" and (r["opener"] is not None or r["bytes_to_client"] > 0):
                    failures.append(f"{name}: 'tcp port 21' let a data connection's packets through")
            nothing = run(ftpsniff, "-r", str(whole), "--format", "json", "udp")
            if any(json.loads(line)["type"] != "summary" for line in nothing.splitlines()):
                failures.append(f"{name}: 'udp' left FTP in")
    for f in failures:
        print(f"FAIL {f}")
    print(f"{len(CAPTURES)} captures split, merged and filtered; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
