#!/usr/bin/env bash
# Re-records the FTP sample captures in this directory.
#
#   sudo captures/record.sh                 # every capture whose server is installed
#   sudo captures/record.sh NAME...         # only these captures
#
# NAMEs: python-demo  -> vsftpd-python-demo.pcap     (vsftpd)
#        lftp-ipv6    -> vsftpd-lftp-ipv6.pcap       (vsftpd)
#        curl-vsftpd  -> vsftpd-curl-badlogin.pcap   (vsftpd)
#        curl-proftpd -> proftpd-curl-badlogin.pcap  (proftpd)
#
# Needs (Debian package names): vsftpd lftp curl tcpdump python3 iproute2 passwd;
# proftpd-basic for curl-proftpd only.  NOTE: in Debian vsftpd and proftpd-basic
# conflict (both provide ftp-server), so they cannot be installed together; the
# proftpd capture has to be recorded in a separate run.  Installs nothing itself.
#
# Everything runs on the loopback interface only.  A throwaway local user
# "ftpdemo" (password "demo-pass-123" -- fake, for demonstration only) is
# created for the duration of the run and deleted again on exit.  The servers
# are started from private config files in a mktemp directory; /etc/vsftpd.conf
# and /etc/proftpd/ are not touched.
set -euo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=$SCRIPT_DIR

FTP_USER=ftpdemo
FTP_PASS=demo-pass-123
BAD_PASS=wrong-password
FTP_PORT=21
PASV_MIN=40000          # server passive ports
PASV_MAX=40009
ACTIVE_MIN=40010        # client-side ports for active (PORT) transfers
ACTIVE_MAX=40019
HELLO_CONTENT='Hello from ftpsniff!'
CAPTURE_FILTER="tcp port $FTP_PORT or tcp port 20 or tcp portrange $PASV_MIN-$ACTIVE_MAX"

log() { printf '[record] %s\n' "$*" >&2; }
die() { printf '[record] ERROR: %s\n' "$*" >&2; exit 1; }

# --- preconditions -----------------------------------------------------------
[[ $(id -u) -eq 0 ]] || die "must run as root (sudo $0)"

ALL_CAPTURES=(python-demo lftp-ipv6 curl-vsftpd curl-proftpd)
server_of() { case $1 in curl-proftpd) echo proftpd ;; *) echo vsftpd ;; esac; }
have() { command -v "$1" >/dev/null 2>&1; }

missing=()
for pair in lftp:lftp curl:curl tcpdump:tcpdump python3:python3 ss:iproute2 \
            useradd:passwd userdel:passwd chpasswd:passwd; do
    cmd=${pair%%:*} pkg=${pair#*:}
    have "$cmd" || missing+=("$cmd (package $pkg)")
done
((${#missing[@]} == 0)) || die "missing required tools: ${missing[*]}
  install with: apt-get install lftp curl tcpdump python3 iproute2 passwd"

if (($# > 0)); then
    CAPTURES=("$@")
    for c in "${CAPTURES[@]}"; do
        case " ${ALL_CAPTURES[*]} " in *" $c "*) ;; *) die "unknown capture '$c' (known: ${ALL_CAPTURES[*]})" ;; esac
        srv=$(server_of "$c")
        have "$srv" || die "capture $c needs $srv, which is not installed (package: $([[ $srv == proftpd ]] && echo proftpd-basic || echo vsftpd))"
    done
else
    CAPTURES=()
    for c in "${ALL_CAPTURES[@]}"; do
        srv=$(server_of "$c")
        if have "$srv"; then CAPTURES+=("$c"); else log "skipping $c: $srv not installed"; fi
    done
    ((${#CAPTURES[@]} > 0)) || die "neither vsftpd nor proftpd is installed (apt-get install vsftpd)"
fi
if have vsftpd; then
    [[ -e /etc/pam.d/vsftpd ]] || die "/etc/pam.d/vsftpd not found (vsftpd package incomplete?)"
fi
log "recording: ${CAPTURES[*]}"

port_busy() { [[ -n $(ss -Htln "sport = :$1") ]]; }
port_busy "$FTP_PORT" && die "something already listens on TCP port $FTP_PORT; stop it first"
getent passwd "$FTP_USER" >/dev/null && die "user $FTP_USER already exists; refusing to touch it"

# --- state + cleanup ---------------------------------------------------------
WORK=$(mktemp -d /tmp/ftpsniff-record.XXXXXX)
chmod 755 "$WORK"               # the FTP user must be able to reach the FTP root
USER_CREATED=0
TCPDUMP_PID=
SERVER_PID=

stop_pid() {                    # stop_pid PID SIGNAL
    local pid=$1 sig=$2 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    stop_pid "$TCPDUMP_PID" INT
    stop_pid "$SERVER_PID" TERM
    # session processes of the throwaway user (should already be gone)
    if ((USER_CREATED)); then
        pkill -TERM -u "$FTP_USER" 2>/dev/null; sleep 0.3
        pkill -KILL -u "$FTP_USER" 2>/dev/null
        userdel "$FTP_USER" 2>/dev/null || log "WARNING: could not delete user $FTP_USER"
    fi
    if ((rc != 0)); then
        for f in "$WORK"/*.log "$WORK"/*.err; do
            [[ -s $f ]] && { log "---- $f"; tail -n 20 "$f" >&2; }
        done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- FTP tree + throwaway user -----------------------------------------------
FTPROOT=$WORK/ftproot           # chroot; root-owned, not writable by the user
EMPTY=$WORK/empty               # vsftpd secure_chroot_dir
CLIENT=$WORK/client             # client-side working directory / HOME
mkdir -p "$FTPROOT/pub" "$EMPTY" "$CLIENT"
chmod 755 "$FTPROOT" "$FTPROOT/pub" "$EMPTY" "$CLIENT"
printf '%s\n' "$HELLO_CONTENT" >"$FTPROOT/hello.txt"
printf 'Sample capture data for ftpsniff.\n' >"$FTPROOT/notes.txt"
printf 'Files in pub/ may be replaced.\n' >"$FTPROOT/pub/readme.txt"
printf 'uploaded by lftp\n' >"$CLIENT/upload.txt"
touch -d '2024-01-01 12:00:00 UTC' "$FTPROOT"/*.txt "$FTPROOT"/pub/*.txt "$FTPROOT/pub" \
         "$CLIENT/upload.txt"   # stable dates in LIST output and lftp's SITE UTIME

log "creating throwaway user $FTP_USER"
useradd --no-create-home --home-dir "$FTPROOT" --shell /bin/sh \
        --no-user-group --gid nogroup "$FTP_USER"
USER_CREATED=1
printf '%s:%s\n' "$FTP_USER" "$FTP_PASS" | chpasswd
chown -R "$FTP_USER:nogroup" "$FTPROOT/pub"     # uploads go into pub/

# --- helpers -----------------------------------------------------------------
wait_listen() {                 # wait_listen PORT
    local i
    for ((i = 0; i < 100; i++)); do
        port_busy "$1" && return 0
        [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null && die "server exited early"
        sleep 0.1
    done
    die "server did not start listening on port $1"
}

start_capture() {               # start_capture NAME
    CAP_TMP=$WORK/$1
    CAP_NAME=$1
    : >"$WORK/tcpdump.err"
    # -Z root: Debian's tcpdump would otherwise drop to user tcpdump before
    # creating the file.  -U: write each packet immediately.  -s 0: full packets.
    tcpdump -i lo -n -s 0 -U -Z root -w "$CAP_TMP" "$CAPTURE_FILTER" \
        2>"$WORK/tcpdump.err" &
    TCPDUMP_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q 'listening on' "$WORK/tcpdump.err" && return 0
        kill -0 "$TCPDUMP_PID" 2>/dev/null || die "tcpdump failed: $(cat "$WORK/tcpdump.err")"
        sleep 0.1
    done
    die "tcpdump did not become ready"
}

stop_capture() {
    sleep 1                     # let FIN/ACKs of closing connections pass
    stop_pid "$TCPDUMP_PID" INT
    TCPDUMP_PID=
    grep -E 'packets (captured|dropped by kernel)' "$WORK/tcpdump.err" | sed 's/^/[tcpdump] /' >&2 || true
    mv -f "$CAP_TMP" "$OUT_DIR/$CAP_NAME"
    chmod 644 "$OUT_DIR/$CAP_NAME"
    log "wrote $OUT_DIR/$CAP_NAME ($(stat -c %s "$OUT_DIR/$CAP_NAME") bytes)"
}

stop_server() {
    stop_pid "$SERVER_PID" TERM
    SERVER_PID=
    local i
    for ((i = 0; i < 50; i++)); do port_busy "$FTP_PORT" || return 0; sleep 0.1; done
    die "port $FTP_PORT still busy after stopping server"
}

write_vsftpd_conf() {           # write_vsftpd_conf FILE ipv4|ipv6
    local listen_lines
    if [[ $2 == ipv4 ]]; then
        listen_lines="listen=YES
listen_ipv6=NO
listen_address=127.0.0.1"
    else
        listen_lines="listen=NO
listen_ipv6=YES
listen_address6=::1"
    fi
    cat >"$1" <<EOF
# private vsftpd config written by ftpsniff captures/record.sh
$listen_lines
listen_port=$FTP_PORT
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
local_root=$FTPROOT
chroot_local_user=YES
secure_chroot_dir=$EMPTY
pam_service_name=vsftpd
userlist_enable=NO
tcp_wrappers=NO
seccomp_sandbox=NO
ssl_enable=NO
pasv_enable=YES
pasv_min_port=$PASV_MIN
pasv_max_port=$PASV_MAX
port_enable=YES
connect_from_port_20=NO
hide_ids=YES
use_localtime=NO
dirmessage_enable=NO
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
vsftpd_log_file=$WORK/vsftpd.log
EOF
}

write_proftpd_conf() {          # write_proftpd_conf FILE
    cat >"$1" <<EOF
# private proftpd config written by ftpsniff captures/record.sh
ServerType              standalone
ServerName              "ftpsniff demo"
DefaultServer           on
Port                    $FTP_PORT
DefaultAddress          127.0.0.1
SocketBindTight         on
UseIPv6                 off
User                    nobody
Group                   nogroup
Umask                   022
MaxInstances            5
PidFile                 $WORK/proftpd.pid
ScoreboardFile          $WORK/proftpd.scoreboard
SystemLog               $WORK/proftpd.log
TransferLog             $WORK/proftpd-xfer.log
WtmpLog                 off
UseReverseDNS           off
AuthOrder               mod_auth_unix.c
RequireValidShell       on
DefaultRoot             ~
PassivePorts            $PASV_MIN $PASV_MAX
AllowOverwrite          on
<IfModule mod_auth_pam.c>
  AuthPAM               off
</IfModule>
<IfModule mod_delay.c>
  DelayEngine           off
</IfModule>
<IfModule mod_cap.c>
  CapabilitiesEngine    off
</IfModule>
<IfModule mod_ctrls.c>
  ControlsEngine        off
</IfModule>
EOF
}

start_vsftpd() {                # start_vsftpd ipv4|ipv6
    write_vsftpd_conf "$WORK/vsftpd-$1.conf" "$1"
    vsftpd "$WORK/vsftpd-$1.conf" >>"$WORK/vsftpd-stdout.log" 2>&1 &
    SERVER_PID=$!
    wait_listen "$FTP_PORT"
}

start_proftpd() {
    write_proftpd_conf "$WORK/proftpd.conf"
    proftpd --configtest -c "$WORK/proftpd.conf" >"$WORK/proftpd-configtest.log" 2>&1 \
        || die "proftpd config test failed: $(cat "$WORK/proftpd-configtest.log")"
    proftpd -n -c "$WORK/proftpd.conf" >>"$WORK/proftpd-stdout.log" 2>&1 &
    SERVER_PID=$!
    wait_listen "$FTP_PORT"
}

# --- python-demo: python3 ftplib -> vsftpd, IPv4 -------------------------------
record_python_demo() {
    log "vsftpd-python-demo.pcap: python3 ftplib -> vsftpd over 127.0.0.1"
    start_vsftpd ipv4
    start_capture vsftpd-python-demo.pcap
    FTP_USER=$FTP_USER FTP_PASS=$FTP_PASS HELLO_CONTENT=$HELLO_CONTENT \
    python3 - <<'PY'
import ftplib, io, os, sys
ftp = ftplib.FTP()
ftp.connect("127.0.0.1", 21, timeout=10)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
print("PWD ->", ftp.pwd(), file=sys.stderr)
ftp.set_pasv(True)
ftp.retrlines("LIST", lambda l: print("  ", l, file=sys.stderr))
buf = io.BytesIO()
ftp.retrbinary("RETR hello.txt", buf.write)
got = buf.getvalue().decode()
assert got == os.environ["HELLO_CONTENT"] + "\n", got
print("RETR hello.txt ->", repr(got), file=sys.stderr)
try:
    ftp.retrbinary("RETR missing.txt", buf.write)
    sys.exit("RETR missing.txt unexpectedly succeeded")
except ftplib.error_perm as e:
    assert str(e).startswith("550"), e
    print("RETR missing.txt ->", e, file=sys.stderr)
ftp.quit()
PY
    stop_capture
    stop_server
    # The same packets as pcapng, so both file formats are tested on real data.
    if have editcap; then
        editcap -F pcapng "$OUT_DIR/vsftpd-python-demo.pcap" "$OUT_DIR/vsftpd-python-demo.pcapng"
    else
        log "editcap (package tshark) not installed: vsftpd-python-demo.pcapng not rewritten"
    fi
}

# --- lftp-ipv6: lftp -> vsftpd, IPv6 -------------------------------------------
record_lftp_ipv6() {
    log "vsftpd-lftp-ipv6.pcap: lftp -> vsftpd over [::1]"
    start_vsftpd ipv6
    start_capture vsftpd-lftp-ipv6.pcap
    # ftp:ssl-allow stays at its default (yes): lftp tries AUTH TLS, vsftpd
    # (ssl_enable=NO) refuses, and lftp carries on in the clear.
    HOME=$CLIENT timeout 60 lftp -c "
set net:max-retries 1
set net:timeout 5
set net:reconnect-interval-base 1
set cmd:fail-exit yes
set cmd:interactive no
set ftp:passive-mode yes
set xfer:clobber yes
lcd $CLIENT
open -u $FTP_USER,$FTP_PASS ftp://[::1]:$FTP_PORT
ls
cd pub
put upload.txt
mv upload.txt renamed.txt
rm renamed.txt
bye
" >&2
    stop_capture
    stop_server
}

# --- curl-*: curl, IPv4: bad password (530), then active-mode (PORT) download --
record_curl() {                 # record_curl vsftpd|proftpd
    local server=$1 rc=0
    log "$server-curl-badlogin.pcap: curl -> $server over 127.0.0.1 (530, then PORT download)"
    "start_$server" ipv4
    start_capture "$server-curl-badlogin.pcap"
    curl -sS --max-time 15 -u "$FTP_USER:$BAD_PASS" \
         "ftp://127.0.0.1:$FTP_PORT/hello.txt" -o /dev/null || rc=$?
    [[ $rc -eq 67 ]] || die "expected curl exit 67 (login denied) for the bad password, got $rc"
    log "bad password rejected as expected (curl exit 67)"
    rm -f "$CLIENT/hello.curl"
    curl -sS --max-time 15 -u "$FTP_USER:$FTP_PASS" \
         --ftp-port "127.0.0.1:$ACTIVE_MIN-$ACTIVE_MAX" --disable-eprt \
         "ftp://127.0.0.1:$FTP_PORT/hello.txt" -o "$CLIENT/hello.curl"
    [[ $(cat "$CLIENT/hello.curl") == "$HELLO_CONTENT" ]] || die "curl download content mismatch"
    log "active-mode download OK"
    stop_capture
    stop_server
}

for c in "${CAPTURES[@]}"; do
    case $c in
        python-demo)  record_python_demo ;;
        lftp-ipv6)    record_lftp_ipv6 ;;
        curl-vsftpd)  record_curl vsftpd ;;
        curl-proftpd) record_curl proftpd ;;
    esac
done
log "done; captures are in $OUT_DIR"
