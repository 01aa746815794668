# SPDX-License-Identifier: BSD-2-Clause
"""Shared by the self-service tests: the real awsmfa-self started per
connection by systemd-socket-activate (as awsmfa-self.socket does), the
real PAM stack of the service mfa-enroll (pam_unix, then pam_awsmfa)
from a pam_wrapper folder, real users made for the test, and the
client run as those users.  Everything is undone at exit."""

import json
import os
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get('AWSMFA_SRCDIR', '.'),
                                'tests', 'e2e'))
import e2e  # noqa: E402

BUILD = os.environ['AWSMFA_BUILDDIR']
HELPER = os.path.join(BUILD, 'tests/intree/awsmfa-self')
ENROLL = os.path.join(BUILD, 'tests/intree/mfa-enroll')
MODULE = os.path.join(BUILD, 'tests/intree/.libs/pam_awsmfa.so')


class Site:
    """A config, a store, the PAM services and the helper's socket."""

    def __init__(self, tap, extra='', wrapper=None):
        e2e.need(tap)
        for f in (HELPER, ENROLL, MODULE):
            if not os.path.exists(f):
                tap.skip_all(f + ' is not built (make check builds it)')
        if not e2e.shutil.which('systemd-socket-activate'):
            tap.skip_all('systemd-socket-activate is not installed')
        self.tap = tap
        self.sb = e2e.Sandbox()
        self.store = self.sb.path('store')
        os.mkdir(self.store, 0o700)
        self.conf = self.sb.path('awsmfa.conf')
        self.configure(extra)
        # What /etc/pam.d/mfa-enroll ships, with this build's module;
        # "login" is a login's stack, to prove codes against.
        self.sb.write('pam.d/mfa-enroll',
                      'auth requisite pam_unix.so\n'
                      'auth required %s conf=%s\n'
                      'account required pam_unix.so\n' % (MODULE, self.conf))
        self.sb.write('pam.d/login',
                      'auth required %s conf=%s\n' % (MODULE, self.conf))
        self.sock = self.sb.path('self.sock')
        # The users run their own copy of the client: the build folder
        # may be one they cannot enter (a clone in root's home).
        os.mkdir(self.sb.path('bin'), 0o755)
        self.enroll = self.sb.path('bin', 'mfa-enroll')
        e2e.shutil.copy(ENROLL, self.enroll)
        os.chmod(self.enroll, 0o755)
        # The sanitizer runtimes (check.sh) must come first.  ASan's
        # crypt() interceptor finds no real crypt() when libcrypt only
        # arrives later with pam_unix (a call to address 0): a sanitized
        # helper gets libcrypt from the start.
        crypt = ' libcrypt.so.1' if e2e.PRELOAD else ''
        env = ['-E', 'LD_PRELOAD=%s%s libpam_wrapper.so' % (e2e.PRELOAD,
                                                           crypt),
               '-E', 'PAM_WRAPPER=1',
               '-E', 'PAM_WRAPPER_SERVICE_DIR=' + self.sb.path('pam.d')]
        # A wrapper (tests/faults) gets the connection on standard input
        # (--inetd): LISTEN_PID would name the wrapper, not the helper.
        mode = ['--accept'] if wrapper is None else ['--accept', '--inetd']
        self.proc = subprocess.Popen(
            ['systemd-socket-activate', '-l', self.sock] + mode + env +
            ['--'] + (wrapper or []) + [HELPER, '--conf', self.conf],
            stdout=subprocess.DEVNULL,
            stderr=open(self.sb.path('helper.log'), 'w'))
        self.sb.at_exit(e2e.stop, self.proc)
        end = time.time() + 10
        while not os.path.exists(self.sock) and time.time() < end:
            time.sleep(0.05)
        # awsmfa-self.socket's SocketMode=0666: every user may ask.
        os.chmod(self.sock, 0o666)

    def configure(self, extra=''):
        # Periods of 5 s: fresh codes without waiting half a minute.
        self.sb.write('awsmfa.conf', 'store_dir = "%s";\nissuer = "self";\n'
                      'period = 5;\n%s' % (self.store, extra))

    def user(self, tag):
        return e2e.User(self.sb, tag)

    def client(self, user, *args, timeout=30):
        """mfa-enroll as user on a pseudo-terminal."""
        import pexpect
        return pexpect.spawn('runuser', ['-u', user.name, '--', self.enroll,
                                         '--socket', self.sock] + list(args),
                             cwd='/', encoding='utf-8', timeout=timeout,
                             dimensions=(80, 160),
                             env=dict(e2e.client_env(), LANG='C.UTF-8'))

    def run_as(self, user, *args, stdin=''):
        """mfa-enroll as user without a terminal: (status, output)."""
        r = subprocess.run(['runuser', '-u', user.name, '--', self.enroll,
                            '--socket', self.sock] + list(args),
                           cwd='/', input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           env=e2e.client_env(), timeout=60)
        return r.returncode, r.stdout

    def devices(self, name):
        """The user's devices as root sees them: {device: status}."""
        r = e2e.run([ENROLL, '--conf', self.conf, 'list', name, '--json'])
        try:
            # An invitation is a row without a device.
            return {d['device']: d['status'] for d in json.loads(r.stdout)
                    if d.get('device') is not None}
        except ValueError:
            return {}

    def store_state(self):
        """Every record's bytes: equal before and after means unchanged."""
        out = {}
        for f in sorted(os.listdir(self.store)):
            if not f.startswith('.'):
                with open(os.path.join(self.store, f), 'rb') as fh:
                    out[f] = fh.read()
        return out

    def login(self, user, code):
        """One login of user with code through pam_awsmfa: True if in."""
        r = e2e.run(['pamtester', 'login', user.name, 'authenticate'],
                    input=code + '\n', stdin=None,
                    env=dict(os.environ,
                             LD_PRELOAD=e2e.PRELOAD + ' libpam_wrapper.so',
                             PAM_WRAPPER='1',
                             PAM_WRAPPER_SERVICE_DIR=self.sb.path('pam.d')))
        return r.returncode == 0

    def done(self):
        # What the helpers said (a sanitizer's report), when it failed.
        if self.tap.failed:
            with open(self.sb.path('helper.log')) as f:
                self.tap.diag(''.join(f.readlines()[-40:]))
        self.sb.cleanup()


def frame(kind, data):
    return kind.encode() + struct.pack('>H', len(data)) + data


RAW = r'''
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
if sys.argv[2] == 'close':
    s.shutdown(socket.SHUT_WR)
out = b''
s.settimeout(40)
while True:
    try:
        b = s.recv(65536)
    except OSError:
        break
    if not b:
        break
    out += b
sys.stdout.write(out.hex())
'''


def raw(site, user, data, close=True):
    """Sends bytes as user straight to the socket; the helper's frames."""
    r = subprocess.run(['runuser', '-u', user.name, '--', '/usr/bin/python3',
                        '-c', RAW, site.sock, 'close' if close else 'open'],
                       cwd='/', input=data, stdout=subprocess.PIPE,
                       timeout=60)
    b = bytes.fromhex(r.stdout.decode().strip() or '')
    frames = []
    while len(b) >= 3:
        n = struct.unpack('>H', b[1:3])[0]
        frames.append((chr(b[0]), b[3:3 + n].decode('utf-8', 'replace')))
        b = b[3 + n:]
    return frames


def request(**fields):
    order = ['verb'] + [k for k in fields if k != 'verb']
    return b''.join(('%s=%s' % (k, fields[k])).encode() + b'\0'
                    for k in order)


def answer_pair(child, dev):
    """Answers the helper's 'First code: ' and 'Next code: ' with two
    consecutive codes of dev, away from the end of a period so that both
    are still in the window when judged, and marks them used."""
    while time.time() % dev.period > dev.period - 3:
        time.sleep(0.2)
    s = dev.step_now()
    child.expect('First code: ')
    child.sendline(dev.code(s - 1))
    child.expect('Next code: ')
    child.sendline(dev.code(s))
    dev.last = s


def uri_of(text):
    m = re.search(r'(otpauth://totp/\S+)', text)
    return m.group(1) if m else None


class Postgres:
    """A PostgreSQL server of the test's own (initdb in the sandbox, a
    socket there and no TCP), the fleet's schema with a new key, and the
    login roles host_a (awsmfa_host), admin1 (awsmfa_admin) and self_a
    (awsmfa_self); stopped at exit.  Never the machine's cluster."""

    def __init__(self, site):
        import glob
        bins = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'))
        if not bins or not e2e.shutil.which('psql'):
            site.tap.skip_all('PostgreSQL server not installed')
        self.bin = os.path.dirname(bins[-1])
        self.dir = site.sb.path('pg')
        os.mkdir(self.dir, 0o755)
        e2e.shutil.chown(self.dir, 'postgres', 'postgres')
        self.port = '5432'
        self._pg(['initdb', '-D', self.dir + '/data', '-A', 'trust',
                  '-U', 'postgres'])
        self._pg(['pg_ctl', '-D', self.dir + '/data', '-l',
                  self.dir + '/log', '-w', '-o',
                  "-p %s -k %s -c listen_addresses=''" % (self.port,
                                                          self.dir),
                  'start'])
        site.sb.at_exit(self._pg, ['pg_ctl', '-D', self.dir + '/data',
                                   '-m', 'immediate', '-w', 'stop'])
        key = site.sb.path('db.key')
        with open(key, 'w') as f:
            f.write(os.urandom(32).hex() + '\n')
        os.chmod(key, 0o600)
        e2e.shutil.chown(key, 'postgres', 'postgres')
        self.sql('postgres', 'CREATE DATABASE awsmfa', db='postgres')
        e2e.run(self._psql('postgres') + [
            '-v', 'key_file=' + key, '-f',
            os.path.join(os.environ['AWSMFA_SRCDIR'], 'sql/awsmfa.sql')],
            check=True)
        for role, group in (('host_a', 'awsmfa_host'),
                            ('admin1', 'awsmfa_admin'),
                            ('self_a', 'awsmfa_self')):
            self.sql('postgres', 'CREATE ROLE %s LOGIN IN ROLE %s' %
                     (role, group))

    def _pg(self, argv):
        subprocess.run(['runuser', '-u', 'postgres', '--',
                        os.path.join(self.bin, argv[0])] + argv[1:],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, cwd='/')

    def _psql(self, role, db='awsmfa'):
        return ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At',
                '-h', self.dir, '-p', self.port, '-U', role, '-d', db]

    def conninfo(self, role):
        return 'host=%s port=%s dbname=awsmfa user=%s' % (
            self.dir, self.port, role)

    def sql(self, role, query, db='awsmfa'):
        """The rows of query as role, '|'-separated lines."""
        r = e2e.run(self._psql(role, db) + ['-c', query])
        return r.stdout.strip()
