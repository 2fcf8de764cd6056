#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check every kernel dbus audit record the guest tests captured against
what the guest release's own libapparmor read from it.

The guest prints each record as "audit-record: type=1400 audit(...): ..."
and, after the tests, runs rig/guest/parse-records over them: the
parse_record() of that release's libapparmor (what aa-logprof and
aa-notify read), one "parsed-record: N event=E key=HEX ..." line per
record. Here each record must have its keys once, must parse, and every
field libapparmor returns must equal the record's own value (quoted, or
hex-encoded by the kernel for a hostile string, which libapparmor
decodes; a record libapparmor cannot read because the kernel hex-encoded
a dbus field is counted as a skip, naming libapparmor's limit).
Prints one TAP line per record; exits non-zero on any failure."""
import re
import sys

KEYS = ('operation', 'class', 'profile', 'name', 'bus', 'path', 'interface',
        'member', 'peer', 'peer_label', 'requested_mask', 'denied_mask', 'pid',
        'task', 'peer_pid')
# libapparmor's grammar (3.0.8 to 5.0.2) takes these dbus keys only as
# quoted strings, while the kernel writes any string with a space, quote or
# control character in hex, as it does for every untrusted string.
HEXABLE = ('bus', 'path', 'interface', 'member')
FIELD = re.compile(r' (\w+)=("[^"]*"|[0-9A-F]+\b|\S+)')
RECORD = re.compile(r'audit-record: type=1400 (audit\(.*)$')
PARSED = re.compile(r'parsed-record: (\d+) event=(-?\d+)(.*)$')
VERSION = re.compile(r'parsed-with: (.*)$')


def fields(text):
    """The record's key=value pairs; a key logged twice is an error."""
    out = {}
    for key, val in FIELD.findall(' ' + text):
        if key in out:
            raise ValueError('key %s= appears twice' % key)
        out[key] = val
    return out


def value(key, raw):
    """A record value as a reader sees it: a number, quoted text, or the
    hex the kernel writes for a string it will not quote."""
    if key.endswith('pid') or key == 'task':
        return raw
    if raw.startswith('"'):
        return raw.strip('"')
    return bytes.fromhex(raw).decode('utf-8', 'replace')


def read_console(console):
    records, parsed, version = [], {}, None
    for line in open(console, errors='replace'):
        line = line.rstrip('\n')
        m = RECORD.search(line)
        if m:
            records.append(m.group(1))
            continue
        m = PARSED.search(line)
        if m:
            got = {'event': int(m.group(2))}
            for kv in m.group(3).split():
                k, v = kv.split('=', 1)
                got[k] = v if k.endswith('pid') or k == 'task' else bytes.fromhex(v).decode('utf-8', 'replace')
            parsed[int(m.group(1))] = got
            continue
        m = VERSION.search(line)
        if m:
            version = m.group(1)
    return records, parsed, version


def main(console):
    records, parsed, version = read_console(console)
    failed = skipped = 0
    print('# parsed with the guest\'s %s' % (version or 'libapparmor: none ran'))
    for n, payload in enumerate(records, 1):
        bad = []
        try:
            want = fields(payload.split(': ', 1)[1])
        except ValueError as err:
            bad.append(str(err))
            want = {}
        got = parsed.get(n)
        if got is None:
            bad.append('no parse_record() output for this record')
        elif got['event'] <= 0 and any(not want.get(k, '"').startswith('"') for k in HEXABLE):
            print('ok %d # SKIP %s reads bus, path, interface and member only quoted;'
                  ' the kernel hex-encoded a hostile one' % (n, version))
            skipped += 1
            continue
        elif got['event'] <= 0:
            bad.append('libapparmor did not parse it (event %d)' % got['event'])
        else:
            for key in KEYS:
                if key in want and got.get(key) != value(key, want[key]):
                    bad.append('%s: libapparmor read %r, the record says %r'
                               % (key, got.get(key), want[key]))
        if bad:
            failed += 1
            print('not ok %d %s' % (n, payload))
            for b in bad:
                print('# ' + b)
        else:
            print('ok %d %s parses: %s' % (n, version, payload[:80]))
    print('# %d records, %d parsed intact, %d unreadable by libapparmor (hex dbus fields), %d failed'
          % (len(records), len(records) - failed - skipped, skipped, failed))
    if not records:
        print('not ok no audit records captured')
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
