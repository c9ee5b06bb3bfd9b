#!/bin/bash
# The public listener at its connection limit, with a thread pool and with
# a single thread: 40 idle connections against max_connections = 16.  While
# they are open a new request is not served (the limit holds: connections
# past it wait in the kernel's backlog); once they go, requests are served
# again, a second burst changes nothing, and fixsrv still stops promptly
# (no worker left stuck).
. server/test/lib.sh

# open_idle N: N connections that send nothing (fds in IDLE)
open_idle() {
	local fd
	IDLE=()
	for _ in $(seq "$1"); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || fail "connect"
		IDLE+=("$fd")
	done
}
close_idle() {
	local fd
	for fd in "${IDLE[@]}"; do exec {fd}>&-; done
	IDLE=()
}
# stop_bounded: SIGTERM, and fixsrv gone within 10 s
stop_bounded() {
	kill -TERM "$FX_PID"
	for _ in $(seq 100); do
		kill -0 "$FX_PID" 2>/dev/null || { wait "$FX_PID" || fail "exit $? on SIGTERM"; FX_PID=; return 0; }
		sleep 0.1
	done
	fail "threads=$1: fixsrv did not stop within 10 s of SIGTERM"
}

MAC=52:54:00:c0:11:01
for threads in 4 1; do
	rm -f "$T/fixsrv.conf"
	fx_config "threads = $threads" "max_connections = 16"
	fx_start
	open_idle 40
	if curl -sf --max-time 2 -o /dev/null "$URL/boot.ipxe?mac=$MAC"; then
		fail "threads=$threads: served a 41st connection past a limit of 16"
	fi
	close_idle
	served=
	for _ in $(seq 50); do
		curl -sf --max-time 2 "$URL/boot.ipxe?mac=$MAC" | grep -q "^#!ipxe" && { served=1; break; }
		sleep 0.1
	done
	[ -n "$served" ] || fail "threads=$threads: no answer after the idle connections went"
	open_idle 40
	close_idle
	for i in $(seq 20); do
		curl -sf --max-time 5 -o /dev/null "$URL/boot.ipxe?mac=$MAC" ||
			fail "threads=$threads: request $i after the second burst"
	done
	stop_bounded "$threads"
	ok "threads=$threads: the limit of 16 held against 40 connections; served after; stopped"
done
