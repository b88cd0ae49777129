#!/usr/bin/env bash
# Live capture against a real server: vsftpd on loopback port 2121, driven by
# python3 ftplib through a login, a listing, a download, a failed download and
# QUIT, while `ftpsniff -i lo` watches. SIGINT must end it cleanly (exit 0,
# summary with the kernel's counts), and every reply must have been written,
# annotated, before the signal. Skips (77) without root or vsftpd.
# Usage: live_capture.sh FTPSNIFF
set -uo pipefail
bin=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to capture on lo"; exit 77; }
command -v vsftpd >/dev/null || { echo "SKIP: vsftpd is not installed (scripts/setup.sh installs it)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
# vsftpd's anonymous user: Debian's package creates 'ftp' with a home it can enter.
id ftp >/dev/null 2>&1 || { echo "SKIP: no user 'ftp' (installing vsftpd creates it)"; exit 77; }

work=$(mktemp -d)
server_pid='' sniff_pid=''
cleanup() {
    [ -n "$sniff_pid" ] && kill "$sniff_pid" 2>/dev/null
    [ -n "${KEEP:-}" ] && cp "$work/out.jsonl" /tmp/live-out.jsonl
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/root" "$work/empty"
chmod 755 "$work" "$work/root"
echo "hello from the live test" >"$work/root/hello.txt"
cat >"$work/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=2121
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$work/root
ftp_username=ftp
local_enable=NO
write_enable=NO
pasv_enable=YES
pasv_min_port=42000
pasv_max_port=42010
seccomp_sandbox=NO
secure_chroot_dir=$work/empty
xferlog_enable=NO
CONF
vsftpd "$work/vsftpd.conf" >"$work/vsftpd.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    python3 -c 'import socket; socket.create_connection(("127.0.0.1", 2121), 0.2).close()' 2>/dev/null && break
    sleep 0.1
done
python3 -c 'import socket; socket.create_connection(("127.0.0.1", 2121), 0.2).close()' 2>/dev/null ||
    fail "vsftpd did not start: $(cat "$work/vsftpd.log")"

"$bin" -i lo --port 2121 --format json -Z nobody 'tcp port 2121 or tcp portrange 42000-42010' \
    >"$work/out.jsonl" 2>"$work/err" &
sniff_pid=$!
# Ready when it reports a greeting: probe with connections that only read it.
for _ in $(seq 50); do
    python3 -c 'import socket; s = socket.create_connection(("127.0.0.1", 2121), 2); s.recv(100); s.close()' 2>/dev/null
    grep -q '"type":"reply".*"greeting":true' "$work/out.jsonl" && break
    sleep 0.2
done
grep -q '"type":"reply".*"greeting":true' "$work/out.jsonl" || fail "ftpsniff saw no greeting: $(cat "$work/err")"
grep -q '^ftpsniff: listening on lo, link-type EN10MB, snapshot length 262144 bytes$' "$work/err" ||
    fail "no tcpdump-like 'listening on' line: $(cat "$work/err")"

python3 - <<'PY' || fail "the FTP client failed"
import ftplib, io
ftp = ftplib.FTP()
ftp.connect("127.0.0.1", 2121, timeout=10)
ftp.login()
ftp.retrlines("LIST", lambda line: None)
data = io.BytesIO()
ftp.retrbinary("RETR hello.txt", data.write)
assert data.getvalue() == b"hello from the live test\n"
try:
    ftp.retrbinary("RETR missing.txt", data.write)
    raise SystemExit("RETR missing.txt succeeded")
except ftplib.error_perm as e:
    assert str(e).startswith("550"), e
ftp.quit()
PY
# Written as they happened: everything is in the file before the signal.
for _ in $(seq 50); do
    grep -q '"type":"reply".*"code":221' "$work/out.jsonl" && break
    sleep 0.1
done
grep -q '"type":"reply".*"code":221' "$work/out.jsonl" || fail "the replies were not written as they came: $(cat "$work/err")"
kill -INT "$sniff_pid"
wait "$sniff_pid"
status=$?
sniff_pid=''
[ "$status" -eq 0 ] || fail "ftpsniff exited $status after SIGINT: $(cat "$work/err")"

for expected in '"code":220,.*"greeting":true' '"code":230,.*"command":"USER"' '"code":227,.*"command":"PASV"' \
                '"code":150,.*"command":"LIST"' '"code":226,.*"command":"RETR"' '"code":550,.*"command":"RETR"' \
                '"code":221,.*"command":"QUIT"'; do
    grep -q "\"type\":\"reply\".*$expected" "$work/out.jsonl" || fail "no reply matching $expected"
done
grep '"type":"reply"' "$work/out.jsonl" | grep -qv '"meaning":"' && fail "a reply without its annotation"
grep -q '"type":"data_channel".*"command":"RETR".*"bytes_to_client":25' "$work/out.jsonl" ||
    fail "the download's data connection was not followed"
grep -q '"type":"summary".*"kernel":{"received":[1-9]' "$work/out.jsonl" || fail "the summary lacks the kernel's counts"
echo "live capture: every reply seen and annotated"
