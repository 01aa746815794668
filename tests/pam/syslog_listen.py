#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Receives syslog datagrams on a Unix socket and appends them, one per
line, to a file: the PAM tests read what pam_syslog wrote.
usage: syslog_listen.py SOCKET OUTFILE"""
import os
import socket
import sys

path, outfile = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.path.exists(path):
    os.unlink(path)
sock.bind(path)
os.chmod(path, 0o666)
with open(outfile, "ab", buffering=0) as out:
    out.write(b"# listener ready\n")
    while True:
        data = sock.recv(1 << 20)
        out.write(data.replace(b"\n", b"\\n").rstrip(b"\0") + b"\n")
