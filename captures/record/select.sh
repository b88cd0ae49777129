# shellcheck shell=bash
# Part of record.sh: the list of captures, which of them the command line
# names, and the checks that this host can record them.

LOOPBACK_CAPTURES=(python-demo lftp-ipv6 curl-vsftpd curl-proftpd)
# SERVER-CLIENT-SCENARIO; each is written to SERVER-CLIENT-SCENARIO.pcap.
NETNS_CAPTURES=(
    vsftpd-curl-pasv-private vsftpd-lftp-pasv-private
    vsftpd-curl-pasv-dropped
    vsftpd-curl-pasv-rejected
    vsftpd-curl-active-blocked
    vsftpd-python-active-nat vsftpd-curl-active-nat-promisc
    vsftpd-curl-tls-required
    vsftpd-curl-writable-chroot
    vsftpd-curl-disk-full
    vsftpd-python-idle-timeout
    vsftpd-python-data-timeout
    vsftpd-python-too-many
    vsftpd-python-abor vsftpd-tnftp-abor
    vsftpd-curl-server-killed
    vsftpd-curl-tls-rejected
    vsftpd-python-eprt-family
    vsftpd-curl-healthy-pasv vsftpd-lftp-healthy-epsv vsftpd-python-healthy-port
    vsftpd-curl-healthy-eprt vsftpd-lftp-healthy-eprt vsftpd-tnftp-healthy-epsv
    proftpd-lftp-healthy-pasv proftpd-curl-tls-required
    proftpd-curl-pasv-private proftpd-curl-active-blocked
    pureftpd-curl-healthy-pasv pureftpd-curl-tls-required
    pureftpd-curl-pasv-dropped
)

is_loopback() { case " ${LOOPBACK_CAPTURES[*]} " in *" $1 "*) return 0 ;; esac; return 1; }
server_of() {
    case $1 in
        curl-proftpd) echo proftpd ;;
        python-demo | lftp-ipv6 | curl-vsftpd) echo vsftpd ;;
        *) echo "${1%%-*}" ;;
    esac
}
client_of() { local c=${1#*-}; echo "${c%%-*}"; }     # netns captures only
scenario_of() { local c=${1#*-}; echo "${c#*-}"; }    # netns captures only

# why_not CAPTURE: prints why it cannot be recorded here (nothing if it can).
# Loopback clients are checked with the other tools in check_tools.
why_not() {
    local srv cli tool
    srv=$(server_of "$1")
    if [[ -z $(server_bin "$srv") ]]; then
        case $srv in
            vsftpd) echo "vsftpd not installed (package vsftpd)" ;;
            proftpd) echo "proftpd not installed (package proftpd-basic, or record.sh unpack-servers)" ;;
            pureftpd) echo "pure-ftpd not installed (package pure-ftpd, or record.sh unpack-servers)" ;;
        esac
        return 0
    fi
    is_loopback "$1" && return 0
    cli=$(client_of "$1")
    tool=$cli
    [[ $cli == python ]] && tool=python3
    have "$tool" || echo "$tool not installed (package $cli)"
}

add_capture() { case " ${CAPTURES[*]} " in *" $1 "*) ;; *) CAPTURES+=("$1") ;; esac; }

# select_captures [NAME...]: sets CAPTURES, loopback ones first, and the
# WANT_* flags.  Named captures must be recordable; without names, those
# that are not are skipped.
select_captures() {
    local arg c s matched reason ordered=()
    CAPTURES=()
    if (($# > 0)); then
        for arg in "$@"; do
            arg=${arg%.pcap}
            matched=0
            for c in "${LOOPBACK_CAPTURES[@]}"; do
                if [[ $arg == "$c" || $arg == all || $arg == loopback ]]; then add_capture "$c"; matched=1; fi
            done
            for c in "${NETNS_CAPTURES[@]}"; do
                s=$(scenario_of "$c")
                if [[ $arg == "$c" || $arg == all || $arg == netns || $arg == "$s" || $s == "$arg"-* ]]; then
                    add_capture "$c"; matched=1
                fi
            done
            ((matched)) || die "unknown capture '$arg' (known: ${LOOPBACK_CAPTURES[*]} ${NETNS_CAPTURES[*]}; or a scenario, loopback, netns, all)"
        done
        for c in "${CAPTURES[@]}"; do
            reason=$(why_not "$c")
            [[ -z $reason ]] || die "capture $c cannot be recorded: $reason"
        done
    else
        for c in "${LOOPBACK_CAPTURES[@]}" "${NETNS_CAPTURES[@]}"; do
            reason=$(why_not "$c")
            if [[ -z $reason ]]; then add_capture "$c"; else log "skipping $c: $reason"; fi
        done
        ((${#CAPTURES[@]} > 0)) || die "neither vsftpd nor proftpd is installed (apt-get install vsftpd)"
    fi
    # Loopback captures first: the namespace captures add files to the FTP tree.
    for c in "${CAPTURES[@]}"; do is_loopback "$c" && ordered+=("$c"); done
    for c in "${CAPTURES[@]}"; do is_loopback "$c" || ordered+=("$c"); done
    CAPTURES=("${ordered[@]}")
    WANT_LOOPBACK=0 WANT_NETNS=0 WANT_VSFTPD=0
    for c in "${CAPTURES[@]}"; do
        if is_loopback "$c"; then WANT_LOOPBACK=1; else WANT_NETNS=1; fi
        [[ $(server_of "$c") == vsftpd ]] && WANT_VSFTPD=1
    done
    return 0
}

check_tools() {
    local need pair cmd pkg missing=()
    need=(lftp:lftp curl:curl tcpdump:tcpdump python3:python3 ss:iproute2
          useradd:passwd userdel:passwd chpasswd:passwd)
    ((WANT_NETNS)) && need+=(ip:iproute2 nft:nftables ethtool:ethtool openssl:openssl
                             mount:mount umount:mount pgrep:procps)
    for pair in "${need[@]}"; do
        cmd=${pair%%:*} pkg=${pair#*:}
        have "$cmd" || missing+=("$cmd (package $pkg)")
    done
    ((${#missing[@]} == 0)) || die "missing required tools: ${missing[*]}
  install with: apt-get install lftp curl tcpdump python3 iproute2 passwd nftables ethtool openssl"
    if ((WANT_VSFTPD)); then
        [[ -e /etc/pam.d/vsftpd ]] || die "/etc/pam.d/vsftpd not found (vsftpd package incomplete?)"
    fi
}

# check_unused: the port, the user and the namespaces must not be taken
# already: the exit trap removes them, so they must be this run's own.
check_unused() {
    local ns
    if ((WANT_LOOPBACK)); then
        port_busy "$FTP_PORT" && die "something already listens on TCP port $FTP_PORT; stop it first"
    fi
    getent passwd "$FTP_USER" >/dev/null && die "user $FTP_USER already exists; refusing to touch it"
    if ((WANT_NETNS)); then
        for ns in "$NS_CLI" "$NS_RTR" "$NS_SRV"; do
            [[ -e /run/netns/$ns ]] && die "network namespace $ns already exists (another run, or one killed with -9?); remove it with: ip netns del $ns"
        done
    fi
    return 0
}
