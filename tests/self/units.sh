#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# awsmfa-self's units as shipped: systemd-analyze verify finds nothing,
# the service's exposure stays at "OK" (3.0 or less), the socket is the
# documented one, one helper per connection, and the service may write
# the store alone.
. "$AWSMFA_SRCDIR/tests/lib.sh"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed"
units="$SANDBOX/units"
mkdir -p "$units"
cp "$AWSMFA_SRCDIR/conf/systemd/awsmfa-self.socket" "$units/"
# ExecStart must name an executable: this build's helper.
sed "s|@libexecdir@|$AWSMFA_BUILDDIR/self_helper|" \
    "$AWSMFA_SRCDIR/conf/systemd/awsmfa-self@.service.in" \
    >"$units/awsmfa-self@.service"
out=$(cd "$units" && systemd-analyze verify --man=no ./awsmfa-self.socket \
    ./awsmfa-self@.service 2>&1)
is "systemd-analyze verify says nothing" "" "$out"
out=$(cd "$units" && systemd-analyze security --offline=yes \
    --threshold=30 ./awsmfa-self@.service 2>&1 | tail -n 1)
check "exposure 3.0 or less ($out)" systemd-analyze security --offline=yes \
    --threshold=30 "$units/awsmfa-self@.service"
s="$units/awsmfa-self.socket"
check "ListenStream=/run/awsmfa/self.sock" grep -qx 'ListenStream=/run/awsmfa/self.sock' "$s"
check "Accept=yes" grep -qx 'Accept=yes' "$s"
is "the store is all the service may write" "ReadWritePaths=-/var/lib/awsmfa" \
    "$(grep '^ReadWritePaths' "$units/awsmfa-self@.service")"
check "ProtectSystem=strict" grep -qx 'ProtectSystem=strict' "$units/awsmfa-self@.service"
check "NoNewPrivileges=yes" grep -qx 'NoNewPrivileges=yes' "$units/awsmfa-self@.service"
done_testing
