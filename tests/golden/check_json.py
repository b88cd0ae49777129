#!/usr/bin/env python3
"""Every line of every golden JSON Lines file is one JSON object, with no key
twice, and carries the keys the README promises for its type; a session's
records come between its session_start and its session_end.

Usage: check_json.py GOLDEN_DIR"""
import json
import pathlib
import sys

COMMON = {"type", "ts", "frame", "session", "client", "server"}
REQUIRED = {
    "session_start": COMMON | {"handshake_seen", "community_id"},
    "command": COMMON | {"verb", "arg", "truncated"},
    "reply": COMMON | {"code", "lines", "text", "command", "arg", "path", "greeting", "uncertain", "class", "name", "meaning", "remedy",
                       "source", "known_code", "complete", "truncated", "diagnoses"},
    "unparsed": COMMON | {"direction", "line", "reason", "truncated"},
    "gap": COMMON | {"direction", "bytes"},
    "anomaly": COMMON | {"direction", "name"},
    "tls": COMMON | {"mode"},
    "data_channel": COMMON | {"mode", "command", "arg", "path", "listener", "announced", "opener", "syns", "bytes_to_server",
                              "bytes_to_client", "expected_bytes_to_client", "duration_ms", "throughput_bps", "end",
                              "closed_by", "tls", "after_abor", "stopped_reading", "diagnoses"},
    "session_end": COMMON | {"reason", "server_software", "user", "login", "tls", "transfer_type", "cwd", "commands", "replies",
                             "bytes_to_server", "bytes_to_client", "verdict", "tls_records", "diagnoses"},
    "summary": {"type", "source", "linktype", "packets", "tcp_packets", "ftp_packets", "data_packets", "sessions",
                "commands",
                "replies", "gaps", "anomalies", "login_guessing", "logins", "top_errors", "diagnoses", "findings", "kernel",
                "cut", "filter", "filtered_out"},
}


def unique_keys(pairs):
    keys = [k for k, _ in pairs]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"key(s) {sorted(duplicates)} twice")
    return dict(pairs)


def main():
    failures, lines = [], 0
    for path in sorted(pathlib.Path(sys.argv[1]).glob("*.jsonl")):
        started, ended = set(), set()
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith("--- "):
                break  # stderr and exit status follow the output
            lines += 1
            try:
                obj = json.loads(line, object_pairs_hook=unique_keys)
            except ValueError as e:
                failures.append(f"{path.name}:{n}: {e}")
                continue
            missing = REQUIRED.get(obj.get("type"), {"type"}) - obj.keys()
            if obj.get("type") not in REQUIRED:
                failures.append(f"{path.name}:{n}: unknown type {obj.get('type')!r}")
            elif missing:
                failures.append(f"{path.name}:{n}: {obj['type']} lacks {sorted(missing)}")
            elif obj["type"] == "reply" and obj["command"] is not None and "latency_ms" not in obj:
                failures.append(f"{path.name}:{n}: a reply that answers a command lacks latency_ms")
            session = obj.get("session")
            if obj.get("type") == "session_start":
                started.add(session)
            elif session is not None and (session not in started or session in ended):
                failures.append(f"{path.name}:{n}: a {obj['type']} of session {session} outside its start and end")
            if obj.get("type") == "session_end":
                ended.add(session)
    for f in failures:
        print("FAIL:", f)
    print(f"json: {lines} lines checked, {len(failures)} failures")
    return 1 if failures or lines == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
