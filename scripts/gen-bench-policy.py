#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the benchmark's policies as profile text into DIR:

  rules-N.sd     bench_client and bench_service with N dbus rules each,
                 one of which matches the benchmark's message
  fillers-K.sd   K-1 extra profiles (so that K are loaded with the client)
  wide.sd        profiles whose rules accept any path, interface and
                 member, so a long query is walked to its end

Usage: gen-bench-policy.py DIR ABI MAX_RULES. ABI is the policy abi the
guest's parser compiles for (5.0 on 7.3, where the kernel mediates dbus
only for policy with v9 network rules); MAX_RULES ends the rules axis
(20,000 where the parser has 32-bit DFA states, 2,500 where it has not).
scripts/bench.sh compiles them with the guest release's apparmor_parser
and the guest loads the binaries."""
import os
import sys

ABI = None
MSG = ('path=/org/example/Bench interface=org.example.Bench member=Ping')


def rules(n):
    client = ['  dbus send bus=session %s peer=(name=org.example.Bench label=bench_service),' % MSG]
    service = ['  dbus receive bus=session %s peer=(label=bench_client),' % MSG]
    for i in range(n - 1):
        # Scattered member names, as real interfaces have, so that the
        # DFA grows with the rules (about eight states a rule) instead of
        # folding a counter into a few states: 2,500 rules stay within
        # 16-bit state tables, 20,000 need 32-bit ones.
        member = 'M%08x' % ((i * 2654435761) & 0xffffffff)
        client.append('  dbus send bus=session path=/org/example/Obj%d '
                      'interface=org.example.Iface member=%s '
                      'peer=(name=org.example.Svc label=bench_service),' % (i % 10, member))
        service.append('  dbus receive bus=session path=/org/example/Obj%d '
                       'interface=org.example.Iface member=%s '
                       'peer=(label=bench_client),' % (i % 10, member))
    # unix: the connection-addressed path hands the benchmark sockets made
    # by processes in these profiles.
    return (ABI + 'profile bench_client {\n  unix,\n' + '\n'.join(client) + '\n}\n' +
            'profile bench_service {\n  unix,\n' + '\n'.join(service) + '\n}\n')


def fillers(k):
    out = [ABI]
    for i in range(k - 1):
        out.append('profile bench_filler_%04d {\n  dbus send bus=session '
                   'path=/org/example/Filler%d peer=(label=bench_service),\n}\n' % (i, i))
    return ''.join(out)


def wide():
    return (ABI +
            'profile bench_wide_client {\n  dbus send bus=session '
            'peer=(name=org.example.Bench label=bench_wide_service),\n}\n'
            'profile bench_wide_service {\n  dbus receive bus=session '
            'peer=(label=bench_wide_client),\n}\n')


def rule_points(max_rules):
    """The rules axis: decades up to 2,500, then the maximum."""
    return sorted({n for n in (10, 100, 1000, 2500) if n <= max_rules} | {max_rules})


def main(outdir, abi, max_rules):
    global ABI
    ABI = 'abi <abi/%s>,\n' % abi
    os.makedirs(outdir, exist_ok=True)
    files = {'wide.sd': wide()}
    for n in rule_points(max_rules):
        files['rules-%d.sd' % n] = rules(n)
    for k in (10, 100, 1000):
        files['fillers-%d.sd' % k] = fillers(k)
    for name, text in files.items():
        with open(os.path.join(outdir, name), 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
