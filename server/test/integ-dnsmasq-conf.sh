#!/bin/bash
# fixctl dnsmasq-conf, offline: each mode's file passes `dnsmasq --test`,
# says what the boot network needs (architectures, the iPXE chain, the two
# avoided waits), and the TFTP root holds the iPXE binaries and the entry
# script, which iPXE gets by TFTP in both modes (never fixsrv's URL: iPXE
# waits for a DHCP boot file without a timeout); that entry script is the
# one fixsrv serves for GET /boot.ipxe, byte for byte; bad arguments are
# usage errors (exit 1) that write nothing.
# shellcheck source=server/test/lib.sh
. server/test/lib.sh
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || fail "dnsmasq is missing (deps/packages.txt: dnsmasq-base)"
[ -f /usr/lib/ipxe/undionly.kpxe ] || fail "iPXE binaries missing (deps/packages.txt: ipxe)"

common=(--interface fxbr0 --server-url http://10.77.0.1:8080/ --tftp-root "$T/tftp"
	--script-dir "$PWD/ipxe-scripts" --boot-retries 4)
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
	# iPXE's DHCP boot file is never an HTTP URL of fixsrv.
	! grep -n '^dhcp-boot=tag:ipxe,.*://' "$T/$m.conf" ||
		fail "$m: iPXE's boot file is a URL (no timeout on that fetch)"
done
grep -qxF "dhcp-range=10.77.0.100,10.77.0.200,255.255.255.0,1h" "$T/full.conf" || fail "full: range"
grep -qxF "dhcp-option=tag:ipxe,encap:175,176,1b" "$T/full.conf" || fail "full: no-pxedhcp"
# iPXE: the entry script by TFTP, from dnsmasq's own address (no next server named).
grep -qxF "dhcp-boot=tag:ipxe,entry.ipxe" "$T/full.conf" || fail "full: iPXE entry script by TFTP"
grep -qxF "dhcp-option-force=tag:efihttp,60,HTTPClient" "$T/full.conf" || fail "full: HTTP boot vendor class"
grep -qxF "dhcp-range=10.77.0.0,proxy,255.255.255.0" "$T/proxy.conf" || fail "proxy: range"
# Proxy mode hands out no address: its only IPv4 range is the proxy one.
[ "$(grep -c '^dhcp-range=[0-9]' "$T/proxy.conf")" = 1 ] || fail "proxy: an address range"
grep -q "175,176" "$T/proxy.conf" && fail "proxy: no-pxedhcp must not be set (iPXE must wait for ProxyDHCP)"
grep -q '^pxe-service=tag:!ipxe,x86PC,.*undionly.kpxe' "$T/proxy.conf" || fail "proxy: BIOS service"
grep -q '^pxe-service=tag:!ipxe,X86-64_EFI,.*snponly.efi' "$T/proxy.conf" || fail "proxy: EFI service"
# iPXE drops a ProxyDHCP offer without a next server, and a ProxyDHCP
# offer has none unless named: the TFTP server, this host, the fix server.
grep -qxF "dhcp-boot=tag:ipxe,entry.ipxe,,10.77.0.1" "$T/proxy.conf" ||
	fail "proxy: iPXE entry script by TFTP with the next server"
# HTTP boot clients are answered too (dnsmasq answers PXEClient only by default).
grep -qxF "dhcp-pxe-vendor=PXEClient,HTTPClient" "$T/proxy.conf" || fail "proxy: HTTPClient vendor"
for f in undionly.kpxe snponly.efi ipxe.efi; do
	cmp -s "/usr/lib/ipxe/$f" "$T/tftp/$f" || fail "tftp root: $f"
	[ "$(stat -c %a "$T/tftp/$f")" = 644 ] || fail "tftp root: $f not world-readable"
done
echo "ok: both modes pass dnsmasq --test"

# The entry script in the TFTP root: rendered, world-readable, its fetch
# from fixsrv bounded, boot_retries tries, then the local disk.
E=$T/tftp/entry.ipxe
[ "$(stat -c %a "$E")" = 644 ] || fail "tftp root: entry.ipxe not world-readable"
[ "$(head -n 1 "$E")" = "#!ipxe" ] || fail "entry.ipxe: no #!ipxe first line"
! grep -n '@@' "$E" || fail "entry.ipxe: a placeholder left"
# shellcheck disable=SC2016  # iPXE's ${...}, not the shell's
grep -q '^imgfetch .*--timeout [0-9]* http://10\.77\.0\.1:8080/boot\.ipxe?mac=\${netX/mac}&' "$E" ||
	fail "entry.ipxe: no bounded fetch of http://10.77.0.1:8080/boot.ipxe?mac=..."
# shellcheck disable=SC2016
grep -qF 'iseq ${fixnet_try} 4 && goto unreachable' "$E" || fail "entry.ipxe: not 4 tries"
grep -q '^sanboot ' "$E" || fail "entry.ipxe: no local boot"
# fixsrv, configured alike, answers GET /boot.ipxe with the same bytes.
URL=http://10.77.0.1:8080 fx_config "boot_retries = 4"
fx_start
curl -sf "http://127.0.0.1:$PORT/boot.ipxe" >"$T/entry.http" || fail "GET /boot.ipxe"
cmp "$E" "$T/entry.http" || fail "entry.ipxe differs from fixsrv's GET /boot.ipxe: $(diff "$E" "$T/entry.http")"
fx_stop
# Without --boot-retries: fixsrv's default boot_retries, 5.
"$FIXCTL" dnsmasq-conf --mode full --interface fxbr0 --server-url http://10.77.0.1:8080 \
	--tftp-root "$T/tftp5" --script-dir "$PWD/ipxe-scripts" \
	--range 10.77.0.100,10.77.0.200,255.255.255.0 -o "$T/full5.conf" || fail "full, default retries"
# shellcheck disable=SC2016
grep -qF 'iseq ${fixnet_try} 5 && goto unreachable' "$T/tftp5/entry.ipxe" || fail "entry.ipxe: default not 5 tries"
echo "ok: the TFTP entry script is fixsrv's, with a bounded fetch"

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
for n in 0 1001 x 3x; do
	bad --mode full "${common[@]}" --range 10.77.0.100,10.77.0.200,255.255.255.0 --boot-retries "$n"
done
"$FIXCTL" dnsmasq-conf --mode full "${common[@]}" --range 10.77.0.100,10.77.0.200,255.255.255.0 \
	--ipxe-dir "$T/none" -o "$T/bad.conf" 2>/dev/null
[ $? = 100 ] || fail "missing iPXE binaries: exit not 100"
# A script directory without entry.ipxe, or one whose entry.ipxe wants a
# client's value: exit 100, the message names the problem, nothing written.
mkdir -p "$T/scripts"
for case in missing:"--script-dir" client:"@@MAC@@" plain:"#!ipxe"; do
	rm -f "$T/scripts/entry.ipxe" "$T/bad.conf"
	case ${case%%:*} in
	client) printf '#!ipxe\necho @@MAC@@ via @@SERVER@@\n' >"$T/scripts/entry.ipxe" ;;
	plain) printf 'echo no shebang\n' >"$T/scripts/entry.ipxe" ;;
	esac
	msg=$("$FIXCTL" dnsmasq-conf --mode full "${common[@]}" --script-dir "$T/scripts" \
		--range 10.77.0.100,10.77.0.200,255.255.255.0 -o "$T/bad.conf" 2>&1)
	rc=$?
	[ $rc = 100 ] || fail "entry script ${case%%:*}: exit $rc, not 100"
	grep -qF -- "${case#*:}" <<<"$msg" || fail "entry script ${case%%:*}: message '$msg'"
	[ ! -e "$T/bad.conf" ] || fail "entry script ${case%%:*}: configuration written anyway"
done
echo "PASS"
