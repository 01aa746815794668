# SPDX-License-Identifier: BSD-2-Clause
"""PSKC files written by another implementation (python3-pskc), for
tests/enroll/pskc.sh: gen.py OUT MODE [KEY] [SERIAL:URN:DIGITS:PERIOD:SUITE:HEX]...
MODE is plain, psk (KEY in hex) or password (KEY as text)."""
import sys

import pskc

out, mode = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
key = None
if mode != 'plain':
    key, args = args[0], args[1:]
p = pskc.PSKC()
for n, spec in enumerate(args):
    serial, alg, digits, period, suite, secret = spec.split(':')
    k = p.add_key(id='key%d' % (n + 1), serial=serial,
                  secret=bytes.fromhex(secret),
                  algorithm='urn:ietf:params:xml:ns:keyprov:pskc:' + alg,
                  response_length=int(digits))
    if alg == 'totp':
        k.time_interval = int(period)
    else:
        k.counter = int(period)
    if suite:
        k.algorithm_suite = suite
if mode == 'psk':
    p.encryption.setup_preshared_key(key=bytes.fromhex(key))
elif mode == 'password':
    p.encryption.setup_pbkdf2(key, iterations=2000)
p.write(out)
