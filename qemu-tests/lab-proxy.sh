# shellcheck shell=bash
# The proxyDHCP variant of the lab, sourced after lab.sh by the
# e2e-proxydhcp-* scenarios.
#
# The boot network already has a DHCP server, as a real site does: another
# host, in a network namespace of its own, whose veth is a port of the
# lab's bridge:
#
#   srv0 10.77.0.1 ── srv0-br ─┐
#   (fixsrv, dnsmasq --mode proxy)
#                              br0 ── tap-NAME ── QEMU clients
#   dhcp0 10.77.0.2 ─ dhcp-br ─┘   (tcpdump on br0: every DHCP packet)
#   (the site's dnsmasq: addresses, router, DNS; no PXE)
#
# fixnet's dnsmasq runs what `fixctl dnsmasq-conf --mode proxy` writes: it
# answers only the PXE part (boot file, next server: iPXE's entry script by
# TFTP) and never hands out an address.  A capture on the bridge proves it: every DHCP offer or
# ack that carries an address (yiaddr) comes from the site's server.

LAB_SITE_IP=$LAB_NET.2			# the site's DHCP server
LAB_SITE_ROUTER=$LAB_NET.254		# the router and DNS it hands out
LAB_SITE_NS=''

# Skip (exit 77) where the capture cannot be made; call before lab_proxy_init.
lab_proxy_require() {
	command -v tcpdump >/dev/null || lab_skip "no tcpdump (Debian package tcpdump)"
}

# Create the site's DHCP host and start its plain dnsmasq.  Its logs and
# lease file go to site-dnsmasq.* in the run directory.
lab_site_dhcp_start() {
	LAB_SITE_NS=fixnet-site-$$
	ip netns add "$LAB_SITE_NS" || lab_fail "cannot create namespace $LAB_SITE_NS"
	ip -n "$LAB_NS" link add dhcp-br type veth peer name dhcp0 netns "$LAB_SITE_NS"
	ip -n "$LAB_NS" link set dhcp-br master br0
	ip -n "$LAB_NS" link set dhcp-br up
	ip -n "$LAB_SITE_NS" link set lo up
	ip -n "$LAB_SITE_NS" addr add "$LAB_SITE_IP/24" dev dhcp0
	ip -n "$LAB_SITE_NS" link set dhcp0 up
	cat >"$LAB_RUN/site-dnsmasq.conf" <<-EOF
		# The site's own DHCP server: addresses, a router and a DNS
		# server, nothing about network boot.
		port=0
		interface=dhcp0
		bind-interfaces
		dhcp-range=$LAB_NET.100,$LAB_NET.200,255.255.255.0,1h
		dhcp-option=option:router,$LAB_SITE_ROUTER
		dhcp-option=option:dns-server,$LAB_SITE_ROUTER
	EOF
	ip netns exec "$LAB_SITE_NS" dnsmasq --conf-file="$LAB_RUN/site-dnsmasq.conf" \
		--pid-file="$LAB_RUN/site-dnsmasq.pid" \
		--dhcp-leasefile="$LAB_RUN/site-dnsmasq.leases" \
		--log-facility="$LAB_RUN/site-dnsmasq.log" --log-dhcp --no-ping ||
		lab_fail "the site's dnsmasq did not start: $(tail -n 3 "$LAB_RUN/site-dnsmasq.log" 2>/dev/null)"
	lab_say "the site's DHCP server up at $LAB_SITE_IP (namespace $LAB_SITE_NS): addresses $LAB_NET.100-200, router and DNS $LAB_SITE_ROUTER, no PXE"
}

# Stop the site's DHCP host (its dnsmasq daemonised: not a child of ours).
lab_site_dhcp_stop() {
	[ -n "$LAB_SITE_NS" ] || return 0
	set +e
	lab_ns_delete "$LAB_SITE_NS"
	LAB_SITE_NS=''
}

# The EXIT trap of a proxyDHCP run: the site's host, then the lab.
lab_proxy_teardown() {
	local rc=$?
	set +e
	lab_site_dhcp_stop
	(exit "$rc")
	lab_teardown
}

# lab_init, with the site's host in the teardown.
lab_proxy_init() {
	lab_init "$1"
	trap lab_proxy_teardown EXIT
}

# fixnet's dnsmasq in proxy mode on srv0: boot answers only, for the
# site's subnet.
lab_proxy_dnsmasq_start() {
	"$LAB_FIXCTL" dnsmasq-conf --mode proxy --interface srv0 --server-url "$LAB_URL" \
		--tftp-root "$LAB_RUN/tftp" --subnet "$LAB_NET.0/24" \
		--script-dir "$LAB_REPO/ipxe-scripts" --boot-retries "$LAB_RETRIES" \
		-o "$LAB_RUN/dnsmasq.conf" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl dnsmasq-conf --mode proxy failed: $(tail -n 3 "$LAB_RUN/fixctl.log")"
	lab_ns dnsmasq --conf-file="$LAB_RUN/dnsmasq.conf" --pid-file="$LAB_RUN/dnsmasq.pid" \
		--dhcp-leasefile="$LAB_RUN/dnsmasq.leases" --log-facility="$LAB_RUN/dnsmasq.log" \
		--log-dhcp ||
		lab_fail "dnsmasq did not start: $(tail -n 3 "$LAB_RUN/dnsmasq.log" 2>/dev/null)"
	lab_say "fixnet's dnsmasq up on srv0 in proxyDHCP mode (fixctl dnsmasq-conf --mode proxy)"
}

# Capture every DHCP and ProxyDHCP packet on the bridge (packet-buffered,
# so that the file is complete whenever it is read).
lab_capture_start() {
	lab_ns tcpdump -i br0 -U -n -w "$LAB_RUN/dhcp.pcap" \
		'udp and (port 67 or port 68 or port 4011)' 2>>"$LAB_RUN/tcpdump.log" &
	lab_track $!
	for _ in $(seq 50); do
		grep -q 'listening on' "$LAB_RUN/tcpdump.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'listening on' "$LAB_RUN/tcpdump.log" ||
		lab_fail "tcpdump did not start: $(cat "$LAB_RUN/tcpdump.log")"
	lab_say "capturing DHCP on br0 (dhcp.pcap)"
}

# The DHCP and ProxyDHCP replies of the capture, one a line:
#   TIME SRC_MAC SRC_IP TYPE YIADDR
# (YIADDR 0.0.0.0 when the reply carries no address: tcpdump leaves out
# a zero Your-IP).
lab_capture_replies() {
	tcpdump -r "$LAB_RUN/dhcp.pcap" -tt -e -n -v 2>/dev/null | awk '
	function flush() {
		if (reply && type != "")
			printf "%s %s %s %s %s\n", t, mac, ip, type, yi
		reply = 0; type = ""; yi = "0.0.0.0"
	}
	/^[0-9]/ { flush(); t = $1; mac = $2; next }
	/BOOTP\/DHCP, Reply/ { reply = 1; ip = $1; sub(/\.[0-9]+$/, "", ip); next }
	/Your-IP/ { yi = $2; next }
	/DHCP-Message \(53\)/ { type = $NF; next }
	END { flush() }'
}

# Fail unless fixnet handed out no address and the site did: the capture,
# fixnet's lease file and its log.  Prints what the capture shows.
lab_expect_proxy_only() {
	local replies ours site
	replies=$(lab_capture_replies)
	[ -n "$replies" ] || lab_fail "the capture holds no DHCP reply"
	ours=$(awk -v s="$LAB_SRV_IP" '$3 == s' <<<"$replies")
	site=$(awk -v s="$LAB_SITE_IP" '$3 == s && $5 != "0.0.0.0"' <<<"$replies")
	[ -n "$ours" ] || lab_fail "the capture holds no ProxyDHCP reply from fixnet ($LAB_SRV_IP)"
	[ -n "$site" ] || lab_fail "the capture holds no address from the site's server"
	if awk -v s="$LAB_SITE_IP" '$5 != "0.0.0.0" && $3 != s' <<<"$replies" | grep . >/dev/null; then
		lab_fail "a reply carrying an address did not come from the site's server: $(awk -v s="$LAB_SITE_IP" '$5 != "0.0.0.0" && $3 != s' <<<"$replies" | head -n 3)"
	fi
	[ ! -s "$LAB_RUN/dnsmasq.leases" ] ||
		lab_fail "fixnet's dnsmasq recorded leases: $(head -n 3 "$LAB_RUN/dnsmasq.leases")"
	if grep -E 'DHCP(OFFER|ACK)\(srv0\) [0-9]' "$LAB_RUN/dnsmasq.log" | grep . >/dev/null; then
		lab_fail "fixnet's dnsmasq logged an address offer: $(grep -E 'DHCP(OFFER|ACK)\(srv0\) [0-9]' "$LAB_RUN/dnsmasq.log" | head -n 1)"
	fi
	printf '%s\n' "$replies" >"$LAB_RUN/dhcp-replies.txt"
	lab_say "capture: $(wc -l <<<"$site") replies with an address, all from the site's server $LAB_SITE_IP; $(wc -l <<<"$ours") ProxyDHCP replies from fixnet $LAB_SRV_IP, none with an address; fixnet's lease file empty"
	awk '{ printf "  %s  %-15s %-5s yiaddr %s\n", $2, $3, $4, $5 }' <<<"$replies" | sort | uniq -c
}
