#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""awsmfa-self on the file store killed at every write-path system call
leaves the old state or the new one (tests/faults/selfkill.py).  TAP."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selfkill  # noqa: E402

sys.exit(selfkill.main(pg=False))
