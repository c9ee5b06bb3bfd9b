#!/bin/bash
# fixctl dnsmasq-conf, offline: each mode's file passes `dnsmasq --test`,
# says what the boot network needs (architectures, the iPXE chain, the two
# avoided waits), and the TFTP root holds the iPXE binaries; bad arguments
# are usage errors (exit 1) that write nothing.
set -u
B=${B:-build}
FIXCTL=$PWD/$B/bin/fixctl
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$FIXCTL" ] || fail "$FIXCTL is not built"
[ -x "$DNSMASQ" ] || fail "dnsmasq is missing (deps/packages.txt: dnsmasq-base)"
[ -f /usr/lib/ipxe/undionly.kpxe ] || fail "iPXE binaries missing (deps/packages.txt: ipxe)"
T=$(mktemp -d /tmp/dnsmasq-conf.XXXXXX)
trap 'rm -rf "$T"' EXIT

common=(--interface fxbr0 --server-url http://10.77.0.1:8080 --tftp-root "$T/tftp")
"$FIXCTL" dnsmasq-conf --mode full "${common[@]}" \
	--range 10.77.0.100,10.77.0.200,255.255.255.0 -o "$T/full.conf" || fail "full"
"$FIXCTL" dnsmasq-conf --mode proxy "${common[@]}" --subnet 10.77.0.9/24 \
	-o "$T/proxy.conf" || fail "proxy"
for m in full proxy; do
	"$DNSMASQ" --test -C "$T/$m.conf" 2>&1 | grep -q "syntax check OK" ||
		fail "dnsmasq --test refuses the $m configuration: $("$DNSMASQ" --test -C "$T/$m.conf" 2>&1)"
	for line in "dhcp-match=set:bios,option:client-arch,0" \
		"dhcp-match=set:efi64,option:client-arch,7" \
		"dhcp-match=set:efi64,option:client-arch,9" \
		"dhcp-userclass=set:ipxe,iPXE" \
		"dhcp-match=set:efihttp,option:client-arch,16" \
		"dhcp-boot=tag:efihttp,tag:!ipxe,http://10.77.0.1:8080/os/no-http-boot" \
		"dhcp-boot=tag:bios,tag:!ipxe,undionly.kpxe" \
		"dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi" \
		"enable-ra" "dhcp-range=::,constructor:fxbr0,ra-only" \
		"ra-param=fxbr0,0,0" "enable-tftp" "tftp-root=$T/tftp" \
		"interface=fxbr0"; do
		grep -qxF "$line" "$T/$m.conf" || fail "$m: no line $line"
	done
done
grep -qxF "dhcp-range=10.77.0.100,10.77.0.200,255.255.255.0,1h" "$T/full.conf" || fail "full: range"
grep -qxF "dhcp-option=tag:ipxe,encap:175,176,1b" "$T/full.conf" || fail "full: no-pxedhcp"
grep -qxF "dhcp-boot=tag:ipxe,http://10.77.0.1:8080/boot.ipxe" "$T/full.conf" || fail "full: iPXE script URL"
grep -qxF "dhcp-option-force=tag:efihttp,60,HTTPClient" "$T/full.conf" || fail "full: HTTP boot vendor class"
grep -qxF "dhcp-range=10.77.0.0,proxy,255.255.255.0" "$T/proxy.conf" || fail "proxy: range"
# Proxy mode hands out no address: its only IPv4 range is the proxy one.
[ "$(grep -c '^dhcp-range=[0-9]' "$T/proxy.conf")" = 1 ] || fail "proxy: an address range"
grep -q "175,176" "$T/proxy.conf" && fail "proxy: no-pxedhcp must not be set (iPXE must wait for ProxyDHCP)"
grep -q '^pxe-service=tag:!ipxe,x86PC,.*undionly.kpxe' "$T/proxy.conf" || fail "proxy: BIOS service"
grep -q '^pxe-service=tag:!ipxe,X86-64_EFI,.*snponly.efi' "$T/proxy.conf" || fail "proxy: EFI service"
# iPXE drops a ProxyDHCP offer that has a boot file but no next server.
grep -qxF "dhcp-boot=tag:ipxe,http://10.77.0.1:8080/boot.ipxe,,10.77.0.1" "$T/proxy.conf" ||
	fail "proxy: iPXE script URL with the next server"
# HTTP boot clients are answered too (dnsmasq answers PXEClient only by default).
grep -qxF "dhcp-pxe-vendor=PXEClient,HTTPClient" "$T/proxy.conf" || fail "proxy: HTTPClient vendor"
for f in undionly.kpxe snponly.efi ipxe.efi; do
	cmp -s "/usr/lib/ipxe/$f" "$T/tftp/$f" || fail "tftp root: $f"
	[ "$(stat -c %a "$T/tftp/$f")" = 644 ] || fail "tftp root: $f not world-readable"
done
echo "ok: both modes pass dnsmasq --test"

bad() {
	"$FIXCTL" dnsmasq-conf "$@" -o "$T/bad.conf" 2>/dev/null
	[ $? = 1 ] || fail "not a usage error: $*"
	[ ! -e "$T/bad.conf" ] || fail "written anyway: $*"
}
bad --mode full "${common[@]}"					# no range
bad --mode proxy "${common[@]}" --subnet 10.77.0.0/33
bad --mode proxy --interface fxbr0 --server-url http://fix.example:8080 --tftp-root "$T/tftp" \
	--subnet 10.77.0.0/24						# no IPv4 next server
bad --mode relay "${common[@]}" --range 10.77.0.100,10.77.0.200,255.255.255.0
bad --mode full --interface "br0
dhcp-range=evil" --server-url http://x --tftp-root "$T/tftp" --range 1.1.1.1,1.1.1.2,255.0.0.0
bad --mode full --interface br0 --server-url "http://x,evil" --tftp-root "$T/tftp" \
	--range 1.1.1.1,1.1.1.2,255.0.0.0
"$FIXCTL" dnsmasq-conf --mode full "${common[@]}" --range 10.77.0.100,10.77.0.200,255.255.255.0 \
	--ipxe-dir "$T/none" -o "$T/bad.conf" 2>/dev/null
[ $? = 100 ] || fail "missing iPXE binaries: exit not 100"
echo "PASS"
