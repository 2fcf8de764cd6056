#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py LOG DOCS BASE KERNEL VERSIONS: turn the guest's benchmark
output into DOCS/benchmark-BASE.md and .png, and print the summary; the
last line printed is
"broker patched/stock at 16 names: X.XXx, mediation cost patched broker: Y.Y%"
(or, without the broker runs, "stock/new per message: ...")."""
import re
import sys
import os

PATHS = [
    ('stock', 'stock: 2 x aa_query_label() (open/write/read/close each)'),
    ('kept', 'generic label query, descriptor kept open, 2 round trips'),
    ('dbus', 'new .dbus query, both sides in 1 round trip'),
    ('conn', 'new .dbus query, both sides named by connection (ABI 2)'),
    ('batch', 'new .dbus query, 16 messages per write'),
    ('floor', 'floor: .dbus round trip, nothing matched'),
    ('status', 'cached answer checked against the mapped status page'),
    ('hand', 'a request built by hand per message, by label, 1 round trip'),
    ('lib', 'libapparmor aa_dbus_query(), by label'),
    ('libconn', 'libapparmor aa_dbus_query(), by connection (as conn)'),
    ('libcache', 'libapparmor aa_dbus_query(), answered from its cache (by label)'),
]
# The library's paths and the hand-built ones they are measured against.
LIBRARY = (('lib', 'hand'), ('lib', 'dbus'), ('libconn', 'conn'), ('libcache', 'dbus'))


def parse(path):
    results = {}
    scenario = None
    for line in open(path, errors='replace'):
        line = line.strip()
        if line.startswith('SCENARIO '):
            scenario = tuple(line.split()[1:])
        m = re.match(r'RESULT (.*)', line)
        if m and scenario:
            kv = dict(x.split('=') for x in m.group(1).split())
            results.setdefault(scenario, {})[kv['path']] = {
                'median': int(kv['median_ns']), 'min': int(kv['min_ns']),
                'max': int(kv['max_ns']), 'syscalls': float(kv['syscalls'])}
    return results


def e2e(path):
    """{(family, variant, names): median calls/s} from the E2E lines."""
    runs = {}
    for line in open(path, errors='replace'):
        m = re.match(r'E2E family=(\S+) variant=(\S+) names=(\d+) calls_per_sec=(\d+)', line.strip())
        if m:
            key = (m.group(1), m.group(2), int(m.group(3)))
            runs.setdefault(key, []).append(int(m.group(4)))
    return {k: sorted(v)[len(v) // 2] for k, v in runs.items()}


def e2e_table(calls):
    """Markdown rows per daemon and name count, and the summary figures."""
    lines = ['', '## End to end: confined client -> bus -> confined service', '',
             'Method calls per second (guest clock, median of 3 runs of 300 calls); the service',
             'owns 1, 4 or 16 names. "off": the stock daemon with `<apparmor mode="disabled"/>`,',
             'the ceiling; "patched off": the patched build so, its own ceiling. Stock cost =',
             'share of the stock ceiling\'s throughput that mediation takes; patched cost = the',
             'same for the patched build against its own ceiling (mediation alone), and against',
             'the stock ceiling (mediation and how the rig builds the daemon).', '',
             '| daemon | names | off | stock | patched off | patched | stock cost | patched cost '
             '| patched vs stock off | patched/stock |',
             '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
    summary = {}
    for family in ('dbus-daemon', 'dbus-broker'):
        for names in (1, 4, 16):
            off, stock, poff, patched = (calls.get((family, v, names))
                                         for v in ('off', 'stock', 'patched-off', 'patched'))
            if not (off and stock and patched):
                continue
            poff = poff or off
            row = (1 - stock / off, 1 - patched / poff, patched / stock, 1 - patched / off)
            summary[(family, names)] = row
            lines.append('| %s | %d | %d | %d | %d | %d | %.1f%% | %.1f%% | %.1f%% | %.2fx |' % (
                family, names, off, stock, poff, patched, 100 * row[0], 100 * row[1],
                100 * row[3], row[2]))
    return lines, summary


def scaling(results, kind, points):
    rows = []
    base = None
    for p in points:
        r = results.get((kind, str(p)))
        if not r:
            continue
        if base is None:
            base = r
        rows.append((p, r['dbus']['median'], r['dbus']['median'] / base['dbus']['median'],
                     r['kept']['median'], r['kept']['median'] / base['kept']['median']))
    return rows


def plot(main, scal, out):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(1, 4, figsize=(16, 4))
    names = [p for p, _ in PATHS if p in main]
    axes[0].bar(names, [main[p]['median'] for p in names],
                yerr=[[main[p]['median'] - main[p]['min'] for p in names],
                      [main[p]['max'] - main[p]['median'] for p in names]])
    axes[0].set_ylabel('ns per message (guest clock)')
    axes[0].set_title('per D-Bus message, both sides')
    for ax, (kind, label) in zip(axes[1:], [('rules', 'dbus rules in profile'),
                                             ('profiles', 'profiles loaded'),
                                             ('length', 'query bytes')]):
        rows = scal[kind]
        ax.plot([r[0] for r in rows], [r[2] for r in rows], 'o-', label='.dbus')
        ax.plot([r[0] for r in rows], [r[4] for r in rows], 's--', label='.access kept open')
        ax.set_xscale('log')
        top = max([r[2] for r in rows] + [r[4] for r in rows] + [1.5])
        ax.set_ylim(0, top * 1.1)
        ax.set_xlabel(label)
        ax.set_ylabel('cost / cost at smallest point')
        ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    return True


def userspace(path):
    """'apparmor 5.0.2-5, dbus-daemon ...' from a guest root's versions file."""
    try:
        pkgs = dict(line.split() for line in open(path) if line.strip())
    except OSError:
        return 'unknown userspace'
    return ', '.join('%s %s' % (p, pkgs[p]) for p in ('apparmor', 'dbus-daemon', 'dbus-broker')
                     if p in pkgs)


def main(log, outdir, base, kernel, versions):
    results = parse(log)
    main = results.get(('main',))
    if not main or 'floor' not in main:
        sys.exit('no main benchmark results in ' + log)
    floor = main['floor']['median']
    lines = ['# Benchmark on %s: asking AppArmor about a D-Bus message' % base, '',
             'Generated by `make bench` on %s with the series applied; guest' % kernel,
             'userspace %s. Guest clock under QEMU `-icount shift=0,sleep=off`,' % userspace(versions),
             'so a nanosecond is a guest instruction; medians of 7 runs of 2,000 messages.',
             '', '| path | ns/message (median) | min | max | syscalls/message | x floor |',
             '| --- | ---: | ---: | ---: | ---: | ---: |']
    for p, desc in PATHS:
        if p not in main:
            continue
        r = main[p]
        lines.append('| %s | %d | %d | %d | %.3f | %.2fx |' % (
            desc, r['median'], r['min'], r['max'], r['syscalls'], r['median'] / floor))
    stock_new = main['stock']['median'] / main['dbus']['median']
    new_floor = main['dbus']['median'] / floor
    lines += ['', 'stock / new per message: **%.2fx**; new / floor: **%.2fx**; '
              'batched / floor: **%.2fx**; stock / batched: **%.2fx**.' % (
                  stock_new, new_floor, main['batch']['median'] / floor,
                  main['stock']['median'] / main['batch']['median'])]
    if 'conn' in main:
        lines += ['', 'by connection / by label string per message (same boot): **%.2fx**; '
                  'stock / by connection: **%.2fx**.' % (
                      main['conn']['median'] / main['dbus']['median'],
                      main['stock']['median'] / main['conn']['median'])]
    lib = [(l, h, main[l]['median'] / main[h]['median'])
           for l, h in LIBRARY if l in main and h in main]
    if lib:
        lines += ['', 'libapparmor / hand-built request per message (same boot): ' +
                  '; '.join('%s / %s **%.3fx**' % row for row in lib) + '.']
    scal = {}
    rule_points = sorted(int(k[1]) for k in results if k[0] == 'rules')
    for kind, points, label in [('rules', rule_points, 'dbus rules in the profiles'),
                                ('profiles', (1, 10, 100, 1000), 'profiles loaded'),
                                ('length', (32, 256, 2048), 'bytes in path+interface+member')]:
        scal[kind] = scaling(results, kind, points)
        lines += ['', '## Scaling: %s' % label, '',
                  '| %s | .dbus ns | .dbus ratio | .access kept ns | .access kept ratio |' % kind,
                  '| ---: | ---: | ---: | ---: | ---: |']
        for row in scal[kind]:
            lines.append('| %d | %d | %.2fx | %d | %.2fx |' % row)
    calls = e2e(log)
    e2e_lines, e2e_summary = e2e_table(calls)
    if e2e_summary:
        lines += e2e_lines
    os.makedirs(outdir, exist_ok=True)
    png = 'benchmark-%s.png' % base
    if plot(main, scal, os.path.join(outdir, png)):
        lines += ['', '![benchmark](%s)' % png]
    with open(os.path.join(outdir, 'benchmark-%s.md' % base), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines[6:]))
    for (family, names), (stock_cost, patched_cost, ratio, vs_off) in sorted(e2e_summary.items()):
        print('end to end %s, %d names: patched/stock %.2fx, mediation cost stock %.1f%%, '
              'patched %.1f%% (%.1f%% against the stock ceiling)'
              % (family, names, ratio, 100 * stock_cost, 100 * patched_cost, 100 * vs_off))
    rows = scal['rules']
    if rows:
        print('.dbus at %d rules / at %d: %.2fx' % (rows[-1][0], rows[0][0], rows[-1][2]))
    length = dict((row[0], row) for row in scal['length'])
    if 2048 in length:
        print('at 2048 bytes: .dbus %d ns, .access kept %d ns' % (length[2048][1], length[2048][3]))
    print('stock/new per message: %.2fx, new/floor: %.2fx' % (stock_new, new_floor))
    if 'conn' in main:
        print('by connection/by label per message: %.2fx, stock/by connection: %.2fx' % (
            main['conn']['median'] / main['dbus']['median'],
            main['stock']['median'] / main['conn']['median']))
    for row in lib:
        print('library %s / hand-built %s per message: %.3fx' % row)
    if ('dbus-broker', 16) in e2e_summary:
        print('broker patched/stock at 16 names: %.2fx, mediation cost patched broker: %.1f%%'
              % (e2e_summary[('dbus-broker', 16)][2], 100 * e2e_summary[('dbus-broker', 16)][1]))


if __name__ == '__main__':
    main(*sys.argv[1:6])
