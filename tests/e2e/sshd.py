# SPDX-License-Identifier: BSD-2-Clause
"""A real sshd on 127.0.0.1 with its own config, host key and PAM service
(pam_wrapper), and the real ssh client through a pseudo-terminal:
password + code, a wrong code, a replayed code, publickey + code."""

import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402

MARK = 'logged-in-as:'
# The remote command prints MARK and the user name; the name is not in the
# command line, so it can only come from a shell that really ran.
REMOTE = "printf '%s%%s\\n' \"$(id -un)\"" % MARK

# Debian's common-auth shape: a wrong password stops the stack before the
# code is asked, so no code is spent on it.
PASSWORD_AND_CODE = '''\
auth	[success=1 default=ignore]	pam_unix.so
auth	requisite	pam_deny.so
auth	required	pam_permit.so
auth	required	{module} conf={conf}
account	required	pam_unix.so
session	required	pam_permit.so
'''
# publickey,keyboard-interactive: the key replaces the password.
CODE_ONLY = '''\
auth	required	{module} conf={conf}
account	required	pam_unix.so
session	required	pam_permit.so
'''
# Anything else sshd asks PAM for is refused.
OTHER = '''\
auth	required	pam_deny.so
account	required	pam_deny.so
password	required	pam_deny.so
session	required	pam_deny.so
'''


def sweep_pam_wrapper(sb):
    """pam_wrapper copies the services to /tmp/pam.X in each process and
    removes the copy when the process exits normally; sshd's children end
    with _exit or a signal, so their copies stay.  Ours name the sandbox."""
    for name in os.listdir('/tmp'):
        d = os.path.join('/tmp', name)
        if not name.startswith('pam.') or len(name) != 5 \
                or os.path.islink(d) or not os.path.isdir(d):
            continue
        try:
            with open(os.path.join(d, 'sshd')) as f:
                mine = sb.dir + '/' in f.read()
            with open(os.path.join(d, 'pid')) as f:
                pid = int(f.read().strip() or 0)
        except (OSError, ValueError):
            continue
        if mine and not os.path.exists('/proc/%d' % pid):
            e2e.shutil.rmtree(d, ignore_errors=True)


class Sshd:
    def __init__(self, sb, name, stack, methods, conf):
        self.sb = sb
        self.port = e2e.free_port()
        pamdir = sb.path(name, 'pam.d')
        sb.write(os.path.join(name, 'pam.d', 'sshd'),
                 stack.format(module=e2e.MODULE, conf=conf))
        sb.write(os.path.join(name, 'pam.d', 'other'), OTHER)
        self.log = sb.path(name, 'sshd.log')
        self.cfg = sb.write(os.path.join(name, 'sshd_config'), '''\
ListenAddress 127.0.0.1
Port {port}
HostKey {key}
PidFile {dir}/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile {sb}/authorized_keys
StrictModes no
AuthenticationMethods {methods}
PermitRootLogin no
LogLevel VERBOSE
PrintMotd no
X11Forwarding no
AllowUsers {user}
'''.format(port=self.port, key=sb.path('hostkey'), dir=sb.path(name),
           sb=sb.dir, methods=methods, user=sb.user))
        env = e2e.tool_env()
        env['LD_PRELOAD'] = ' '.join(p for p in (e2e.PRELOAD,
                                                 'libpam_wrapper.so') if p)
        env['PAM_WRAPPER'] = '1'
        env['PAM_WRAPPER_SERVICE_DIR'] = pamdir
        self.proc = subprocess.Popen(
            ['/usr/sbin/sshd', '-D', '-f', self.cfg, '-E', self.log],
            env=env, stdin=subprocess.DEVNULL)
        sb.at_exit(e2e.stop, self.proc)
        self.up = e2e.wait_port(self.port, self.proc)

    def stop(self):
        e2e.stop(self.proc)

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ''


def ssh(sshd, user, answers, methods, key=None, batch=False):
    import pexpect
    argv = ['-F', '/dev/null', '-p', str(sshd.port),
            '-o', 'StrictHostKeyChecking=no',
            '-o', 'UserKnownHostsFile=/dev/null',
            '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10',
            '-o', 'NumberOfPasswordPrompts=1',
            '-o', 'PreferredAuthentications=' + methods,
            '-o', 'IdentitiesOnly=yes',
            '-o', 'BatchMode=' + ('yes' if batch else 'no')]
    if key:
        argv += ['-i', key, '-o', 'PubkeyAuthentication=yes']
    else:
        argv += ['-o', 'PubkeyAuthentication=no']
    argv += ['%s@127.0.0.1' % user, REMOTE]
    log = io.StringIO()
    child = pexpect.spawn('ssh', argv, timeout=20, encoding='utf-8',
                          env=e2e.client_env())
    child.logfile_read = log
    return e2e.converse(child, answers, log)


def main(tap, sb):
    e2e.need(tap)
    for prog in ('/usr/sbin/sshd', 'ssh', 'ssh-keygen'):
        if not (os.path.exists(prog) or e2e.shutil.which(prog)):
            tap.skip_all(prog + ' is not installed')
    sb.at_exit(sweep_pam_wrapper, sb)
    # sshd's privilege separation needs it (systemd makes it when ssh
    # starts).  It stays: an empty root-owned folder on a tmpfs, and a
    # second run of this test at the same time would lose it mid-run.
    os.makedirs('/run/sshd', 0o755, exist_ok=True)

    user = e2e.User(sb, 'ssh')
    sb.user = user.name
    conf = e2e.write_conf(sb)
    # Two devices (a phone and a spare), so that each of the two logins
    # that succeed has a fresh code without waiting for the clock.
    dev = e2e.enrol(conf, user.name, 'phone')
    spare = e2e.enrol(conf, user.name, 'spare')
    for key in ('hostkey', 'userkey'):
        r = e2e.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '',
                     '-C', 'e2e', '-f', sb.path(key)])
        if r.returncode != 0:
            raise RuntimeError('ssh-keygen: ' + r.stdout)
    with open(sb.path('userkey.pub')) as f:
        sb.write('authorized_keys', f.read())
    pw_prompt = r'[Pp]assword: ?'
    code_prompt = r'MFA code: ?'
    kbd = 'keyboard-interactive'

    # Password + code, both through keyboard-interactive.
    d = Sshd(sb, 'pw', PASSWORD_AND_CODE, kbd, conf)
    if not d.up:
        if e2e.PRELOAD:
            tap.skip_all('sshd does not start with the sanitizer runtimes '
                         'preloaded: ' + d.logtext()[-300:])
        tap.ok(False, 'sshd started', d.logtext())
        return
    tap.ok(True, 'sshd listening on 127.0.0.1:%d' % d.port)

    code = dev.fresh()
    st, out = ssh(d, user.name, [(pw_prompt, user.password),
                                 (code_prompt, code)], kbd)
    tap.is_('password + current code: ssh exits 0', 0, st)
    tap.ok(MARK + user.name in out, 'password + current code: the command ran '
           'as the user', out)
    tap.ok('Accepted keyboard-interactive/pam for %s' % user.name
           in d.logtext(), 'sshd logged the accepted login', d.logtext())

    st, out = ssh(d, user.name, [(pw_prompt, user.password),
                                 (code_prompt, code)], kbd)
    tap.is_('the same code replayed on a second login: refused', 255, st)
    tap.ok('Permission denied' in out and MARK not in out,
           'replayed code: permission denied, no command ran', out)

    st, out = ssh(d, user.name, [(pw_prompt, user.password),
                                 (code_prompt, dev.wrong())], kbd)
    tap.is_('wrong code: refused', 255, st)
    tap.ok('Permission denied' in out and MARK not in out,
           'wrong code: permission denied, no command ran', out)

    st, out = ssh(d, user.name, [(pw_prompt, user.password + 'x'),
                                 (code_prompt, 'never asked')], kbd)
    tap.is_('wrong password: refused', 255, st)
    tap.ok('MFA code' not in out, 'wrong password: the code is not asked',
           out)
    tap.ok('Failed keyboard-interactive/pam for %s' % user.name
           in d.logtext(), 'sshd logged the failed logins', d.logtext())
    d.stop()

    # Publickey + code.
    both = 'publickey,' + kbd
    d = Sshd(sb, 'key', CODE_ONLY, both, conf)
    tap.ok(d.up, 'sshd with AuthenticationMethods %s listening' % both,
           d.logtext())
    st, out = ssh(d, user.name, [(code_prompt, spare.fresh())],
                  'publickey,' + kbd, key=sb.path('userkey'))
    tap.is_('publickey + code: ssh exits 0', 0, st)
    tap.ok(MARK + user.name in out, 'publickey + code: the command ran', out)
    tap.ok('Partial publickey for %s' % user.name in d.logtext(),
           'sshd accepted the key as the first of two methods', d.logtext())

    st, out = ssh(d, user.name, [], 'publickey', key=sb.path('userkey'),
                  batch=True)
    tap.is_('publickey alone: refused', 255, st)
    tap.ok('Permission denied' in out and MARK not in out,
           'publickey alone: permission denied, no command ran', out)

    st, out = ssh(d, user.name, [(code_prompt, '000000')], kbd)
    tap.is_('code without the key: refused', 255, st)
    tap.ok('MFA code' not in out,
           'code without the key: the code is not even asked', out)
    d.stop()


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
