#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the benchmark's policies as profile text into DIR:

  rules-N.sd     bench_client and bench_service with N dbus rules each,
                 one of which matches the benchmark's message
  fillers-K.sd   K-1 extra profiles (so that K are loaded with the client)
  wide.sd        profiles whose rules accept any path, interface and
                 member, so a long query is walked to its end

scripts/bench.sh compiles them on the host with apparmor_parser and the
guest loads the binaries."""
import os
import sys

ABI = 'abi <abi/3.0>,\n'
MSG = ('path=/org/example/Bench interface=org.example.Bench member=Ping')


def rules(n):
    client = ['  dbus send bus=session %s peer=(name=org.example.Bench label=bench_service),' % MSG]
    service = ['  dbus receive bus=session %s peer=(label=bench_client),' % MSG]
    for i in range(n - 1):
        # Distinct members on shared objects keep the DFA within the
        # 16-bit state tables of apparmor_parser 3.0.
        client.append('  dbus send bus=session path=/org/example/Obj%d '
                      'interface=org.example.Iface member=Method%d '
                      'peer=(name=org.example.Svc label=bench_service),' % (i % 10, i))
        service.append('  dbus receive bus=session path=/org/example/Obj%d '
                       'interface=org.example.Iface member=Method%d '
                       'peer=(label=bench_client),' % (i % 10, i))
    return (ABI + 'profile bench_client {\n' + '\n'.join(client) + '\n}\n' +
            'profile bench_service {\n' + '\n'.join(service) + '\n}\n')


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


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    files = {'wide.sd': wide()}
    for n in (10, 100, 1000, 2500):
        files['rules-%d.sd' % n] = rules(n)
    for k in (10, 100, 1000):
        files['fillers-%d.sd' % k] = fillers(k)
    for name, text in files.items():
        with open(os.path.join(outdir, name), 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main(sys.argv[1])
