#!/bin/bash
# The secondary OS's egress allowlist (initramfs/egress.nft, the file the
# initramfs build installs as /etc/fixnet/egress.nft), loaded with Debian's
# nft into a client namespace made for the test, and probed from there.
#
#   client 10.78.0.50 ── c0 ─┐
#   (the ruleset)             br0 (namespace "switch") ── s0 server 10.78.0.1
#                            └── r0 rogue 10.78.0.66
#
# The client gets a /24 and a default route through the rogue, IPv4 and
# IPv6: the worst case, where routing would send anything anywhere, so that
# every drop below is the ruleset's doing.  Before the ruleset is loaded the
# same probes reach both hosts (the probes work); after it, only TCP to the
# server's allowed port gets through.  Each probe is judged at both ends:
# what the client got back, and what the receiving host saw on its wire (an
# nftables counter on its NIC's ingress, per kind of frame sent by the
# client's MAC).
#
# The ruleset is loaded unchanged: its include of
# /run/fixnet/egress-vars.nft is served from a tmpfs in a private mount
# namespace, as /init writes it.  Needs root (namespaces), nft, socat and
# ping; exit 77 (SKIPPED) without them.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
RULES=$HERE/egress.nft

CL_MAC=02:fe:78:00:00:50 SRV_MAC=02:fe:78:00:00:01 ROGUE_MAC=02:fe:78:00:00:66
CL_IP=10.78.0.50 SRV_IP=10.78.0.1 ROGUE_IP=10.78.0.66
CL_IP6=fd78::50 SRV_IP6=fd78::1 ROGUE_IP6=fd78::66
PORT=8080		# the fix server's port, the one the ruleset allows
WAIT=1			# seconds a probe waits for an answer

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok - $*"; }

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, nftables)"
for t in nft socat ping ip unshare; do
	command -v "$t" >/dev/null || skip "no $t (deps/packages.txt: nftables, socat, iputils-ping, iproute2, util-linux)"
done
[ -f "$RULES" ] || fail "$RULES missing"

SUF=$$
NS_SW=fxt-sw-$SUF NS_CL=fxt-cl-$SUF NS_SRV=fxt-srv-$SUF NS_ROGUE=fxt-rogue-$SUF
W=$(mktemp -d "${TMPDIR:-/tmp}/fixnet-egress.XXXXXX")
PIDS=()

cleanup() {
	local p ns
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done
	for ns in "$NS_CL" "$NS_SRV" "$NS_ROGUE" "$NS_SW"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- the network

ip netns add "$NS_SW" 2>/dev/null || skip "cannot create a network namespace here"
for ns in "$NS_CL" "$NS_SRV" "$NS_ROGUE"; do ip netns add "$ns"; done
ip -n "$NS_SW" link add br0 type bridge
ip -n "$NS_SW" link set br0 up
# host NS IF MAC IP IP6: one host on the switch
host() {
	ip -n "$NS_SW" link add "$2-br" type veth peer name "$2" netns "$1"
	ip -n "$NS_SW" link set "$2-br" master br0 up
	ip -n "$1" link set lo up
	ip -n "$1" link set "$2" address "$3" up
	ip -n "$1" addr add "$4/24" dev "$2"
	ip -n "$1" addr add "$5/64" dev "$2" nodad
}
host "$NS_CL" c0 "$CL_MAC" "$CL_IP" "$CL_IP6"
host "$NS_SRV" s0 "$SRV_MAC" "$SRV_IP" "$SRV_IP6"
host "$NS_ROGUE" r0 "$ROGUE_MAC" "$ROGUE_IP" "$ROGUE_IP6"
ip -n "$NS_CL" route add default via "$ROGUE_IP"
ip -n "$NS_CL" -6 route add default via "$ROGUE_IP6"

# Listeners: the server and the rogue both answer TCP on the fix server's
# port and on port 9, UDP on that port and on 53 (DNS), and ICMP (the
# kernel).  Nothing listens on UDP 67: DHCP-shaped probes are judged on the
# wire alone.
listen() {
	local ns=$1 name=$2 spec
	for spec in "TCP4-LISTEN:$PORT" TCP4-LISTEN:9 "TCP6-LISTEN:$PORT,ipv6only=1" \
		"UDP4-RECVFROM:$PORT" UDP4-RECVFROM:53; do
		in_ns "$ns" socat "$spec,reuseaddr,fork" SYSTEM:"echo $name" 2>/dev/null &
		PIDS+=($!)
	done
}
listen "$NS_SRV" fixnet-server
listen "$NS_ROGUE" fixnet-rogue

# What a receiving host sees of the client on its wire: its NIC's ingress,
# per kind of frame whose source is the client's MAC.  Table "watch" is
# reset before each probe; table "total" counts the whole run with the
# ruleset.  ARP requests for the host's own address are counted apart.
watch() {
	local t
	for t in watch total; do
		in_ns "$1" nft -f - <<-EOF
			table netdev $t {
				counter n_arp_me {}
				counter n_arp {}
				counter n_ip4 {}
				counter n_ip6 {}
				counter n_other {}
				chain in {
					type filter hook ingress device "$2" priority -500; policy accept;
					ether saddr $CL_MAC arp operation request arp daddr ip $3 counter name "n_arp_me" accept
					ether saddr $CL_MAC ether type arp counter name "n_arp" accept
					ether saddr $CL_MAC ether type ip counter name "n_ip4" accept
					ether saddr $CL_MAC ether type ip6 counter name "n_ip6" accept
					ether saddr $CL_MAC counter name "n_other" accept
				}
			}
		EOF
	done
}
watch "$NS_SRV" s0 "$SRV_IP"
watch "$NS_ROGUE" r0 "$ROGUE_IP"

# seen NS KIND [TABLE]: packets counted since the last reset
seen() {
	in_ns "$1" nft list counter netdev "${3:-watch}" "n_$2" |
		sed -n 's/.*packets \([0-9]*\) bytes.*/\1/p'
}
reset_seen() {
	in_ns "$NS_SRV" nft reset counters table netdev watch >/dev/null
	in_ns "$NS_ROGUE" nft reset counters table netdev watch >/dev/null
}

# Wait for every listener to be up: 3 TCP and 2 UDP sockets in each host.
listening() { [ "$(in_ns "$1" ss -Hlnt | wc -l)" -ge 3 ] && [ "$(in_ns "$1" ss -Hlnu | wc -l)" -ge 2 ]; }
for _ in $(seq 100); do
	listening "$NS_SRV" && listening "$NS_ROGUE" && break
	sleep 0.1
done
listening "$NS_SRV" && listening "$NS_ROGUE" || fail "the socat listeners did not start"

# --- the probes, from the client.  Each prints what came back (empty when
# nothing did).

tcp4() { in_ns "$NS_CL" socat -T"$WAIT" -u "TCP4:$1:$2,connect-timeout=$WAIT" - 2>/dev/null || true; }
tcp6() { in_ns "$NS_CL" socat -T"$WAIT" -u "TCP6:[$1]:$2,connect-timeout=$WAIT" - 2>/dev/null || true; }
udp4() { echo q | in_ns "$NS_CL" socat -T"$WAIT" - "UDP4:$1:$2${3:+,sourceport=$3}" 2>/dev/null || true; }
ping4() { in_ns "$NS_CL" ping -n -c 1 -W "$WAIT" "$1" >/dev/null 2>&1 && echo echo-reply || true; }
ping6() { in_ns "$NS_CL" ping -6 -n -c 1 -W "$WAIT" "$1" >/dev/null 2>&1 && echo echo-reply || true; }

# A frame written to the client's NIC through a packet socket (what a tool
# with CAP_NET_RAW can do, bypassing the IP stack): to the rogue's MAC,
# with EtherType $1 (0800: IPv4, 88b5: local experimental) and, as payload,
# an IPv4/UDP datagram from the client to the rogue (the receiver counts
# frames at its NIC).
raw_frame() {
	local ip udp sum=0 i hex
	udp=00440043000e0000666978656421	# 68 -> 67, length 14, "fixed!"
	ip=45000022000040004011XXXX$(printf '%02x' ${CL_IP//./ })$(printf '%02x' ${ROGUE_IP//./ })
	# the header checksum (a bridge with br_netfilter drops a wrong one)
	for ((i = 0; i < 40; i += 4)); do
		[ "${ip:i:4}" = XXXX ] || sum=$((sum + 16#${ip:i:4}))
	done
	sum=$(((sum & 0xffff) + (sum >> 16)))
	sum=$(((sum & 0xffff) + (sum >> 16)))
	ip=${ip/XXXX/$(printf '%04x' $((~sum & 0xffff)))}
	hex=${ROGUE_MAC//:/}${CL_MAC//:/}$1$ip$udp
	# shellcheck disable=SC2059,SC2001  # the format is the frame, as \x escapes
	printf "$(sed 's/../\\x&/g' <<<"$hex")" |
		in_ns "$NS_CL" socat -u - INTERFACE:c0 2>/dev/null || true
	sleep 0.2
}

# What a DHCP client sends: UDP 68 -> 255.255.255.255:67 out of c0.
dhcp_broadcast() {
	echo q | in_ns "$NS_CL" socat -u - \
		"UDP4-DATAGRAM:255.255.255.255:67,broadcast,bind=0.0.0.0:68,so-bindtodevice=c0" 2>/dev/null || true
	sleep 0.2
}

# expect WHAT GOT WANT NS KIND MIN MAX: what came back, and how many frames
# of KIND the host in NS saw from the client (MIN..MAX).
expect() {
	local what=$1 got=$2 want=$3 ns=$4 kind=$5 min=$6 max=$7 n
	n=$(seen "$ns" "$kind")
	[ "$got" = "$want" ] || fail "$what: got '${got}', expected '${want}'"
	[ "$n" -ge "$min" ] && [ "$n" -le "$max" ] ||
		fail "$what: the receiver saw $n $kind frame(s) from the client, expected $min..$max"
	pass "$what (answer '${got:-none}', $n $kind frame(s) on the receiver's wire)"
}

# probe WHAT FUNC ARGS -- WANT NS KIND MIN MAX
probe() {
	local what=$1 fn=$2 got args=()
	shift 2
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	reset_seen
	got=$("$fn" "${args[@]}")
	expect "$what" "$got" "$@"
}

# --- before: the probes reach both hosts

echo "# without the ruleset: the probes work"
probe "tcp to the server's port" tcp4 "$SRV_IP" "$PORT" -- fixnet-server "$NS_SRV" ip4 1 100
probe "tcp to the rogue" tcp4 "$ROGUE_IP" "$PORT" -- fixnet-rogue "$NS_ROGUE" ip4 1 100
probe "udp to the rogue's DNS port" udp4 "$ROGUE_IP" 53 -- fixnet-rogue "$NS_ROGUE" ip4 1 100
probe "icmp to the rogue" ping4 "$ROGUE_IP" -- echo-reply "$NS_ROGUE" ip4 1 100
probe "ipv6 tcp to the server's port" tcp6 "$SRV_IP6" "$PORT" -- fixnet-server "$NS_SRV" ip6 1 100
probe "raw IPv4 frame to the rogue" raw_frame 0800 -- "" "$NS_ROGUE" ip4 1 1
probe "raw frame of another EtherType" raw_frame 88b5 -- "" "$NS_ROGUE" other 1 1

# --- the ruleset, as /init loads it

# Forget the neighbours learnt above, on every side: no ARP to refresh them
# is left pending when the ruleset comes in.
for ns in "$NS_CL" "$NS_SRV" "$NS_ROGUE"; do
	ip -n "$ns" neigh flush all
	ip -n "$ns" -6 neigh flush all
done
# shellcheck disable=SC2016  # the script takes its values as arguments
in_ns "$NS_CL" unshare -m --propagation private sh -c '
	mount -t tmpfs -o mode=0755 tmpfs /run && mkdir /run/fixnet &&
	printf "define fixsrv_ip = %s\ndefine fixsrv_port = %s\ndefine boot_if = \"%s\"\n" \
		"$1" "$2" c0 >/run/fixnet/egress-vars.nft &&
	nft -f "$3"' sh "$SRV_IP" "$PORT" "$RULES" >"$W/nft.out" 2>&1 ||
	fail "nft -f $RULES: $(cat "$W/nft.out")"
pass "ruleset loaded: $(in_ns "$NS_CL" nft list tables | tr '\n' ' ')"
sleep 0.5
in_ns "$NS_ROGUE" nft reset counters table netdev total >/dev/null

echo "# with the ruleset: only TCP to the fix server's port"
probe "tcp to the server's port: allowed" tcp4 "$SRV_IP" "$PORT" -- fixnet-server "$NS_SRV" ip4 1 100
probe "tcp to another port of the server: dropped" tcp4 "$SRV_IP" 9 -- "" "$NS_SRV" ip4 0 0
probe "udp to the server's port: dropped" udp4 "$SRV_IP" "$PORT" -- "" "$NS_SRV" ip4 0 0
probe "icmp to the server: dropped" ping4 "$SRV_IP" -- "" "$NS_SRV" ip4 0 0
probe "ipv6 tcp to the server's port: dropped" tcp6 "$SRV_IP6" "$PORT" -- "" "$NS_SRV" ip6 0 0
probe "ipv6 icmp to the server: dropped" ping6 "$SRV_IP6" -- "" "$NS_SRV" ip6 0 0
probe "tcp to the rogue on the server's port: dropped" tcp4 "$ROGUE_IP" "$PORT" -- "" "$NS_ROGUE" ip4 0 0
probe "tcp to the rogue's port 9: dropped" tcp4 "$ROGUE_IP" 9 -- "" "$NS_ROGUE" ip4 0 0
probe "udp to the rogue's DNS port: dropped" udp4 "$ROGUE_IP" 53 -- "" "$NS_ROGUE" ip4 0 0
probe "udp from port 68 to the rogue's port 67 (unicast DHCP shape): dropped" \
	udp4 "$ROGUE_IP" 67 68 -- "" "$NS_ROGUE" ip4 0 0
probe "icmp to the rogue: dropped" ping4 "$ROGUE_IP" -- "" "$NS_ROGUE" ip4 0 0
probe "ipv6 tcp to the rogue: dropped" tcp6 "$ROGUE_IP6" "$PORT" -- "" "$NS_ROGUE" ip6 0 0
probe "ipv6 icmp to the rogue: dropped" ping6 "$ROGUE_IP6" -- "" "$NS_ROGUE" ip6 0 0
probe "raw IPv4 frame to the rogue (packet socket): dropped" raw_frame 0800 -- "" "$NS_ROGUE" ip4 0 0
probe "raw frame of another EtherType (packet socket): dropped" raw_frame 88b5 -- "" "$NS_ROGUE" other 0 0
# DHCP must still work: its broadcast leaves (every host sees it).
probe "dhcp-shaped broadcast, udp 68 -> 255.255.255.255:67: allowed" \
	dhcp_broadcast -- "" "$NS_ROGUE" ip4 1 1

# Inbound: the rogue's attempts at the client get no answer.
reset_seen
got=$(in_ns "$NS_ROGUE" ping -n -c 1 -W "$WAIT" "$CL_IP" >/dev/null 2>&1 && echo echo-reply || true)
expect "icmp from the rogue to the client: unanswered" "$got" "" "$NS_ROGUE" ip4 0 0
reset_seen
got=$(in_ns "$NS_ROGUE" socat -T"$WAIT" -u "TCP4:$CL_IP:22,connect-timeout=$WAIT" - 2>&1 || true)
case $got in *refused*) fail "tcp from the rogue to the client: the client answered (RST)" ;; esac
expect "tcp from the rogue to the client: unanswered" "" "" "$NS_ROGUE" ip4 0 0

# The whole run with the ruleset, as the rogue saw it: the one DHCP-shaped
# broadcast, no other IPv4, no IPv6, no other frame, and no ARP asking for
# the rogue's address (the client never tried to address it).
total() { seen "$NS_ROGUE" "$1" total; }
[ "$(total ip4)" = 1 ] && [ "$(total ip6)" = 0 ] && [ "$(total other)" = 0 ] &&
	[ "$(total arp_me)" = 0 ] ||
	fail "the rogue saw from the client: $(total ip4) IPv4 (1 expected: the DHCP broadcast), $(total ip6) IPv6, $(total other) other, $(total arp_me) ARP request(s) for its address"
pass "over the whole run the rogue saw from the client: the DHCP broadcast and $(total arp) ARP frame(s) not about it; nothing else"
echo "# egress.nft: every probe passed"
