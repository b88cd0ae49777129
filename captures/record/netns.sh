# shellcheck shell=bash
# Part of record.sh: building the three network namespaces of a topology
# (veths, addresses, routes, nft rules) and removing them again.
#
#   ftpsniff-cli [eth0]----[ethc] ftpsniff-rtr [eths]----[eth0] ftpsniff-srv
#
# Topologies (net_up):
#   plain       client 198.51.100.10/24 (2001:db8:c::10/64), gateway .1
#               server 203.0.113.20/24  (2001:db8:5::20/64), gateway .1
#               the router only routes.
#   server-nat  client as in plain; server 10.0.0.20/24 behind the router,
#               which forwards 203.0.113.20 tcp/21 and tcp/40000-40009 to it
#               (nft dnat) and drops every other new connection coming from
#               the client side, such as one to 10.0.0.20 (the "internet"
#               does not route private addresses).  IPv4 only.
#   client-nat  client 192.168.1.10/24 behind the router, which rewrites its
#               connections to the router's public address 198.51.100.10
#               (nft snat, i.e. masquerade with a fixed address) and drops new
#               connections coming from the server side.  Server as in plain.
#               IPv4 only.
# Offloads are off on all veths, so the frames are the size and carry the
# checksums they would on a wire.

NS_CLI=ftpsniff-cli             # the client's namespace
NS_RTR=ftpsniff-rtr             # the router between them
NS_SRV=ftpsniff-srv             # the server's namespace
NS_MADE=()                      # created and not yet deleted (for the exit trap)
TOPO=                           # the topology up now; empty: servers run on loopback
SRV_PUB4=203.0.113.20           # the server's public address (every topology)
SRV_PRIV4=10.0.0.20             # server-nat: the server's own address
CLI_PUB4=198.51.100.10          # the client's public address (every topology)
CLI_PRIV4=192.168.1.10          # client-nat: the client's own address
SRV6=2001:db8:5::20
CLI6=2001:db8:c::10

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

net_up() {                      # net_up plain|server-nat|client-nat
    TOPO=$1
    SRV_RUN=(ip netns exec "$NS_SRV")
    local ns pair dev
    for ns in "$NS_CLI" "$NS_RTR" "$NS_SRV"; do
        NS_MADE+=("$ns")            # first: a signal may end the script right after the add
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        # no duplicate address detection: link-local addresses usable at once
        # (else the first IPv6 SYNs wait for neighbour discovery)
        in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    ip link add eth0 netns "$NS_CLI" address 02:00:00:00:01:10 type veth \
        peer name ethc netns "$NS_RTR" address 02:00:00:00:01:01
    ip link add eth0 netns "$NS_SRV" address 02:00:00:00:02:20 type veth \
        peer name eths netns "$NS_RTR" address 02:00:00:00:02:01
    for pair in "$NS_CLI:eth0" "$NS_RTR:ethc" "$NS_RTR:eths" "$NS_SRV:eth0"; do
        ns=${pair%%:*} dev=${pair#*:}
        in_ns "$ns" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 \
            || log "WARNING: ethtool -K $dev failed in $ns (offloads stay on)"
        if [[ $TOPO != plain ]]; then
            in_ns "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
        fi
        ip -n "$ns" link set "$dev" up
    done
    in_ns "$NS_RTR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    case $TOPO in
        plain)
            ip -n "$NS_CLI" addr add "$CLI_PUB4/24" dev eth0
            ip -n "$NS_CLI" addr add "$CLI6/64" dev eth0 nodad
            ip -n "$NS_RTR" addr add 198.51.100.1/24 dev ethc
            ip -n "$NS_RTR" addr add 2001:db8:c::1/64 dev ethc nodad
            ip -n "$NS_RTR" addr add 203.0.113.1/24 dev eths
            ip -n "$NS_RTR" addr add 2001:db8:5::1/64 dev eths nodad
            ip -n "$NS_SRV" addr add "$SRV_PUB4/24" dev eth0
            ip -n "$NS_SRV" addr add "$SRV6/64" dev eth0 nodad
            ip -n "$NS_CLI" route add default via 198.51.100.1
            ip -n "$NS_CLI" -6 route add default via 2001:db8:c::1
            ip -n "$NS_SRV" route add default via 203.0.113.1
            ip -n "$NS_SRV" -6 route add default via 2001:db8:5::1
            ;;
        server-nat)
            ip -n "$NS_CLI" addr add "$CLI_PUB4/24" dev eth0
            ip -n "$NS_RTR" addr add 198.51.100.1/24 dev ethc
            ip -n "$NS_RTR" addr add "$SRV_PUB4/32" dev lo     # the public address it forwards
            ip -n "$NS_RTR" addr add 10.0.0.1/24 dev eths
            ip -n "$NS_SRV" addr add "$SRV_PRIV4/24" dev eth0
            ip -n "$NS_CLI" route add default via 198.51.100.1
            ip -n "$NS_SRV" route add default via 10.0.0.1
            in_ns "$NS_RTR" nft -f - <<NFT
table ip ftpsniff {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        iifname "ethc" ip daddr $SRV_PUB4 tcp dport { $FTP_PORT, $PASV_MIN-$PASV_MAX } dnat to $SRV_PRIV4
    }
    chain forward {
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname "ethc" ct status dnat accept
        iifname "eths" accept
    }
}
NFT
            ;;
        client-nat)
            ip -n "$NS_CLI" addr add "$CLI_PRIV4/24" dev eth0
            ip -n "$NS_RTR" addr add 192.168.1.1/24 dev ethc
            ip -n "$NS_RTR" addr add 203.0.113.1/24 dev eths
            ip -n "$NS_RTR" addr add "$CLI_PUB4/32" dev lo     # the public address it masquerades to
            ip -n "$NS_SRV" addr add "$SRV_PUB4/24" dev eth0
            ip -n "$NS_CLI" route add default via 192.168.1.1
            ip -n "$NS_SRV" route add default via 203.0.113.1
            in_ns "$NS_RTR" nft -f - <<NFT
table ip ftpsniff {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eths" ip saddr 192.168.1.0/24 snat to $CLI_PUB4
    }
    chain forward {
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname "ethc" accept
    }
}
NFT
            ;;
        *) die "unknown topology $TOPO" ;;
    esac
}

nft_in() {                      # nft_in NS RULE: one rule into an input chain of NS
    in_ns "$1" nft -f - <<NFT
table inet ftpsniff {
    chain input {
        type filter hook input priority filter; policy accept;
        $2
    }
}
NFT
}

net_down() {                    # also run by the exit trap
    local ns pid i
    for ns in "${NS_MADE[@]}"; do
        [[ -e /run/netns/$ns ]] || continue
        # whatever this run started in the namespace and is still there
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        for ((i = 0; i < 30; i++)); do [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break; sleep 0.1; done
        ip netns del "$ns" 2>/dev/null || log "WARNING: could not delete network namespace $ns"
    done
    NS_MADE=()
    TOPO=
    SRV_RUN=()
}
