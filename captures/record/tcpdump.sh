# shellcheck shell=bash
# Part of record.sh: starting and stopping tcpdump, and moving each finished
# capture into OUT_DIR.

# loopback: only FTP ports, the host may have other traffic on lo
CAPTURE_FILTER="tcp port $FTP_PORT or tcp port 20 or tcp portrange $PASV_MIN-$ACTIVE_MAX"
NS_FILTER='tcp or icmp or (icmp6 and ip6[40] < 128)'    # no ARP/ND/MLD chatter

start_capture() {               # start_capture NAME [NAMESPACE]: on lo, or on NAMESPACE's eth0
    local run=() dev=lo filter=$CAPTURE_FILTER i
    if (($# > 1)); then run=(ip netns exec "$2"); dev=eth0; filter=$NS_FILTER; fi
    CAP_TMP=$WORK/$1
    CAP_NAME=$1
    # empty it now: tcpdump's own 2> may come after the first grep below
    : >"$WORK/tcpdump.err"
    # -Z root: Debian's tcpdump would otherwise drop to user tcpdump before
    # creating the file.  -U: write each packet immediately.  -s 0: full packets.
    "${run[@]}" tcpdump -i "$dev" -n -s 0 -U -Z root -w "$CAP_TMP" "$filter" \
        2>"$WORK/tcpdump.err" &
    TCPDUMP_PID=$!
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
