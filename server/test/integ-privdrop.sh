#!/bin/bash
# fixsrv started as root, the way a careless shell or service manager may
# start it (supplementary groups; the network, identity and file
# capabilities inheritable and ambient), binds a privileged port, then
# drops: every thread of it runs with the configured user's uid and gid
# only, no supplementary group, no capability in any set, and no_new_privs
# (/proc/PID/task/*/status).  It still serves the port it bound as root.
# Then fixsrv started as that user with the one capability binding needs
# ambient (what systemd's User= and AmbientCapabilities= do, as
# server/fixsrv.service does): it binds, then keeps no capability either.
. server/test/lib.sh

[ "$(id -u)" = 0 ] || skip "needs root (fixsrv drops privileges only when started as root)"
command -v setpriv >/dev/null || fail "setpriv is missing (util-linux, deps/packages.txt)"
uid=$(id -u "$FX_USER") && gid=$(id -g "$FX_USER") || fail "user $FX_USER"

# A free privileged port: binding it proves fixsrv bound as root.
for p in $(shuf -i 600-1000 -n 50); do
	[ -z "$(ss -Htan "sport = :$p")" ] && { PORT=$p; break; }
done
[ -n "${PORT:-}" ] || fail "no free port below 1024"
CAPS=+chown,+dac_override,+setuid,+setgid,+net_bind_service,+net_raw,+net_admin
FX_WRAP="setpriv --groups 4,27,100 --inh-caps $CAPS --ambient-caps $CAPS --" fx_start
[ "$(fx_code GET /boot.ipxe)" = 200 ] || fail "nothing served on port $PORT"
ok "serving on privileged port $PORT"

# want FILE FIELD VALUE: a field of a /proc status file
want() {
	local got
	got=$(sed -n "s/^$2:[[:space:]]*//p" "$1" | tr -s ' \t' ' ' | sed 's/ $//')
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', want '$3'"
}
# dropped: every thread of fixsrv has the user's ids and nothing else
dropped() {
	local n=0 st
	for st in /proc/"$FX_PID"/task/*/status; do
		want "$st" Uid "$uid $uid $uid $uid"
		want "$st" Gid "$gid $gid $gid $gid"
		want "$st" Groups ""
		for c in CapInh CapPrm CapEff CapAmb; do want "$st" $c 0000000000000000; done
		want "$st" NoNewPrivs 1
		n=$((n + 1))
	done
	[ $n -gt 1 ] || fail "fixsrv has $n thread(s): the HTTP threads are missing"
	grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs):' /proc/"$FX_PID"/status
	ok "$n threads: uid/gid $uid/$gid, no supplementary group, no capability, no_new_privs"
}
dropped
fx_stop

mkdir -p "$T/run" && chown "$uid:$gid" "$T/run"
CAP=+net_bind_service
FX_WRAP="setpriv --reuid $uid --regid $gid --clear-groups --inh-caps $CAP --ambient-caps $CAP --" fx_start
[ "$(fx_code GET /boot.ipxe)" = 200 ] || fail "nothing served on port $PORT"
ok "started as $FX_USER with CAP_NET_BIND_SERVICE ambient: serving on port $PORT"
dropped
fx_stop
echo "PASS"
