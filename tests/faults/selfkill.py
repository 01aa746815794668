# SPDX-License-Identifier: BSD-2-Clause
"""Shared by tests/faults/self_kill.py (file store) and self_kill_pg.py
(PostgreSQL): awsmfa-self killed at any instant leaves the old state or
the new one.  A user deactivates a pending device, proving it with a
recovery code (one per run, so no run waits for a new period); strace
kills the helper on entering its Nth call of each write-path system call
(on files the writes, fsyncs and renames; on PostgreSQL every send to
the server or the client), for every N the helper makes.  After each kill
the user's devices are the old set or the new one, `mfa-enroll check`
passes, and at the end the user still logs in with a code."""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get('AWSMFA_SRCDIR', '.'),
                                'tests', 'self'))
import selflib  # noqa: E402
from selflib import e2e  # noqa: E402

FILE_CALLS = ['fsync', 'fdatasync', 'rename', 'renameat', 'renameat2',
              'unlink', 'unlinkat', 'ftruncate', 'pwrite64', 'link', 'linkat']
PG_CALLS = ['sendto', 'write', 'writev', 'sendmsg']


def main(pg=False):
    calls_traced = PG_CALLS if pg else FILE_CALLS
    tap = e2e.Tap()
    if not shutil.which('strace'):
        tap.skip_all('strace is not installed')
    wrapper_dir = None
    site = None
    try:
        # The wrapper reads what to inject from a file the test rewrites.
        wrapper_dir = tempfile.mkdtemp(prefix='awsmfa-kill.')
        os.chmod(wrapper_dir, 0o755)
        inject = os.path.join(wrapper_dir, 'inject')
        count = os.path.join(wrapper_dir, 'count')
        wrapper = os.path.join(wrapper_dir, 'wrap.sh')
        with open(wrapper, 'w') as f:
            f.write('#!/bin/sh\n'
                    'if [ -s %s ]; then\n'
                    '  exec strace -f -qq -o /dev/null -e "$(cat %s)" "$@"\n'
                    'fi\n'
                    'exec strace -f -qq -c -U name,calls -o %s '
                    '-e trace=%s "$@"\n'
                    % (inject, inject, count, ','.join(calls_traced)))
        os.chmod(wrapper, 0o755)
        open(inject, 'w').close()
        site = selflib.Site(tap, 'max_failures = 1000;\n', wrapper=[wrapper])
        if pg:
            db = selflib.Postgres(site)
            db.sql('postgres',
                   'UPDATE awsmfa.settings SET max_failures = 1000')
            site.configure('max_failures = 1000;\nstore = "postgresql";\n'
                           'db_conninfo = "%s";\ndb_admin_conninfo = "%s";\n'
                           'db_self_conninfo = "%s";\n' % (
                               db.conninfo('host_a'), db.conninfo('admin1'),
                               db.conninfo('self_a')))
        alice = site.user('ka')
        dev = e2e.enrol(site.conf, alice.name, enroll=selflib.ENROLL)
        r = e2e.run([selflib.ENROLL, '--conf', site.conf, 'recovery-codes',
                     alice.name, '--count', '100'])
        codes = re.findall(r'^\s*([0-9a-z]{4,}(?:-[0-9a-z]{4,})+)\s*$',
                           r.stdout, re.M)
        tap.ok(len(codes) == 100, 'a hundred recovery codes', r.stdout[:200])

        def pending_phone():
            e2e.run([selflib.ENROLL, '--conf', site.conf, 'create', alice.name,
                     '--device', 'phone', '--qr', 'none'])

        def attempt():
            return site.run_as(alice, 'deactivate', 'phone',
                               stdin='%s\n%s\n' % (alice.password, codes.pop()))

        old = {'default': 'active', 'phone': 'pending'}
        new = {'default': 'active'}
        pending_phone()
        st, out = attempt()
        tap.ok(st == 0 and site.devices(alice.name) == new,
               'deactivate on a recovery code, not killed', out)
        # strace writes its summary as the helper exits, which may be just
        # after the client has its answer.
        end = time.time() + 10
        while (not os.path.exists(count) or
               'total' not in open(count).read()) and time.time() < end:
            time.sleep(0.1)
        with open(count) as f:
            calls = {m.group(1): int(m.group(2)) for m in
                     re.finditer(r'^(\w+)\s+(\d+)\s*$', f.read(), re.M)}
        tap.diag('write-path calls of one request: %s' % calls)
        kills = bad = 0
        calls.pop('total', None)
        for call, n in sorted(calls.items()):
            for when in range(1, n + 1):
                if len(codes) < 2:
                    break
                if site.devices(alice.name) != old:
                    pending_phone()
                with open(inject, 'w') as f:
                    f.write('inject=%s:signal=KILL:when=%d' % (call, when))
                attempt()
                kills += 1
                got = site.devices(alice.name)
                chk = e2e.run([selflib.ENROLL, '--conf', site.conf, 'check'])
                if got not in (old, new) or chk.returncode != 0:
                    bad += 1
                    tap.diag('%s #%d: %s; check: %s' % (call, when, got,
                                                      chk.stdout))
        open(inject, 'w').close()
        tap.ok(kills >= 4 and bad == 0,
               'killed at %d points: old or new every time' % kills)
        tap.ok(site.login(alice, dev.fresh()), 'alice still logs in')
    finally:
        if site is not None:
            site.done()
        if wrapper_dir is not None:
            shutil.rmtree(wrapper_dir, ignore_errors=True)
    return tap.done()
