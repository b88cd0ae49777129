#!/usr/bin/env python3
"""Under --lang ja and --lang ko, nothing ftpsniff itself writes is English:
the transcript, the summary, the Markdown report and explain, on every
bundled capture. What came from the network (commands, reply lines, quoted
server words, user names) and identifiers (diagnosis ids, anomaly names,
verbs, settings) may be ASCII; a run of two English words is prose.

Usage: no_english.py FTPSNIFF CAPTURES_DIR
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

# A transcript line that shows the capture's own bytes: a command, a reply
# line or its continuation, with or without the frame column.
# In the report's sequence diagrams, the arrows between client and server.
NETWORK_LINE = re.compile(r"^\s*(\d+ )?\s*(\d\d:\d\d:\d\d\.\d+ )?#\d+ [<>] |^\s*\d+ \d\d:\d\d:\d\d\.\d+ [<>] |^\d\d:\d\d:\d\d\.\d+ [<>] "
                          r"|^\s+(C->>S|S-->>C|C-\)S|S--\)C): ")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|「[^」]*」|`[^`]*`|“[^”]*”|‘[^’]*’")
WORD = re.compile(r"^[A-Za-z][a-z]+[,.;:)]?$")
# Mermaid's own syntax before the words of a diagram's line.
MERMAID_SYNTAX = re.compile(r"^\s+(Note (over|right of) \w+(,\w+)?: |participant \w+ as |[CS]-(>>|x)D: |rect rgb\(.*|end$)")
SOURCE_LABELS = {"出典", "출처"}
# Words that are names in every language: products, tools and settings.
NAMES = {"vsftpd", "curl", "lftp", "ftplib", "tnftp", "ProFTPD", "Pure-FTPd", "FileZilla", "Windows", "Linux",
         "Server", "Microsoft", "Python", "Telnet", "Synch", "Wireshark", "passive", "seccomp", "chroot"}


def prose(text):
    """The first run of two English words in `text`, or None."""
    text = QUOTED.sub(" ", text)
    run = []
    for token in text.split():
        if WORD.match(token) and token.strip(",.;:)") not in NAMES:
            run.append(token)
            if len(run) >= 2:
                return " ".join(run)
        else:
            run = []
    return None


def check(label, output, failures):
    users = set(re.findall(r"> USER (\S+)", output))
    in_source = False
    for line in output.splitlines():
        # explain's sources are titles of RFCs, manuals and source files.
        in_source = line.strip() in SOURCE_LABELS or (in_source and line.startswith(" "))
        if NETWORK_LINE.search(line) or in_source:
            continue
        line = MERMAID_SYNTAX.sub(" ", line)
        for u in users:
            line = line.replace(u, " ")
        found = prose(line)
        if found:
            failures.append(f"{label}: English '{found}' in: {line.strip()[:160]}")
            return


def run(args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


def main():
    binary, captures = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory() as work:
        report = os.path.join(work, "report.md")
        for lang in ("ja", "ko"):
            for capture in sorted(glob.glob(os.path.join(captures, "*.pcap"))):
                name = f"{lang} {os.path.basename(capture)}"
                r = run([binary, "--lang", lang, "--frames", "-r", capture, "--report", report])
                check(f"{name} transcript", r.stdout + r.stderr, failures)
                with open(report, encoding="utf-8") as f:
                    check(f"{name} report", f.read(), failures)
            for args in (["530"], ["214", "331"], ["202", "331"], ["421", "214"], ["10054"], ["999"],
                         ["451 big.iso: Append/Restart not permitted, try again"], ["504", "--after", "TYPE"]):
                r = run([binary, "explain", *args, "--lang", lang])
                check(f"{lang} explain {' '.join(args)}", r.stdout + r.stderr, failures)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
