#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Feed every kernel dbus audit record the guest tests captured to
AppArmor's own log parser (Debian's python3-libapparmor parse_record, what
aa-logprof reads) in the form auditd writes them, and check that the
fields come back intact.

Two things libapparmor 3.0.8 (Debian 12) predates are handled openly:
- the class="..." key, which 6.x kernels log for every class, makes 3.0.8
  reject the whole record, so it is removed before parsing;
- 3.0.8 reads bus, path, interface and member only as quoted strings, so
  a record where the kernel hex-encoded one of them (a hostile string) is
  counted and listed, not failed.
Prints one TAP line per record; exits non-zero on any failure."""
import re
import sys

import LibAppArmor as aa

KEYS = {
    'operation': 'operation', 'profile': 'profile', 'name': 'name',
    'bus': 'dbus_bus', 'path': 'dbus_path', 'interface': 'dbus_interface',
    'member': 'dbus_member', 'peer': 'peer',
    'requested_mask': 'requested_mask', 'denied_mask': 'denied_mask',
}
HEXABLE = ('bus', 'path', 'interface', 'member')
FIELD = re.compile(r' (\w+)=("[^"]*"|[0-9A-F]+\b|\S+)')


def fields(text):
    out = {}
    for key, val in FIELD.findall(' ' + text):
        if key in out:
            raise ValueError('key %s= appears twice' % key)
        out[key] = val
    return out


def main(console):
    n = failed = hexed = 0
    for line in open(console, errors='replace'):
        m = re.search(r'audit-record: type=1400 (audit\(.*)$', line.rstrip('\n'))
        if not m:
            continue
        n += 1
        payload = m.group(1)
        try:
            want = fields(payload.split(': ', 1)[1])
        except ValueError as err:
            failed += 1
            print('not ok %d %s: %s' % (n, err, payload))
            continue
        if any(not want.get(k, '"').startswith('"') for k in HEXABLE):
            hexed += 1
            print('ok %d # SKIP hex-encoded dbus field, unreadable by libapparmor 3.0.8' % n)
            continue
        rec = aa.parse_record('type=AVC msg=' + payload.replace(' class="dbus"', ''))
        got = {attr: getattr(rec, attr) for attr in KEYS.values()}
        got['pid'], got['peer_pid'] = rec.pid, rec.peer_pid
        event = rec.event
        aa.free_record(rec)
        bad = []
        if event == 0:
            bad.append('not parsed')
        for key, attr in KEYS.items():
            if key in want and got[attr] != want[key].strip('"'):
                bad.append('%s: %r != %r' % (key, got[attr], want[key]))
        for key in ('pid', 'peer_pid'):
            if key in want and str(got[key]) != want[key]:
                bad.append('%s: %r != %r' % (key, got[key], want[key]))
        if bad:
            failed += 1
            print('not ok %d %s' % (n, payload))
            for b in bad:
                print('# ' + b)
        else:
            print('ok %d libapparmor parses: %s' % (n, payload[:90]))
    print('# %d records, %d parsed intact, %d hex-encoded, %d failed'
          % (n, n - hexed - failed, hexed, failed))
    if n == 0:
        print('not ok no audit records captured')
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
