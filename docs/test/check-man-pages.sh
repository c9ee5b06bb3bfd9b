#!/bin/bash
# The manual pages: each renders with groff without a warning, and each
# command `fixctl --help`, `fixd --help` and `fixsrv --help` list has its
# entry in the page of its program, so that neither drifts from the other.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v groff >/dev/null || fail "groff is missing (deps/packages.txt: groff-base)"
B=${B:-build}
for p in fixctl fixd fixsrv; do
	page=docs/$p.8
	[ -f "$page" ] || fail "$page is missing"
	warn=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
	[ -z "$warn" ] || fail "$page: groff warns: $warn"
	[ -x "$B/bin/$p" ] || fail "$B/bin/$p is not built"
done
# the page as plain text, lines long enough for an entry each
text() { groff -man -Tascii -P-cbou -rLL=400n "$1" 2>/dev/null; }
text docs/fixctl.8 > "${TMPDIR:-/tmp}/fixctl.8.$$"
trap 'rm -f "${TMPDIR:-/tmp}/fixctl.8.$$"' EXIT
n=0
while read -r cmd; do
	grep -qE "^ +$cmd( |$)" "${TMPDIR:-/tmp}/fixctl.8.$$" || fail "fixctl.8 has no entry for: $cmd"
	n=$((n + 1))
done < <("$B/bin/fixctl" --help | sed -n 's/^  \(fixctl [a-z-]*\( [a-z]*\)\{0,1\}\).*/\1/p' |
	sed 's/ \(-\|MAC\|FIX\).*//' | sort -u)
[ "$n" -ge 15 ] || fail "only $n fixctl commands found in its --help"
for sub in apply verify keys; do
	"$B/bin/fixd" --help | grep -q "fixd $sub" || fail "fixd --help lists no $sub"
	text docs/fixd.8 | grep -q "fixd $sub" || fail "fixd.8 has no $sub"
done
for opt in $("$B/bin/fixd" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
	text docs/fixd.8 | grep -q -- "$opt" || fail "fixd.8 does not name $opt"
done
for opt in $("$B/bin/fixsrv" --help | sed -n 's/^  -., \(--[a-z-]*\).*/\1/p'); do
	text docs/fixsrv.8 | grep -q -- "$opt" || fail "fixsrv.8 does not name $opt"
done
echo "PASS: 3 pages render cleanly; fixctl.8 has the $n commands of fixctl --help; fixd.8 and fixsrv.8 name every option"
