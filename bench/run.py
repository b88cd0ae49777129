#!/usr/bin/env python3
"""Times ftpsniff against the floor (a bare libpcap loop) and tshark.

Makes the captures with bench_generate if they are missing, then for each
capture runs the three programs in turn, round after round (the order
rotating, so none always runs first), and prints the medians as a Markdown
table: time, ratio to the floor, MB/s, packets/s and peak RSS.

Before timing, it checks that ftpsniff heard everything the generator put in
each capture (sessions, commands, replies) and, with --reference-rev, that
its output is byte for byte the output of that older revision.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name, generator arguments
CAPTURES = [
    ("mixed", ["mixed"]),
    ("heavy", ["heavy"]),
]
# Twice the sessions over twice the time: ftpsniff's peak memory must not grow.
DOUBLE = ("heavy-x2", ["heavy", "--scale", "2"])


def run_timed(argv, rss_file):
    """Wall seconds and peak RSS (KiB) of one run, output thrown away.

    GNU time measures the peak: a child forked from Python would count
    Python's own pages in it."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, *argv], stdout=null, stderr=null)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"run.py: {' '.join(map(str, argv))} failed")
    return elapsed, int(Path(rss_file).read_text().split()[-1])


def output_of(argv):
    """sha256 and last line of a program's standard output."""
    digest = hashlib.sha256()
    last = b""
    with subprocess.Popen(argv, stdout=subprocess.PIPE) as proc:
        for line in proc.stdout:
            digest.update(line)
            last = line
    if proc.returncode != 0:
        sys.exit(f"run.py: {' '.join(map(str, argv))} failed")
    return digest.hexdigest(), last


def make_capture(build, data, name, args):
    path = data / f"{name}.pcap"
    manifest = data / f"{name}.json"
    if not path.exists() or not manifest.exists():
        print(f"generating {path} ...", file=sys.stderr)
        out = subprocess.run([build / "bench" / "bench_generate", *args[:1], path, *args[1:]],
                             check=True, capture_output=True, text=True).stdout
        manifest.write_text(out)
    return path, json.loads(manifest.read_text())


def build_reference(rev, build):
    """ftpsniff as it was at `rev`, built once into build/bench-reference-<rev>."""
    tree = build / f"bench-reference-{rev}"
    binary = tree / "build" / "ftpsniff"
    if not binary.exists():
        if not tree.exists():
            subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", tree, rev], check=True,
                           capture_output=True)
        subprocess.run(["cmake", "-S", tree, "-B", tree / "build", "-DBUILD_TESTING=OFF"], check=True,
                       capture_output=True)
        subprocess.run(["cmake", "--build", tree / "build", "-j2", "--target", "ftpsniff"], check=True,
                       capture_output=True)
    return binary


def check(ftpsniff, capture, expected, reference):
    argv = [ftpsniff, "-r", capture, "--format", "json"]
    digest, last = output_of(argv)
    summary = json.loads(last)
    heard = {"sessions": summary["sessions"], "commands": summary["commands"],
             "replies": sum(summary["replies"].values())}
    for key, value in heard.items():
        if value != expected[key]:
            sys.exit(f"run.py: {capture}: ftpsniff found {value} {key}, the generator made {expected[key]}")
    if reference is not None:
        ref_digest, _ = output_of([reference, "-r", capture, "--format", "json"])
        if ref_digest != digest:
            sys.exit(f"run.py: {capture}: output differs from the reference build's")
    return digest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=ROOT / "build", help="the CMake build directory")
    ap.add_argument("--data", type=Path, help="where the captures go (default: BUILD/bench-data)")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each program per capture")
    ap.add_argument("--captures", default=",".join(name for name, _ in CAPTURES))
    ap.add_argument("--no-tshark", action="store_true")
    ap.add_argument("--no-double", action="store_true", help="skip the memory check on heavy at twice the size")
    ap.add_argument("--reference-rev", help="a git revision whose output ftpsniff's must equal")
    ap.add_argument("--check-at-scale", type=float, metavar="S",
                    help="only check what ftpsniff hears in both captures made S times as large, no timing "
                         "(the test suite runs this small)")
    args = ap.parse_args()

    build = args.build.resolve()
    data = (args.data or build / "bench-data").resolve()
    data.mkdir(parents=True, exist_ok=True)
    if args.check_at_scale is not None:
        for name, gen_args in CAPTURES:
            capture, expected = make_capture(build, data, f"{name}-{args.check_at_scale:g}",
                                             [*gen_args, "--scale", str(args.check_at_scale)])
            check(build / "ftpsniff", capture, expected, None)
            print(f"{name} at {args.check_at_scale:g}: {expected['sessions']} sessions, {expected['commands']} "
                  f"commands and {expected['replies']} replies, all heard")
        return

    ftpsniff = build / "ftpsniff"
    programs = {
        "floor": lambda cap: [build / "bench" / "bench_floor", cap],
        "ftpsniff": lambda cap: [ftpsniff, "-r", cap, "--format", "json"],
    }
    if not Path("/usr/bin/time").exists():
        sys.exit("run.py: GNU time is not installed (scripts/setup.sh installs it)")
    if not args.no_tshark:
        if shutil.which("tshark") is None:
            sys.exit("run.py: tshark is not installed (scripts/setup.sh installs it), or pass --no-tshark")
        programs["tshark"] = lambda cap: ["tshark", "-n", "-r", cap, "-Y", "ftp"]
    reference = build_reference(args.reference_rev, build) if args.reference_rev else None

    wanted = args.captures.split(",")
    rows = []
    for name, gen_args in CAPTURES:
        if name not in wanted:
            continue
        capture, expected = make_capture(build, data, name, gen_args)
        check(ftpsniff, capture, expected, reference)
        times = {p: [] for p in programs}
        rss = {p: 0 for p in programs}
        order = list(programs)
        for r in range(args.rounds):
            for p in order[r % len(order):] + order[:r % len(order)]:
                seconds, peak = run_timed(programs[p](capture), data / "rss.txt")
                times[p].append(seconds)
                rss[p] = max(rss[p], peak)
        floor = statistics.median(times["floor"])
        for p in programs:
            t = statistics.median(times[p])
            rows.append((name, p, t, t / floor, expected["bytes"] / t / 1e6, expected["packets"] / t, rss[p] / 1024))
        print(f"{name}: {expected['bytes'] / 1e6:.0f} MB, {expected['packets']} packets, "
              f"{expected['sessions']} sessions; ftpsniff heard them all"
              + (f" and wrote what {args.reference_rev} writes" if reference else ""), file=sys.stderr)

    double_rss = None
    if "heavy" in wanted and not args.no_double:
        capture, expected = make_capture(build, data, *DOUBLE)
        _, double_rss = run_timed(programs["ftpsniff"](capture), data / "rss.txt")

    print(f"| capture | program | time (median of {args.rounds}) | × floor | MB/s | packets/s | peak RSS |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, p, t, ratio, mbs, pps, mib in rows:
        print(f"| {name} | {p} | {t:.2f} s | {ratio:.2f} | {mbs:.0f} | {pps / 1e6:.2f} M | {mib:.0f} MiB |")
    if double_rss is not None:
        print(f"\nftpsniff's peak RSS on heavy at twice the size ({expected['bytes'] / 1e6:.0f} MB, "
              f"{expected['sessions']} sessions): {double_rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
