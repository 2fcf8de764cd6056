# SPDX-License-Identifier: GPL-2.0
# The test bus and the demo service, for the e2e test, the demo and the
# benchmark: start them, wait for them (at most 10 s each), stop them.
BUS=unix:path=/run/test-bus
# The bus configuration: /rig/bus.conf mediates (<apparmor mode="required"/>),
# the benchmark's ceiling runs /rig/bus-unmediated.conf.
BUS_CONFIG=${BUS_CONFIG:-/rig/bus.conf}

# bus_start [CMD...]: run CMD (default dbus-daemon) on /rig/bus.conf;
# sets bus_pid. Fails if the bus does not answer within 10 s. A CMD ending in
# dbus-broker-launch gets the socket and the journal systemd would give it
# (rig/guest/broker-launch.c; its log lands in /tmp/journal.log), and
# --audit, so that its AppArmor records go to the audit subsystem as
# dbus-daemon's do.
bus_start() {
	[ $# -gt 0 ] || set -- dbus-daemon
	rm -f /run/test-bus
	eval "daemon=\${$#}"
	case ${daemon##*/} in
	dbus-broker-launch)
		: >/tmp/journal.log
		# The launcher connects to the bus it serves, found by address.
		DBUS_SESSION_BUS_ADDRESS=$BUS /rig/broker-launch /run/test-bus /tmp/journal.log "$@" \
			--scope user --audit --config-file=$BUS_CONFIG >/tmp/bus.log 2>&1 & ;;
	*)
		"$@" --config-file=$BUS_CONFIG --nofork --nopidfile >/tmp/bus.log 2>&1 & ;;
	esac
	bus_pid=$!
	# Not when the socket file appears: it does at bind(), before
	# listen(), and a client that comes in between is refused (NoServer).
	# Ready is when the bus answers.
	i=0
	while ! dbus-send "--bus=$BUS" --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null 2>&1; do
		[ $i -lt 100 ] || return 1
		sleep 0.1; i=$((i + 1))
	done
}

# service_start [N]: the demo service under profile e2e_service, owning
# org.example.Demo (and N-1 more names, quiet, for the benchmark); its
# output is in /tmp/svc.log.
service_start() {
	: >/tmp/svc.log
	aa-exec -p e2e_service -- /rig/dbus-svc "$BUS" org.example.Demo ${1:-} >/tmp/svc.log 2>&1 &
	i=0
	while ! grep -q owned /tmp/svc.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q owned /tmp/svc.log
}

# bus_stop: tell the service to quit, then stop the bus.
bus_stop() {
	dbus-send "--bus=$BUS" --print-reply --dest=org.example.Demo \
		/org/example/Demo org.example.Demo.Quit >/dev/null 2>&1
	kill $bus_pid 2>/dev/null
	wait $bus_pid 2>/dev/null
}
