# shellcheck shell=bash
# Part of record.sh: finding (or unpacking) the FTP server binaries, writing
# their private configs, and starting and stopping vsftpd, ProFTPD and
# Pure-FTPd: on loopback, or in the server namespace once net_up built one.

SERVERS_DIR=${FTPSNIFF_SERVERS:-/var/tmp/ftpsniff-servers}

# server_bin vsftpd|proftpd|pureftpd: the server binary to run, or nothing.
# An installed one first, else one unpacked by unpack_servers.
server_bin() {
    local b
    case $1 in
        vsftpd) command -v vsftpd || true ;;
        proftpd)
            b=$(command -v proftpd || true)
            [[ -z $b && -x $SERVERS_DIR/root/usr/sbin/proftpd ]] && b=$SERVERS_DIR/root/usr/sbin/proftpd
            [[ -n $b ]] && "$b" -v >/dev/null 2>&1 && echo "$b"
            true ;;
        pureftpd)
            b=$(command -v pure-ftpd || true)
            [[ -z $b && -x $SERVERS_DIR/root/usr/sbin/pure-ftpd ]] && b=$SERVERS_DIR/root/usr/sbin/pure-ftpd
            [[ -n $b ]] && "$b" --help >/dev/null 2>&1 && echo "$b"
            true ;;
    esac
}

# record.sh unpack-servers: proftpd and pure-ftpd conflict with vsftpd as
# installed packages, so their .debs are only unpacked (dpkg -x).
unpack_servers() {
    local deb
    if ! have apt-get || ! have dpkg; then die "needs apt-get and dpkg"; fi
    mkdir -p "$SERVERS_DIR/debs"
    (cd "$SERVERS_DIR/debs" && rm -f ./*.deb &&
        apt-get download proftpd-core proftpd-mod-crypto pure-ftpd) \
        || die "apt-get download failed (run apt-get update first?)"
    rm -rf "$SERVERS_DIR/root"
    for deb in "$SERVERS_DIR"/debs/*.deb; do dpkg -x "$deb" "$SERVERS_DIR/root"; done
    log "unpacked into $SERVERS_DIR/root:"
    ls "$SERVERS_DIR/debs" >&2
    log "their shared libraries: apt-get install libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 libsodium23"
}

# SRV_RUN: command prefix that runs where the server lives (set by net_up).
# A prefix, not a function, so that $! of a background server is its pid.
SRV_RUN=()

server_addr() {                 # server_addr ipv4|ipv6: the address to listen on
    case $1:$TOPO in
        ipv4:) echo 127.0.0.1 ;;
        ipv6:) echo ::1 ;;
        ipv4:server-nat) echo "$SRV_PRIV4" ;;
        ipv4:*) echo "$SRV_PUB4" ;;
        ipv6:*) echo "$SRV6" ;;
    esac
}

port_busy() { [[ -n $("${SRV_RUN[@]}" ss -Htln "sport = :$1") ]]; }

wait_listen() {                 # wait_listen PORT
    local i
    for ((i = 0; i < 100; i++)); do
        port_busy "$1" && return 0
        [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null && die "server exited early"
        sleep 0.1
    done
    die "server did not start listening on port $1"
}

stop_server() {
    stop_pid "$SERVER_PID" TERM
    SERVER_PID=
    # The next loopback server needs the port; a namespace is deleted anyway.
    [[ -n $TOPO ]] && return 0
    local i
    for ((i = 0; i < 50; i++)); do port_busy "$FTP_PORT" || return 0; sleep 0.1; done
    die "port $FTP_PORT still busy after stopping server"
}

write_vsftpd_conf() {           # write_vsftpd_conf FILE ipv4|ipv6
    local listen_lines
    if [[ $2 == ipv4 ]]; then
        listen_lines="listen=YES
listen_ipv6=NO
listen_address=$(server_addr ipv4)"
    else
        listen_lines="listen=NO
listen_ipv6=YES
listen_address6=$(server_addr ipv6)"
    fi
    cat >"$1" <<CONF
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
CONF
}

start_vsftpd() {                # start_vsftpd ipv4|ipv6 [EXTRA_CONFIG_LINE...]
    local conf=$WORK/vsftpd.conf
    write_vsftpd_conf "$conf" "$1"
    shift
    (($# == 0)) || printf '%s\n' "$@" >>"$conf"     # a later line overrides an earlier one
    "${SRV_RUN[@]}" vsftpd "$conf" >>"$WORK/vsftpd-stdout.log" 2>&1 &
    SERVER_PID=$!
    wait_listen "$FTP_PORT"
}

write_proftpd_conf() {          # write_proftpd_conf FILE MODULE_DIR
    cat >"$1" <<CONF
# private proftpd config written by ftpsniff captures/record.sh
ServerType              standalone
ServerName              "ftpsniff demo"
DefaultServer           on
Port                    $FTP_PORT
DefaultAddress          $(server_addr ipv4)
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
ModulePath              $2
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
CONF
}

start_proftpd() {               # start_proftpd [EXTRA_CONFIG_LINE...]
    local conf=$WORK/proftpd.conf bin moddir=/usr/lib/proftpd
    bin=$(server_bin proftpd)
    # an unpacked proftpd loads its modules (mod_tls) from the unpacked tree
    [[ $bin == "$SERVERS_DIR"/* ]] && moddir=$SERVERS_DIR/root/usr/lib/proftpd
    write_proftpd_conf "$conf" "$moddir"
    (($# == 0)) || printf '%s\n' "$@" >>"$conf"
    "${SRV_RUN[@]}" "$bin" --configtest -c "$conf" >"$WORK/proftpd-configtest.log" 2>&1 \
        || die "proftpd config test failed: $(cat "$WORK/proftpd-configtest.log")"
    "${SRV_RUN[@]}" "$bin" -n -c "$conf" >>"$WORK/proftpd-stdout.log" 2>&1 &
    SERVER_PID=$!
    wait_listen "$FTP_PORT"
}

start_pureftpd() {              # start_pureftpd [EXTRA_OPTION...]
    local bin
    bin=$(server_bin pureftpd)
    # -l unix: system accounts; -E: no anonymous; -A: chroot everyone;
    # -H: no DNS; -4: IPv4 only; -c/-C: 5 clients, 5 per address; foreground (no -B)
    "${SRV_RUN[@]}" "$bin" -l unix -E -A -H -4 -S "$(server_addr ipv4),$FTP_PORT" \
        -p "$PASV_MIN:$PASV_MAX" -c 5 -C 5 "$@" >>"$WORK/pureftpd-stdout.log" 2>&1 &
    SERVER_PID=$!
    wait_listen "$FTP_PORT"
}
