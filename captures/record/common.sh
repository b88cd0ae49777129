# shellcheck shell=bash
# Part of record.sh: settings every part uses, logging, stopping processes,
# and the work directory with the exit trap that removes what a run made.

FTP_USER=ftpdemo
FTP_PASS=demo-pass-123
BAD_PASS=wrong-password
FTP_PORT=21
PASV_MIN=40000          # server passive ports
PASV_MAX=40009
ACTIVE_MIN=40010        # client-side ports for active (PORT) transfers
ACTIVE_MAX=40019
HELLO_CONTENT='Hello from ftpsniff!'

# What the exit trap must undo; set as things are created.
WORK=
USER_CREATED=0
TCPDUMP_PID=
SERVER_PID=
MOUNTED=                        # tmpfs mounted by disk-full

log() { printf '[record] %s\n' "$*" >&2; }
die() { printf '[record] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

stop_pid() {                    # stop_pid PID SIGNAL: signal, wait 5 s, then SIGKILL
    local pid=$1 sig=$2 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
}

make_workdir() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    trap 'log "command failed (line $LINENO): $BASH_COMMAND"' ERR
    WORK=$(mktemp -d /tmp/ftpsniff-record.XXXXXX)
    chmod 755 "$WORK"           # the FTP user must be able to reach the FTP root
}

cleanup() {
    local rc=$? f
    set +e
    trap '' INT TERM            # a second Ctrl-C must not cut the cleanup short
    stop_pid "$TCPDUMP_PID" INT
    stop_pid "$SERVER_PID" TERM
    net_down
    # MOUNTED is set just before mount, so check that it happened
    if [[ -n $MOUNTED ]] && mountpoint -q "$MOUNTED"; then
        umount "$MOUNTED" 2>/dev/null || umount -l "$MOUNTED" 2>/dev/null \
            || log "WARNING: could not unmount $MOUNTED"
    fi
    # session processes of the throwaway user (should already be gone)
    if ((USER_CREATED)) && getent passwd "$FTP_USER" >/dev/null; then
        pkill -TERM -u "$FTP_USER" 2>/dev/null; sleep 0.3
        pkill -KILL -u "$FTP_USER" 2>/dev/null
        userdel "$FTP_USER" 2>/dev/null || log "WARNING: could not delete user $FTP_USER"
    fi
    if ((rc != 0)) && [[ -n $WORK ]]; then
        for f in "$WORK"/*.log "$WORK"/*.err; do
            [[ -s $f ]] && { log "---- $f"; tail -n 20 "$f" >&2; }
        done
    fi
    [[ -z $WORK ]] || rm -rf "$WORK"
    exit "$rc"
}
