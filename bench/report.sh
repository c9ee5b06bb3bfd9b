#!/bin/bash
# Benchmark 3, report ingest: agents' final reports (POST /api/v1/report),
# each acknowledged only after its durable commit, from 64 concurrent
# agents (agentload: keep-alive, one epoll loop); against the same writes
# done one transaction per report by the sqlite3 CLI on a copy of the same
# inventory, on the same disk, with the same durability (WAL,
# synchronous=FULL).
# Goal: >= 2,000 reports/s, >= 10x the sqlite3 CLI.
#
# The inventory: BENCH_CLIENTS (4096) clients, BENCH_FIXES (16) fixes all
# assigned to every client, every client booted into quarantine (a token
# whose plan has the 16 fixes): 65,536 distinct reports to make.  Each of
# BENCH_RUNS (5) rounds sends BENCH_REPORTS_PER_RUN (8192) of them, then
# runs the CLI on BENCH_CLI_REPORTS (2048) equivalent transactions.
. bench/lib.sh
bench_init report
AGENTLOAD=$PWD/$B/host/server/test/agentload
[ -x "$AGENTLOAD" ] || fail "$AGENTLOAD is not built"
NCLIENTS=${BENCH_CLIENTS:-4096}
NFIXES=${BENCH_FIXES:-16}
PER_RUN=${BENCH_REPORTS_PER_RUN:-8192}
CLI_N=${BENCH_CLI_REPORTS:-2048}
CONNS=64

# commit_metrics: "commits waiters seconds" of fixsrv's group commit so far
commit_metrics() {
	curl -sf --unix-socket "$SOCK" http://fixsrv/metrics |
		awk '$1 == "fixnet_db_commits_total" { c = $2 }
		     $1 == "fixnet_db_commit_waiters_total" { w = $2 }
		     $1 == "fixnet_db_commit_seconds_total" { s = $2 }
		     END { print c, w, s }'
}

fx_start
fx_key
for f in $(seq -f '%02g' "$NFIXES"); do
	fx_bundle "fix-$f" 1 "$T/fix-$f.fix"
	fixctl fix add "$T/fix-$f.fix" >/dev/null || fail "fix add"
done
for i in $(seq 0 $((NCLIENTS - 1))); do
	printf '02:00:00:00:%02x:%02x pc%d\n' $((i / 256)) $((i % 256)) "$i"
done > "$T/ethers"
fixctl client import "$T/ethers" >/dev/null || fail "import"
for f in $(seq -f '%02g' "$NFIXES"); do
	fixctl assign "fix-$f" --all >/dev/null || fail "assign"
done
cut -d' ' -f1 "$T/ethers" > "$T/macs"
"$AGENTLOAD" -a "127.0.0.1:$PORT" -c $CONNS -m boot -i "$T/macs" -o "$T/tokens" \
	> "$T/boot.out" || fail "boot: $(cat "$T/boot.out")"
grep -c ' -$' "$T/tokens" | grep -qx 0 || fail "a client was not quarantined"
# Reports ordered fix by fix, so that concurrent ones are other clients'.
# The fifth field is the put's hash: the evidence fixsrv checks against the
# manifest, so that every report is a good one (state applied).
for f in $(seq -f '%02g' "$NFIXES"); do
	h=$(sha256sum < "$T/defs-fix-$f-1.dat" | cut -d' ' -f1)
	awk -v f="fix-$f" -v h="$h" '{ print $1, $2, f, 1, h }' "$T/tokens"
done > "$T/reports"
total=$(wc -l < "$T/reports")
[ $((PER_RUN * BENCH_RUNS)) -le "$total" ] ||
	fail "$BENCH_RUNS runs of $PER_RUN reports need more than $total: raise BENCH_CLIENTS"

# The CLI's work: what fixsrv writes for one report (pair state and
# applied serial, the report with its evidence, two events), one
# transaction each, on a copy of this inventory.
cli_script() {
	local now
	now=$(date +%s)
	echo "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;"
	awk -v now="$now" -v ev="[{\"path\":\"etc/av/defs.dat\",\"op\":\"put\",\"before\":null,\"after\":\"$(printf '0%.0s' $(seq 64))\"}]" '{
		c = "(SELECT id FROM clients WHERE mac = '\''" $1 "'\'')"
		p = "client_id = " c " AND fix_id = '\''" $3 "'\''"
		print "BEGIN IMMEDIATE;"
		print "UPDATE pairs SET state = '\''applied'\'', reason = '\'''\'', updated = " now " WHERE " p ";"
		print "INSERT INTO events (time, client_id, fix_id, kind, from_state, to_state, message) VALUES (" now ", " c ", '\''" $3 "'\'', '\''state'\'', '\''booting'\'', '\''applied'\'', '\'''\'');"
		print "UPDATE pairs SET applied_serial = 1, updated = " now " WHERE " p ";"
		print "INSERT INTO reports (token_hash, client_id, fix_id, serial, result, reason, target, evidence, time) VALUES ((SELECT hash FROM tokens WHERE client_id = " c " AND status = '\''active'\''), " c ", '\''" $3 "'\'', 1, '\''applied'\'', '\'''\'', '\''{\"device\":\"/dev/vda1\",\"fstype\":\"ext4\"}'\'', '\''" ev "'\'', " now ");"
		print "INSERT INTO events (time, client_id, fix_id, kind, to_state, message) VALUES (" now ", " c ", '\''" $3 "'\'', '\''report'\'', '\''applied'\'', '\'''\'');"
		print "COMMIT;"
	}'
}

declare -a RATE CLI P99 PERCOMMIT COMMITMS
for run in $(seq "$BENCH_RUNS"); do
	# fixsrv: the next PER_RUN reports, 64 agents at once
	sed -n "$(((run - 1) * PER_RUN + 1)),$((run * PER_RUN))p" "$T/reports" > "$T/slice"
	c0=$(bench_cpu "$FX_PID")
	m0=$(commit_metrics)
	"$AGENTLOAD" -a "127.0.0.1:$PORT" -c $CONNS -m report -i "$T/slice" \
		-o "$T/acked" > "$T/load.out" || fail "report load: $(cat "$T/load.out")"
	c1=$(bench_cpu "$FX_PID")
	m1=$(commit_metrics)
	eval "$(tr ' ' '\n' < "$T/load.out" | sed 's/^/L_/')"
	[ "$L_ok" = "$PER_RUN" ] || fail "only $L_ok of $PER_RUN reports acknowledged"
	# the CLI: reports of the following run's slice, on a copy (the
	# copy is taken after fixsrv's checkpoint-free WAL is folded in)
	sqlite3 "$T/state/inventory.db" ".backup '$T/cli.db'" || fail "copy"
	sqlite3 "$T/cli.db" 'PRAGMA journal_mode = WAL' >/dev/null
	sed -n "$((run * PER_RUN - CLI_N + 1)),$((run * PER_RUN))p" "$T/reports" |
		awk '{ print $1, $2, $3 }' | cli_script > "$T/cli.sql"
	# (those reports are stored in the copy already: drop them first)
	sqlite3 "$T/cli.db" "DELETE FROM reports; UPDATE pairs SET state = 'booting'" ||
		fail "reset copy"
	t0=$(date +%s.%N)
	sqlite3 -bail "$T/cli.db" < "$T/cli.sql" > /dev/null || fail "sqlite3 CLI"
	t1=$(date +%s.%N)
	[ "$(sqlite3 "$T/cli.db" 'SELECT count(*) FROM reports')" = "$CLI_N" ] ||
		fail "the CLI did not store $CLI_N reports"
	rm -f "$T/cli.db" "$T/cli.db-wal" "$T/cli.db-shm"
	cli=$(awk -v n="$CLI_N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
	RATE+=("$L_rate"); CLI+=("$cli"); P99+=("$L_p99_us")
	# shellcheck disable=SC2086
	set -- $m0 $m1
	PERCOMMIT+=("$(awk -v n="$PER_RUN" -v a="$1" -v b="$4" 'BEGIN { printf "%.1f", n / (b - a) }')")
	COMMITMS+=("$(awk -v a="$1" -v b="$4" -v s="$3" -v t="$6" 'BEGIN { printf "%.3f", (t - s) * 1000 / (b - a) }')")
	echo "run $run: fixsrv $L_rate reports/s (p99 ${L_p99_us} µs," \
		"$(awk -v c="$c1" -v d="$c0" -v n="$PER_RUN" 'BEGIN { printf "%.0f", (c - d) * 1e6 / n }') µs CPU each)," \
		"sqlite3 CLI $cli/s"
done
[ "$(sqlite3 "$T/state/inventory.db" 'SELECT count(*) FROM reports')" = \
	$((PER_RUN * BENCH_RUNS)) ] || fail "the inventory does not hold every acknowledged report"
[ "$(sqlite3 "$T/state/inventory.db" "SELECT count(*) FROM reports WHERE state = 'applied'")" = \
	$((PER_RUN * BENCH_RUNS)) ] || fail "a report did not pass the evidence check"

r=$(bench_median "${RATE[@]}"); c=$(bench_median "${CLI[@]}")
bench_out "reports from $CONNS concurrent agents (keep-alive), $NCLIENTS clients x $NFIXES fixes;" \
	"$BENCH_RUNS runs of $PER_RUN reports (CLI: $CLI_N transactions), medians"
bench_out "$(printf '%-34s %12s %10s' '' 'reports/s' 'p99 ms')"
bench_out "$(printf '%-34s %12s %10s' 'fixsrv (ack after durable commit)' "$r" \
	"$(awk -v u="$(bench_median "${P99[@]}")" 'BEGIN { printf "%.1f", u / 1000 }')")"
bench_out "$(printf '%-34s %12s %10s' 'sqlite3 CLI, 1 transaction/report' "$c" -)"
bench_out "ratio fixsrv / sqlite3 CLI: $(bench_ratio "$r" "$c")"
bench_out "fixsrv's group commit: $(bench_median "${PERCOMMIT[@]}") reports per commit, a commit takes" \
	"$(bench_median "${COMMITMS[@]}") ms (fixnet_db_commit* of /metrics); the CLI pays one commit per report"
bench_out "goal: >= 2000 reports/s and >= 10x the CLI"
bench_finish
