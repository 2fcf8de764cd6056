#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# AppArmor's log tool on the kernel's D-Bus records: every denied shape
# (send, receive, from the bus driver, a signal, a call without an
# interface, bind, eavesdrop, strings the kernel hex-encodes) is asked
# through libapparmor's aa_dbus handle with the kernel writing the records;
# aa-logprof of AppArmor 4.1.0 with patches/apparmor (its Python package
# and libapparmor in /usr/lib/apparmor-dbus, the guest's own Python
# binding of libapparmor) must turn each into the rule that allows it, in
# the profile that refused, and with those rules loaded every query must
# be allowed. The records the patched daemons' end-to-end runs left in
# /tmp/e2e-kernel-records.log go through it too. For comparison, the
# guest release's own aa-logprof reads the same records and the stock
# daemons' USER_AVC records (/tmp/e2e-user-records.log); what it makes of
# them is printed, not asserted.
. /rig/tap.sh
AA=/usr/lib/apparmor-dbus
LP=/tmp/lp
Q="/rig/aa-dbus-query --audit"

tap_plan 21
[ -x $AA/aa-logprof ] || { echo "# SKIP: no patched aa-logprof in $AA"; exit 4; }
command -v python3 >/dev/null || { echo "# SKIP: no python3 in the guest"; exit 4; }
rm -rf $LP
mkdir -p $LP/profiles $LP/stock
cp /rig/logprof.profile $LP/profiles/logprof
# aa-logprof checks the profiles it writes with the parser, which finds the
# abi they name relative to the profile directory.
for d in $LP/profiles $LP/stock; do ln -s /etc/apparmor.d/abi $d/abi; done
apparmor_parser -r $LP/profiles/logprof || { echo "Bail out! policy did not load"; exit 1; }
trap 'apparmor_parser -R /rig/logprof.profile 2>/dev/null' EXIT

# ask: every shape, once (the kernel logs each refusal)
ask() {
	$Q call lp_client lp_service session :1.7 org.example.Lp /org/example/Lp org.example.Lp Ping
	$Q signal lp_client lp_service session :1.7 org.freedesktop.DBus /org/example/Lp \
		org.example.Lp Changed
	$Q call unconfined lp_service session org.freedesktop.DBus :1.9 /org/freedesktop/DBus \
		org.freedesktop.DBus NameAcquired
	$Q call lp_client lp_service session :1.7 org.example.Lp /org/example/Lp "" NoInterface
	$Q bind lp_service - session org.example.Lp.Other - - - -
	$Q eavesdrop lp_client - session - - - - -
	$Q call lp_client lp_service "my bus" :1.7 org.example.Lp "/org/example/with space" \
		'org.example."q"' "$(printf 'Caf\303\251\ttab')"
}

/rig/audit-tail >$LP/audit-tail.log 2>&1 &
tail_pid=$!
sleep 0.3
answers=$(ask)
sleep 0.5
kill $tail_pid
wait $tail_pid 2>/dev/null
tap_check "every shape is refused before aa-logprof" "7" \
	"$(echo "$answers" | grep -c 'DENIED')"
# As auditd writes them, which is what aa-logprof reads.
grep -o 'type=1400 audit(.*' $LP/audit-tail.log | grep 'operation="dbus_' |
	sed 's/^type=1400 audit(/type=AVC msg=audit(/' >$LP/audit.log
echo "# $(wc -l <$LP/audit.log) kernel records"
sed 's/^/# record: /' $LP/audit.log

# The guest's Python binding of libapparmor reads records with the patched
# parser when it links against the library's version nodes (trixie's,
# built from the same 4.1.0 source). sid's binding asks for APPARMOR_5.0,
# which a library built from 4.1.0 does not have (sid's 5.0.2 source is
# not served): there it parses with sid's own libapparmor, which rejects
# records with hex-encoded D-Bus fields.
if LD_LIBRARY_PATH=$AA python3 -c 'import LibAppArmor' 2>/dev/null; then
	PARSER=$AA
else
	PARSER=
	echo "# the guest's LibAppArmor binding cannot load the patched libapparmor:"
	LD_LIBRARY_PATH=$AA python3 -c 'import LibAppArmor' 2>&1 | tail -n 1 | sed 's/^/#   /'
fi
logprof() { # logprof LOG DIR [stock]: aa-logprof --allow-all, its output
	if [ "${3:-}" = stock ]; then
		aa-logprof --allow-all -f "$1" -d "$2" --no-check-mountpoint 2>&1
	else
		PYTHONPATH=$AA/python LD_LIBRARY_PATH=$PARSER python3 $AA/aa-logprof \
			--allow-all -f "$1" -d "$2" --no-check-mountpoint 2>&1
	fi
}
hex_rule() { # hex_rule NAME PROFILE RULE: rule, where the parser reads hex
	if [ -n "$PARSER" ]; then
		rule "$@"
	else
		tap_skip "$1 (the guest's libapparmor $(dpkg-query -W -f='${Version}' libapparmor1) rejects hex-encoded D-Bus fields)"
	fi
}
out=$(logprof $LP/audit.log $LP/profiles)
echo "$out" | sed 's/^/# aa-logprof: /'
rule() { # rule NAME PROFILE RULE
	tap_check "$1" "Adding $3 to profile $2." "$out"
}
rule "send, destination as addressed" lp_client \
	"dbus send bus=session path=/org/example/Lp interface=org.example.Lp member=Ping peer=(name=org.example.Lp label=lp_service),"
rule "receive from a unique name (left out)" lp_service \
	"dbus receive bus=session path=/org/example/Lp interface=org.example.Lp member=Ping peer=(label=lp_client),"
rule "signal, sent" lp_client \
	"dbus send bus=session path=/org/example/Lp interface=org.example.Lp member=Changed peer=(name=org.freedesktop.DBus label=lp_service),"
rule "signal, received" lp_service \
	"dbus receive bus=session path=/org/example/Lp interface=org.example.Lp member=Changed peer=(label=lp_client),"
rule "receive from the bus driver" lp_service \
	"dbus receive bus=session path=/org/freedesktop/DBus interface=org.freedesktop.DBus member=NameAcquired peer=(name=org.freedesktop.DBus label=unconfined),"
rule "send without an interface" lp_client \
	"dbus send bus=session path=/org/example/Lp member=NoInterface peer=(name=org.example.Lp label=lp_service),"
rule "receive without an interface" lp_service \
	"dbus receive bus=session path=/org/example/Lp member=NoInterface peer=(label=lp_client),"
rule "bind" lp_service "dbus bind bus=session name=org.example.Lp.Other,"
rule "eavesdrop" lp_client "dbus eavesdrop bus=session,"
hex_rule "hex-encoded strings, sent" lp_client \
	"dbus send bus=\"my bus\" path=\"/org/example/with space\" interface=org.example.\\\"q\\\" member=$(printf 'Caf\303\251')\\x09tab peer=(name=org.example.Lp label=lp_service),"
hex_rule "hex-encoded strings, received" lp_service \
	"dbus receive bus=\"my bus\" path=\"/org/example/with space\" interface=org.example.\\\"q\\\" member=$(printf 'Caf\303\251')\\x09tab peer=(label=lp_client),"

# The profiles aa-logprof wrote load, and allow every query.
tap_check "the profiles aa-logprof wrote load" "loaded" \
	"$(apparmor_parser -r $LP/profiles/logprof 2>&1 && echo loaded)"
answers=$(ask)
echo "$answers" | sed 's/^/# after: /'
# Without the hex-encoded rules, the last query stays refused.
[ -n "$PARSER" ] && refused=0 || refused=1
tap_check "with them every query is allowed" "$refused" "$(echo "$answers" | grep -c 'DENIED\|aa_dbus')"

# The records of the patched daemons' end-to-end runs: the refusals of
# e2e_client and e2e_service, in their profiles.
if [ -s /tmp/e2e-kernel-records.log ]; then
	mkdir -p $LP/e2e
	ln -s /etc/apparmor.d/abi $LP/e2e/abi
	cp /rig/e2e.profile $LP/e2e/e2e
	sed 's/^type=1400 audit(/type=AVC msg=audit(/' /tmp/e2e-kernel-records.log | sort -u >$LP/e2e.log
	echo "# $(wc -l <$LP/e2e.log) kernel records of the daemons' runs"
	out=$(logprof $LP/e2e.log $LP/e2e)
	echo "$out" | sed 's/^/# aa-logprof: /'
	rule "a daemon's record: send refused" e2e_client \
		"dbus send bus=session path=/org/example/Demo interface=org.example.Demo member=Forbidden peer=(name=org.example.Demo label=e2e_service),"
	rule "a daemon's record: receive refused" e2e_service \
		"dbus receive bus=session path=/org/example/Demo interface=org.example.Demo member=Forbidden peer=(label=e2e_client),"
	rule "a daemon's record: bind refused" e2e_client \
		"dbus bind bus=session name=org.example.Client.Denied,"
	rule "a daemon's record: eavesdrop refused" e2e_client "dbus eavesdrop bus=session,"
	tap_check "the e2e profiles aa-logprof wrote load" "loaded" \
		"$(apparmor_parser -QK $LP/e2e/e2e 2>&1 && echo loaded)"
else
	for i in 1 2 3 4 5; do tap_skip "no records of the daemons' runs"; done
fi

# The utils' own tests of the series, with the guest's Python binding.
for t in test-dbus test-aare; do
	if [ $t = test-dbus ] && [ -z "$PARSER" ]; then
		tap_skip "AppArmor's utils test $t.py of the series (its hex-encoded record needs the patched parser)"
		continue
	fi
	res=$(cd $AA/test && PYTHONPATH=$AA/python LD_LIBRARY_PATH=$PARSER python3 $t.py 2>&1 | tail -n 4)
	echo "$res" | sed "s/^/# $t: /"
	tap_check "AppArmor's utils test $t.py of the series" "OK" "$(echo "$res" | grep -x 'OK\|FAILED.*')"
done

# For comparison: the guest release's own aa-logprof, on the same kernel
# records and on the stock daemons' own USER_AVC records.
cp /rig/logprof.profile $LP/stock/logprof
out=$(logprof $LP/audit.log $LP/stock stock)
echo "$out" | sed 's/^/# stock aa-logprof: /'
echo "# stock aa-logprof ($(dpkg-query -W -f='${Version}' apparmor-utils)):" \
	"$(echo "$out" | grep -c '^Adding dbus') rules from $(wc -l <$LP/audit.log) kernel records"
# Once more without the records of a call without an interface, which
# the stock tools do not survive (AppArmorBug: an interface of None).
grep -v 'operation="dbus_method_call".*member="NoInterface"' $LP/audit.log >$LP/audit-iface.log
cp /rig/logprof.profile $LP/stock/logprof
out=$(logprof $LP/audit-iface.log $LP/stock stock)
echo "$out" | grep '^Adding' | sed 's/^/# stock aa-logprof: /'
echo "# stock aa-logprof: $(echo "$out" | grep -c '^Adding dbus') rules from the" \
	"$(wc -l <$LP/audit-iface.log) kernel records other than a call without an interface"
if [ -s /tmp/e2e-user-records.log ]; then
	mkdir -p $LP/stock-e2e
	ln -s /etc/apparmor.d/abi $LP/stock-e2e/abi
	cp /rig/e2e.profile $LP/stock-e2e/e2e
	sed 's/^type=1107 audit(/type=USER_AVC msg=audit(/' /tmp/e2e-user-records.log | sort -u >$LP/user.log
	out=$(logprof $LP/user.log $LP/stock-e2e stock)
	echo "$out" | grep -v '^Adding' | sed 's/^/# stock aa-logprof: /'
	n=$(echo "$out" | grep -c '^Adding dbus')
	m=$(grep -c ' subj=' $LP/user.log)
	echo "# stock aa-logprof: $n rules from $(wc -l <$LP/user.log) USER_AVC records of the stock daemons ($m carry subj=)"
fi
tap_exit
