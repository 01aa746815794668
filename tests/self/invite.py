#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A first device on the password and an admin's invitation (issue 20
parts 1 and 2): without the invitation, or with a wrong one, nothing is
made; with it, the user enrols and the invitation is gone.  Skips until
mfa-enroll has the invite verb.  TAP."""
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

tap = e2e.Tap()
r = e2e.run([selflib.ENROLL, 'invite', '--help'])
if r.returncode != 0:
    tap.skip_all('mfa-enroll has no invite verb yet (issue 20 part 1)')
site = selflib.Site(tap)
try:
    carol = site.user('ic')
    r = e2e.run([selflib.ENROLL, '--conf', site.conf, 'invite', carol.name])
    m = re.search(r'^\s*(inv(?:-[0-9a-z]{4})+)\s*$', r.stdout, re.M)
    tap.ok(r.returncode == 0 and m, 'the admin invites carol', r.stdout)
    invitation = m.group(1) if m else ''

    for what, answer in (('without the invitation', ''),
                         ('with a wrong invitation', 'x' * len(invitation))):
        st, out = site.run_as(carol, 'create', stdin='%s\n%s\n' % (
            carol.password, answer))
        tap.ok(st != 0 and site.devices(carol.name) == {},
               'first device %s: nothing made' % what, out)

    child = site.client(carol, 'create', '--qr', 'none')
    child.expect('Password: ')
    child.sendline(carol.password)
    child.expect(': ')
    child.sendline(invitation)
    child.expect(r'(otpauth://totp/\S+)\r\n')
    dev = e2e.Device(child.match.group(1))
    selflib.answer_pair(child, dev)
    child.expect(pexpect.EOF)
    child.close()
    tap.is_('password and invitation, then the device\'s codes',
            {'default': 'active'}, site.devices(carol.name))
    tap.ok(not site.login(carol, invitation),
           'the invitation is gone once the first device is enabled')
    tap.ok(site.login(carol, dev.fresh()), 'carol logs in with a code')
finally:
    site.done()
sys.exit(tap.done())
