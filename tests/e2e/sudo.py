# SPDX-License-Identifier: BSD-2-Clause
"""sudo for real, inside a private mount namespace: test files are
bind-mounted over /etc/pam.d/sudo and /etc/sudoers only there, the test
user types password and code at sudo's prompts through a pseudo-terminal,
and the machine's files and mounts are checked unchanged afterwards."""

import hashlib
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402

STACK = '''\
auth	[success=1 default=ignore]	pam_unix.so
auth	requisite	pam_deny.so
auth	required	pam_permit.so
auth	required	{module} conf={conf}
account	required	pam_unix.so
session	required	pam_permit.so
'''
# Only our user, no include of the machine's sudoers.d; timestamps and
# lecture files in the sandbox, so sudo writes nothing of the machine's.
SUDOERS = '''\
Defaults env_reset, !lecture, passwd_tries=1, timestamp_timeout=0
Defaults timestampdir={sb}/ts, lecture_status_dir={sb}/lectured
{user} ALL=(root) ALL
'''
# Runs inside the namespace: $1 pam file, $2 sudoers, $3 user, $4 home.
INSIDE = '''\
set -e
mount --bind "$1" /etc/pam.d/sudo
mount --bind "$2" /etc/sudoers
exec setpriv --reuid="$3" --regid="$3" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$4" USER="$3" LOGNAME="$3" \
    sudo -k /usr/bin/id -un
'''
WATCHED = ('/etc/pam.d/sudo', '/etc/sudoers')


def fingerprint():
    """Checksums of the files we shadow, and the machine's mount points."""
    out = []
    for f in WATCHED:
        with open(f, 'rb') as fh:
            out.append(hashlib.sha256(fh.read()).hexdigest())
    with open('/proc/self/mountinfo') as fh:
        out.append(sorted(line.split()[4] for line in fh))
    return out


def sudo(sb, user, answers, during=None):
    import pexpect
    log = io.StringIO()
    child = pexpect.spawn('unshare', ['-m', '--propagation', 'private', '--',
                                      'sh', '-c', INSIDE, 'sh',
                                      sb.path('sudo.pam'), sb.path('sudoers'),
                                      user.name, user.home],
                          timeout=20, encoding='utf-8', env=e2e.client_env())
    child.logfile_read = log
    sb.at_exit(child.close, True)
    if during:
        # While sudo waits at its first prompt, look from outside.
        answers = list(answers)
        prompt, text = answers.pop(0)
        if child.expect([prompt, pexpect.EOF, pexpect.TIMEOUT]) == 0:
            during()
            child.sendline(text)
    return e2e.converse(child, answers, log)


def main(tap, sb):
    e2e.need(tap)
    if e2e.PRELOAD:
        # sudo is setuid: the loader ignores LD_PRELOAD for it, so a module
        # built with the sanitizers cannot be loaded into it.
        tap.skip_all('sudo is setuid and cannot preload the sanitizer '
                     'runtimes (AWSMFA_PRELOAD set)')
    for prog in ('sudo', 'unshare', 'setpriv', 'mount'):
        if not e2e.shutil.which(prog):
            tap.skip_all(prog + ' is not installed')
    # Containers and chroots often refuse a new mount namespace; without
    # one the test files cannot be put over the machine's.
    probe = e2e.subprocess.run(
        ['unshare', '-m', '--propagation', 'private', '--', 'mount',
         '--bind', '/etc/sudoers', '/etc/sudoers'],
        stdout=e2e.subprocess.DEVNULL, stderr=e2e.subprocess.PIPE, text=True)
    if probe.returncode != 0:
        tap.skip_all('no private mount namespace can be made here: ' +
                     probe.stderr.strip())

    before = fingerprint()
    user = e2e.User(sb, 'sudo')
    conf = e2e.write_conf(sb)
    dev = e2e.enrol(conf, user.name)
    sb.write('sudo.pam', STACK.format(module=e2e.MODULE, conf=conf))
    sb.write('sudoers', SUDOERS.format(sb=sb.dir, user=user.name), 0o440)
    pw_prompt = r'\[sudo\] password for %s: ?' % user.name
    code_prompt = r'MFA code: ?'

    seen = []
    st, out = sudo(sb, user, [(pw_prompt, user.password),
                              (code_prompt, dev.fresh())],
                   during=lambda: seen.append(fingerprint()))
    tap.is_('sudo -k with password + code: exit 0', 0, st)
    tap.ok(out.rstrip().endswith('root'), 'the command ran as root', out)
    tap.ok(seen and seen[0] == before,
           'while sudo ran, the machine still saw its own files and mounts',
           repr(seen))

    st, out = sudo(sb, user, [(pw_prompt, user.password),
                              (code_prompt, dev.wrong())])
    tap.is_('sudo -k with a wrong code: exit 1', 1, st)
    tap.ok('incorrect password attempt' in out
           and not out.rstrip().endswith('root'),
           'wrong code: sudo refused, the command did not run', out)

    st, out = sudo(sb, user, [(pw_prompt, user.password + 'x'),
                              (code_prompt, 'never asked')])
    tap.is_('sudo -k with a wrong password: exit 1', 1, st)
    tap.ok('MFA code' not in out, 'wrong password: the code is not asked',
           out)

    tap.is_('after the tests, /etc/pam.d/sudo, /etc/sudoers and the mount '
            'table are unchanged', before, fingerprint())


if __name__ == '__main__':
    tap = e2e.Tap()
    sb = e2e.Sandbox()
    try:
        main(tap, sb)
    except Exception as e:
        tap.ok(False, 'no unexpected error', '%s: %s' % (type(e).__name__, e))
    finally:
        sb.cleanup()
    sys.exit(tap.done())
