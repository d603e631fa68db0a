#!/usr/bin/env bash
# Benchmark (not a test): the highest drm-svm event rate `xesvmctl monitor`
# keeps up with without losing events, and what it reports when it cannot.
# Runs inside the QEMU guest, as root:
#
#   kernel-patches/xesvm-kernel qemu-run --page-cache --timeout 1800 -- \
#       bash tests/bench/monitor-rate.sh BUILD_DIR [SECONDS [RATE...]]
#
# BUILD_DIR is a meson build of this tree with -Dtests=true. For each kind
# of event vsvm-events makes (migrate: a range migrating back and forth;
# fault: GPU faults after an MMU notifier invalidation) and each RATE
# (events per second, 0: as fast as vsvm-events goes; default 250 500 1000
# 2000 0) it starts `vsvm-events` and `xesvmctl -j monitor KIND pid P`
# writing to a file in tmpfs, waits until the monitor's socket has joined
# the multicast group, lets the generator run for SECONDS (default 5), then
# stops the monitor with SIGINT. One line per kind and rate: the rate asked
# for and achieved, events sent, events the monitor printed, the overruns
# and events lost it reported, and its CPU time per event it received
# (user + system).
#
# Then once more at the highest rate for 4 x SECONDS with the monitor
# stopped (SIGSTOP) while the generator runs, so that the socket's buffer
# overflows (what it held is the burst a monitor rides out): it prints what the
# monitor reports on stderr, and checks that the loss was reported with
# the number of events the kernel dropped (its socket's Drops counter in
# /proc/net/netlink, read here too).
set -euo pipefail

if [ $# -lt 1 ] || [ ! -x "$1/tests/bench/vsvm-events" ]; then
	echo "usage: $0 BUILD_DIR [SECONDS [RATE...]]" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
seconds=${2:-5}
shift $(($# >= 2 ? 2 : 1))
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(250 500 1000 2000 0)
x=$build/xesvmctl/xesvmctl
gen=$build/tests/bench/vsvm-events
tmp=$(mktemp -d /tmp/xesvm-bench.XXXXXX)
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -CONT "$p" 2>/dev/null || true
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# socket_field PID COLUMN: a column of /proc/net/netlink (Drops: 9) for
# the generic netlink socket of PID that is in a multicast group (libnl's
# port ids keep the pid in their low 22 bits), or nothing if it has none.
socket_field() {
	awk -v pid="$1" -v col="$2" 'NR > 1 && $2 == 16 && $3 % 4194304 == pid &&
		$4 != "00000000" { print $col; exit }' /proc/net/netlink
}

# cpu_ticks PID: user + system clock ticks of PID so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run_rate KIND RATE STOPPED: one generator and monitor pair; STOPPED=1
# keeps the monitor stopped while the generator runs. Sets: gen_line,
# shown, mon_err, drops, queued (bytes in its receive buffer when the
# generator ended), ticks.
run_rate() {
	local kind=$1 rate=$2 stopped=$3 g m i
	rm -f "$tmp/ready"
	"$gen" "$tmp/ready" "$rate" "$seconds" "$kind" >"$tmp/gen.out" 2>"$tmp/gen.err" &
	g=$!
	pids=("$g")
	while [ ! -s "$tmp/ready" ]; do
		kill -0 "$g" 2>/dev/null ||
			{ echo "vsvm-events failed: $(cat "$tmp/gen.err")" >&2; exit 1; }
		sleep 0.2
	done
	"$x" -j monitor "$kind" pid "$g" >"$tmp/mon.out" 2>"$tmp/mon.err" &
	m=$!
	pids+=("$m")
	# Subscribed once its socket is in a multicast group.
	for ((i = 0; i < 300; i++)); do
		[ -z "$(socket_field "$m" 9)" ] || break
		kill -0 "$m" 2>/dev/null ||
			{ echo "monitor failed: $(cat "$tmp/mon.err")" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$(socket_field "$m" 9)" ] ||
		{ echo "the monitor never joined the event group" >&2; exit 1; }
	ticks=$(cpu_ticks "$m")
	[ "$stopped" -eq 0 ] || kill -STOP "$m"
	kill -USR1 "$g"
	wait "$g" || { echo "vsvm-events failed: $(cat "$tmp/gen.err")" >&2; exit 1; }
	drops=$(socket_field "$m" 9)
	queued=$(socket_field "$m" 5)
	[ "$stopped" -eq 0 ] || kill -CONT "$m"
	# Let the monitor drain its socket: done when its count stops growing.
	local before=-1 now
	while now=$(wc -l <"$tmp/mon.out") && [ "$now" -ne "$before" ]; do
		before=$now
		sleep 1
	done
	ticks=$(($(cpu_ticks "$m") - ticks))
	kill -INT "$m"
	wait "$m" || { echo "monitor failed: $(cat "$tmp/mon.err")" >&2; exit 1; }
	pids=()
	gen_line=$(cat "$tmp/gen.out")
	mon_err=$(cat "$tmp/mon.err")
	shown=$(summary_field events "$mon_err")
	[ "$(wc -l <"$tmp/mon.out")" -eq "$shown" ] ||
		{ echo "the monitor printed $(wc -l <"$tmp/mon.out") lines but counts $shown events" >&2; exit 1; }
}

# field NAME LINE: the value after NAME in "events N seconds S rate R".
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$2"; }
# summary_field NAME STDERR: a number of the monitor's -j summary line,
# {"monitor": {"events": N, "received": N, "overruns": N, ...}}.
summary_field() {
	grep '^{"monitor"' <<<"$2" | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}

hz=$(getconf CLK_TCK)
printf '%-8s %-6s %9s %8s %8s %8s %9s %6s %6s %s\n' KIND RATE ACHIEVED SENT SHOWN RECEIVED OVERRUNS LOST CPU_US MISSING
best=0
for kind in migrate fault; do
	for rate in "${rates[@]}"; do
		run_rate "$kind" "$rate" 0
		sent=$(field events "$gen_line")
		achieved=$(field rate "$gen_line")
		overruns=$(summary_field overruns "$mon_err")
		lost=$(summary_field lost "$mon_err")
		received=$(summary_field received "$mon_err")
		loss=none
		[ "$shown" -eq "$sent" ] && [ "${overruns:-0}" -eq 0 ] || loss=$((sent - shown))
		printf '%-8s %-6s %9s %8s %8s %8s %9s %6s %6s %s\n' "$kind" "${rate/#0/max}" \
			"$achieved" "$sent" "$shown" "$received" "${overruns:-?}" "${lost:-?}" \
			"$((ticks * 1000000 / hz / (received > 0 ? received : 1)))" "$loss"
		[ "$loss" != none ] || [ "${achieved%.*}" -le "$best" ] || best=${achieved%.*}
	done
done
echo "highest rate with no event lost: $best events/s"
echo "(RECEIVED: events the monitor read, also of kinds it filtered out; CPU_US: its"
echo " CPU time, user + system, per event received, at ${hz} ticks/s)"

echo
seconds=$((4 * seconds))
echo "overflow: the monitor stopped (SIGSTOP) for the generator's ${seconds} s at the highest rate"
run_rate fault 0 1
sent=$(field events "$gen_line")
overruns=$(summary_field overruns "$mon_err")
lost=$(summary_field lost "$mon_err")
echo "sent $sent, shown $shown, missing $((sent - shown)); the socket's Drops: ${drops:-?}," \
	"bytes queued: ${queued:-?} (net.core.rmem_max $(sysctl -n net.core.rmem_max)); monitor's stderr:"
sed 's/^/  /' <<<"$mon_err"
# Drops counts every event the socket missed, also those of kinds the
# monitor filters out, so it is at least the events missing here.
if [ "$shown" -eq "$sent" ]; then
	echo "nothing was lost: the socket buffer held all $sent events"
elif [ "${overruns:-0}" -gt 0 ] && [ -n "$lost" ] && [ "$lost" -ge $((sent - shown)) ] &&
	[ "$lost" -eq "${drops:--1}" ]; then
	echo "the monitor reported $overruns overrun(s) and $lost events lost (the socket's Drops)"
else
	echo "$((sent - shown)) events missing, but the monitor reported overruns=${overruns:-?} lost=${lost:-?}" >&2
	exit 1
fi
