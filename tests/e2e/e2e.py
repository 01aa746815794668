# SPDX-License-Identifier: BSD-2-Clause
"""Shared by the end-to-end tests: TAP output, a sandbox removed on exit,
a real test user, enrolment with the real mfa-enroll, and codes from
oathtool.  Everything started or created is undone at exit, also when a
test fails or is interrupted."""

import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ.get('AWSMFA_SRCDIR')
BUILDDIR = os.environ.get('AWSMFA_BUILDDIR')
if not SRCDIR or not BUILDDIR:
    sys.exit('run through make check or scripts/check.sh')
MODULE = os.path.join(BUILDDIR, 'pam_module/.libs/pam_awsmfa.so')
ENROLL = os.path.join(BUILDDIR, 'enroll_tool/mfa-enroll')
# The sanitizer runtimes when the module was built with them (check.sh).
PRELOAD = os.environ.get('AWSMFA_PRELOAD', '').strip()


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=None):
        self.n += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, what),
              flush=True)
        if not cond:
            self.failed += 1
            if detail:
                self.diag(detail)
        return cond

    def is_(self, what, expected, got):
        return self.ok(expected == got, what,
                       'expected: %r\ngot:      %r' % (expected, got))

    def diag(self, text):
        for line in str(text).splitlines():
            print('# ' + line, flush=True)

    def skip_all(self, reason):
        print('1..0 # SKIP ' + reason, flush=True)
        sys.exit(0)

    def done(self):
        print('1..%d' % self.n, flush=True)
        return 1 if self.failed else 0


class Sandbox:
    """A temporary folder and a stack of clean-ups run in reverse order."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='awsmfa-e2e.', dir='/tmp')
        os.chmod(self.dir, 0o755)
        self._cleanups = []
        # A signal still runs the clean-ups (sys.exit unwinds the stack).
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda s, f: sys.exit(128 + s))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def at_exit(self, fn, *args):
        self._cleanups.append((fn, args))

    def cleanup(self):
        while self._cleanups:
            fn, args = self._cleanups.pop()
            try:
                fn(*args)
            except Exception as e:  # keep cleaning up whatever happens
                print('# clean-up %s failed: %s' % (fn.__name__, e))
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text, mode=0o644):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
        os.chmod(p, mode)
        return p


def run(argv, **kw):
    kw.setdefault('stdout', subprocess.PIPE)
    kw.setdefault('stderr', subprocess.STDOUT)
    kw.setdefault('stdin', subprocess.DEVNULL)
    kw.setdefault('text', True)
    return subprocess.run(argv, **kw)


def tool_env():
    """The environment for our own (possibly sanitized) programs."""
    env = dict(os.environ)
    # LeakSanitizer cannot work in sshd's chrooted, unprivileged children
    # and makes them exit non-zero; leaks are valgrind's job here.
    opts = env.get('ASAN_OPTIONS', '')
    env['ASAN_OPTIONS'] = (opts + ':' if opts else '') + 'detect_leaks=0'
    return env


def client_env():
    """A clean environment for the ssh client: no agent, no preload."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('LD_PRELOAD', 'SSH_AUTH_SOCK', 'PAM_WRAPPER',
                        'PAM_WRAPPER_SERVICE_DIR', 'SSH_ASKPASS')}
    env['TERM'] = 'dumb'
    return env


class User:
    """A real account with a random password, removed at exit."""

    def __init__(self, sb, tag):
        self.name = None
        for i in range(20):
            name = 'awsmfa-%s-%d' % (tag, (os.getpid() + i) % 100000)
            try:
                pwd.getpwnam(name)
            except KeyError:
                self.name = name
                break
        if self.name is None:
            raise RuntimeError('no free user name')
        self.password = secrets.token_urlsafe(12)
        self.home = sb.path('home', self.name)
        os.makedirs(sb.path('home'), exist_ok=True)
        sb.at_exit(self._remove)
        r = run(['useradd', '-m', '-d', self.home, '-s', '/bin/sh',
                 '-c', 'pam_awsmfa e2e test', self.name])
        if r.returncode != 0:
            self._created = False
            raise RuntimeError('useradd: ' + r.stdout)
        self._created = True
        r = run(['chpasswd'], input='%s:%s\n' % (self.name, self.password),
                stdin=None)
        if r.returncode != 0:
            raise RuntimeError('chpasswd: ' + r.stdout)
        pw = pwd.getpwnam(self.name)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid

    def _remove(self):
        if not getattr(self, '_created', False):
            return
        r = run(['userdel', '-r', self.name])
        if r.returncode not in (0, 12):     # 12: home already gone
            run(['userdel', '-f', '-r', self.name])


def write_conf(sb):
    """A config and store of our own: root's, as the module demands."""
    store = sb.path('store')
    os.mkdir(store, 0o700)
    return sb.write('awsmfa.conf',
                    'store_dir = "%s";\nissuer = "e2e";\n' % store)


class Device:
    """Codes of one device from oathtool, never handing out a code of a
    period at or before one already used, so each login gets a fresh one."""

    def __init__(self, uri):
        m = re.search(r'[?&]secret=([A-Z2-7]+)', uri)
        if not m:
            raise RuntimeError('no secret in ' + uri)
        self.secret = m.group(1)
        q = dict(re.findall(r'[?&](\w+)=([^&\s]+)', uri))
        self.digits = int(q.get('digits', 6))
        self.period = int(q.get('period', 30))
        self.algorithm = q.get('algorithm', 'SHA1').lower()
        self.last = None

    def step_now(self):
        return int(time.time()) // self.period

    def code(self, step):
        r = run(['oathtool', '--totp=' + self.algorithm,
                 '--digits=%d' % self.digits,
                 '--time-step-size=%ds' % self.period,
                 '-N', '@%d' % (step * self.period), '-b', self.secret],
                stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise RuntimeError('oathtool: ' + r.stderr)
        return r.stdout.strip()

    def fresh(self):
        """A code the module has not seen: now, or the period after the
        last one used (the login window allows one period ahead)."""
        step = self.step_now()
        if self.last is not None and step <= self.last:
            step = self.last + 1
            while step > self.step_now() + 1:
                time.sleep(0.5)
        self.last = step
        return self.code(step)

    def wrong(self):
        """A code of the right shape that matches no nearby period."""
        now = self.step_now()
        near = {self.code(s) for s in range(now - 3, now + 4)}
        while True:
            c = ''.join(secrets.choice('0123456789')
                        for _ in range(self.digits))
            if c not in near:
                return c


def enrol(conf, user, device='default', enroll=None):
    """create --qr none, then enable with the codes of the previous and the
    current period, as a person copying two codes from the app does.  The
    device's next code (the next period, inside the login window) is then
    free for a login at once.  enroll: another mfa-enroll (the build
    tree's, which finds the build tree's PostgreSQL plugin)."""
    enroll = enroll or ENROLL
    r = run([enroll, '--conf', conf, 'create', user, '--device', device,
             '--qr', 'none'], env=tool_env())
    if r.returncode != 0:
        raise RuntimeError('mfa-enroll create: ' + r.stdout)
    m = re.search(r'^(otpauth://totp/\S+)$', r.stdout, re.M)
    if not m:
        raise RuntimeError('no otpauth URI in: ' + r.stdout)
    dev = Device(m.group(1))
    # Not across a period boundary, which would store a drift.
    while time.time() % dev.period > dev.period - 3:
        time.sleep(0.2)
    step = dev.step_now()
    r = run([enroll, '--conf', conf, 'enable', user, device,
             dev.code(step - 1), dev.code(step)], env=tool_env())
    if r.returncode != 0:
        raise RuntimeError('mfa-enroll enable: ' + r.stdout)
    dev.last = step
    return dev


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(('127.0.0.1', port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def need(tap):
    """Skips the whole file when something it needs is missing."""
    if os.geteuid() != 0:
        tap.skip_all('needs root (real users, sshd, mount namespaces)')
    for prog in ('oathtool', 'useradd', 'chpasswd', 'userdel'):
        if not shutil.which(prog):
            tap.skip_all(prog + ' is not installed')
    try:
        import pexpect  # noqa: F401
    except ImportError:
        tap.skip_all('python3-pexpect is not installed')
    for f in (MODULE, ENROLL):
        if not os.access(f, os.X_OK if f == ENROLL else os.R_OK):
            tap.skip_all(f + ' is not built')


def converse(child, answers, log):
    """Answers each (prompt regex, text) in turn; returns (exit status,
    transcript).  A prompt that never comes ends the conversation."""
    import pexpect
    for prompt, text in answers:
        i = child.expect([prompt, pexpect.EOF, pexpect.TIMEOUT])
        if i != 0:
            break
        child.sendline(text)
    child.expect([pexpect.EOF, pexpect.TIMEOUT])
    child.close(force=True)
    status = child.exitstatus
    if status is None and child.signalstatus is not None:
        status = 128 + child.signalstatus
    return status, log.getvalue()
