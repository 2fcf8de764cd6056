#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count test results in a guest console log and look for kernel splats.

Leaves counted: KUnit cases (indented 4 spaces under a suite) and
kselftest cases (nested behind "# " by the guest runner). A program that
failed without a failing case, a missing "RIG: done" and every splat line
count as failures. Prints the failures and the closing summary line; exits
non-zero on any failure.
"""
import re
import sys

SPLATS = re.compile(r'(BUG:|WARNING:|Oops|KASAN|UBSAN|hung_task|Kernel panic|'
                    r'general protection fault|INFO: task .* blocked|'
                    r'unreferenced object|possible recursive locking|'
                    r'inconsistent lock state)')
LEAF = re.compile(r'^(?:    |# )(not ok|ok) \d+ (.*)$')
PROGRAM = re.compile(r'^(not ok|ok) \d+ (selftests: .*)$')


def main(path):
    passed = failed = skipped = 0
    problems = []
    failed_leaves_in_program = 0
    done = False
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('RIG: done'):
            done = True
        if SPLATS.search(line):
            problems.append('kernel: ' + line)
            failed += 1
            continue
        m = LEAF.match(line)
        if m:
            if m.group(1) == 'not ok':
                failed += 1
                failed_leaves_in_program += 1
                problems.append('failed: ' + m.group(2))
            elif '# SKIP' in m.group(2):
                skipped += 1
            else:
                passed += 1
            continue
        m = PROGRAM.match(line)
        if m:
            if m.group(1) == 'not ok' and not failed_leaves_in_program:
                failed += 1
                problems.append('program failed: ' + m.group(2))
            failed_leaves_in_program = 0
    if not done:
        failed += 1
        problems.append('guest did not finish (no "RIG: done")')
    if passed + failed + skipped == 0:
        failed += 1
        problems.append('no test ran')
    for p in problems:
        print(p)
    summary = f'{passed} passed, {failed} failed'
    if skipped:
        summary += f', {skipped} skipped'
    print(summary)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
