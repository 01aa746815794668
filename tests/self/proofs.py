#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Each row of the proof table, broken once: without the password,
without the code, with a spent code, with a code of another user's
device; and passed once.  The last device asks for a confirmation that
says what follows.  Nothing changes on a refusal.  TAP."""
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

tap = e2e.Tap()
# Many refusals in a row: none of them may lock alice out before the
# next row is tried.
site = selflib.Site(tap, 'max_failures = 100;\n')
try:
    alice = site.user('pa')
    bob = site.user('pb')
    carol = site.user('pc')
    dev = e2e.enrol(site.conf, alice.name)
    bdev = e2e.enrol(site.conf, bob.name)

    def refused(what, user, args, answers):
        before = site.store_state()
        devs = site.devices(user.name)
        st, out = site.run_as(user, *args, stdin=''.join(
            a + '\n' for a in answers))
        after = site.store_state()
        # A refused code is counted (a failure) as at a login; nothing
        # else of any record changes.
        tap.ok(st != 0 and set(after) == set(before) and
               all(after[k] == before[k] for k in before
                   if k != user.name) and
               site.devices(user.name) == devs, what, out)
        return out

    tap.ok('invitation' in refused(
        'first device without an invitation: refused', carol, ['create'],
        [carol.password]), 'and the line says an invitation is needed')

    def attacker_create(what, password, code):
        """create as someone who, once past the proof, would copy the new
        secret's codes: refused means no new device."""
        before = site.devices(alice.name)
        child = site.client(alice, 'create', '--device', 'phone', '--qr',
                            'none')
        child.expect('Password: ')
        child.sendline(password)
        if child.expect(['MFA code: ', r'otpauth://\S+', pexpect.EOF]) == 0:
            child.sendline(code)
            child.expect([r'otpauth://\S+', pexpect.EOF])
        if child.after is not pexpect.EOF:
            new = e2e.Device(child.after.strip())
            s = new.step_now()
            child.expect('First code: ')
            child.sendline(new.code(s - 1))
            child.expect('Next code: ')
            child.sendline(new.code(s))
        child.expect(pexpect.EOF)
        child.close()
        tap.ok(child.exitstatus != 0 and site.devices(alice.name) == before,
               what)

    # A second device, so that deactivate is not of the last one.
    e2e.enrol(site.conf, alice.name, 'spare')
    for verb in (['create', '--device', 'phone'], ['deactivate', 'spare'],
                 ['recovery-codes']):
        name = ' '.join(verb)
        run = refused
        if verb[0] == 'create':
            def run(what, user, args, answers):
                attacker_create(what, answers[0], answers[1])
        # The password module is requisite: the code is never asked.
        run(name + ': without the password', alice, verb,
            ['not-the-password', dev.wrong()])
        run(name + ': without the code', alice, verb,
            [alice.password, dev.wrong()])
        spent = dev.fresh()
        tap.ok(site.login(alice, spent), name + ': a login spends a code')
        run(name + ': with a spent code', alice, verb,
            [alice.password, spent])
        run(name + ': with a code of another user\'s device', alice,
            verb, [alice.password, bdev.fresh()])
    tap.is_('alice\'s devices as they were',
            {'default': 'active', 'spare': 'active'},
            site.devices(alice.name))
    st, out = site.run_as(alice, 'deactivate', 'spare',
                          stdin='%s\n%s\n' % (alice.password, dev.fresh()))
    tap.ok(st == 0 and site.devices(alice.name) == {'default': 'active'},
           'deactivate spare on password and a code', out)

    step = dev.step_now()
    refused('resync: without the password', alice,
            ['resync', 'default', dev.code(step - 1), dev.code(step)],
            ['not-the-password'])
    refused('resync: codes that are not consecutive', alice,
            ['resync', 'default', dev.code(step - 3), dev.code(step)],
            [alice.password])
    refused('resync: codes of another user\'s device', alice,
            ['resync', 'default', bdev.code(step - 1), bdev.code(step)],
            [alice.password])
    st, out = site.run_as(alice, 'resync', 'default', dev.code(step - 1),
                          dev.code(step), stdin=alice.password + '\n')
    tap.ok(st == 0 and 'resynchronised' in out,
           'resync: password and two consecutive codes', out)
    dev.last = max(dev.last or 0, step)

    # Another device: password and a code, then the new device's codes.
    child = site.client(alice, 'create', '--device', 'phone', '--qr', 'none')
    child.expect('Password: ')
    child.sendline(alice.password)
    child.expect('MFA code: ')
    child.sendline(dev.fresh())
    child.expect(r'(otpauth://totp/\S+)\r\n')
    phone = e2e.Device(child.match.group(1))
    selflib.answer_pair(child, phone)
    child.expect(pexpect.EOF)
    child.close()
    tap.is_('another device on password and a code',
            {'default': 'active', 'phone': 'active'},
            site.devices(alice.name))

    st, out = site.run_as(alice, 'deactivate', 'phone',
                          stdin='%s\n%s\n' % (alice.password, dev.fresh()))
    tap.ok(st == 0 and 'Type yes' not in out,
           'deactivate, not the last: no confirmation', out)
    st, out = site.run_as(alice, 'deactivate', 'default',
                          stdin='%s\n%s\nno\n' % (alice.password,
                                                  dev.fresh()))
    tap.ok(st != 0 and re.search('nullok', out) and
           'invitation' in out, 'the last device: the confirmation says '
           'what follows', out)
    tap.is_('not confirmed: still there', {'default': 'active'},
            site.devices(alice.name))
    st, out = site.run_as(alice, 'deactivate', 'default',
                          stdin='%s\n%s\nyes\n' % (alice.password,
                                                   dev.fresh()))
    tap.ok(st == 0, 'confirmed: deactivated', out)
    tap.is_('alice has no device now', {}, site.devices(alice.name))
finally:
    site.done()
sys.exit(tap.done())
