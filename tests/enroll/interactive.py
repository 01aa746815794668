#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""create on a terminal (through a pseudo-terminal): the QR code is shown,
two codes typed at the prompts enable the device; a bad pair is refused and
asked again; end of input leaves the device pending.  TAP output."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

BUILD = os.environ["AWSMFA_BUILDDIR"]
ENROLL = os.path.join(BUILD, "enroll_tool", "mfa-enroll")
sandbox = tempfile.mkdtemp(prefix="awsmfa-test.")
os.chmod(sandbox, 0o755)
conf = os.path.join(sandbox, "awsmfa.conf")
with open(conf, "w") as f:
    f.write('store_dir = "%s/store";\nissuer = "Example Corp";\n' % sandbox)
os.chmod(conf, 0o644)

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, what), flush=True)


def totp(secret, t):
    return subprocess.check_output(
        ["oathtool", "--totp", "-b", "-N", "@%d" % t, secret],
        text=True).strip()


def status(user):
    out = subprocess.check_output([ENROLL, "--conf", conf, "list", user,
                                   "--json"], text=True)
    return [d["status"] for d in json.loads(out)]


def spawn(*args):
    return pexpect.spawn(ENROLL, ["--conf", conf] + list(args),
                         encoding="utf-8", timeout=20,
                         dimensions=(60, 160), env=dict(os.environ,
                                                       LANG="C.UTF-8"))


try:
    child = spawn("create", "carol")
    child.expect(r"(otpauth://totp/\S+)\r\n")
    uri = child.match.group(1)
    child.expect(r"Secret: ([A-Z2-7 ]+)\r\n")
    secret = child.match.group(1).replace(" ", "")
    shown = child.before + child.after
    ok("\u2588" in child.before and ("\u2580" in child.before or
                                     "\u2584" in child.before),
       "the QR code is shown in half blocks")
    ok("secret=" + secret in uri,
       "the URI on its own line, above the code, holds the secret")
    child.expect("First code: ")
    # On an 80x24 terminal, the URI may scroll away but not the code:
    # the code, the text and the prompt's line take 24 lines at most.
    shown += child.before + child.after
    ok(shown.count("\n") + 1 <= 24,
       "below the URI, code, text and prompt fit 24 lines (%d)" %
       (shown.count("\n") + 1))
    ok(status("carol") == ["pending"], "pending while the codes are asked")

    t = int(time.time())
    c0, c1 = totp(secret, t - 30), totp(secret, t)
    child.sendline(c1)
    child.expect("Next code: ")
    child.sendline(c1)
    child.expect(r"mfa-enroll: (.*)\r\n")
    ok(child.match.group(1).startswith("CODE1 and CODE2 are the same code"),
       "the same code twice is refused on the terminal")
    child.expect("First code: ")
    ok(status("carol") == ["pending"], "still pending after a bad pair")

    child.sendline(c0)
    child.expect("Next code: ")
    child.sendline(c1)
    child.expect(r"MFA device default of user carol is enabled\.")
    child.expect(pexpect.EOF)
    child.close()
    ok(child.exitstatus == 0, "create exits 0 after enabling")
    ok(status("carol") == ["active"], "the device is active")

    # End of input at the prompt: the device stays pending, exit 0.
    child = spawn("create", "dave", "--qr", "ansi")
    child.expect("\x1b\\[47m")
    child.expect("First code: ")
    child.sendeof()
    child.expect("mfa-enroll enable dave default CODE1 CODE2")
    child.expect(pexpect.EOF)
    child.close()
    ok(child.exitstatus == 0 and status("dave") == ["pending"],
       "end of input leaves the device pending with the enable hint")

    # Three bad pairs: pending, exit 1, one line saying how to enable.
    child = spawn("create", "erin", "--qr", "none")
    for _ in range(3):
        child.expect("First code: ")
        child.sendline("000000")
        child.expect("Next code: ")
        child.sendline("000001")
    child.expect("mfa-enroll: MFA device default of user erin left pending")
    child.expect(pexpect.EOF)
    child.close()
    ok(child.exitstatus == 1 and status("erin") == ["pending"],
       "three bad pairs leave the device pending, exit 1")
except (pexpect.TIMEOUT, pexpect.EOF) as e:
    ok(False, "the terminal dialogue went as expected: %s" %
       str(e).splitlines()[0])
finally:
    shutil.rmtree(sandbox, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
