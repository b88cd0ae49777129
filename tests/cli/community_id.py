#!/usr/bin/env python3
"""Every session's Community ID is the one Wireshark computes for its frames.

For each bundled capture, the `community_id` of each JSON session_start
must equal what tshark's Community ID dissector gives the frame the session
starts at, and the Markdown report's session table must carry the same ids;
under --anonymize, none of them may appear.

usage: community_id.py FTPSNIFF CAPTURES_DIR
"""
import json
import subprocess
import sys
from pathlib import Path


def main():
    ftpsniff, captures = sys.argv[1], Path(sys.argv[2])
    failures, sessions = [], 0
    for capture in sorted(captures.glob("*.pcap*")):
        out = subprocess.run([ftpsniff, "-r", str(capture), "--format", "json"], capture_output=True, text=True).stdout
        starts = [r for r in map(json.loads, out.splitlines()) if r["type"] == "session_start"]
        fields = subprocess.run(["tshark", "-r", str(capture), "--enable-protocol", "communityid", "-T", "fields",
                                 "-e", "frame.number", "-e", "communityid"], capture_output=True, text=True).stdout
        wireshark = dict(line.split("\t", 1) for line in fields.splitlines() if "\t" in line)
        report = subprocess.run([ftpsniff, "-r", str(capture), "--format", "markdown"], capture_output=True,
                                text=True).stdout
        for s in starts:
            sessions += 1
            want = wireshark.get(str(s["frame"]), "").strip()
            if s["community_id"] != want:
                failures.append(f"{capture.name} session {s['session']} (frame {s['frame']}): "
                                f"{s['community_id']}, Wireshark {want or 'none'}")
            if f"`{s['community_id']}`" not in report:
                failures.append(f"{capture.name} session {s['session']}: not in the report's table")
        # A hash of the real addresses would give them away: --anonymize hashes the pseudonyms.
        anonymized = subprocess.run([ftpsniff, "-r", str(capture), "--anonymize", "--format", "json",
                                     "--report", "/dev/stdout"], capture_output=True, text=True).stdout
        for s in starts:
            if s["community_id"] in anonymized:
                failures.append(f"{capture.name} session {s['session']}: its real Community ID under --anonymize")
    for f in failures:
        print(f"FAIL {f}")
    print(f"{sessions} sessions checked against Wireshark; {len(failures)} failures")
    return 1 if failures or sessions == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
