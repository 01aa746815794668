#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Self-service failures count against the login's lockout: wrong pairs
given to resync lock the user out of logins, and a locked-out user
proves nothing with a device's codes or a code.  TAP."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

tap = e2e.Tap()
site = selflib.Site(tap, 'max_failures = 3;\nlockout_seconds = 600;\n')
try:
    alice = site.user('la')
    dev = e2e.enrol(site.conf, alice.name)
    step = dev.step_now()
    for i in range(3):
        st, out = site.run_as(alice, 'resync', 'default',
                              dev.code(step - 5), dev.code(step),
                              stdin=alice.password + '\n')
        tap.ok(st != 0, 'resync with codes that are not consecutive (%d)'
               % (i + 1), out)
    tap.ok(not site.login(alice, dev.fresh()),
           'three refused pairs lock the user out of logins')
    s = dev.step_now()
    st, out = site.run_as(alice, 'resync', 'default', dev.code(s - 1),
                          dev.code(s), stdin=alice.password + '\n')
    tap.ok(st != 0 and 'locked out' in out,
           'locked out: the right pair is refused too', out)
    st, out = site.run_as(alice, 'recovery-codes',
                          stdin='%s\n%s\n' % (alice.password, dev.fresh()))
    tap.ok(st != 0, 'locked out: a right code proves nothing', out)
finally:
    site.done()
sys.exit(tap.done())
