#!/bin/bash
# A boot network that answers only the inventory's clients.  fixsrv keeps
# the MACs an administrator added in dhcp_hosts_dir/fixnet-clients.hosts
# (written at start and after every add and import; a discovered MAC is
# not added), and `fixctl dnsmasq-conf --hosts-dir` points dnsmasq at it.
# A real dnsmasq in a test-made namespace answers BusyBox udhcpc from
# another: an added MAC gets a lease, an unknown one nothing; a client
# imported while dnsmasq runs gets a lease without a restart or a signal.
# In proxy mode the same split shows on PXE requests.  Then the failures:
# a hosts directory fixsrv cannot write stops it at start (exit 100, the
# command that fixes it in the log), one that stops being writable turns
# a client add into a warning, the client still added.
. server/test/lib.sh

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "iproute2 missing"
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || fail "dnsmasq is missing (deps/packages.txt: dnsmasq-base)"
BB=$(initramfs/deb-unpack busybox-static 2>"$T/deb-unpack.err")/bin/busybox
[ -x "$BB" ] || skip "no BusyBox for udhcpc: $(tail -n 1 "$T/deb-unpack.err")"

MAC1=52:54:00:0d:00:01
MAC2=52:54:00:0d:00:02
MAC9=52:54:00:0d:00:09
fx_hosts_dir
HOSTS=$HD/fixnet-clients.hosts
fx_config "dhcp_hosts_dir = $HD"
fx_start
[ -f "$HOSTS" ] && [ ! -s "$HOSTS" ] || fail "no empty hosts file at start"
[ "$(stat -c %a "$HOSTS")" = 644 ] || fail "hosts file mode $(stat -c %a "$HOSTS"), not 644"
fixctl client add $MAC1 --name known1 >/dev/null || fail "client add"
[ "$(cat "$HOSTS")" = $MAC1 ] || fail "after client add: $(cat "$HOSTS")"
fx_boot $MAC9 >/dev/null || fail "boot of an unknown MAC"
[ "$(fixctl client show $MAC9 --json | fx_json '$.discovered')" = 1 ] || fail "$MAC9 not discovered"
ok "hosts file: empty at start, mode 644, the added client, not the discovered one"

# The namespaces: dnsmasq on fxhs<pid> in NS, the clients on fxhc<pid> in NC.
NS=fxh-s-$$
NC=fxh-c-$$
SIF=fxhs$$
CIF=fxhc$$
FX_CLEANUP+=("[ -f '$T/dnsmasq.pid' ] && kill \$(cat '$T/dnsmasq.pid')"
	"ip netns del $NS" "ip netns del $NC")
ip netns add $NS && ip netns add $NC || fail "ip netns add"
ip link add $SIF type veth peer name $CIF || fail "veth"
ip link set $SIF netns $NS && ip link set $CIF netns $NC || fail "veth into the namespaces"
ip -n $NS addr add 10.89.0.1/24 dev $SIF
ip -n $NS link set lo up && ip -n $NS link set $SIF up && ip -n $NC link set $CIF up ||
	fail "links up"

# dnsmasq_run MODE ARGS...: a configuration by fixctl, then dnsmasq on it.
dnsmasq_run() {
	local mode=$1
	shift
	[ -f "$T/dnsmasq.pid" ] && kill "$(cat "$T/dnsmasq.pid")" && sleep 0.3
	"$FIXCTL" dnsmasq-conf --mode "$mode" --interface $SIF \
		--server-url http://10.89.0.1:8080 --tftp-root "$T/tftp" \
		--script-dir "$PWD/ipxe-scripts" --hosts-dir "$HD" "$@" -o "$T/$mode.conf" ||
		fail "dnsmasq-conf $mode"
	grep -qxF "dhcp-hostsdir=$HD" "$T/$mode.conf" && grep -qxF "dhcp-ignore=tag:!known" "$T/$mode.conf" ||
		fail "$mode: no known-only lines"
	: > "$T/dnsmasq.log"
	ip netns exec $NS "$DNSMASQ" -C "$T/$mode.conf" --log-dhcp \
		--log-facility="$T/dnsmasq.log" --pid-file="$T/dnsmasq.pid" \
		--dhcp-leasefile="$T/leases" || fail "dnsmasq ($mode) did not start"
	for _ in $(seq 50); do grep -q "read $HOSTS" "$T/dnsmasq.log" && return; sleep 0.1; done
	fail "dnsmasq ($mode) did not read $HOSTS: $(tail -n 5 "$T/dnsmasq.log")"
}
# dhcp MAC TRIES [udhcpc args...]: DHCP from the client namespace, TRIES
# discovers 2 s apart (dnsmasq pings an address before it offers it)
dhcp() {
	local mac=$1 tries=$2
	shift 2
	ip -n $NC link set $CIF address "$mac"
	ip netns exec $NC timeout 12 "$BB" udhcpc -i $CIF -n -q -t "$tries" -T 2 \
		-s /bin/true "$@" > "$T/udhcpc.out" 2>&1
}

dnsmasq_run full --range 10.89.0.100,10.89.0.150,255.255.255.0
dhcp $MAC1 4 || fail "full: the added client got no lease: $(cat "$T/udhcpc.out")"
dhcp $MAC2 1 && fail "full: an unknown MAC got a lease"
grep -q "DHCPDISCOVER($SIF) $MAC2 ignored" "$T/dnsmasq.log" || fail "full: $MAC2 not ignored by dnsmasq"
ok "full DHCP: the added client gets a lease, an unknown MAC is ignored"

printf '%s known2\n' $MAC2 > "$T/ethers"
fixctl client import "$T/ethers" >/dev/null || fail "import"
[ "$(cat "$HOSTS")" = "$(printf '%s\n%s' $MAC1 $MAC2)" ] || fail "after import: $(cat "$HOSTS")"
for _ in $(seq 50); do
	[ "$(grep -c "read $HOSTS" "$T/dnsmasq.log")" -ge 2 ] && break
	sleep 0.1
done
dhcp $MAC2 4 || fail "full: the imported client got no lease: $(cat "$T/udhcpc.out")"
ok "full DHCP: a client imported while dnsmasq runs gets a lease (no restart, no signal)"

dnsmasq_run proxy --subnet 10.89.0.0/24
pxe=(-V PXEClient:Arch:00000:UNDI:002001 -x 0x5d:0000)
dhcp $MAC1 1 "${pxe[@]}"
dhcp $MAC9 1 "${pxe[@]}"
grep -q "PXE($SIF) $MAC1 proxy$" "$T/dnsmasq.log" || fail "proxy: no PXE answer for the added client"
grep -q "PXE($SIF) $MAC9 proxy-ignored" "$T/dnsmasq.log" || fail "proxy: $MAC9 not ignored"
grep -q "PXE($SIF) $MAC9 proxy$" "$T/dnsmasq.log" && fail "proxy: $MAC9 answered"
ok "proxyDHCP: PXE answered for the added client, ignored for an unknown MAC"

# A hosts directory that stops being writable: the client is added, the
# answer carries a warning, fixsrv's log says what to do.
chown root "$HD"
fixctl client add 52:54:00:0d:00:03 --name known3 > /dev/null 2> "$T/add.err" ||
	fail "client add with an unwritable hosts directory failed: $(cat "$T/add.err")"
grep -q "warning: .*fixnet-clients.hosts could not be written" "$T/add.err" ||
	fail "no warning from fixctl: $(cat "$T/add.err")"
grep -q "install -d -m 0755 -o $FX_USER $HD" "$T/fixsrv.log" || fail "the log does not say what to do: $(grep dhcp "$T/fixsrv.log")"
fixctl client show known3 >/dev/null || fail "known3 not added"
chown "$FX_USER" "$HD"
fixctl client add 52:54:00:0d:00:04 --name known4 > /dev/null 2> "$T/add.err" || fail "client add"
[ -s "$T/add.err" ] && fail "a warning with a writable directory: $(cat "$T/add.err")"
[ "$(wc -l < "$HOSTS")" = 4 ] || fail "the next write does not hold every client: $(cat "$HOSTS")"
ok "an unwritable hosts directory: the client added, fixctl warns, the next write catches up"

fx_stop
chown root "$HD"
"$FIXSRV" -f "$T/fixsrv.conf" >> "$T/start.log" 2>&1
rc=$?
[ $rc = 100 ] || fail "start with an unwritable hosts directory: exit $rc, not 100"
grep -q "dhcp_hosts_dir $HD is not writable by user $FX_USER" "$T/start.log" ||
	fail "no clear error at start: $(tail -n 3 "$T/start.log")"
sed -i "s|^dhcp_hosts_dir = .*|dhcp_hosts_dir = $T/none|" "$T/fixsrv.conf"
"$FIXSRV" -n -f "$T/fixsrv.conf" > "$T/check.log" 2>&1 && fail "fixsrv -n accepts a missing dhcp_hosts_dir"
grep -q "dhcp_hosts_dir $T/none is not a directory" "$T/check.log" || fail "fixsrv -n: $(cat "$T/check.log")"
ok "a hosts directory fixsrv cannot write: exit 100 at start; fixsrv -n names a missing one"
echo "PASS"
