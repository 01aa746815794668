#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A user enrols their own first device: mfa-enroll create on a terminal,
through the real awsmfa-self and the real PAM stack (password, then
self_enrol_without_invitation); the QR code on that terminal decodes to
the URI, two oathtool codes enable it, and the user logs in with a code.
A code spent in self-service cannot log in, and the reverse.  TAP."""
import os
import subprocess
import sys
import time

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

tap = e2e.Tap()
site = selflib.Site(tap, 'self_enrol_without_invitation = true;\n')
try:
    alice = site.user('sa')
    child = site.client(alice, 'create')
    child.expect('Password: ')
    child.sendline(alice.password)
    child.expect(r'(otpauth://totp/\S+)\r\n')
    uri = child.match.group(1)
    child.expect(r'Secret: ([A-Z2-7 ]+)\r\n')
    qr = child.before
    dev = e2e.Device(uri)
    tap.ok(('account=%s' % alice.name) in uri or alice.name in uri,
           'the URI names the caller, from SO_PEERCRED')
    pgm = site.sb.path('qr.pgm')
    r = subprocess.run(['python3', os.path.join(
        os.environ['AWSMFA_SRCDIR'], 'tests/enroll/qr_render.py'),
        'dark', pgm], input=qr.replace('\r\n', '\n').encode(),
        stdout=subprocess.PIPE)
    z = e2e.run(['zbarimg', '-q', '--raw', pgm],
                stderr=subprocess.DEVNULL)
    tap.is_('the QR code on the user\'s terminal decodes to the URI', uri,
            z.stdout.strip())
    tap.is_('pending while the codes are asked', {'default': 'pending'},
            site.devices(alice.name))
    selflib.answer_pair(child, dev)
    child.expect('is enabled')
    child.expect(pexpect.EOF)
    child.close()
    tap.is_('mfa-enroll create exits 0', 0, child.exitstatus)
    tap.is_('enabled in the store', {'default': 'active'},
            site.devices(alice.name))
    tap.ok(site.login(alice, dev.fresh()), 'the user logs in with a code')

    # A code spent in self-service does not log in ...
    code = dev.fresh()
    st, out = site.run_as(alice, 'recovery-codes',
                          stdin='%s\n%s\n' % (alice.password, code))
    tap.ok(st == 0 and 'recovery codes' in out,
           'recovery-codes on password and a fresh code', out)
    tap.ok(not site.login(alice, code),
           'the code spent in self-service does not log in')
    # ... and one spent at a login proves nothing here.
    code = dev.fresh()
    tap.ok(site.login(alice, code), 'a login spends a code')
    before = site.store_state()
    st, out = site.run_as(alice, 'recovery-codes',
                          stdin='%s\n%s\n' % (alice.password, code))
    tap.ok(st != 0, 'a code spent at a login is refused here', out)
    tap.ok(site.store_state()[alice.name] != before[alice.name] and
           st != 0, 'and counted as a failure, as at a login')
    # A device the admin made pending, enabled by its user.
    r = e2e.run([selflib.ENROLL, '--conf', site.conf, 'create', alice.name,
                 '--device', 'tab', '--qr', 'none'])
    tab = e2e.Device(selflib.uri_of(r.stdout))
    while time.time() % tab.period > tab.period - 3:
        time.sleep(0.2)
    s = tab.step_now()
    st, out = site.run_as(alice, 'enable', 'tab', tab.code(s - 1),
                          tab.code(s), stdin='%s\n%s\n' % (alice.password,
                                                           dev.fresh()))
    tap.ok(st == 0 and site.devices(alice.name).get('tab') == 'active',
           'enable DEVICE C1 C2 on password and a code', out)
    st, out = site.run_as(alice, 'list')
    tap.ok(st == 0 and 'default' in out and 'active' in out,
           'list shows the user\'s own device', out)
finally:
    site.done()
sys.exit(tap.done())
