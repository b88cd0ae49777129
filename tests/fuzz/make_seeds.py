#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets from the bundled captures.

usage: make_seeds.py OUTDIR [--captures DIR] [--data DIR]

Writes OUTDIR/<target>/<name> for fuzz_decode, fuzz_stream, fuzz_ftp_lines
and fuzz_knowledge, each in that target's input format (described at the top
of tests/fuzz/<target>.cpp). Real traffic gives the fuzzer valid headers and
FTP dialogue to mutate, instead of making it discover them byte by byte.
Classic pcap only; standard library only.
"""

import argparse
import math
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
# fuzz_decode's selector indexes this list (link types as libpcap's DLT_*).
LINK_TYPES = [0, 1, 12, 14, 108, 113, 228, 229, 276]
# pcap files store LINKTYPE_* values; they differ from DLT_* only for raw IP.
LINKTYPE_TO_DLT = {101: 12}
FTP_PORT = 21


def read_pcap(path):
    """Returns (dlt, [(ts_seconds, frame_bytes)])."""
    data = path.read_bytes()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    frames, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, _wirelen = struct.unpack(endian + "IIII", data[pos:pos + 16])
        pos += 16
        frames.append((sec + frac / (1e9 if nano else 1e6), data[pos:pos + caplen]))
        pos += caplen
    return LINKTYPE_TO_DLT.get(linktype, linktype), frames


def ip_offset(dlt, frame):
    """Where the IP header starts for the link types the captures use."""
    if dlt == 1:  # Ethernet, skipping 802.1Q tags
        off = 12
        while frame[off:off + 2] in (b"\x81\x00", b"\x88\xa8"):
            off += 4
        return off + 2
    return {0: 4, 108: 4, 113: 16, 276: 20}.get(dlt, 0)


def tcp_segment(dlt, frame):
    """(sport, dport, seq, ack, flags, payload) of a TCP frame, else None."""
    off = ip_offset(dlt, frame)
    version = frame[off] >> 4 if off < len(frame) else 0
    if version == 4:
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 6:
            return None
        end = off + struct.unpack(">H", frame[off + 2:off + 4])[0]
        tcp = off + ihl
    elif version == 6:
        if frame[off + 6] != 6:
            return None
        end = off + 40 + struct.unpack(">H", frame[off + 4:off + 6])[0]
        tcp = off + 40
    else:
        return None
    sport, dport, seq, ack, hlen, flags = struct.unpack(">HHIIBB", frame[tcp:tcp + 14])
    return sport, dport, seq, ack, flags, frame[tcp + (hlen >> 4) * 4:end]


def fragments(dlt, frame):
    """The frame's IP datagram as two fragments (IPv4 or an IPv6 fragment header)."""
    off = ip_offset(dlt, frame)
    link, ip = frame[:off], frame[off:]
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 0x0F) * 4
        header, body = ip[:ihl], ip[ihl:struct.unpack(">H", ip[2:4])[0]]
        split = (len(body) // 2) & ~7
        parts = [(body[:split], 0, 1), (body[split:], split, 0)]
        out = []
        for part, at, more in parts:
            h = bytearray(header)
            h[2:4] = struct.pack(">H", ihl + len(part))
            h[6:8] = struct.pack(">H", (more << 13) | (at // 8))
            out.append(link + bytes(h) + part)
        return out
    if ip[0] >> 4 == 6:
        header, body = ip[:40], ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
        split = (len(body) // 2) & ~7
        out = []
        for part, at, more in [(body[:split], 0, 1), (body[split:], split, 0)]:
            h = bytearray(header)
            h[4:6] = struct.pack(">H", 8 + len(part))
            h[6] = 44  # next header: fragment
            frag = struct.pack(">BBHI", header[6], 0, at | more, 0x1234)
            out.append(link + bytes(h) + frag + part)
        return out
    return []


def decode_input(dlt, frames, cut=False):
    selector = LINK_TYPES.index(dlt) | (0x80 if cut else 0)
    return bytes([selector]) + b"".join(struct.pack(">H", len(f)) + f for f in frames)


def control_segments(dlt, frames):
    """[(ts, to_server, client_port, flags, seq, payload)] on the FTP port."""
    out = []
    for ts, frame in frames:
        seg = tcp_segment(dlt, frame)
        if seg and FTP_PORT in (seg[0], seg[1]):
            sport, dport, seq, _ack, flags, payload = seg
            to_server = dport == FTP_PORT
            out.append((ts, to_server, sport if to_server else dport, flags, seq, payload))
    return out


def stream_input(config, segments):
    """fuzz_stream's format: seq offsets from where each sender stands."""
    out = bytearray([config])
    ports, standing, last_ts = [], {}, None
    for ts, to_server, port, flags, seq, payload in segments:
        if port not in ports:
            ports.append(port)
        flow = ports.index(port) & 1
        key = (flow, to_server)
        offset = (seq - standing.get(key, seq) + 2**31) % 2**32 - 2**31
        offset = max(-32768, min(32767, offset))
        standing[key] = (seq + len(payload) + (flags & 0x02 != 0) + (flags & 0x01 != 0)) % 2**32
        ms = 0 if last_ts is None else (ts - last_ts) * 1000
        last_ts = ts
        step = min(31, round(math.sqrt(ms / 20)))
        chunks = [payload[i:i + 255] for i in range(0, len(payload), 255)] or [b""]
        for i, chunk in enumerate(chunks):
            control = (step << 3) | (flow << 1) | int(to_server)
            chunk_flags = flags if i == len(chunks) - 1 else flags & ~0x01
            out += struct.pack(">BBhB", control, chunk_flags, offset if i == 0 else 0, len(chunk)) + chunk
            step = 0
    return bytes(out)


def dialogue(lines):
    """Segments for a made-up control connection after a handshake:
    [(to_server, text)], or (to_server, text, seq) to leave holes."""
    seq = {True: 1000, False: 5000}
    out = [(0.0, True, 40000, 0x02, 999, b""), (0.0, False, 40000, 0x12, 4999, b"")]
    for i, (to_server, text, *at) in enumerate(lines):
        start = at[0] if at else seq[to_server]
        out.append((0.01 * (i + 1), to_server, 40000, 0x18, start, text))
        seq[to_server] = max(seq[to_server], start + len(text))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=pathlib.Path)
    parser.add_argument("--captures", type=pathlib.Path, default=ROOT / "captures")
    parser.add_argument("--data", type=pathlib.Path, default=ROOT / "data", help="the *.tsv tables")
    args = parser.parse_args()

    seeds = {t: {} for t in ("fuzz_decode", "fuzz_stream", "fuzz_ftp_lines", "fuzz_knowledge")}
    for path in sorted(args.captures.glob("*.pcap")):
        name = path.stem
        dlt, frames = read_pcap(path)
        if dlt not in LINK_TYPES:
            continue
        raw = [f for _, f in frames]
        decode = seeds["fuzz_decode"]
        decode[f"{name}-all"] = decode_input(dlt, raw)
        for i, frame in enumerate(raw):
            decode[f"{name}-{i:03}"] = decode_input(dlt, [frame])
            seg = tcp_segment(dlt, frame)
            if seg and seg[5]:  # frames with payload: also fragmented, and cut short
                parts = fragments(dlt, frame)
                decode[f"{name}-{i:03}-frag"] = decode_input(dlt, parts)
                decode[f"{name}-{i:03}-frag-rev"] = decode_input(dlt, parts[::-1])
                decode[f"{name}-{i:03}-cut"] = decode_input(dlt, [frame[:len(frame) - len(seg[5]) // 2]], cut=True)

        segments = control_segments(dlt, frames)
        seeds["fuzz_stream"][f"{name}"] = stream_input(0x0C, segments)  # default line cap
        seeds["fuzz_stream"][f"{name}-tight"] = stream_input(0x73, segments)  # every cap small
        seeds["fuzz_stream"][f"{name}-detect"] = stream_input(0x8C, segments)  # FtpDetector first
        for direction, to_server in (("client", True), ("server", False)):
            text = b"".join(s[5] for s in segments if s[1] == to_server)
            # 1021-byte lines, 64-byte chunks, no gaps; then 33-byte lines, gaps, 2-line replies.
            seeds["fuzz_ftp_lines"][f"{name}-{direction}"] = b"\xff\x3f\x00" + text
            seeds["fuzz_ftp_lines"][f"{name}-{direction}-tight"] = b"\x08\x07\x23" + text

    # What the captures lack: TLS accepted (the rest is not parsed), and a
    # reply that opens with 1xx and ends with the final code.
    seeds["fuzz_stream"]["made-up-tls"] = stream_input(0x0C, dialogue(
        [(False, b"220 hi\r\n"), (True, b"AUTH TLS\r\n"), (False, b"234 go\r\n"), (True, b"\x16\x03\x01\x00")]))
    seeds["fuzz_stream"]["made-up-150"] = stream_input(0x0C, dialogue(
        [(False, b"220-a\r\n220 b\r\n"), (True, b"RETR x\r\nNOOP\r\n"),
         (False, b"150 open\r\n226 done\r\n200 ok\r\n")]))
    # A working directory that is no Unix path (z/OS answers PWD so), then CDUP.
    seeds["fuzz_stream"]["made-up-mvs-pwd"] = stream_input(0x0C, dialogue(
        [(False, b"220 hi\r\n"), (True, b"PWD\r\n"), (False, b"257 \"'USER1.'\" is working directory.\r\n"),
         (True, b"CDUP\r\n"), (False, b"250 ok\r\n"), (True, b"CWD a/../b\r\n"), (False, b"250 ok\r\n"),
         (True, b"PWD\r\n"), (False, b"257 \"\" is empty.\r\n"), (True, b"CWD x\r\n"), (False, b"250 ok\r\n")]))
    # Client packets out of order: two holes, then what fills them.
    seeds["fuzz_stream"]["made-up-holes"] = stream_input(0x0C, dialogue(
        [(True, b"USER a\r\n", 1000), (True, b"NOOP\r\n", 1028), (True, b"NOOP\r\n", 1054),
         (True, b"NOOP\r\nPASS secret1\r\n", 1008), (True, b"SYST\r\nPASS secret2\r\n", 1034)]))

    # The tables in data/ (knowledge base, its translations, command_replies)
    # in a few chunks each, every chunk after the comments and header line:
    # small inputs are mutated faster than a whole file.
    for path in sorted(args.data.glob("*.tsv")):
        lines = path.read_bytes().splitlines(keepends=True)
        head = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith(b"#")) + 1
        rows = lines[head:]
        step = max(1, math.ceil(len(rows) / 4))
        for i in range(0, len(rows), step):
            seeds["fuzz_knowledge"][f"{path.stem}-{i // step}"] = b"".join(lines[:head] + rows[i:i + step])

    for target, files in seeds.items():
        directory = args.outdir / target
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (directory / name).write_bytes(data)
        print(f"{target}: {len(files)} seeds in {directory}")


if __name__ == "__main__":
    main()
