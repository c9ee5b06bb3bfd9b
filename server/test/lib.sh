# shellcheck shell=bash
# Shared by the server integration tests: a fixsrv on loopback with a
# temporary state dir and config, driven by fixctl and curl.
#
#   . server/test/lib.sh          (from the top of the tree)
#   fx_start                      start fixsrv; sets T, PORT, URL, SOCK
#   fx_stop                       stop it (SIGTERM), wait
#   fx_dump FILE                  dump the inventory (sqlite3 .dump)
#   fx_key                        make a publisher key, trust it
#   fx_bundle ID SERIAL OUT       make and sign a bundle
#   fx_publish ID SERIAL          a key, a bundle, published (fix add)
#   fx_hosts_dir                  HD, a dhcp_hosts_dir fixsrv can write
#   fixctl ...                    the fixctl under test, on SOCK
# A cleanup trap removes T and stops fixsrv on every exit.

set -u
B=${B:-build}
FIXSRV=$PWD/$B/bin/fixsrv
FIXCTL=$PWD/$B/bin/fixctl
FIXD=$PWD/$B/bin/fixd
FX_PID=
FX_CLEANUP=()

fail() { echo "FAIL: $*" >&2; [ -n "${T:-}" ] && [ -f "$T/fixsrv.log" ] && tail -n 30 "$T/fixsrv.log" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }
ok() { echo "ok: $*"; }

fx_cleanup() {
	local c
	[ -n "$FX_PID" ] && kill "$FX_PID" 2>/dev/null && wait "$FX_PID" 2>/dev/null
	for c in "${FX_CLEANUP[@]+"${FX_CLEANUP[@]}"}"; do eval "$c" || true; done
	[ -n "${T:-}" ] && rm -rf "$T"
}
trap fx_cleanup EXIT

for bin in "$FIXSRV" "$FIXCTL"; do
	[ -x "$bin" ] || fail "$bin is not built"
done
command -v curl >/dev/null || fail "curl is missing (deps/packages.txt)"
command -v sqlite3 >/dev/null || fail "sqlite3 is missing (deps/packages.txt)"

T=$(mktemp -d /tmp/fixsrv-test.XXXXXX)
chmod 755 "$T"
if [ "$(id -u)" -eq 0 ]; then FX_USER=nobody; else FX_USER=$(id -un); fi
mkdir -p "$T/state" "$T/keys" "$T/os"
[ "$(id -u)" -eq 0 ] && chown "$FX_USER" "$T/state"
head -c 300000 /dev/urandom > "$T/os/vmlinuz"
head -c 100000 /dev/urandom > "$T/os/initramfs"
chmod 644 "$T/os/"*
SOCK=$T/run/admin.sock	# fixsrv makes run/, owned by its user

fixctl() { "$FIXCTL" --socket "$SOCK" "$@"; }

# A free TCP port on loopback, below the kernel's ephemeral range (so that
# no client connection of a busy machine holds it) and unused in any state.
fx_port() {
	local p lo
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for _ in $(seq 50); do
		p=$((10000 + RANDOM % (lo - 10000)))
		[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return; }
	done
	fail "no free port"
}

# Write the config: fx_config [extra lines...]
fx_config() {
	PORT=${PORT:-$(fx_port)}
	URL=${URL:-http://127.0.0.1:$PORT}
	{
		echo "listen = ${LISTEN:-127.0.0.1:$PORT}"
		echo "public_url = $URL"
		echo "admin_socket = $SOCK"
		echo "state_dir = $T/state"
		echo "boot_dir = $T/os"
		echo "script_dir = $PWD/ipxe-scripts"
		echo "keys_dir = $T/keys"
		echo "user = $FX_USER"
		echo "log_level = ${FX_LOG_LEVEL:-debug}"
		echo "max_boots = 3"
		local l
		for l in "$@"; do echo "$l"; done
	} > "$T/fixsrv.conf"
}

# Start fixsrv (config written by fx_config, or a default one).
fx_start() {
	[ -f "$T/fixsrv.conf" ] || fx_config
	${FX_WRAP:-} "$FIXSRV" -f "$T/fixsrv.conf" >>"$T/fixsrv.log" 2>&1 &
	FX_PID=$!
	for _ in $(seq 100); do
		# the admin daemon starts last: when it answers, all do
		if [ -S "$SOCK" ] && curl -sf -o /dev/null --unix-socket "$SOCK" \
			http://fixsrv/metrics; then
			return 0
		fi
		kill -0 "$FX_PID" 2>/dev/null || fail "fixsrv exited at start"
		sleep 0.1
	done
	fail "fixsrv did not start"
}

fx_stop() {
	kill -TERM "$FX_PID"
	wait "$FX_PID" || fail "fixsrv exited with $? on SIGTERM"
	FX_PID=
	[ ! -e "$SOCK" ] || fail "admin socket left behind"
}

fx_dump() { sqlite3 "$T/state/inventory.db" .dump > "$1"; }

# A publisher key trusted by fixsrv (KEY: the secret key file).
fx_key() {
	KEY=$T/pub/key
	mkdir -p "$T/pub"
	"$FIXCTL" key gen --no-password -o "$KEY" >/dev/null || fail "key gen"
	cp "$KEY.pub" "$T/keys/publisher.pub"
}

# fx_bundle ID SERIAL OUT: a bundle that puts etc/av/defs.dat.
fx_bundle() {
	printf 'definitions %s serial %s\n' "$1" "$2" > "$T/defs-$1-$2.dat"
	"$FIXCTL" bundle create --id "$1" --serial "$2" \
		--put "$T/defs-$1-$2.dat=etc/av/defs.dat:0644" -o "$3" >/dev/null ||
		fail "bundle create"
	"$FIXCTL" bundle sign --key "$KEY" "$3" >/dev/null || fail "bundle sign"
}

# fx_publish ID SERIAL: a trusted key, a bundle of ID at SERIAL made and
# signed with it (fx_bundle), published.
fx_publish() {
	[ -n "${KEY:-}" ] || fx_key
	fx_bundle "$1" "$2" "$T/$1-$2.fix"
	fixctl fix add "$T/$1-$2.fix" >/dev/null || fail "fix add $1 $2"
}

# fx_hosts_dir: HD, a dhcp_hosts_dir fixsrv's user can write (give it to
# fx_config as "dhcp_hosts_dir = $HD").
fx_hosts_dir() {
	HD=$T/dhcp-hosts
	mkdir -p "$HD" && chmod 755 "$HD" || fail "mkdir $HD"
	if [ "$(id -u)" = 0 ]; then chown "$FX_USER" "$HD" || fail "chown $HD"; fi
}

# fx_boot MAC [PLATFORM]: the script /boot.ipxe renders for that client.
fx_boot() {
	curl -sf "$URL/boot.ipxe?mac=$1&uuid=&arch=x86_64&platform=${2:-pcbios}"
}

# The token in a quarantine script.
fx_token() { sed -n 's/.*fixtoken=\([0-9a-f]\{64\}\).*/\1/p' | head -n 1; }

# fx_code METHOD PATH [curl args...]: the HTTP status only.
fx_code() {
	local m=$1 p=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' -X "$m" "$@" "$URL$p"
}

# A JSON value of stdin: fx_json PATH ('$.a[0].b'), read by sqlite3's
# json functions (no jq needed).
fx_json() {
	local j
	j=$(cat)
	sqlite3 :memory: "SELECT json_extract('${j//\'/\'\'}', '$1')"
}
