#!/usr/bin/env python3
"""Checks ftpsniff against real captures made by others (../shared/corpus).

Each NAME.pcap there comes with NAME.lines.tsv, an independent line-level
reading of the capture: both directions rebuilt by sequence number, server
lines grouped into RFC 959 replies, replies paired with commands first in,
first out. For every TCP connection, ftpsniff must report the same replies,
in the same order, answering the same commands; every reply tshark (which
reads only a segment's first line) sees, ftpsniff must see too, and in all
it must find more. ftpsniff runs with --show-passwords: this checks reading,
the masking has tests of its own. One reading differs on purpose: where a
connection was picked up mid-stream, ftpsniff never takes its first client
line for a command (it may be the rest of one, a PASS even), so the reply
that answers it answers nothing known.

Every command and reply names the frame that carried it (a reply: its
first line), numbered as tshark numbers them: that frame must be on the same
connection, and its payload must hold the line's end (a line split over
segments ends in the frame that completed it).

Usage: check_corpus.py FTPSNIFF CORPUS_DIR
"""
import collections
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
    streams, first_lines, commands, first_commands = {}, [], {}, []
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
                first_lines.append(row["text"].split("\\n", 1)[0].removesuffix("\\r"))
                if kind == "reply-first":
                    open_reply[key] = len(streams[key]) - 1
            elif kind == "reply-last" and key in open_reply:
                index = open_reply.pop(key)
                streams[key][index] = (streams[key][index][0], answered(row["reply_to"]))
            elif kind.startswith("command"):
                commands.setdefault(key, []).append((row["command"].upper(), row["arg"]))
                first_commands.append(row["text"].split("\\n", 1)[0].removesuffix("\\r"))
            elif kind == "reply-malformed":
                streams.setdefault(key, []).append(("malformed", answered(row["reply_to"])))
            else:
                streams.setdefault(key, [])
    return streams, first_lines, commands, first_commands


def ftpsniff_view(binary, pcap, ports):
    out = subprocess.run([binary, "-r", str(pcap), "--format", "json", "--show-passwords",
                          "--port", ",".join(sorted(ports))],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ftpsniff exited {out.returncode}: {out.stderr.strip()}")
    streams, lines, commands, fragments, framed = {}, {}, {}, {}, []
    for line in out.stdout.splitlines():
        ev = json.loads(line)
        if ev["type"] == "summary":
            continue
        key = (ev["client"], ev["server"])
        seq = streams.setdefault(key, [])
        if (ev["type"] == "unparsed" and ev["direction"] == "to_server" and ev["reason"] == "fragment_after_gap"
                and key not in commands and key not in fragments):
            fragments[key] = ev["line"]
        if ev["type"] == "reply":
            framed.append((key, ev["frame"], None if ev["truncated"] else ev["lines"][0]))
            seq.append((ev["code"], "<greeting>" if ev["greeting"] else ev["command"]))
            lines.setdefault(key, set()).update(escape(l) for l in ev["lines"])
        elif ev["type"] == "command":
            framed.append((key, ev["frame"], None if ev["truncated"] else ev["verb"] + (" " + ev["arg"] if ev["arg"] else "")))
            commands.setdefault(key, []).append((ev["verb"], ev["arg"], ev["truncated"]))
        elif ev["type"] == "unparsed" and ev["direction"] == "to_client" and ev["reason"] == "not_a_reply":
            seq.append(("malformed", ev["command"]))
            lines.setdefault(key, set()).add(escape(ev["line"]))
    return streams, lines, commands, fragments, framed


def frame_mismatches(name, tshark_path, framed):
    """Records whose frame is not on their connection or does not hold the end
    of their line (unknown for a line cut at the length cap: text None)."""
    payloads = {}
    with open(tshark_path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            src = endpoint(row["ip.src"] or row["ipv6.src"], row["tcp.srcport"])
            dst = endpoint(row["ip.dst"] or row["ipv6.dst"], row["tcp.dstport"])
            payloads[int(row["frame.number"])] = ({src, dst}, row["payload_escaped"])
    out = []
    for key, frame, text in framed:
        ends = payloads.get(frame)
        shown = escape(text or "")
        if ends is None or ends[0] != set(key) or shown[-6:] not in ends[1]:
            out.append(f"{name}: '{shown[:60]}' names frame {frame}, which does not end it")
    return out


def as_fragment(fragment, seq, commands):
    """The expected view with the first command, which ftpsniff saw as the
    fragment it may be, answered by nothing known."""
    if not commands or fragment.upper() != " ".join(filter(None, commands[0])).upper():
        return seq, commands
    verb = commands[0][0]
    seq = list(seq)
    for i, (code, reply_to) in enumerate(seq):
        if reply_to != "<greeting>":
            if reply_to == verb:
                seq[i] = (code, None)
            break
    return seq, commands[1:]


def escape(raw):
    r"""A line as the .tsv files write it: \\, \r, \n, \t, \xNN."""
    out = []
    for b in raw.encode("utf-8", "surrogateescape"):
        c = chr(b)
        if c == "\\":
            out.append("\\\\")
        elif c in "\r\n\t":
            out.append({"\r": "\\r", "\n": "\\n", "\t": "\\t"}[c])
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


def tshark_rows(path, field):
    """(connection, code or verb, first line of the segment) for each reply
    (field ftp.response.code) or command (ftp.request.command) tshark reports."""
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row.get(field, ""):
                continue
            src = row["ip.src"] or row["ipv6.src"]
            dst = row["ip.dst"] or row["ipv6.dst"]
            if field == "ftp.response.code":
                key = (endpoint(dst, row["tcp.dstport"]), endpoint(src, row["tcp.srcport"]))
            else:
                key = (endpoint(src, row["tcp.srcport"]), endpoint(dst, row["tcp.dstport"]))
            first = row["payload_escaped"].split("\\n", 1)[0].removesuffix("\\r")
            rows.append((key, row[field], first))
    return rows


def deduplicated(rows):
    """First lines of tshark's rows, less retransmissions (a row repeating the
    one just before it on the same connection)."""
    out, last = [], {}
    for key, _, first in rows:
        if last.get(key) != first:
            out.append(first)
        last[key] = first
    return out


def same_commands(expected, got):
    """Verbs equal; arguments equal, but for lines ftpsniff cut at its length
    cap (a prefix)."""
    if len(expected) != len(got):
        return False
    for (verb, arg), (got_verb, got_arg, truncated) in zip(expected, got):
        if verb != got_verb:
            return False
        if got_arg != arg and not (truncated and arg.startswith(got_arg)):
            return False
    return True


def main():
    binary, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
    failures, checked, replies, commands, unseen_by_tshark, frames = [], 0, 0, 0, 0, 0
    for pcap in sorted(corpus.glob("*.pcap")):
        expected, first_lines, expected_commands, first_commands = line_view(pcap.with_suffix(".lines.tsv"))
        ports = {key[1].rsplit(":", 1)[1] for key in expected} or {"21"}
        got, got_lines, got_commands, fragments, framed = ftpsniff_view(binary, pcap, ports)
        failures += frame_mismatches(pcap.name, pcap.with_suffix(".tshark.tsv"), framed)
        frames += len(framed)
        for key, seq in expected.items():
            want_commands = expected_commands.get(key, [])
            if key in fragments:
                seq, want_commands = as_fragment(fragments[key], seq, want_commands)
            if got.get(key, []) != seq:
                failures.append(f"{pcap.name} {key[0]} -> {key[1]}:\n  expected {seq}\n  ftpsniff {got.get(key)}")
            if not same_commands(want_commands, got_commands.get(key, [])):
                failures.append(f"{pcap.name} {key[0]} -> {key[1]}: commands differ:\n  expected "
                                f"{str(expected_commands.get(key))[:300]}\n  ftpsniff {str(got_commands.get(key))[:300]}")
        tshark_replies = tshark_rows(pcap.with_suffix(".tshark.tsv"), "ftp.response.code")
        for key, code, first in tshark_replies:
            if first not in got_lines.get(key, set()) and (pcap.name, int(code)) not in TSHARK_FALSE_REPLIES:
                failures.append(f"{pcap.name}: tshark sees '{first}', ftpsniff does not")
        # A line that starts no segment is invisible to tshark.
        tshark_commands = tshark_rows(pcap.with_suffix(".tshark.tsv"), "ftp.request.command")
        starts = collections.Counter(deduplicated(tshark_replies + tshark_commands))
        lines = collections.Counter(first_lines + first_commands)
        missed = sum(max(0, n - starts[text]) for text, n in lines.items())
        if missed:
            print(f"{pcap.name}: {missed} commands or replies tshark cannot see (not at the start of a segment)")
        unseen_by_tshark += missed
        replies += sum(len(seq) for seq in got.values())
        commands += sum(len(seq) for seq in got_commands.values())
        checked += 1
    if unseen_by_tshark == 0:
        failures.append("no line that tshark misses was found: the corpus holds some")
    for f in failures:
        print("FAIL:", f)
    print(f"corpus: {checked} captures, {replies} replies and {commands} commands checked, "
          f"{unseen_by_tshark} of them unseen by tshark, {frames} frame numbers, {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
