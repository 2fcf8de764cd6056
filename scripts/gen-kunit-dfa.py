#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compile rig/kunit/dbus_test.profile with the real apparmor_parser and
print its policy DFA as a C byte list, the form of
security/apparmor/dbus_test_dfa.in.

The compiled policy is AppArmor's tagged stream: the policy DFA is the
blob named "aadfa" inside the "policydb" struct; it starts at the first
8-byte boundary inside the blob, where the table-set magic is."""
import struct
import subprocess
import sys

MAGIC = b'\x1b\x5e\x78\x3d'
BLOB = 0x06


def policy_dfa(binary):
    pdb = binary.index(b'policydb\0')
    name = binary.index(b'aadfa\0', pdb)
    code = name + len(b'aadfa\0')
    if binary[code] != BLOB:
        sys.exit('aadfa is not a blob')
    size, = struct.unpack_from('<I', binary, code + 1)
    start = code + 5
    dfa = binary.index(MAGIC, start, start + 8 + len(MAGIC))
    return binary[dfa:start + size]


def main(profile, abi):
    binary = subprocess.run(
        ['apparmor_parser', '-S', '-q', '--policy-features', abi,
         '--kernel-features', abi, profile],
        check=True, stdout=subprocess.PIPE).stdout
    dfa = policy_dfa(binary)
    print('/* SPDX-License-Identifier: GPL-2.0-only */')
    version = subprocess.run(['apparmor_parser', '-V'], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    version = version.split('\n')[0].split()[-1]
    print('/*')
    print(' * Policy DFA of the profile quoted in dbus_test.c, compiled by')
    print(' * apparmor_parser %s with the features of abi/3.0.' % version)
    print(' *')
    print(' * To regenerate: save the profile as dbus_test.profile, run')
    print(' *   apparmor_parser -S -q --policy-features ABI --kernel-features ABI \\')
    print(' *                   dbus_test.profile')
    print(' * with ABI=/etc/apparmor.d/abi/3.0, and list here, 12 to a line, the')
    print(' * bytes of the "aadfa" blob of the "policydb" struct in its output,')
    print(' * from the table-set magic 0x1b5e783d at the first 8-byte boundary')
    print(' * of the blob to its end.')
    print(' */')
    for i in range(0, len(dfa), 12):
        print(' '.join('0x%02x,' % b for b in dfa[i:i + 12]))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'rig/kunit/dbus_test.profile',
         sys.argv[2] if len(sys.argv) > 2 else '/etc/apparmor.d/abi/3.0')
