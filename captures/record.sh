#!/usr/bin/env bash
# Re-records the FTP sample captures in this directory.
#
#   sudo captures/record.sh                 # every capture whose server and client are available
#   sudo captures/record.sh NAME...         # only these captures
#   sudo captures/record.sh unpack-servers  # fetch proftpd + pure-ftpd as .debs and unpack them
#                                           # (no install) into $FTPSNIFF_SERVERS, see below
#
# Loopback captures (recorded on lo, record/loopback.sh):
#        python-demo  -> vsftpd-python-demo.pcap     (vsftpd)
#        lftp-ipv6    -> vsftpd-lftp-ipv6.pcap       (vsftpd)
#        curl-vsftpd  -> vsftpd-curl-badlogin.pcap   (vsftpd)
#        curl-proftpd -> proftpd-curl-badlogin.pcap  (proftpd)
# Network-namespace captures (failure scenarios and healthy sessions between a
# client namespace, a router namespace and a server namespace):
#        SERVER-CLIENT-SCENARIO -> SERVER-CLIENT-SCENARIO.pcap, e.g.
#        vsftpd-curl-pasv-private; the full list is NETNS_CAPTURES in
#        record/select.sh, the recipes are in record/scenarios.sh.
# A NAME may also be a scenario (pasv-private: all its captures; healthy: all
# healthy-*), "loopback", "netns" or "all".
#
# The captures are written to $FTPSNIFF_CAPTURE_DIR (default: this directory).
#
# Needs (Debian package names): vsftpd lftp curl tcpdump python3 iproute2 passwd;
# for the namespace captures also nftables ethtool openssl util-linux (mount),
# and tnftp for the tnftp capture.  proftpd-basic for curl-proftpd.  NOTE: in
# Debian vsftpd, proftpd-basic and pure-ftpd conflict (all provide ftp-server),
# so they cannot be installed together.  The proftpd/pureftpd captures can use
# an installed server, or server binaries unpacked (dpkg -x, not installed)
# under $FTPSNIFF_SERVERS (default /var/tmp/ftpsniff-servers) by
# "record.sh unpack-servers".  Apart from that sub-command, installs nothing.
#
# Loopback captures run on the loopback interface only.  Namespace captures run
# in three network namespaces the script creates (ftpsniff-cli, ftpsniff-rtr,
# ftpsniff-srv), joined by veth pairs, with documentation addresses
# (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and private ones (10.0.0.0/24,
# 192.168.1.0/24) only inside them; nothing is connected to the host's network
# and nftables rules exist only inside the namespaces.  A throwaway local user
# "ftpdemo" (password "demo-pass-123" -- fake, for demonstration only) is
# created for the duration of the run and deleted again on exit.  The servers
# are started from private config files in a mktemp directory; /etc/vsftpd.conf
# and /etc/proftpd/ are not touched.  On exit (also on error or Ctrl-C) the
# namespaces, the user, the tmpfs mount and every process started are removed.
#
# The parts, sourced from record/: common.sh (settings, logging, exit trap),
# select.sh (capture list, command line, host checks), servers.sh, tcpdump.sh,
# files.sh (FTP tree, user), netns.sh (namespaces, nft), loopback.sh and
# scenarios.sh (the recipes).
set -euo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=${FTPSNIFF_CAPTURE_DIR:-$SCRIPT_DIR}

# shellcheck source=record/common.sh
source "$SCRIPT_DIR/record/common.sh"
# shellcheck source=record/select.sh
source "$SCRIPT_DIR/record/select.sh"
# shellcheck source=record/servers.sh
source "$SCRIPT_DIR/record/servers.sh"
# shellcheck source=record/tcpdump.sh
source "$SCRIPT_DIR/record/tcpdump.sh"
# shellcheck source=record/files.sh
source "$SCRIPT_DIR/record/files.sh"
# shellcheck source=record/netns.sh
source "$SCRIPT_DIR/record/netns.sh"
# shellcheck source=record/loopback.sh
source "$SCRIPT_DIR/record/loopback.sh"
# shellcheck source=record/scenarios.sh
source "$SCRIPT_DIR/record/scenarios.sh"

[[ $(id -u) -eq 0 ]] || die "must run as root (sudo $0)"
if [[ ${1:-} == unpack-servers ]]; then
    unpack_servers
    exit 0
fi
[[ -d $OUT_DIR && -w $OUT_DIR ]] \
    || die "capture directory $OUT_DIR (FTPSNIFF_CAPTURE_DIR) is not a writable directory"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

select_captures "$@"
check_tools
log "recording: ${CAPTURES[*]}"
check_unused

make_workdir
make_tree_and_user
for c in "${CAPTURES[@]}"; do
    if is_loopback "$c"; then record_loopback "$c"; else record_netns "$c"; fi
done
log "done; captures are in $OUT_DIR"
