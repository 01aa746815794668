#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Another local user cannot act on alice's devices, whatever the client
sends: a USER argument is refused, a forged user name in the protocol
changes nothing, garbage, oversized and truncated messages get one line
and change nothing; self_service = false turns it all off.  TAP."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selflib  # noqa: E402
from selflib import e2e, frame, raw, request  # noqa: E402

tap = e2e.Tap()
site = selflib.Site(tap)
try:
    alice = site.user('aa')
    bob = site.user('ab')
    dev = e2e.enrol(site.conf, alice.name)
    before = site.store_state()

    st, out = site.run_as(bob, 'deactivate', alice.name, 'default')
    tap.ok(st != 0 and out.count('\n') == 1 and
           'only manage your own' in out,
           'a USER argument of another user: one line', out)
    st, out = site.run_as(bob, 'list', alice.name)
    tap.ok(st != 0 and alice.name + ':' not in out.split('(')[0] and
           'only manage your own' in out, 'list of another user: refused',
           out)

    def one_line(what, frames):
        errs = [f for f in frames if f[0] == 'W']
        tap.ok(len(errs) == 1 and frames[-1] == ('D', '1'),
               what + ': one line and a failure', frames)

    # A client that writes its own request: the user is the socket's.
    fr = raw(site, bob, frame('Q', request(verb='list', user=alice.name)))
    one_line('user=alice in the request', fr)
    tap.ok(not any('default' in f[1] for f in fr),
           'user=alice: nothing of alice\'s shown', fr)
    one_line('user=alice in a deactivate',
             raw(site, bob, frame('Q', request(verb='deactivate',
                                               device='default',
                                               user=alice.name))))
    fr = raw(site, bob, frame('Q', request(verb='list')))
    tap.ok(not any(alice.name in f[1] for f in fr) and
           any(bob.name in f[1] for f in fr),
           'list names the caller from SO_PEERCRED, never alice', fr)
    one_line('deactivate of a device bob does not have',
             raw(site, bob, frame('Q', request(verb='deactivate',
                                               device='default'))))
    one_line('garbage', raw(site, bob, b'\x00\xffGET / HTTP/1.0\r\n\r\n'))
    one_line('a frame of another type', raw(site, bob, frame('A', b'x')))
    one_line('an oversized frame',
             raw(site, bob, b'Q\xff\xff' + b'v' * 70000))
    one_line('a truncated frame',
             raw(site, bob, b'Q\x00\x40verb=li'))
    one_line('a truncated header', raw(site, bob, b'Q\x00'))
    one_line('an unknown verb',
             raw(site, bob, frame('Q', request(verb='import-tokens'))))
    one_line('a field twice', raw(site, bob, frame('Q', b'verb=deactivate\0'
                                                   b'device=a\0device=b\0')))
    one_line('a control character',
             raw(site, bob, frame('Q', b'verb=deactivate\0device=a\x1b\0')))
    tap.ok(site.store_state() == before, 'nothing in the store changed')
    tap.ok(site.login(alice, dev.fresh()), 'alice still logs in')

    site.configure('self_service = false;\n')
    st, out = site.run_as(alice, 'list')
    tap.ok(st != 0 and 'self_service = false' in out and
           out.count('\n') == 1, 'self_service = false: one line', out)
    st, out = site.run_as(alice, 'recovery-codes',
                          stdin='%s\n%s\n' % (alice.password, dev.fresh()))
    tap.ok(st != 0 and 'Password' not in out,
           'self_service = false: refused before any prompt', out)
finally:
    site.done()
sys.exit(tap.done())
