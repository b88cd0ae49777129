# shellcheck shell=bash
# Part of record.sh: the four original captures, with server, client and
# tcpdump on the host's loopback interface.

record_loopback() {             # record_loopback python-demo|lftp-ipv6|curl-vsftpd|curl-proftpd
    case $1 in
        python-demo)  record_python_demo ;;
        lftp-ipv6)    record_lftp_ipv6 ;;
        curl-vsftpd)  record_curl vsftpd ;;
        curl-proftpd) record_curl proftpd ;;
    esac
    stop_capture
    stop_server
    # The demo also as pcapng, so both file formats are tested on real data.
    [[ $1 == python-demo ]] || return 0
    if have editcap; then
        editcap -F pcapng "$OUT_DIR/vsftpd-python-demo.pcap" "$OUT_DIR/vsftpd-python-demo.pcapng"
    else
        log "editcap (package tshark) not installed: vsftpd-python-demo.pcapng not rewritten"
    fi
}

# python3 ftplib -> vsftpd over 127.0.0.1, ending with a 550
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
}

# lftp -> vsftpd over [::1]
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
}

# curl over 127.0.0.1: bad password (530), then an active-mode (PORT) download
record_curl() {                 # record_curl vsftpd|proftpd
    local server=$1 rc=0
    log "$server-curl-badlogin.pcap: curl -> $server over 127.0.0.1 (530, then PORT download)"
    if [[ $server == vsftpd ]]; then start_vsftpd ipv4; else start_proftpd; fi
    start_capture "$server-curl-badlogin.pcap"
    curl -sS --max-time 15 -u "$FTP_USER:$BAD_PASS" \
         "ftp://127.0.0.1:$FTP_PORT/hello.txt" -o /dev/null || rc=$?
    [[ $rc -eq 67 ]] || die "expected curl exit 67 (login denied) for the bad password, got $rc"
    log "bad password rejected as expected (curl exit 67)"
    rm -f "$CLIENT/hello.curl"
    curl -sS --max-time 15 -u "$FTP_USER:$FTP_PASS" \
         --ftp-port "127.0.0.1:$ACTIVE_MIN-$ACTIVE_MAX" --disable-eprt \
         "ftp://127.0.0.1:$FTP_PORT/hello.txt" -o "$CLIENT/hello.curl"
    check_hello "$CLIENT/hello.curl" curl
    log "active-mode download OK"
}
