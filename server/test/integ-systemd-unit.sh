#!/bin/bash
# The systemd unit and `make install`.  server/fixsrv.service.in, with the
# paths of this build filled in, passes `systemd-analyze verify` with no
# warning, and `systemd-analyze security --offline` rates its exposure 2.0
# or less ("OK"); each sandboxing option docs/security.md relies on is set.
# `make install DESTDIR=...` (PREFIX /usr/local, the default) puts fixsrv, fixctl, the unit (its
# paths substituted), the iPXE templates, the docs and the example config
# where they belong, and the templates' directory is the one fixsrv and
# fixctl dnsmasq-conf default to.
. server/test/lib.sh

command -v systemd-analyze >/dev/null || skip "systemd-analyze missing (systemd, deps/packages.txt)"
UNIT=$T/fixsrv.service
sed -e "s|@SBINDIR@|$PWD/$B/bin|g" -e "s|@DOCDIR@|$PWD/docs|g" server/fixsrv.service.in > "$UNIT"
systemd-analyze verify --man=no "$UNIT" > "$T/verify" 2>&1 || { cat "$T/verify"; fail "systemd-analyze verify"; }
[ ! -s "$T/verify" ] || { cat "$T/verify"; fail "systemd-analyze verify warns"; }
ok "systemd-analyze verify: no warning"

systemd-analyze security --offline=yes --threshold=20 "$UNIT" > "$T/security" 2>&1 ||
	{ cat "$T/security"; fail "exposure above 2.0"; }
echo "$(grep "Overall exposure" "$T/security")"
for d in NoNewPrivileges=yes ProtectSystem=strict StateDirectory=fixnet RuntimeDirectory=fixnet \
	PrivateTmp=yes PrivateDevices=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
	ProtectKernelLogs=yes "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
	SystemCallFilter=@system-service "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW" \
	UMask=0027 LimitNOFILE=65536 User=fixnet; do
	grep -qx "$d" "$UNIT" || fail "the unit lacks $d"
done
ok "sandboxing options set; exposure 2.0 or less"

make -s --no-print-directory install B="$B" DESTDIR="$T/root" > "$T/install" 2>&1 ||
	{ cat "$T/install"; fail "make install"; }
R=$T/root/usr/local
for f in sbin/fixsrv:755 bin/fixctl:755 lib/systemd/system/fixsrv.service:644 \
	share/fixnet/ipxe-scripts/quarantine.ipxe:644 share/fixnet/ipxe-scripts/entry.ipxe:644 \
	share/doc/fixnet/security.md:644 share/doc/fixnet/fixsrv.conf.example:644 \
	share/man/man8/fixctl.8:644 share/man/man8/fixsrv.8:644 share/man/man8/fixd.8:644; do
	[ "$(stat -c %a "$R/${f%:*}" 2>/dev/null)" = "${f#*:}" ] || fail "installed $f"
done
cmp -s "$R/sbin/fixsrv" "$B/bin/fixsrv" || fail "installed fixsrv differs"
grep -qx "ExecStart=/usr/local/sbin/fixsrv -f /etc/fixnet/fixsrv.conf" "$R/lib/systemd/system/fixsrv.service" ||
	fail "installed unit: ExecStart"
grep -qE "@[A-Z]+@" "$R/lib/systemd/system/fixsrv.service" && fail "installed unit: a placeholder is left"
grep -qx "script_dir = /usr/local/share/fixnet/ipxe-scripts" "$R/share/doc/fixnet/fixsrv.conf.example" ||
	fail "installed example config: script_dir"
"$R/bin/fixctl" --help 2>&1 | grep -q -- "--script-dir /usr/local/share/fixnet/ipxe-scripts\]" ||
	fail "fixctl dnsmasq-conf's default --script-dir is not where make install puts the templates"
grep -v "^script_dir" "$R/share/doc/fixnet/fixsrv.conf.example" > "$T/noscriptdir.conf"
"$R/sbin/fixsrv" -n -f "$T/noscriptdir.conf" > "$T/default" 2>&1
grep -q "/usr/local/share/fixnet/ipxe-scripts" "$T/default" ||
	{ cat "$T/default"; fail "fixsrv's default script_dir is not where make install puts the templates"; }
sed -i "s|^public_url = .*|public_url = http://127.0.0.1:1|; s|^user = .*|user = $FX_USER|" \
	"$R/share/doc/fixnet/fixsrv.conf.example"
sed -i "s|^script_dir = .*|script_dir = $R/share/fixnet/ipxe-scripts|; s|^keys_dir = .*|keys_dir = $T/keys|" \
	"$R/share/doc/fixnet/fixsrv.conf.example"
"$R/sbin/fixsrv" -n -f "$R/share/doc/fixnet/fixsrv.conf.example" > "$T/check" 2>&1 ||
	{ cat "$T/check"; fail "fixsrv -n on the installed example (paths made local)"; }
ok "make install: binaries, unit, templates, docs, manual pages, example config (fixsrv -n accepts it)"
echo "PASS"
