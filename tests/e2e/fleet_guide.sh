#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# README's fleet guide, followed literally: the fenced blocks marked
# "<!-- fleet-guide: local -->" are run as written, in order, as root,
# against a fresh cluster 15/main made where Debian makes it; then the
# enrolled user logs in through the module from the database.  Run by
# scripts/check.sh through overlay.sh (a throwaway overlay of /), so
# /etc/postgresql, /etc/awsmfa and /var/lib/awsmfa are the overlay's.
# usage: overlay.sh fleet_guide.sh SRCDIR BUILDDIR
AWSMFA_SRCDIR=$1 AWSMFA_BUILDDIR=$2
. "$AWSMFA_SRCDIR/tests/lib.sh"
# From /, as an admin would: the clone may be in root's home, which the
# postgres user's commands cannot enter.
cd / || exit 1
export DEBIAN_FRONTEND=noninteractive

command -v pg_createcluster >/dev/null || skip_all "postgresql-common is not installed"
[ -d /usr/lib/postgresql/15 ] || skip_all "the guide is for PostgreSQL 15 (Debian 12)"
# The overlay shares the machine's processes and network: its own
# cluster 15/main must not be running, and is never touched outside.
pg_lsclusters -h 2>/dev/null | awk '$1 == 15 && $2 == "main" && $4 != "down" { f = 1 }
    END { exit !f }' && skip_all "the machine's cluster 15/main is running"
[ -e /etc/awsmfa ] || [ -e /var/lib/awsmfa ] &&
    skip_all "pam_awsmfa is installed on this machine"

# What a fresh Debian has after "apt-get install postgresql" and the
# package: the cluster 15/main started (no TCP, so that no port of the
# machine is taken), mfa-enroll, the sample config.
pg_dropcluster 15 main >/dev/null 2>&1
install -d -o postgres -g postgres -m 2775 /run/postgresql
pg_createcluster 15 main --start -o "listen_addresses=" >"$SANDBOX/pg.log" 2>&1 ||
    { cat "$SANDBOX/pg.log"; skip_all "pg_createcluster failed"; }
at_exit "pg_ctlcluster 15 main stop -m immediate"
install -m 0755 "$AWSMFA_BUILDDIR/enroll_tool/mfa-enroll" /usr/sbin/mfa-enroll
# libpam-awsmfa-pgsql's part: the plugin where this build looks for it.
make -s -C "$AWSMFA_BUILDDIR" install-pluginLTLIBRARIES >"$SANDBOX/plugin.log" 2>&1 ||
    { cat "$SANDBOX/plugin.log"; echo "Bail out! cannot install the plugin"; exit 1; }
install -d -m 0755 /etc/awsmfa
install -m 0644 "$AWSMFA_SRCDIR/conf/awsmfa.conf" /etc/awsmfa/awsmfa.conf

# Devices on the file store first, as the guide expects.
out=$(mfa-enroll create alice --qr none </dev/null 2>/dev/null)
secret=$(printf '%s\n' "$out" | sed -n 's/^Secret: //p' | tr -d ' ')
t=$(date +%s)
mfa-enroll enable alice default "$(oathtool --totp -b -N "@$((t - 30))" "$secret")" \
    "$(oathtool --totp -b -N "@$t" "$secret")" >/dev/null
check "alice is enrolled on the file store" test $? -eq 0

# The guide's blocks, the list indentation taken off.
awk '/<!-- fleet-guide: local -->/ { want = 1; next }
    want && /^ *```/ { if (inb) { inb = 0; want = 0 } else inb = 1; next }
    inb { sub(/^   /, ""); print }' "$AWSMFA_SRCDIR/README.md" >"$SANDBOX/guide.sh"
is "README has the six blocks of the local guide" 6 \
    "$(grep -c '<!-- fleet-guide: local -->' "$AWSMFA_SRCDIR/README.md")"
bash -e -x "$SANDBOX/guide.sh" </dev/null >"$SANDBOX/guide.log" 2>&1
rc=$?
is "the guide's commands run as written, each one succeeds" 0 $rc
[ $rc -eq 0 ] || tail -n 20 "$SANDBOX/guide.log" | sed 's/^/# /'
# One server without a standby: the one warning README announces.
check "mfa-enroll check: no problem, the warning README announces" \
    grep -q '^/etc/awsmfa/awsmfa.conf and .*: no problem found, 1 warning\.$' "$SANDBOX/guide.log"
check "... that synchronous_standby_names is empty" \
    grep -q 'warning: .*synchronous_standby_names' "$SANDBOX/guide.log"
is "mfa-enroll list reads alice's active device from the database" \
    "alice default active" \
    "$(mfa-enroll list alice 2>&1 | awk 'NR == 2 { print $1, $2, $5 }')"

# A login through the module, from the database: the next period's code.
mkdir -p "$SANDBOX/pam.d"
echo "auth required $MODULE" >"$SANDBOX/pam.d/fleet"
code=$(oathtool --totp -b -N "@$(($(date +%s) + 30))" "$secret")
printf '%s\n' "$code" | pam_run "" -- pamtester fleet alice authenticate \
    >"$SANDBOX/login.log" 2>&1
is "alice logs in with her code, through the database" 0 $?
is "the database recorded it, as the module's role" "awsmfa_login ok" \
    "$(runuser -u postgres -- psql -d awsmfa -Atc "SELECT host_role, result
    FROM awsmfa.attempts ORDER BY id DESC LIMIT 1" 2>&1 | tr '|' ' ')"
runuser -u nobody -- psql "dbname=awsmfa user=awsmfa_login" -c 'SELECT 1' \
    >/dev/null 2>&1
is "another user may not log in as the module's role (psql: no connection)" 2 $?
done_testing
