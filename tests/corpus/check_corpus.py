#!/usr/bin/env python3
"""Checks ftpsniff against real captures made by others (../shared/corpus).

Each NAME.pcap there comes with NAME.lines.tsv, an independent line-level
reading of the capture: both directions rebuilt by sequence number, server
lines grouped into RFC 959 replies, replies paired with commands first in,
first out. For every TCP connection, ftpsniff must report the same replies,
in the same order, answering the same commands; and where tshark (which reads
only a segment's first line) sees a reply, ftpsniff must see it too.

Usage: check_corpus.py FTPSNIFF CORPUS_DIR
"""
import csv
import ipaddress
import json
import pathlib
import subprocess
import sys


def endpoint(ip, port):
    addr = ipaddress.ip_address(ip)
    return f"[{addr.compressed}]:{port}" if addr.version == 6 else f"{addr}:{port}"


def answered(reply_to):
    if reply_to == "<greeting>":
        return "<greeting>"
    if reply_to in ("", "<unsolicited>"):
        return None
    return reply_to.split(":", 1)[1].upper()


# Replies tshark reports that are not replies at all, with the reason.
TSHARK_FALSE_REPLIES = {
    ("zeek-ftp-ipv6-violation.pcap", 530):
        "'530 Sorry...' sits inside a binary SSH packet the server sent on the control connection, not at a line start",
}


def line_view(path):
    """Per connection (client, server): the replies and malformed lines."""
    streams = {}
    open_reply = {}  # a multi-line reply names its command on its last line
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["dir"] == "C2S":
                key = (endpoint(row["src"], row["sport"]), endpoint(row["dst"], row["dport"]))
            else:
                key = (endpoint(row["dst"], row["dport"]), endpoint(row["src"], row["sport"]))
            kind = row["kind"].removesuffix("-noeol")
            if kind in ("reply", "reply-first"):
                streams.setdefault(key, []).append((int(row["code"]), answered(row["reply_to"])))
                if kind == "reply-first":
                    open_reply[key] = len(streams[key]) - 1
            elif kind == "reply-last" and key in open_reply:
                index = open_reply.pop(key)
                streams[key][index] = (streams[key][index][0], answered(row["reply_to"]))
            elif kind == "reply-malformed":
                streams.setdefault(key, []).append(("malformed", answered(row["reply_to"])))
            else:
                streams.setdefault(key, [])
    return streams


def ftpsniff_view(binary, pcap, ports):
    out = subprocess.run([binary, "-r", str(pcap), "--format", "json", "--port", ",".join(sorted(ports))],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ftpsniff exited {out.returncode}: {out.stderr.strip()}")
    streams = {}
    for line in out.stdout.splitlines():
        ev = json.loads(line)
        if ev["type"] == "summary":
            continue
        key = (ev["client"], ev["server"])
        seq = streams.setdefault(key, [])
        if ev["type"] == "reply":
            seq.append((ev["code"], "<greeting>" if ev["greeting"] else ev["command"]))
        elif ev["type"] == "unparsed" and ev["direction"] == "to_client" and ev["reason"] == "not_a_reply":
            seq.append(("malformed", ev["command"]))
    return streams


def tshark_reply_codes(path):
    with open(path, newline="") as f:
        return [int(row["ftp.response.code"]) for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if row.get("ftp.response.code", "").isdigit()]


def main():
    binary, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
    failures, checked = [], 0
    for pcap in sorted(corpus.glob("*.pcap")):
        lines_tsv = pcap.with_suffix(".lines.tsv")
        expected = line_view(lines_tsv)
        ports = {key[1].rsplit(":", 1)[1] for key in expected} or {"21"}
        got = ftpsniff_view(binary, pcap, ports)
        for key, replies in expected.items():
            if got.get(key, []) != replies:
                failures.append(f"{pcap.name} {key[0]} -> {key[1]}:\n  expected {replies}\n  ftpsniff {got.get(key)}")
        ours = sorted(code for seq in got.values() for code, _ in seq if code != "malformed")
        theirs = tshark_reply_codes(pcap.with_suffix(".tshark.tsv"))
        # tshark counts retransmitted segments again, so compare distinct counts per code.
        for code in set(theirs):
            if code not in ours and (pcap.name, code) not in TSHARK_FALSE_REPLIES:
                failures.append(f"{pcap.name}: tshark sees reply {code}, ftpsniff does not")
        checked += 1
    for f in failures:
        print("FAIL:", f)
    print(f"corpus: {checked} captures checked, {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
