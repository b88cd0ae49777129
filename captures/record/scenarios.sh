# shellcheck shell=bash
# Part of record.sh: the namespace captures: the clients, run in the client
# namespace, and one recipe per capture (topology, server settings, client).

SRV_URL=ftp://$SRV_PUB4
SLOW_RATE=16000                 # vsftpd local_max_rate (bytes/s), in chunks of
SLOW_CHUNK=8192                 # trans_chunk_size bytes: big.bin takes 8 s
SMALL_FS=64k                    # size of the tmpfs for disk-full

cli_curl() { in_ns "$NS_CLI" timeout 60 curl -sS --max-time 40 -u "$FTP_USER:$FTP_PASS" "$@"; }

cli_lftp() {                    # cli_lftp 'COMMANDS' (after open)
    HOME=$CLIENT in_ns "$NS_CLI" timeout 90 lftp -c "
set net:max-retries 2
set net:timeout 10
set net:reconnect-interval-base 1
set cmd:fail-exit yes
set cmd:interactive no
set ftp:ssl-allow no
set xfer:clobber yes
lcd $CLIENT
$1
" >&2
}

cli_python() {                  # cli_python SCRIPT (ftplib; FTP_HOST, FTP_USER, FTP_PASS in env)
    FTP_HOST=$SRV_PUB4 FTP_USER=$FTP_USER FTP_PASS=$FTP_PASS HELLO_CONTENT=$HELLO_CONTENT \
        in_ns "$NS_CLI" timeout 60 python3 -c "$1"
}

# LIST and RETR hello.txt on one connection.
cli_curl_list_get() {           # cli_curl_list_get CURL_OPTION...
    cli_curl "$@" "$SRV_URL/" -o "$CLIENT/list.curl" "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
    check_hello "$CLIENT/hello.curl" curl
}

# expect_rc WANT WHAT CMD...: run CMD; its exit code must be WANT.
expect_rc() {
    local want=$1 what=$2 rc=0
    shift 2
    "$@" || rc=$?
    [[ $rc == "$want" ]] || die "$what: expected exit code $want, got $rc"
    log "$what: exit code $rc, as expected"
}

record_netns() {                # record_netns CAPTURE
    local cap=$1 rc=0 pid victim mode
    local vsftpd_tls=(ssl_enable=YES "rsa_cert_file=$WORK/tls/cert.pem"
        "rsa_private_key_file=$WORK/tls/key.pem" force_local_logins_ssl=YES
        force_local_data_ssl=YES require_ssl_reuse=NO ssl_ciphers=HIGH)
    log "$cap.pcap: $(scenario_of "$cap")"
    prepare_netns_tree
    case $cap in
    vsftpd-curl-pasv-private)
        # vsftpd behind NAT without pasv_address: PASV announces 10.0.0.20.
        # curl is told to use that address (--no-ftp-skip-pasv-ip) and PASV
        # (--disable-epsv); the router drops the SYNs to the private address.
        net_up server-nat
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 28 "curl to the private PASV address" \
            cli_curl --connect-timeout 10 --disable-epsv --no-ftp-skip-pasv-ip \
            "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    vsftpd-lftp-pasv-private)
        # Same server; lftp (ftp:fix-pasv-address, on by default) sees a
        # private address from a public server and connects to 203.0.113.20.
        net_up server-nat
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        rm -f "$CLIENT/hello.txt"
        cli_lftp "set ftp:passive-mode yes
set ftp:prefer-epsv no
open -u $FTP_USER,$FTP_PASS $SRV_URL
ls
get hello.txt
bye"
        check_hello "$CLIENT/hello.txt" lftp
        ;;
    vsftpd-curl-pasv-dropped)
        net_up plain
        nft_in "$NS_SRV" "tcp dport $PASV_MIN-$PASV_MAX drop"
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 28 "curl LIST, passive ports dropped" \
            cli_curl --connect-timeout 10 "$SRV_URL/" -o "$CLIENT/list.curl"
        ;;
    vsftpd-curl-pasv-rejected)
        net_up plain
        nft_in "$NS_SRV" "tcp dport $PASV_MIN-$PASV_MAX reject with tcp reset"
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 7 "curl LIST, passive ports rejected" \
            cli_curl --connect-timeout 10 "$SRV_URL/" -o "$CLIENT/list.curl"
        ;;
    vsftpd-curl-active-blocked)
        # PORT to the client's 40010-40019; the client's firewall drops the
        # server's SYNs; vsftpd gives up after connect_timeout=8 s.
        net_up plain
        nft_in "$NS_CLI" "tcp dport $ACTIVE_MIN-$ACTIVE_MAX tcp flags & (syn | ack) == syn drop"
        start_vsftpd ipv4 connect_timeout=8
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 19 "curl active mode, data port blocked" \
            cli_curl --ftp-port "$CLI_PUB4:$ACTIVE_MIN-$ACTIVE_MAX" --disable-eprt \
            "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    vsftpd-python-active-nat)
        # Client behind NAT sends PORT 192,168,1,10,...; the control
        # connection comes from 198.51.100.10; vsftpd (port_promiscuous=NO,
        # the default) refuses the foreign address.  Recorded at the server.
        net_up client-nat
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_SRV"
        cli_python '
import ftplib, os, sys
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], 21, timeout=20)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
ftp.set_pasv(False)
try:
    ftp.retrlines("LIST", lambda l: None)
    sys.exit("LIST unexpectedly succeeded")
except ftplib.error_perm as e:
    print("LIST in active mode ->", e, file=sys.stderr)
ftp.quit()
'
        ;;
    vsftpd-curl-active-nat-promisc)
        # The same NAT, vsftpd with port_promiscuous=YES: it accepts the
        # private PORT address and its SYNs to 192.168.1.10 go nowhere.
        net_up client-nat
        start_vsftpd ipv4 port_promiscuous=YES connect_timeout=8
        start_capture "$cap.pcap" "$NS_SRV"
        expect_rc 19 "curl active mode behind NAT" \
            cli_curl --ftp-port - --disable-eprt "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    vsftpd-curl-tls-required)
        net_up plain
        start_vsftpd ipv4 "${vsftpd_tls[@]}"
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 67 "curl plain-text login, TLS required" \
            cli_curl "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    vsftpd-curl-writable-chroot)
        net_up plain
        start_vsftpd ipv4 "local_root=$WORK/writable"
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 67 "curl login, writable chroot" \
            cli_curl "$SRV_URL/" -o "$CLIENT/list.curl"
        ;;
    vsftpd-curl-disk-full)
        MOUNTED=$FTPROOT/small      # first, as NS_MADE in net_up
        mount -t tmpfs -o "size=$SMALL_FS,mode=0755,uid=$(id -u "$FTP_USER")" ftpsniff-small "$MOUNTED"
        net_up plain
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 18 "curl upload onto a full file system" \
            cli_curl -T "$CLIENT/upload-big.bin" "$SRV_URL/small/upload-big.bin"
        ;;
    vsftpd-python-idle-timeout)
        net_up plain
        start_vsftpd ipv4 idle_session_timeout=3
        start_capture "$cap.pcap" "$NS_CLI"
        cli_python '
import ftplib, os, sys, time
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], 21, timeout=20)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
print("PWD ->", ftp.pwd(), file=sys.stderr)
time.sleep(5)
try:
    ftp.voidcmd("NOOP")
    sys.exit("NOOP after the idle timeout unexpectedly succeeded")
except ftplib.error_temp as e:
    assert str(e).startswith("421"), e
    print("NOOP after 5 s idle ->", e, file=sys.stderr)
ftp.close()
'
        ;;
    vsftpd-python-data-timeout)
        # RETR big.bin into a data socket with a small receive buffer
        # (SO_RCVBUF set before connect, so the window stays small); the
        # client reads 4 KB and then no more.  The server's writes block and
        # vsftpd, with data_connection_timeout=3, gives up when a 3 s period
        # passes without progress: "421 Data timeout. Reconnect. Sorry."
        net_up plain
        start_vsftpd ipv4 data_connection_timeout=3
        start_capture "$cap.pcap" "$NS_CLI"
        cli_python '
import ftplib, os, socket, sys, time
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], 21, timeout=30)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
ftp.voidcmd("TYPE I")
host, port = ftp.makepasv()
conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
conn.settimeout(30)
conn.connect((host, port))
print("RETR big.bin ->", ftp.sendcmd("RETR big.bin"), file=sys.stderr)
got = 0
while got < 4096:
    chunk = conn.recv(4096 - got)
    if not chunk:
        break
    got += len(chunk)
start = time.monotonic()
print("read", got, "bytes; reading no more", file=sys.stderr)
try:
    resp = ftp.getresp()
    sys.exit("unexpected reply while the transfer stalls: " + resp)
except ftplib.error_temp as e:
    resp = str(e)
assert resp == "421 Data timeout. Reconnect. Sorry.", resp
print("%.1f s later ->" % (time.monotonic() - start), resp, file=sys.stderr)
conn.close()
ftp.close()
'
        ;;
    vsftpd-python-too-many)
        net_up plain
        start_vsftpd ipv4 max_per_ip=1
        start_capture "$cap.pcap" "$NS_CLI"
        cli_python '
import ftplib, os, sys, time
host, user, pw = os.environ["FTP_HOST"], os.environ["FTP_USER"], os.environ["FTP_PASS"]
first = ftplib.FTP()
first.connect(host, 21, timeout=20)
first.login(user, pw)
time.sleep(0.5)
second = ftplib.FTP()
try:
    second.connect(host, 21, timeout=20)
    sys.exit("second connection unexpectedly accepted")
except ftplib.error_temp as e:
    assert str(e).startswith("421"), e
    print("second connection ->", e, file=sys.stderr)
second.close()
time.sleep(0.5)
print("first PWD ->", first.pwd(), file=sys.stderr)
first.quit()
'
        ;;
    vsftpd-python-abor)
        # RETR of big.bin at 16000 bytes/s; the client reads 16 KB, pauses,
        # then ftplib abort(), which sends "ABOR\r\n" with MSG_OOB but no
        # Telnet IP/DM.  vsftpd reads a command during a transfer only with
        # async_abor_enable=YES, and then expects IAC IP IAC DM before ABOR:
        # it answers "500 Unknown command." and the transfer runs to its end.
        net_up plain
        start_vsftpd ipv4 "local_max_rate=$SLOW_RATE" "trans_chunk_size=$SLOW_CHUNK" async_abor_enable=YES
        start_capture "$cap.pcap" "$NS_CLI"
        cli_python '
import ftplib, os, sys, time
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], 21, timeout=30)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
ftp.voidcmd("TYPE I")
conn, size = ftp.ntransfercmd("RETR big.bin")
got = 0
while got < 16384:
    chunk = conn.recv(4096)
    if not chunk:
        break
    got += len(chunk)
print("read", got, "of", size, "bytes; pausing", file=sys.stderr)
time.sleep(1.5)
try:
    resp = ftp.abort()
except ftplib.Error as e:
    resp = str(e)
print("ABOR ->", resp, file=sys.stderr)
assert resp.startswith("500"), resp
while True:                     # the transfer goes on: read it to the end
    chunk = conn.recv(65536)
    if not chunk:
        break
    got += len(chunk)
conn.close()
print("read", got, "bytes in all; then ->", ftp.voidresp(), file=sys.stderr)
ftp.quit()
'
        ;;
    vsftpd-tnftp-abor)
        # The same transfer with tnftp, interrupted by SIGINT after 2.5 s: tnftp
        # sends IAC IP IAC as urgent data, then DM "ABOR\r\n" (RFC 959 4.1.3).
        net_up plain
        start_vsftpd ipv4 "local_max_rate=$SLOW_RATE" "trans_chunk_size=$SLOW_CHUNK" async_abor_enable=YES
        start_capture "$cap.pcap" "$NS_CLI"
        printf 'user %s %s\nbinary\nget big.bin %s\nbye\n' "$FTP_USER" "$FTP_PASS" \
            "$CLIENT/big.tnftp" >"$WORK/tnftp.in"
        # --foreground: timeout passes the SIGINT to tnftp alone (without it,
        # tnftp gets it twice and gives up waiting for the 426/226).  Not
        # in_ns: $! must be the process that gets the SIGINT.
        ip netns exec "$NS_CLI" timeout --foreground 60 tnftp -n -v "$SRV_PUB4" <"$WORK/tnftp.in" >&2 &
        pid=$!
        sleep 2.5
        log "interrupting tnftp (SIGINT) mid-transfer"
        kill -INT "$pid"
        wait "$pid" || rc=$?
        log "tnftp exit code $rc; it received $(stat -c %s "$CLIENT/big.tnftp" 2>/dev/null || echo 0) of $BIG_SIZE bytes"
        ;;
    vsftpd-curl-server-killed)
        # RETR big.bin at 16000 bytes/s; after 2 s the session process
        # (the vsftpd process running as the FTP user) gets SIGKILL.
        net_up plain
        start_vsftpd ipv4 "local_max_rate=$SLOW_RATE" "trans_chunk_size=$SLOW_CHUNK"
        start_capture "$cap.pcap" "$NS_CLI"
        cli_curl "$SRV_URL/big.bin" -o "$CLIENT/big.curl" &
        pid=$!
        sleep 2
        victim=$(pgrep -u "$FTP_USER" -x vsftpd || true)
        [[ -n $victim && $victim != *[!0-9]* ]] || die "expected one vsftpd process of $FTP_USER, found '${victim//$'\n'/ }'"
        log "killing vsftpd session process $victim (SIGKILL)"
        kill -KILL "$victim"
        wait "$pid" || rc=$?
        [[ $rc == 18 ]] || die "curl after the kill: expected exit code 18, got $rc"
        log "curl after the kill: exit code 18 (partial file), $(stat -c %s "$CLIENT/big.curl") of $BIG_SIZE bytes"
        ;;
    vsftpd-curl-tls-rejected)
        # TLS 1.2 at most, so the client's alert is a plaintext record.
        net_up plain
        start_vsftpd ipv4 "${vsftpd_tls[@]}"
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 60 "curl --ssl-reqd, self-signed certificate" \
            cli_curl --ssl-reqd --tls-max 1.2 "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    vsftpd-python-eprt-family)
        net_up plain
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        cli_python '
import ftplib, os, sys
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], 21, timeout=20)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
for cmd in ("EPRT |2|2001:db8:c::10|40010|", "EPSV 2"):
    try:
        print(cmd, "->", ftp.sendcmd(cmd), file=sys.stderr)
    except ftplib.Error as e:
        print(cmd, "->", e, file=sys.stderr)
ftp.quit()
'
        ;;
    vsftpd-curl-healthy-pasv)
        net_up plain
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        cli_curl_list_get --disable-epsv
        ;;
    vsftpd-lftp-healthy-epsv | vsftpd-lftp-healthy-eprt)
        # IPv6 across the router; lftp uses EPSV (passive) or EPRT (active).
        mode=yes
        [[ $cap == *eprt ]] && mode=no
        net_up plain
        start_vsftpd ipv6
        start_capture "$cap.pcap" "$NS_CLI"
        rm -f "$CLIENT/hello.txt"
        cli_lftp "set ftp:passive-mode $mode
open -u $FTP_USER,$FTP_PASS ftp://[$SRV6]
ls
get hello.txt
cd pub
put upload.txt
rm upload.txt
bye"
        check_hello "$CLIENT/hello.txt" lftp
        ;;
    vsftpd-python-healthy-port)
        net_up plain
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        cli_python '
import ftplib, io, os, sys
ftp = ftplib.FTP()
ftp.connect(os.environ["FTP_HOST"], 21, timeout=20)
ftp.login(os.environ["FTP_USER"], os.environ["FTP_PASS"])
ftp.set_pasv(False)
ftp.retrlines("LIST", lambda l: print("  ", l, file=sys.stderr))
buf = io.BytesIO()
ftp.retrbinary("RETR hello.txt", buf.write)
assert buf.getvalue().decode() == os.environ["HELLO_CONTENT"] + "\n", buf.getvalue()
ftp.cwd("pub")
ftp.storbinary("STOR upload.txt", io.BytesIO(b"uploaded by python ftplib\n"))
ftp.delete("upload.txt")
ftp.quit()
'
        ;;
    vsftpd-curl-healthy-eprt)
        net_up plain
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        cli_curl_list_get --ftp-port -
        ;;
    vsftpd-tnftp-healthy-epsv)
        net_up plain
        start_vsftpd ipv4
        start_capture "$cap.pcap" "$NS_CLI"
        rm -f "$CLIENT/hello.tnftp"
        in_ns "$NS_CLI" timeout 60 tnftp -n -v "$SRV_PUB4" >&2 <<EOF
user $FTP_USER $FTP_PASS
ls
get hello.txt $CLIENT/hello.tnftp
bye
EOF
        check_hello "$CLIENT/hello.tnftp" tnftp
        ;;
    proftpd-lftp-healthy-pasv)
        net_up plain
        start_proftpd
        start_capture "$cap.pcap" "$NS_CLI"
        rm -f "$CLIENT/hello.txt"
        cli_lftp "set ftp:passive-mode yes
set ftp:prefer-epsv no
open -u $FTP_USER,$FTP_PASS $SRV_URL
ls
get hello.txt
cd pub
put upload.txt
rm upload.txt
bye"
        check_hello "$CLIENT/hello.txt" lftp
        ;;
    proftpd-curl-tls-required)
        net_up plain
        start_proftpd "<IfModule !mod_tls.c>" "  LoadModule mod_tls.c" "</IfModule>" \
            "<IfModule mod_tls.c>" "  TLSEngine on" "  TLSLog $WORK/proftpd-tls.log" \
            "  TLSProtocol TLSv1.2 TLSv1.3" "  TLSRSACertificateFile $WORK/tls/cert.pem" \
            "  TLSRSACertificateKeyFile $WORK/tls/key.pem" "  TLSRequired on" \
            "  TLSOptions NoSessionReuseRequired" "</IfModule>"
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 67 "curl plain-text login, ProFTPD TLSRequired" \
            cli_curl "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    proftpd-curl-pasv-private)
        # As vsftpd-curl-pasv-private: ProFTPD behind NAT without
        # MasqueradeAddress announces 10.0.0.20 in its 227 reply.
        net_up server-nat
        start_proftpd
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 28 "curl to ProFTPD's private PASV address" \
            cli_curl --connect-timeout 10 --disable-epsv --no-ftp-skip-pasv-ip \
            "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    proftpd-curl-active-blocked)
        # As vsftpd-curl-active-blocked, but ProFTPD has no connect timeout
        # of its own: its blocking connect() to the PORT address ends when
        # the server's kernel gives up.  With the default tcp_syn_retries=6
        # (plus tcp_syn_linear_timeouts=4) that takes 135 s, longer than
        # curl's --max-time; 3 in the server namespace make it about 19 s.
        net_up plain
        nft_in "$NS_CLI" "tcp dport $ACTIVE_MIN-$ACTIVE_MAX tcp flags & (syn | ack) == syn drop"
        in_ns "$NS_SRV" sysctl -qw net.ipv4.tcp_syn_retries=3
        start_proftpd
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 19 "curl active mode, data port blocked (ProFTPD)" \
            cli_curl --ftp-port "$CLI_PUB4:$ACTIVE_MIN-$ACTIVE_MAX" --disable-eprt \
            "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    pureftpd-curl-healthy-pasv)
        net_up plain
        start_pureftpd
        start_capture "$cap.pcap" "$NS_CLI"
        cli_curl_list_get --disable-epsv
        ;;
    pureftpd-curl-tls-required)
        net_up plain
        start_pureftpd -Y 2 -2 "$WORK/tls/both.pem"
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 28 "curl plain-text login, Pure-FTPd -Y 2 (curl reports a 421 as a time-out)" \
            cli_curl "$SRV_URL/hello.txt" -o "$CLIENT/hello.curl"
        ;;
    pureftpd-curl-pasv-dropped)
        net_up plain
        nft_in "$NS_SRV" "tcp dport $PASV_MIN-$PASV_MAX drop"
        start_pureftpd
        start_capture "$cap.pcap" "$NS_CLI"
        expect_rc 28 "curl LIST, Pure-FTPd passive ports dropped" \
            cli_curl --connect-timeout 10 "$SRV_URL/" -o "$CLIENT/list.curl"
        ;;
    *) die "no recipe for capture $cap" ;;
    esac
    stop_capture
    stop_server
    net_down
    if [[ -n $MOUNTED ]]; then
        umount "$MOUNTED" || die "could not unmount $MOUNTED"
        MOUNTED=
    fi
}
