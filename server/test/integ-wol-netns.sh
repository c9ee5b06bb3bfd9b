#!/bin/bash
# Wake-on-LAN on the wire: fixsrv runs in a network namespace made by the
# test, with a veth pair; a capture on the far end (AF_PACKET) must see the
# magic packet byte for byte (with the fixnet trailer), as an Ethernet
# broadcast to UDP port 9, for both kinds of wol_broadcast; three wakes of
# one power group arrive at least the group interval apart; the pairs move
# to waking and the next boot request confirms the wake.
. server/test/lib.sh

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
WOLCAP=$PWD/$B/host/server/test/wolcap
[ -x "$WOLCAP" ] || fail "$WOLCAP is not built"
NS=fxwol$$
ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
FX_CLEANUP+=("ip netns del $NS")
nsx() { ip netns exec "$NS" "$@"; }
nsx ip link set lo up
nsx ip link add veth0 type veth peer name veth1 || fail "veth"
nsx ip addr add 10.99.0.1/24 dev veth0
nsx ip addr add 10.99.0.2/24 dev veth1
nsx ip link set veth0 up
nsx ip link set veth1 up

PORT=$(fx_port)
URL=http://10.99.0.1:$PORT
LISTEN=10.99.0.1:$PORT
fx_config "wol_broadcast = 10.99.0.255" "wol_broadcast = iface:veth0" \
	"wol_trailer = yes" "wol_group_interval_ms = 500"
FX_WRAP="ip netns exec $NS"
fx_start
fx_key
fx_bundle av-defs 1 "$T/av.fix"
MACS=(52:54:00:77:00:01 52:54:00:77:00:02 52:54:00:77:00:03)
for m in "${MACS[@]}"; do
	fixctl client add "$m" --group lab --power-group rack1 >/dev/null || fail "client add"
done
fixctl fix add "$T/av.fix" >/dev/null && fixctl assign av-defs --group lab >/dev/null ||
	fail "publish"

# One wake, both targets: two identical frames.
nsx "$WOLCAP" veth1 10 2 > "$T/cap1" 2> "$T/cap1.err" &
cap=$!
for _ in $(seq 50); do grep -q ready "$T/cap1.err" 2>/dev/null && break; sleep 0.1; done
fixctl wake "${MACS[0]}" >/dev/null || fail "wake"
wait $cap || fail "no magic packet captured: $(cat "$T/cap1.err")"
mac_hex=525400770001
want="ffffffffffff$(for _ in $(seq 16); do printf %s $mac_hex; done)"
want="${want}46584e3104$(printf %04x "$PORT")0a630001"	# FXN1, v4, port, 10.99.0.1
while read -r ms dst port payload; do
	[ "$dst" = dst=ff:ff:ff:ff:ff:ff ] || fail "not an Ethernet broadcast: $dst"
	[ "$port" = port=9 ] || fail "not to port 9: $port"
	[ "$payload" = "payload=$want" ] || fail "bytes differ:
 got $payload
want payload=$want"
done < "$T/cap1"
[ "$(wc -l < "$T/cap1")" = 2 ] || fail "not one frame per target"
ok "magic packet with trailer, on the wire, for both targets"

for _ in $(seq 50); do
	[ "$(fixctl status --json | fx_json '$.counts.waking')" = 1 ] && break
	sleep 0.1
done
[ "$(fixctl status --json | fx_json '$.counts.waking')" = 1 ] || fail "pair not waking"
fixctl events --client "${MACS[0]}" | grep -q " wake " || fail "no wake event"

# The rest of the group: paced 500 ms apart.
nsx "$WOLCAP" veth1 20 4 > "$T/cap2" 2> "$T/cap2.err" &
cap=$!
for _ in $(seq 50); do grep -q ready "$T/cap2.err" 2>/dev/null && break; sleep 0.1; done
fixctl wake --pending >/dev/null || fail "wake --pending"
wait $cap || fail "wakes not captured: $(cat "$T/cap2.err")"
# first frame of each MAC (the trailer is the same), then their spacing
awk '{ sub("ms=", "", $1); m = substr($4, 21, 12); if (!(m in t)) { t[m] = $1; print $1 } }' \
	"$T/cap2" > "$T/times"
[ "$(wc -l < "$T/times")" = 2 ] || fail "not two clients woken: $(cat "$T/cap2")"
gap=$(( $(sed -n 2p "$T/times") - $(sed -n 1p "$T/times") ))
[ "$gap" -ge 450 ] || fail "wakes of one power group $gap ms apart (interval 500)"
ok "a power group's wakes are ${gap} ms apart"

# The boot request of a woken client confirms the wake.
nsx curl -sf "$URL/boot.ipxe?mac=${MACS[0]}&platform=pcbios" | grep -q fixtoken= ||
	fail "no quarantine after the wake"
fixctl events --client "${MACS[0]}" | grep -q wake-confirmed || fail "wake not confirmed"
fx_stop
echo "PASS"
