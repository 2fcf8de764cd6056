#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End to end: a dbus-daemon with <apparmor mode="required"/> asks the
# kernel about every message; clients run under profiles via aa-exec.
#   e2e-dbus.sh [DAEMON [fallback]]
#     DAEMON: dbus-daemon (stock, the default) or dbus-daemon-aa (built
#     with patches/dbus), dbus-broker-launch (stock dbus-broker) or
#     /usr/lib/dbus-broker-aa/dbus-broker-launch (patches/dbus-broker);
#     "fallback" runs it under profile e2e_bus, which denies it the .dbus
#     file, so the patched daemon must use .access; "nostatus" under
#     e2e_bus_nostatus, which denies it the policy status page.
. /rig/tap.sh
. /rig/bus.sh
DAEMON=${1:-dbus-daemon}
MODE=${2:-}
DENIED=org.freedesktop.DBus.Error.AccessDenied
# What differs between the daemons: dbus-broker refuses BecomeMonitor as
# "not privileged" whatever the reason, and names the member "method" in
# its own audit records.
# The stock dbus-broker 37's queries are wrong in two ways (fixed by
# patches/dbus-broker); its tests below expect what it does and say so.
case $DAEMON in
dbus-broker-launch|/usr/bin/dbus-broker-launch) STOCK_BROKER=yes ;;
*) STOCK_BROKER=no ;;
esac
case ${DAEMON##*/} in
dbus-broker*)
	EAVESDROP_DENIED="$DENIED"
	USER_MEMBER=method ;;
*)
	EAVESDROP_DENIED="$DENIED: Connection \":1."
	USER_MEMBER=member ;;
esac

call() { # call PROFILE DEST PATH IFACE.MEMBER [ARGS...]
	p=$1; shift
	if [ "$p" = unconfined ]; then set -- dbus-send "--bus=$BUS" --print-reply "--dest=$@"
	else set -- aa-exec -p "$p" -- dbus-send "--bus=$BUS" --print-reply "--dest=$@"; fi
	"$@" 2>&1
	echo "exit=$?"
}
request_name() { # request_name PROFILE NAME
	call "$1" org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.RequestName "string:$2" uint32:4
}

tap_plan 36
apparmor_parser -r /rig/e2e.profile || { echo "Bail out! policy did not load"; exit 1; }

# Every audit record, as an audit daemon sees them.
/rig/audit-tail >/tmp/audit.log 2>&1 &
audit_pid=$!
if [ "$MODE" = fallback ]; then
	bus_start aa-exec -p e2e_bus -- $DAEMON
elif [ "$MODE" = nostatus ]; then
	bus_start aa-exec -p e2e_bus_nostatus -- $DAEMON
else
	bus_start $DAEMON
fi || { cat /tmp/bus.log; echo "Bail out! dbus-daemon did not start"; exit 1; }
tap_ok "$DAEMON ${MODE:+($MODE) }starts with <apparmor mode=\"required\">"

service_start || { echo "# the bus said:"; cat /tmp/bus.log /tmp/journal.log 2>/dev/null | tail -n 60 | sed 's/^/#   /'; }
tap_check "confined service owns its name" "owned org.example.Demo" "$(cat /tmp/svc.log)"

out=$(call unconfined org.example.Demo /org/example/Demo org.example.Demo.Allowed)
tap_check "service may receive Allowed" "exit=0" "$out"
out=$(call unconfined org.example.Demo /org/example/Demo org.example.Demo.Forbidden)
tap_check "service may not receive Forbidden" "$DENIED" "$out"
out=$(call e2e_client org.example.Demo /org/example/Demo org.example.Demo.Allowed)
tap_check "confined client may call Allowed" "exit=0" "$out"
out=$(call e2e_client org.example.Demo /org/example/Demo org.example.Demo.Other)
tap_check "confined client may not send Other" "$DENIED" "$out"
out=$(request_name e2e_client org.example.Client.Allowed)
tap_check "confined client owns the name its profile grants" "uint32 1" "$out"
out=$(request_name e2e_client org.example.Client.Denied)
tap_check "confined client may not own another name" "$DENIED" "$out"
out=$(call e2e_client org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.Monitoring.BecomeMonitor array:string:"type='signal'" uint32:0)
tap_check "confined client may not eavesdrop (BecomeMonitor)" "$EAVESDROP_DENIED" "$out"
out=$(call e2e_complain org.example.Demo /org/example/Demo org.example.Demo.Allowed)
tap_check "complain-mode client is let through" "exit=0" "$out"
out=$(request_name e2e_complain org.example.Complain)
tap_check "complain-mode client may own any name" "uint32 1" "$out"
# Receive rules and the sender's name (see e2e.profile).
ping() { /rig/dbus-ping "$BUS" 1 "$@" 2>&1; echo "exit=$?"; }
if [ $STOCK_BROKER = yes ]; then
	tap_check "stock broker bug: receive rules see the receiver's own name, not the sender's" \
		"$DENIED" "$(ping FromUnique)"
	tap_check "stock broker bug: a receive rule on the service's own name lets anyone in" \
		"exit=0" "$(ping FromOwnName)"
else
	tap_check "receive rules match the sender's unique name" "exit=0" "$(ping FromUnique)"
	tap_check "receive rules do not match the receiver's own name" "$DENIED" "$(ping FromOwnName)"
fi
# A 1,500-byte object path: the stock daemons ask .access, which takes it,
# and the patched ones must decide it too (the kernel takes a page a field).
long=/org/example/Long/$(head -c 1482 /dev/zero | tr '\0' a)
tap_check "a call to a 1,500-byte object path is decided by policy" "exit=0" \
	"$(PING_PATH=$long ping Allowed)"
grep -q "served Forbidden\|served Other" /tmp/svc.log && seen=yes || seen=no
tap_check "denied calls never reached the service" "no" "$seen"

# Who the rules are asked about, as dbus-daemon asks: the sender's rules
# with the destination as addressed, the receiver's rules with the
# sender's unique name, whatever names either side owns.
bus_call() { # bus_call DEST MEMBER: an unconfined call, reply not shown
	dbus-send "--bus=$BUS" --print-reply "--dest=$1" /org/example/Demo \
		"org.example.Demo.$2" >/dev/null 2>&1
}
: >/tmp/svc2.log
aa-exec -p e2e_service -- /rig/dbus-svc "$BUS" org.example.Demo2 2 >/tmp/svc2.log 2>&1 &
i=0
while ! grep -q owned /tmp/svc2.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
out=$(PING_DEST=org.example.Demo2 aa-exec -p e2e_client -- /rig/dbus-ping "$BUS" 1 Exact 2>&1; echo "exit=$?")
# Refused on both sides: logged once per side, whatever names the service owns.
PING_DEST=org.example.Demo2 aa-exec -p e2e_client -- /rig/dbus-ping "$BUS" 1 Refused >/dev/null 2>&1
bus_call org.example.Demo2 Quit
out2=$(PING_OWN=org.example.Sender aa-exec -p e2e_sender -- /rig/dbus-ping "$BUS" 1 FromUnique 2>&1
	echo "exit=$?")
if [ $STOCK_BROKER = yes ]; then
	tap_check "stock broker bug: a send rule naming the destination fails when the service owns two names" \
		"$DENIED" "$out"
	tap_check "stock broker bug: a sender that owns a name is not its unique name to receive rules" \
		"$DENIED" "$out2"
else
	tap_check "a send rule naming the destination holds when the service owns two names" \
		"exit=0" "$out"
	tap_check "a sender that owns a name is still matched by its unique name" "exit=0" "$out2"
fi

# An activatable confined service: its first call is queued while the bus
# starts it, then decided on the client that sent it (a receive rule on
# its unique name and label), not on the bus. dbus-broker-launch starts it
# through systemd's manager API, which systemd-stub plays.
stub_pid=
case ${DAEMON##*/} in
dbus-broker*)
	/rig/systemd-stub "$BUS" >/tmp/stub.log 2>&1 &
	stub_pid=$!
	i=0
	while ! grep -q ready /tmp/stub.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done ;;
esac
out=$(PING_DEST=org.example.Activated aa-exec -p e2e_client -- /rig/dbus-ping "$BUS" 1 FromClient 2>&1
	echo "exit=$?")
if [ $STOCK_BROKER = yes ]; then
	tap_check "stock broker bug: an activated service's receive rules see its own name, not the sender's" \
		"$DENIED" "$out"
else
	tap_check "an activated confined service's first call is decided on its real sender" \
		"exit=0" "$out"
fi
bus_call org.example.Activated Quit
[ -n "$stub_pid" ] && kill $stub_pid 2>/dev/null

# ReloadConfig replaces the bus's policy: the bus holds as many
# descriptors after ten reloads (each followed by a mediated call) as
# after one.
bus_daemon=$(pidof dbus-broker dbus-daemon-aa dbus-daemon 2>/dev/null | cut -d' ' -f1)
reload() {
	dbus-send "--bus=$BUS" --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.ReloadConfig >/dev/null 2>&1
	aa-exec -p e2e_client -- /rig/dbus-ping "$BUS" 1 Allowed >/dev/null 2>&1
}
reload
before=$(ls /proc/$bus_daemon/fd | wc -l)
for i in 1 2 3 4 5 6 7 8 9 10; do reload; done
after=$(ls /proc/$bus_daemon/fd | wc -l)
tap_check "ten ReloadConfig calls leave the bus's descriptors as they were ($before)" \
	"$before" "$after"

# The kernel's own answer through .dbus, as the example client shows it.
ex=/samples/apparmor/dbus_query_example
# ask MEMBER: the two decisions on one line, e.g. "send: allowed receive: DENIED"
ask() {
	$ex e2e_client e2e_service session :1.1 org.example.Demo /org/example/Demo \
		org.example.Demo "$1" 2>&1 | awk '{ printf "%s %s ", $1, $2 }'
}
tap_check ".dbus: the client may send Allowed and the service receive it" \
	"send: allowed receive: allowed" "$(ask Allowed)"
tap_check ".dbus: Forbidden is refused on both sides" \
	"send: DENIED receive: DENIED" "$(ask Forbidden)"

# A profile replaced while the bus runs decides the very next call on a
# connection that made the same call before (the patched broker remembers
# quiet allows only until the policy revision moves).
rm -f /tmp/gate
/rig/dbus-ping "$BUS" 2 Allowed org.example.Demo /tmp/gate >/tmp/ping.log 2>&1 &
i=0
while ! grep -q waiting /tmp/ping.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sed 's/member={Allowed,Quit}/member=Quit/' /rig/e2e.profile >/tmp/e2e-changed.profile
apparmor_parser -r /tmp/e2e-changed.profile
touch /tmp/gate
wait $!
tap_check "a replaced profile decides the next call on the same connection" "$DENIED" "$(cat /tmp/ping.log)"
apparmor_parser -r /rig/e2e.profile
tap_check "and the profile put back, the call after" "exit=0" "$(ping Allowed)"

# The same after three such calls, which a bus may remember (the patched
# dbus-daemon keeps each connection's last call that libapparmor answered
# from its cache): a replaced profile, then another owner of the name.
gated_ping() { # gated_ping PROFILE: Allowed 3 times, wait for /tmp/gate, once more
	rm -f /tmp/gate
	PING_GATE_AT=3 aa-exec -p "$1" -- /rig/dbus-ping "$BUS" 4 Allowed org.example.Demo \
		/tmp/gate >/tmp/ping.log 2>&1 &
	ping_pid=$!
	i=0
	while ! grep -q waiting /tmp/ping.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
gated_ping e2e_client
apparmor_parser -r /tmp/e2e-changed.profile
touch /tmp/gate
wait $ping_pid
tap_check "a replaced profile decides the call after three like it" "$DENIED" "$(cat /tmp/ping.log)"
apparmor_parser -r /rig/e2e.profile
gated_ping e2e_client
dbus-send "--bus=$BUS" --print-reply --dest=org.example.Demo /org/example/Demo \
	org.example.Demo.Quit >/dev/null 2>&1
# The name is free once the service has gone; e2e_deaf then owns it.
for i in $(seq 50); do
	: >/tmp/deaf.log
	aa-exec -p e2e_deaf -- /rig/dbus-svc "$BUS" org.example.Demo >>/tmp/deaf.log 2>&1 &
	deaf_pid=$!
	j=0
	while [ ! -s /tmp/deaf.log ] && [ $j -lt 100 ]; do sleep 0.1; j=$((j + 1)); done
	grep -q owned /tmp/deaf.log && break
	wait $deaf_pid
	sleep 0.1
done
touch /tmp/gate
wait $ping_pid
tap_check "the name's next owner decides the call after three like it on its own profile" \
	"$DENIED" "$(cat /tmp/ping.log)"
dbus-send "--bus=$BUS" --print-reply --dest=org.example.Demo /org/example/Demo \
	org.example.Demo.Quit >/dev/null 2>&1
wait $deaf_pid
service_start || echo "# the demo service did not start again"

# A confined client that has gone before the bus decides its call: the
# bus is stopped while the client sends and exits, and decides the call
# from the dead client's socket afterwards. The record must name it.
rm -f /tmp/gate-gone
PING_NOREPLY=1 aa-exec -p e2e_client -- /rig/dbus-ping "$BUS" 1 Forbidden \
	org.example.Demo /tmp/gate-gone >/tmp/ping-gone.log 2>&1 &
gone_pid=$!
i=0
while ! grep -q waiting /tmp/ping-gone.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
bus_procs=$(pidof dbus-daemon dbus-daemon-aa dbus-broker 2>/dev/null)
kill -STOP $bus_procs
touch /tmp/gate-gone
wait $gone_pid
kill -CONT $bus_procs
# The bus answers again once it has dealt with the dead client's call.
ping Allowed >/dev/null

# A method call without an interface is valid D-Bus; the service's rules
# name one, so it is refused, and the bus goes on. Last, because trixie's
# stock dbus-broker 37-2 does not survive it.
out=$(ping Allowed -)
if [ $STOCK_BROKER = yes ] && [ "$(dpkg-query -W -f='${Version}' dbus-broker 2>/dev/null)" = 37-2 ]; then
	tap_check "stock broker 37-2 bug: a call without an interface takes the bus down" \
		"Disconnected" "$out"
	tap_check "stock broker 37-2 bug: the bus is gone after it" "Connection refused" "$(ping Allowed)"
	tap_skip "a call without an interface where policy allows it (the bus is gone)"
else
	tap_check "a call without an interface is refused" "$DENIED" "$out"
	tap_check "the bus still answers after it" "exit=0" "$(ping Allowed)"
	# Under "dbus send," and a receive rule naming no interface the same
	# call is allowed: its empty interface field keeps the later fields in
	# their places.
	out=$(aa-exec -p e2e_sender -- /rig/dbus-ping "$BUS" 1 NoInterface - 2>&1; echo "exit=$?")
	if [ $STOCK_BROKER = yes ]; then
		tap_check "stock broker bug: a call without an interface is refused where policy allows it" \
			"$DENIED" "$out"
	else
		tap_check "a call without an interface is allowed where policy allows it" "exit=0" "$out"
	fi
fi

# A call the kernel cannot be asked about (a path longer than a query
# field may be) is refused, the bus says why, and goes on.
huge=/org/example/Long/$(head -c 4982 /dev/zero | tr '\0' a)
out=$(PING_PATH=$huge ping Allowed)
after=$(ping Allowed)
if [ $STOCK_BROKER = yes ] && [ "$(dpkg-query -W -f='${Version}' dbus-broker 2>/dev/null)" = 37-2 ]; then
	tap_skip "a call with a 5,000-byte path (the stock broker 37-2 is gone already)"
	tap_skip "the bus after it"
elif [ $STOCK_BROKER = yes ]; then
	tap_check "stock broker bug: a call with a 5,000-byte path takes the bus down" \
		"Disconnected" "$out"
	tap_check "stock broker bug: the bus is gone after it" "Connection refused" "$after"
else
	tap_check "a call with a 5,000-byte path, which no query can hold, is refused" "error" "$out"
	tap_check "the bus still answers after it" "exit=0" "$after"
fi

bus_stop
sleep 0.3
kill $audit_pid 2>/dev/null
wait 2>/dev/null

# Who logged the service's refusal of Forbidden: the kernel for the
# patched daemon (type 1400, with both connections' pids; the peer's label
# is peer_label= on kernels with connection-addressed queries, peer=
# before), the daemon
# itself for the stock one (USER_AVC, type 1107).
kernel=$(grep 'type=1400 .*operation="dbus_method_call".*profile="e2e_service".*member="Forbidden" requested_mask="receive" denied_mask="receive" \(task=[0-9]* \)\?peer_pid=[0-9]* peer\(_label\)\?="[^"]*"' /tmp/audit.log)
user=$(grep "type=1107 .*operation=\"dbus_method_call\".*$USER_MEMBER=\"Forbidden\"" /tmp/audit.log)
# The eavesdrop refusal must come from the eavesdrop permission, whoever logs it.
eaves=$(grep 'operation="dbus_eavesdrop"' /tmp/audit.log | grep 'DENIED' | grep e2e_client)
tap_check "the eavesdrop refusal was AppArmor's (dbus_eavesdrop record)" "dbus_eavesdrop" "$eaves"
case $DAEMON in
dbus-daemon-aa|*/dbus-broker-aa/*) PATCHED=yes ;;
*) PATCHED=no ;;
esac
# The call of the client that had gone: the kernel's record names it as
# the task whose profile refused (task=), from the socket. A daemon that
# logs itself cannot: dbus-daemon's record says pid=-1 (it asks the
# closed connection), dbus-broker's records carry no pids at all.
gone=$(grep "Forbidden" /tmp/audit.log | grep 'e2e_client')
echo "$gone" | sed 's/^/# gone-client record: /'
case ${DAEMON##*/}/$PATCHED/$MODE in
dbus-broker*/no/*|dbus-broker*/yes/fallback)
	tap_check "the broker's own record of a gone client's call names no process" \
		"Forbidden" "$(echo "$gone" | grep type=1107)" ;;
dbus-daemon*/no/*|dbus-daemon*/yes/fallback)
	tap_check "dbus-daemon's own record of a gone client's call cannot name it (pid=-1)" \
		"pid=18446744073709551615 " "$(echo "$gone" | grep type=1107)" ;;
*)
	tap_check "a client gone before the bus decided its call is named by its pid" \
		"task=$gone_pid " "$(echo "$gone" | grep type=1400)" ;;
esac
if [ $PATCHED = yes ] && [ "$MODE" != fallback ]; then
	tap_check "the kernel logged the refusal" "e2e_service" "$kernel"
	tap_check "the daemon wrote no USER_AVC of its own" "none" "${user:-none}"
else
	tap_check "the daemon logged the refusal (USER_AVC)" "Forbidden" "$user"
	tap_check "the kernel was not asked to log" "none" "${kernel:-none}"
fi
echo "$kernel$user" | head -2 | sed 's/^/# record: /'

refused=$(grep -c 'member="Refused"\|method="Refused"' /tmp/audit.log)
tap_check "a call refused on both sides is logged once per side" "2" "$refused"

# Which interface the patched daemon asks is in its log (dbus-daemon's
# output, the broker's journal): a fallback is never silent.
case $DAEMON/$MODE in
dbus-daemon-aa/fallback|*/dbus-broker-aa/*/fallback) asks="generic label query (.access)" ;;
dbus-daemon-aa/*|*/dbus-broker-aa/*/*) asks="D-Bus query, ABI" ;;
*) asks= ;;
esac
if [ -n "$asks" ]; then
	tap_check "the daemon logs which interface it asks" "$asks" \
		"$(cat /tmp/bus.log /tmp/journal.log 2>/dev/null | grep -o 'asks the.*\|asking the.*' | sort -u)"
else
	tap_ok "the daemon logs which interface it asks (stock: nothing to log)"
fi

# The D-Bus records of this run, for rig/guest/logprof.sh.
grep 'type=1400 .*operation="dbus_' /tmp/audit.log >>/tmp/e2e-kernel-records.log
grep 'type=1107 .*apparmor=' /tmp/audit.log >>/tmp/e2e-user-records.log

apparmor_parser -R /rig/e2e.profile
tap_exit
