#!/bin/bash
# Group commit keeps the promise "a report is acknowledged only after it is
# committed": 64 agents (agentload) post reports while fixsrv is killed
# with SIGKILL in the middle of the load; after a restart on the same
# state dir, every report that had been acknowledged is in the inventory,
# applied, with its event.
. server/test/lib.sh

AGENTLOAD=$PWD/$B/host/server/test/agentload
[ -x "$AGENTLOAD" ] || fail "$AGENTLOAD is not built"
NCLIENTS=256
NFIXES=8

fx_start
fx_key
for f in $(seq "$NFIXES"); do
	fx_bundle "fix-$f" 1 "$T/fix-$f.fix"
	fixctl fix add "$T/fix-$f.fix" >/dev/null || fail "fix add"
done
for i in $(seq 0 $((NCLIENTS - 1))); do
	printf '02:00:00:00:%02x:%02x pc%d\n' $((i / 256)) $((i % 256)) "$i"
done > "$T/ethers"
fixctl client import "$T/ethers" >/dev/null || fail "import"
cut -d' ' -f1 "$T/ethers" > "$T/macs"
for f in $(seq "$NFIXES"); do
	fixctl assign "fix-$f" --all >/dev/null || fail "assign"
done
"$AGENTLOAD" -a "127.0.0.1:$PORT" -c 64 -m boot -i "$T/macs" -o "$T/tokens" \
	>/dev/null || fail "boot"
for f in $(seq "$NFIXES"); do	# each with the evidence fixsrv checks
	h=$(sha256sum < "$T/defs-fix-$f-1.dat" | cut -d' ' -f1)
	awk -v f="fix-$f" -v h="$h" '$2 != "-" { print $1, $2, f, 1, h }' "$T/tokens"
done > "$T/reports"
[ "$(wc -l < "$T/reports")" = $((NCLIENTS * NFIXES)) ] || fail "not every client quarantined"
ok "$((NCLIENTS * NFIXES)) reports to make"

"$AGENTLOAD" -a "127.0.0.1:$PORT" -c 64 -m report -i "$T/reports" -o "$T/acked" \
	> "$T/load.out" &
load=$!
for _ in $(seq 200); do
	[ -f "$T/acked" ] && [ "$(wc -l < "$T/acked")" -ge 200 ] && break
	sleep 0.01
done
kill -KILL "$FX_PID"
wait "$FX_PID" 2>/dev/null
FX_PID=
wait "$load"
acked=$(wc -l < "$T/acked")
[ "$acked" -ge 200 ] || fail "only $acked reports acknowledged before the kill"
[ "$acked" -lt $((NCLIENTS * NFIXES)) ] || fail "the load was over before the kill"
ok "$acked reports acknowledged before SIGKILL ($(cat "$T/load.out"))"

fx_start	# the same state dir: SQLite recovers the WAL
# every acknowledged (client, fix): its report, applied pair and event
missing=$({
	echo "CREATE TEMP TABLE acked (mac TEXT, fix TEXT);"
	awk '{ printf "INSERT INTO acked VALUES (\047%s\047, \047%s\047);\n", $1, $3 }' "$T/acked"
	echo "SELECT (SELECT count(*) FROM acked) - $acked + count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM
		reports r JOIN clients c ON c.id = r.client_id JOIN pairs p ON
		p.client_id = c.id AND p.fix_id = r.fix_id WHERE c.mac = a.mac
		AND r.fix_id = a.fix AND r.result = 'applied' AND
		p.state = 'applied' AND EXISTS (SELECT 1 FROM events e WHERE
		e.client_id = c.id AND e.fix_id = a.fix AND e.kind = 'report'));"
} | sqlite3 "$T/state/inventory.db")
[ "$missing" = 0 ] || fail "$missing acknowledged reports lost"
stored=$(sqlite3 "$T/state/inventory.db" 'SELECT count(*) FROM reports')
ok "after restart: all $acked acknowledged reports stored ($stored stored in all)"
fx_stop
echo "PASS"
