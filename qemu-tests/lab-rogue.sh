# shellcheck shell=bash
# A rogue host for the lab, sourced after lab.sh by e2e-isolation-rogue.
#
# Another machine on the boot network: a network namespace of its own,
# whose veth is a port of the lab's bridge, with services a compromised
# hook would love to reach:
#
#   srv0 10.77.0.1 ─── srv0-br ─┐
#   (fixsrv, dnsmasq)           br0 ── tap-NAME ── QEMU clients
#   rog0 10.77.0.66 ─ rogue-br ─┘
#   (HTTP on 80 and 8080, DNS answering every name with its own address,
#    TFTP, ICMP; tcpdump on rog0)
#
# Its services log every contact (rogue-contacts.log: TCP; rogue-dns.log:
# DNS queries and TFTP transfers), and captures taken on its own NIC (rog0) hold every frame
# that reached it: what the rogue saw, from where it stands.  It has no
# IPv6 address: anything of IPv6 that reaches it does so by its MAC.

LAB_ROGUE_IP=$LAB_NET.66
LAB_ROGUE_MAC=02:00:00:77:00:66		# locally administered
LAB_ROGUE_NS=''

# Skip (exit 77) where the rogue cannot run; call after lab_require's
# checks (lab_rogue_init does both).
lab_rogue_require() {
	command -v tcpdump >/dev/null || lab_skip "no tcpdump (Debian package tcpdump)"
	command -v socat >/dev/null || lab_skip "no socat (Debian package socat)"
}

# Stop everything in the rogue's namespace (dnsmasq daemonised: not a child
# of ours), then delete it.  Captures still running are stopped first, so
# that their files are complete in the kept run directory.
lab_rogue_down() {
	[ -n "$LAB_ROGUE_NS" ] || return 0
	set +e
	lab_ns_delete "$LAB_ROGUE_NS"
	LAB_ROGUE_NS=''
}

# The EXIT trap of a run with a rogue host: the rogue, then the lab.
lab_rogue_teardown() {
	local rc=$?
	set +e
	lab_rogue_down
	(exit "$rc")
	lab_teardown
}

# lab_init, with the rogue's checks and its teardown.  $1: scenario name.
lab_rogue_init() {
	lab_init "$1"
	lab_rogue_require
	trap lab_rogue_teardown EXIT
}

# Run a command in the rogue's namespace.
lab_rogue_ns() {
	ip netns exec "$LAB_ROGUE_NS" "$@"
}

# The rogue host on the lab's bridge, and its services.
lab_rogue_up() {
	local port
	LAB_ROGUE_NS=fixnet-rogue-$$
	ip netns add "$LAB_ROGUE_NS" || lab_fail "cannot create namespace $LAB_ROGUE_NS"
	ip -n "$LAB_NS" link add rogue-br type veth peer name rog0 netns "$LAB_ROGUE_NS"
	ip -n "$LAB_NS" link set rogue-br master br0
	ip -n "$LAB_NS" link set rogue-br up
	lab_rogue_ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB_ROGUE_NS" link set lo up
	ip -n "$LAB_ROGUE_NS" link set rog0 address "$LAB_ROGUE_MAC"
	ip -n "$LAB_ROGUE_NS" addr add "$LAB_ROGUE_IP/24" dev rog0
	ip -n "$LAB_ROGUE_NS" link set rog0 up
	: >"$LAB_RUN/rogue-contacts.log"
	# One line per connection (socat sets SOCAT_PEERADDR), then an answer.
	cat >"$LAB_RUN/rogue-http.sh" <<-EOF
		echo "\$(date +%s.%N) tcp \$1 \$SOCAT_PEERADDR" >>"$LAB_RUN/rogue-contacts.log"
		printf 'HTTP/1.0 200 OK\\r\\n\\r\\nfixnet-rogue\\n'
	EOF
	for port in 80 "$LAB_PORT"; do
		ip netns exec "$LAB_ROGUE_NS" socat "TCP4-LISTEN:$port,reuseaddr,fork" SYSTEM:"sh $LAB_RUN/rogue-http.sh $port" \
			2>>"$LAB_RUN/rogue-socat.log" &
		lab_track $!
	done
	mkdir -p "$LAB_RUN/rogue-tftp"
	echo "fixnet-rogue" >"$LAB_RUN/rogue-tftp/fixnet-probe.txt"
	lab_rogue_ns dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --port=53 \
		--interface=rog0 --bind-interfaces --address="/#/$LAB_ROGUE_IP" --address=/#/fd77::66 \
		--enable-tftp --tftp-root="$LAB_RUN/rogue-tftp" \
		--log-queries=extra --log-facility="$LAB_RUN/rogue-dns.log" \
		--pid-file="$LAB_RUN/rogue-dns.pid" ||
		lab_fail "the rogue's dnsmasq did not start: $(tail -n 3 "$LAB_RUN/rogue-dns.log" 2>/dev/null)"
	for _ in $(seq 50); do
		[ "$(lab_rogue_ns ss -Hlnt | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(lab_rogue_ns ss -Hlnt | wc -l)" -ge 3 ] ||
		lab_fail "the rogue's listeners did not start: $(tail -n 3 "$LAB_RUN/rogue-socat.log" 2>/dev/null)"
	lab_say "rogue host up at $LAB_ROGUE_IP ($LAB_ROGUE_MAC, namespace $LAB_ROGUE_NS): HTTP on 80 and $LAB_PORT, DNS answering every name with $LAB_ROGUE_IP, TFTP, ICMP"
}

# Start a capture of every frame on the rogue's NIC into NAME.pcap
# (immediate mode, packet-buffered: the file is complete whenever it is
# read).  What the rogue's services log meanwhile goes to
# NAME.services.log when it stops.
#   lab_rogue_capture_start NAME
lab_rogue_capture_start() {
	local log=$LAB_RUN/$1.tcpdump.log
	echo "$(lab_rogue_log_lines contacts) $(lab_rogue_log_lines dns)" >"$LAB_RUN/$1.services.from"
	# ip netns exec, not lab_rogue_ns: $! must be tcpdump itself
	ip netns exec "$LAB_ROGUE_NS" tcpdump -i rog0 --immediate-mode -U -n -w "$LAB_RUN/$1.pcap" 2>>"$log" &
	echo $! >"$LAB_RUN/$1.tcpdump.pid"
	lab_track $!
	for _ in $(seq 50); do
		grep -q 'listening on' "$log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'listening on' "$log" || lab_fail "tcpdump did not start: $(cat "$log")"
	lab_say "rogue: capturing every frame on its NIC ($1.pcap)"
}

# Lines in one of the rogue's service logs (contacts or dns).
lab_rogue_log_lines() {
	wc -l <"$LAB_RUN/rogue-$1.log" 2>/dev/null || echo 0
}

# Stop a capture; it writes what it holds and exits.
#   lab_rogue_capture_stop NAME
lab_rogue_capture_stop() {
	local pid from_contacts from_dns
	pid=$(cat "$LAB_RUN/$1.tcpdump.pid")
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && lab_fail "tcpdump of $1.pcap did not stop"
	read -r from_contacts from_dns <"$LAB_RUN/$1.services.from"
	{ tail -n "+$((from_contacts + 1))" "$LAB_RUN/rogue-contacts.log"
	  tail -n "+$((from_dns + 1))" "$LAB_RUN/rogue-dns.log"; } >"$LAB_RUN/$1.services.log"
	lab_say "rogue: capture $1.pcap stopped ($(lab_rogue_frames "$1" | wc -l) frames; $(wc -l <"$LAB_RUN/$1.services.log") lines of its services' logs meanwhile)"
}

# Every frame of a capture, one a line (tcpdump -e: times, MACs, protocol).
#   lab_rogue_frames NAME [FILTER]
lab_rogue_frames() {
	tcpdump -r "$LAB_RUN/$1.pcap" -tt -e -n ${2:+"$2"} 2>/dev/null
}

# The frames of a capture that a client addressed to the rogue: from its
# MAC (or IP), to the rogue's MAC, to the rogue's IP, or an ARP request
# for the rogue's IP.
#   lab_rogue_from_client NAME CLIENT_MAC CLIENT_IP
lab_rogue_from_client() {
	lab_rogue_frames "$1" "(ether src $2 or src host $3) and (ether dst $LAB_ROGUE_MAC or dst host $LAB_ROGUE_IP)"
}

# The frames of a capture from a client's MAC that are not what every host
# of the segment receives from a machine that boots and talks to the fix
# server alone: DHCP requests (UDP 68 -> 67), ARP requests for the fix
# server or for its own address, IPv6 multicast (the firmware's router
# solicitations and listener reports).
#   lab_rogue_unexpected NAME CLIENT_MAC CLIENT_IP
lab_rogue_unexpected() {
	lab_rogue_frames "$1" "ether src $2 and not (udp src port 68 and udp dst port 67) and not (arp and (dst host $LAB_SRV_IP or dst host $3)) and not (ip6 and ether multicast)"
}

# What a capture holds from a client's MAC, counted by kind, one line.
#   lab_rogue_summary NAME CLIENT_MAC
lab_rogue_summary() {
	lab_rogue_frames "$1" "ether src $2" | awk '
	{ gsub(/,/, "") }
	/BOOTP\/DHCP/ { k["DHCP to " $4]++; next }
	match($0, /Request who-has [0-9.]+/) {
		k["ARP request for " substr($0, RSTART + 16, RLENGTH - 16)]++; next
	}
	{ k[$6 " to " $4]++ }
	END {
		n = 0
		for (x in k) { printf "%s%d x %s", n++ ? ", " : "", k[x], x }
		if (n == 0) printf "nothing"
		print ""
	}'
}

# --- the quarantine, tried from inside

LAB_ROGUE_FILE=etc/fixnet-e2e/isolation-rogue.txt
LAB_ROGUE_TRIES="rogue-tcp80 rogue-tcp$LAB_PORT rogue-udp-tftp rogue-icmp rogue-dns resolver-dns"
# The line the hook must record, less its routes-added=yes|no.
# shellcheck disable=SC2034  # read by e2e-isolation-rogue
LAB_ROGUE_EXPECTED="isolation: fixsrv-http=reached fixsrv-tcp9=blocked fixsrv-udp-dns=blocked$(for t in $LAB_ROGUE_TRIES; do printf ' %s=blocked' "$t"; done) nft-flush=refused$(for t in $LAB_ROGUE_TRIES; do printf ' routed-%s=blocked' "$t"; done) routed-fixsrv-http=reached"

# Write the hook of the isolation scenario: run by fixd in the secondary OS
# with the target as its working directory, it tries every way to the rogue
# host: TCP to its HTTP ports, UDP (a TFTP read, a DNS query), ICMP echo,
# DNS through the rogue's server and through the resolver; the fix server's
# HTTP port as the control, and the fix server on another TCP port and by
# UDP (routed, so only nftables stops those).  Then what root could do to lift the
# quarantine: flush the nftables ruleset, add the routes DHCP offered and the
# quarantine refused (the subnet, a default route through the rogue, the
# rogue as resolver), and all the tries again.  fixd runs hooks without
# CAP_NET_ADMIN and CAP_NET_RAW: the flush must be refused; the routes are
# refused too (routes-added=no), but where they are not (routes-added=yes)
# nftables alone must still stop every try.  Whatever it added is removed
# again.  It prints one line and records it on the target for the primary
# OS to show; why each try failed goes to its output (fixd's log).
# A try counts as reached when anything came back (data, an HTTP error, a
# refused connection, an ICMP answer, a DNS answer, a TFTP file), blocked
# when the kernel refused to send or nothing came back in time.
#   lab_rogue_hook FILE
lab_rogue_hook() {
	cat >"$1" <<-EOF
		#!/bin/sh
		# fixnet e2e: a hostile hook against the rogue host (secondary OS)
		S=$LAB_SRV_IP:$LAB_PORT R=$LAB_ROGUE_IP
		try() {
			out=\$("\$@" 2>&1) && { echo reached; return; }
			echo "try \$*: \$(echo "\$out" | tail -n 1)" >&2
			echo blocked
		}
		http() {
			out=\$(timeout 4 wget -q -O /dev/null "http://\$1/" 2>&1) && { echo reached; return; }
			echo "try http://\$1/: \$out" >&2
			case \$out in *"server returned error"* | *refused*) echo reached ;; *) echo blocked ;; esac
		}
		tries() {
			printf ' %srogue-tcp80=%s' "\$1" "\$(http \$R)"
			printf ' %srogue-tcp$LAB_PORT=%s' "\$1" "\$(http \$R:$LAB_PORT)"
			printf ' %srogue-udp-tftp=%s' "\$1" "\$(try timeout 6 busybox tftp -g -r fixnet-probe.txt -l /tmp/fixnet-probe.txt \$R)"
			printf ' %srogue-icmp=%s' "\$1" "\$(try timeout 4 ping -c 1 -W 2 \$R)"
			printf ' %srogue-dns=%s' "\$1" "\$(try timeout 6 nslookup -type=a fixnet-probe.test \$R)"
			printf ' %sresolver-dns=%s' "\$1" "\$(try timeout 6 nslookup -type=a fixnet-probe.test)"
		}
		line="isolation: fixsrv-http=\$(http \$S) fixsrv-tcp9=\$(http $LAB_SRV_IP:9)"
		line="\$line fixsrv-udp-dns=\$(try timeout 6 nslookup -type=a fixnet-probe.test $LAB_SRV_IP)\$(tries '')"
		if nft flush ruleset 2>/dev/null; then flush=done; else flush=refused; fi
		dev=\$(ip -o -4 addr show | awk '\$2 != "lo" { print \$2; exit }')
		added=no
		ip route add $LAB_NET.0/24 dev "\$dev" && ip route add default via \$R dev "\$dev" && added=yes
		echo "nameserver \$R" >/etc/resolv.conf
		ip route show | sed 's/^/routes now: /'
		line="\$line nft-flush=\$flush routes-added=\$added\$(tries routed-) routed-fixsrv-http=\$(http \$S)"
		ip route del default via \$R dev "\$dev" 2>/dev/null
		ip route del $LAB_NET.0/24 dev "\$dev" 2>/dev/null
		rm -f /etc/resolv.conf
		echo "\$line"
		mkdir -p "$(dirname "$LAB_ROGUE_FILE")"
		echo "\$line" >"$LAB_ROGUE_FILE"
	EOF
}
