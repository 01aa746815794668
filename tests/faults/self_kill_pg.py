#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""awsmfa-self on the PostgreSQL store killed at every send to the
database or the client leaves the old state or the new one: each call is
one transaction (tests/faults/selfkill.py).  TAP."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selfkill  # noqa: E402

sys.exit(selfkill.main(pg=True))
