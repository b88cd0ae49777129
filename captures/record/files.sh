# shellcheck shell=bash
# Part of record.sh: the FTP root and the client's files, the throwaway user,
# and the extra files and TLS certificate the namespace captures need.

BIG_SIZE=131072                 # big.bin, for the transfers interrupted mid-way
UPLOAD_SIZE=131072              # upload-big.bin, for disk-full
NS_TREE_READY=0

make_tree_and_user() {
    FTPROOT=$WORK/ftproot       # chroot; root-owned, not writable by the user
    EMPTY=$WORK/empty           # vsftpd secure_chroot_dir
    CLIENT=$WORK/client         # client-side working directory / HOME
    mkdir -p "$FTPROOT/pub" "$EMPTY" "$CLIENT"
    chmod 755 "$FTPROOT" "$FTPROOT/pub" "$EMPTY" "$CLIENT"
    printf '%s\n' "$HELLO_CONTENT" >"$FTPROOT/hello.txt"
    printf 'Sample capture data for ftpsniff.\n' >"$FTPROOT/notes.txt"
    printf 'Files in pub/ may be replaced.\n' >"$FTPROOT/pub/readme.txt"
    printf 'uploaded by lftp\n' >"$CLIENT/upload.txt"
    touch -d '2024-01-01 12:00:00 UTC' "$FTPROOT"/*.txt "$FTPROOT"/pub/*.txt "$FTPROOT/pub" \
             "$CLIENT/upload.txt"   # stable dates in LIST output and lftp's SITE UTIME

    log "creating throwaway user $FTP_USER"
    USER_CREATED=1              # before useradd: a signal may end the script right after it
    useradd --no-create-home --home-dir "$FTPROOT" --shell /bin/sh \
            --no-user-group --gid nogroup "$FTP_USER"
    printf '%s:%s\n' "$FTP_USER" "$FTP_PASS" | chpasswd
    chown -R "$FTP_USER:nogroup" "$FTPROOT/pub"     # uploads go into pub/
}

# Added only after the loopback captures, whose LIST output must not change.
prepare_netns_tree() {
    ((NS_TREE_READY)) && return 0
    local line='ftpsniff sample data, 64 bytes a line: 0123456789 abcdefghijklm'
    { yes "$line" | head -c "$BIG_SIZE" >"$FTPROOT/big.bin"; } 2>/dev/null || true     # yes: SIGPIPE
    { yes "upload ${line#ftpsniff }" | head -c "$UPLOAD_SIZE" >"$CLIENT/upload-big.bin"; } 2>/dev/null || true
    [[ $(stat -c %s "$FTPROOT/big.bin") == "$BIG_SIZE" && $(stat -c %s "$CLIENT/upload-big.bin") == "$UPLOAD_SIZE" ]] \
        || die "could not write the test files"
    mkdir -p "$FTPROOT/small" "$WORK/writable" "$WORK/tls"
    chmod 755 "$FTPROOT/small" "$WORK/writable"
    chown "$FTP_USER:nogroup" "$WORK/writable"      # writable-chroot: the user owns its root
    touch -d '2024-01-01 12:00:00 UTC' "$FTPROOT/big.bin" "$FTPROOT/small" "$CLIENT/upload-big.bin"
    # self-signed certificate for the TLS scenarios
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=ftp.example.net" \
        -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" >"$WORK/openssl.log" 2>&1 \
        || die "openssl req failed: $(cat "$WORK/openssl.log")"
    rm -f "$WORK/openssl.log"
    cat "$WORK/tls/key.pem" "$WORK/tls/cert.pem" >"$WORK/tls/both.pem"   # Pure-FTPd wants one file
    chmod 600 "$WORK/tls/key.pem" "$WORK/tls/both.pem"
    NS_TREE_READY=1
}

check_hello() {                 # check_hello FILE CLIENT: FILE must hold hello.txt
    [[ $(cat "$1") == "$HELLO_CONTENT" ]] || die "$2 download content mismatch"
}
