#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A new user enrols over a real sshd: with only an admin's invitation
(issue 20 parts 1, 2) they log in with password + invitation, or, before
mfa-enroll has invitations, with the password alone (nullok,
self_enrol_without_invitation: a roll-out); they run mfa-enroll create
in that session on a terminal, the QR code on that terminal decodes to
the URI, oathtool codes enable it, and the next login asks for a code
and takes it; the invitation is refused then.  TAP."""
import io
import os
import re
import subprocess
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

sys.path.insert(0, os.path.join(os.environ['AWSMFA_SRCDIR'], 'tests/e2e'))
import sshd as e2e_sshd  # noqa: E402

NULLOK = e2e_sshd.PASSWORD_AND_CODE.replace('{module} conf={conf}',
                                            '{module} conf={conf} nullok')
PW = r'[Pp]assword: ?'


def ssh_argv(d, user, command):
    return ['-F', '/dev/null', '-p', str(d.port), '-tt',
            '-o', 'StrictHostKeyChecking=no',
            '-o', 'UserKnownHostsFile=/dev/null',
            '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10',
            '-o', 'NumberOfPasswordPrompts=1',
            '-o', 'PreferredAuthentications=keyboard-interactive',
            '-o', 'PubkeyAuthentication=no',
            '%s@127.0.0.1' % user, command]


tap = e2e.Tap()
INVITES = e2e.run([selflib.ENROLL, 'invite', '--help']).returncode == 0
for prog in ('/usr/sbin/sshd', 'ssh', 'ssh-keygen'):
    if not (os.path.exists(prog) or e2e.shutil.which(prog)):
        tap.skip_all(prog + ' is not installed')
site = selflib.Site(tap, '' if INVITES else
                    'self_enrol_without_invitation = true;\n')
try:
    sb = site.sb
    sb.at_exit(e2e_sshd.sweep_pam_wrapper, sb)
    os.makedirs('/run/sshd', 0o755, exist_ok=True)
    dave = site.user('sd')
    sb.user = dave.name
    e2e.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f',
             sb.path('hostkey')])
    invitation = None
    if INVITES:
        r = e2e.run([selflib.ENROLL, '--conf', site.conf, 'invite',
                     dave.name])
        m = re.search(r'^\s*(inv(?:-[0-9a-z]{4})+)\s*$', r.stdout, re.M)
        invitation = m.group(1) if m else 'none'
    d = e2e_sshd.Sshd(sb, 'sshd', e2e_sshd.PASSWORD_AND_CODE if INVITES
                      else NULLOK, 'keyboard-interactive', site.conf)
    if not d.up and e2e.PRELOAD:
        tap.skip_all('sshd does not start with the sanitizer runtimes')
    tap.ok(d.up, 'sshd listening', d.logtext())

    # The first login: password + invitation, or the password alone (no
    # device yet, nullok).
    log = io.StringIO()
    child = pexpect.spawn('ssh', ssh_argv(d, dave.name, '%s --socket %s '
                                          'create' % (site.enroll,
                                                      site.sock)),
                          timeout=30, encoding='utf-8',
                          dimensions=(80, 160),
                          env=dict(e2e.client_env(), LANG='C.UTF-8'))
    child.logfile_read = log
    child.expect(PW)
    child.sendline(dave.password)
    if INVITES:
        child.expect(r'MFA code: ?')
        child.sendline(invitation)
    # In the session: the helper's own proof, then the new device.
    child.expect('Password: ')
    child.sendline(dave.password)
    if INVITES:
        child.expect('MFA code: ')
        child.sendline(invitation)
    child.expect(r'(otpauth://totp/\S+)\r\n')
    uri = child.match.group(1)
    child.expect(r'Secret: ')
    qr = child.before
    pgm = sb.path('qr.pgm')
    subprocess.run(['python3', os.path.join(
        os.environ['AWSMFA_SRCDIR'], 'tests/enroll/qr_render.py'),
        'dark', pgm], input=qr.replace('\r\n', '\n').encode())
    z = e2e.run(['zbarimg', '-q', '--raw', pgm], stderr=subprocess.DEVNULL)
    tap.is_('the QR code in the ssh session decodes to the URI', uri,
            z.stdout.strip())
    dev = e2e.Device(uri)
    selflib.answer_pair(child, dev)
    child.expect('is enabled')
    child.expect(pexpect.EOF)
    child.close()
    tap.is_('enrolled in an ssh session', {'default': 'active'},
            site.devices(dave.name))

    st, out = e2e_sshd.ssh(d, dave.name, [(PW, dave.password),
                                          (r'MFA code: ?', dev.wrong())],
                           'keyboard-interactive')
    tap.ok(st == 255 and 'MFA code' in out and e2e_sshd.MARK not in out,
           'now a code is asked after the password, and a wrong one '
           'refused', out)
    st, out = e2e_sshd.ssh(d, dave.name, [(PW, dave.password),
                                          (r'MFA code: ?', dev.fresh())],
                           'keyboard-interactive')
    tap.ok(st == 0 and e2e_sshd.MARK + dave.name in out,
           'password and a code of the new device log in', out)
    if INVITES:
        st, out = e2e_sshd.ssh(d, dave.name, [(PW, dave.password),
                                              (r'MFA code: ?', invitation)],
                               'keyboard-interactive')
        tap.ok(st == 255 and e2e_sshd.MARK not in out,
               'the invitation is refused once the device is enabled', out)
    d.stop()
finally:
    site.done()
sys.exit(tap.done())
