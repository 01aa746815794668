#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Self-service on the PostgreSQL store (issue 20 part 4), through the
real awsmfa-self connecting as a role of awsmfa_self: an invited user
enrols on the password and the invitation judged in the database, whose
secret is made there; logs in with a code; the invitation is gone; a
wrong code, a spent code, another user's code or no password proves
nothing; resync and deactivate work with their proofs; another user
cannot act on the devices; every action is in awsmfa.attempts with the
self role.  Without db_self_conninfo the helper
says so in one line.  TAP."""
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

tap = e2e.Tap()
site = selflib.Site(tap)
try:
    pg = selflib.Postgres(site)
    fleet = ('store = "postgresql";\n'
             'db_conninfo = "%s";\ndb_admin_conninfo = "%s";\n' %
             (pg.conninfo('host_a'), pg.conninfo('admin1')))
    site.configure(fleet)
    carol = site.user('pc')
    st, out = site.run_as(carol, 'list')
    tap.ok(st != 0 and 'db_self_conninfo' in out and
           len(out.strip().splitlines()) == 1,
           'without db_self_conninfo: one line that says so', out)
    site.configure(fleet + 'db_self_conninfo = "%s";\n' %
                   pg.conninfo('self_a'))

    r = e2e.run([selflib.ENROLL, '--conf', site.conf, 'invite', carol.name])
    m = re.search(r'^\s*(inv(?:-[0-9a-z]{4})+)\s*$', r.stdout, re.M)
    tap.ok(r.returncode == 0 and m, 'the admin invites carol', r.stdout)
    invitation = m.group(1) if m else ''

    st, out = site.run_as(carol, 'create', stdin='%s\n%s\n' % (
        carol.password, 'inv-aaaa-aaaa-aaaa-aaaa-aaaa'))
    tap.ok(st != 0 and site.devices(carol.name) == {},
           'a wrong invitation makes nothing', out)
    tap.is_('and is counted in the database', '1', pg.sql(
        'postgres', "SELECT failures FROM awsmfa.users WHERE name = '%s'"
        % carol.name))
    tap.is_('recorded with the self role',
            'self_a|bad|self-service proof: wrong invitation',
            pg.sql('postgres', 'SELECT host_role, result, reason FROM '
                   'awsmfa.attempts ORDER BY id DESC LIMIT 1'))

    child = site.client(carol, 'create')
    child.expect('Password: ')
    child.sendline(carol.password)
    child.expect('Invitation: ')
    child.sendline(invitation)
    child.expect(r'(otpauth://totp/\S+)\r\n')
    dev = e2e.Device(child.match.group(1))
    tap.is_('pending in the database while the codes are asked',
            {'default': 'pending'}, site.devices(carol.name))
    selflib.answer_pair(child, dev)
    child.expect(pexpect.EOF)
    child.close()
    tap.is_('mfa-enroll create exits 0', 0, child.exitstatus)
    tap.is_('enabled', {'default': 'active'}, site.devices(carol.name))
    tap.is_('the invitation is gone', '0', pg.sql(
        'postgres', "SELECT count(*) FROM awsmfa.invitations WHERE "
        "user_name = '%s'" % carol.name))
    tap.ok(site.login(carol, dev.fresh()), 'carol logs in with a code')
    tap.ok(not site.login(carol, invitation),
           'the invitation no longer logs in')

    # Another user cannot reach carol's devices, whatever they send.
    dave = site.user('pd')
    st, out = site.run_as(dave, 'deactivate', 'default', '--user',
                          carol.name)
    tap.ok(st != 0 and site.devices(carol.name) == {'default': 'active'},
           'another user cannot deactivate carol\'s device', out)
    st, out = site.run_as(dave, 'create', stdin=dave.password + '\n\n')
    tap.ok(st != 0 and 'invitation' in out and
           site.devices(dave.name) == {},
           'nor enrol without an invitation', out)

    # A wrong code proves nothing; a right one is spent.
    st, out = site.run_as(carol, 'recovery-codes', stdin='%s\n%s\n' % (
        carol.password, dev.wrong()))
    tap.ok(st != 0 and 'authentication failed' in out,
           'a wrong code proves nothing', out)
    code = dev.fresh()
    st, out = site.run_as(carol, 'recovery-codes', stdin='%s\n%s\n' % (
        carol.password, code))
    codes = re.findall(r'^\s+([a-z2-7]{4}(?:-[a-z2-7]{4})+)\s*$', out, re.M)
    tap.ok(st == 0 and len(codes) > 0, 'new recovery codes with a code',
           out)
    tap.ok(not site.login(carol, code),
           'the code spent in self-service does not log in')
    tap.ok(site.login(carol, codes[0]) if codes else False,
           'a new recovery code logs in')

    # The proof table broken once each, on this store too.
    st, out = site.run_as(carol, 'recovery-codes', stdin='%s\n%s\n' % (
        'not-' + carol.password, dev.fresh()))
    tap.ok(st != 0 and 'authentication failed' in out,
           'without the password: refused before any code', out)
    spent = dev.fresh()
    tap.ok(site.login(carol, spent), 'a login spends a code')
    st, out = site.run_as(carol, 'recovery-codes', stdin='%s\n%s\n' % (
        carol.password, spent))
    tap.ok(st != 0 and 'authentication failed' in out,
           'that spent code proves nothing', out)
    erin = site.user('pe')
    other = e2e.enrol(site.conf, erin.name, enroll=selflib.ENROLL)
    st, out = site.run_as(carol, 'recovery-codes', stdin='%s\n%s\n' % (
        carol.password, other.fresh()))
    tap.ok(st != 0 and 'authentication failed' in out,
           'nor does a code of another user\'s device', out)

    # A user at a prompt holds no connection of the self role.
    waiting = [site.client(carol, 'recovery-codes') for _ in range(3)]
    for c in waiting:
        c.expect('Password: ')
    tap.is_('three users at a prompt: no connection of the self role',
            '0', pg.sql('postgres', "SELECT count(*) FROM pg_stat_activity "
                        "WHERE usename = 'self_a'"))
    for c in waiting:
        c.close(force=True)

    # Resync with two consecutive codes of the device.
    s = dev.step_now() + 4
    st, out = site.run_as(carol, 'resync', 'default', dev.code(s),
                          dev.code(s + 1), stdin=carol.password + '\n')
    tap.ok(st == 0 and 'resynchronised' in out, 'resync', out)
    dev.last = s + 1

    # Deactivating the last device asks and says what follows.
    child = site.client(carol, 'deactivate', 'default')
    child.expect('Password: ')
    child.sendline(carol.password)
    child.expect('MFA code: ')
    # The step after resync's second code, inside the window it moved.
    child.sendline(dev.code(dev.last + 1))
    child.expect('Type yes')
    child.sendline('yes')
    child.expect(pexpect.EOF)
    child.close()
    tap.is_('the last device deactivated', {}, site.devices(carol.name))
    rows = pg.sql('postgres', "SELECT DISTINCT host_role FROM "
                  "awsmfa.attempts WHERE reason LIKE 'self-service%%'")
    tap.is_('every self-service row is the self role\'s', 'self_a', rows)
finally:
    site.done()
sys.exit(tap.done())
