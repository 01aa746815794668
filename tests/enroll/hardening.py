#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""mfa-enroll while it holds a secret, seen from outside as it waits at
create's prompt: not dumpable (another process with the same uid and
capabilities, CAP_SYS_PTRACE left out of both, cannot open its memory,
while it can open a plain process's), core limit 0, umask 077, the
secret in neither argv nor the environment, no file open but the
terminal.  Then the answers at that prompt: a NUL byte, an answer cut
short by the end of input, and a read error each end the run with one
line, exit 1, the device left pending.  TAP output."""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

import pexpect

BUILD = os.environ["AWSMFA_BUILDDIR"]
ENROLL = os.path.join(BUILD, "enroll_tool", "mfa-enroll")
NOPTRACE = ["setpriv", "--bounding-set=-sys_ptrace", "--inh-caps=-sys_ptrace"]
sandbox = tempfile.mkdtemp(prefix="awsmfa-test.")
os.chmod(sandbox, 0o755)
conf = os.path.join(sandbox, "awsmfa.conf")
with open(conf, "w") as f:
    f.write('store_dir = "%s/store";\n' % sandbox)
os.chmod(conf, 0o644)

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, what), flush=True)


def loose():
    """What a careless caller hands down: core dumps on, umask 022."""
    resource.setrlimit(resource.RLIMIT_CORE,
                       (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    os.umask(0o022)


def spawn(prefix, *args):
    argv = prefix + [ENROLL, "--conf", conf] + list(args)
    return pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=20,
                         preexec_fn=loose,
                         env=dict(os.environ, LANG="C.UTF-8",
                                  AWSMFA_TEST_MARK="env-marker"))


def can_open_mem(pid):
    """Whether a process without CAP_SYS_PTRACE may open pid's memory."""
    r = subprocess.run(NOPTRACE + [sys.executable, "-c",
                                   "import os, sys; os.open('/proc/%d/mem' "
                                   "% int(sys.argv[1]), os.O_RDONLY)",
                                   str(pid)], capture_output=True)
    return r.returncode == 0


def status(user):
    out = subprocess.check_output([ENROLL, "--conf", conf, "list", user,
                                   "--json"], text=True)
    return [d["status"] for d in json.loads(out)]


def ends_with_one_line(child, user, why):
    child.expect(pexpect.EOF)
    child.close()
    lines = re.findall(r"mfa-enroll: [^\r\n]*", child.before)
    return (child.exitstatus == 1 and status(user) == ["pending"] and
            lines == ["mfa-enroll: standard input: %s; MFA device default "
                      "of user %s left pending" % (why, user)])


def first_stdin_read(user):
    """How many reads mfa-enroll makes before its first of the terminal."""
    trace = os.path.join(sandbox, "trace")
    child = spawn(["strace", "-f", "-o", trace, "-e", "trace=read"],
                  "create", user, "--qr", "none")
    child.expect("First code: ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    reads = [l for l in open(trace) if re.match(r"(\d+ +)?read\(", l)]
    for i, l in enumerate(reads):
        if re.match(r"(\d+ +)?read\(0,", l):
            return i + 1
    return None


try:
    # A plain process under the same setpriv: the probe can open its
    # memory, so a refusal below is the dumpable flag's doing.
    plain = subprocess.Popen(NOPTRACE + ["sleep", "30"])
    ok(can_open_mem(plain.pid), "the probe opens a dumpable process's memory")
    plain.kill()
    plain.wait()

    child = spawn(NOPTRACE, "create", "alice", "--qr", "none")
    child.expect(r"Secret: ([A-Z2-7 ]+)\r\n")
    secret = child.match.group(1).replace(" ", "")
    child.expect("First code: ")
    pid = child.pid
    ok(not can_open_mem(pid), "at the prompt mfa-enroll is not dumpable")
    limits = open("/proc/%d/limits" % pid).read()
    ok(re.search(r"Max core file size +0 +0 ", limits) is not None,
       "its core file size limit is 0")
    st = open("/proc/%d/status" % pid).read()
    ok(re.search(r"Umask:\s+0077", st) is not None, "its umask is 077")
    env = open("/proc/%d/environ" % pid, "rb").read()
    argv = open("/proc/%d/cmdline" % pid, "rb").read()
    ok(b"env-marker" in env and secret.encode() not in env and
       secret.encode() not in argv, "the secret is in neither argv nor "
       "the environment")
    fds = [os.readlink("/proc/%d/fd/%s" % (pid, fd))
           for fd in os.listdir("/proc/%d/fd" % pid)]
    ok(all(f.startswith("/dev/pts/") or f == os.path.join(sandbox, "store")
           or f.startswith("socket:") for f in fds),
       "no file open but the terminal and the store: %s" % fds)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()

    child = spawn([], "create", "bob", "--qr", "none")
    child.expect("First code: ")
    child.send("123\x00456\r")
    ok(ends_with_one_line(child, "bob", "an answer with a NUL byte or cut "
                          "short"), "a NUL byte in an answer: one line, "
       "exit 1, still pending")

    child = spawn([], "create", "carol", "--qr", "none")
    child.expect("First code: ")
    child.send("123456")
    child.sendeof()
    child.sendeof()
    ok(ends_with_one_line(child, "carol", "an answer with a NUL byte or "
                          "cut short"), "an answer cut short by the end of "
       "input: one line, exit 1, still pending")

    if os.environ.get("AWSMFA_PRELOAD") or not shutil.which("strace"):
        print("# strace missing or under the sanitizers: no read error")
    else:
        k = first_stdin_read("dave")
        ok(k is not None, "the read of the terminal is found")
        child = spawn(["strace", "-f", "-o", "/dev/null", "-e", "trace=read",
                       "-e", "inject=read:error=EIO:when=%d" % (k or 1)],
                      "create", "erin", "--qr", "none")
        child.expect("First code: ")
        ok(ends_with_one_line(child, "erin", "Input/output error"),
           "a read error at the prompt: one line, exit 1, still pending")
except (pexpect.TIMEOUT, pexpect.EOF, OSError) as e:
    ok(False, "the dialogue went as expected: %s" % str(e).splitlines()[0])
finally:
    shutil.rmtree(sandbox, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
