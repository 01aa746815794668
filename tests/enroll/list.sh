#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# list and list --json against a store built at known moments (frozen
# clocks through libfaketime).
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

# at "YYYY-MM-DD hh:mm:ss" command...: runs with the clock frozen there.
at() {
	local when=$1
	shift
	LD_PRELOAD="$AWSMFA_PRELOAD $FAKETIME_LIB" FAKETIME="$when" "$@"
}
T1=1767225600	# 2026-01-01 00:00:00 UTC
HW=3132333435363738393031323334353637383930
printf 'GAKT0001,%s\nGAKT0002,%s\n' "$HW" "$HW" > "$SANDBOX/t.csv"
mfa import-tokens "$SANDBOX/t.csv" >/dev/null

at "2026-01-01 00:00:00" create_device alice phone
at "2026-01-01 00:00:00" mfa enable alice phone \
    "$(code_at "$SECRET" $((T1 - 30)))" "$(code_at "$SECRET" $T1)" >/dev/null
login mfa alice "$(code_at "$SECRET" $((T1 + 86400 * 4)))" "2026-01-05 00:00:00"
is "alice logs in on 5 January" 0 $?
at "2026-01-02 12:00:00" mfa enable bob GAKT0001 \
    "$(oathtool --totp -N @$((T1 + 129600 - 30)) $HW)" \
    "$(oathtool --totp -N @$((T1 + 129600)) $HW)" >/dev/null
is "bob enables a token on 2 January" 0 $?
u='q"u\o'"$(printf '\xc3\xa9\xff')"
at "2026-01-03 08:30:00" create_device "$u" laptop
is "a user with quotes, a backslash and odd bytes gets a device" 0 $?
at "2026-01-04 00:00:00" mfa create carol --device key --type hotp --qr none \
    </dev/null >/dev/null
is "carol gets a counter (HOTP) device" 0 $?

expected=$(cat <<'TABLE'
USER             DEVICE           TYPE     SERIAL           STATUS     CREATED              ENABLED              LAST-USED            OTP
alice            phone            virtual  -                active     2026-01-01T00:00:00Z 2026-01-01T00:00:00Z 2026-01-05T00:00:00Z totp/30s
bob              GAKT0001         hardware GAKT0001         active     2026-01-02T12:00:00Z 2026-01-02T12:00:00Z -                    totp/30s
TABLE
)
row() { printf '%-16s %-16s %-8s %-16s %-10s %-20s %-20s %-20s %s' "$@"; }
carol_row=$(row carol key virtual - pending 2026-01-04T00:00:00Z - - hotp)
u_row=$(row "$u" laptop virtual - pending 2026-01-03T08:30:00Z - - totp/30s)
tok_row=$(row - GAKT0002 hardware GAKT0002 unassigned - - - totp/30s)
is "list prints the table, a counter device without a period" "$expected
$carol_row
$u_row
$tok_row" "$(mfa list)"
is "list USER prints that user only" "$(printf '%s\n' "$expected" | sed -n '1p;3p')" "$(mfa list bob)"
is "list of a user without devices: the header only" "$(printf '%s\n' "$expected" | head -n 1)" "$(mfa list nosuch)"

json=$(mfa list --json)
is "list --json parses and holds exactly the store" "ok" "$(python3 - "$json" "$u" <<'PY'
import json, sys
got = json.loads(sys.argv[1])
u = sys.argv[2].encode("utf-8", "surrogateescape").decode("utf-8", "replace")
T = {"otp": "totp", "period": 30, "counter": None}
want = [
    {"user": "alice", "device": "phone", "type": "virtual", "serial": None,
     "status": "active", "created": "2026-01-01T00:00:00Z",
     "enabled": "2026-01-01T00:00:00Z", "last_used": "2026-01-05T00:00:00Z",
     "last_used_periods_ahead": 0, **T},
    {"user": "bob", "device": "GAKT0001", "type": "hardware",
     "serial": "GAKT0001", "status": "active",
     "created": "2026-01-02T12:00:00Z", "enabled": "2026-01-02T12:00:00Z",
     "last_used": None, "last_used_periods_ahead": 0, **T},
    {"user": "carol", "device": "key", "type": "virtual", "serial": None,
     "status": "pending", "created": "2026-01-04T00:00:00Z",
     "enabled": None, "last_used": None, "last_used_periods_ahead": 0,
     "otp": "hotp", "period": None, "counter": 0},
    {"user": u, "device": "laptop", "type": "virtual", "serial": None,
     "status": "pending", "created": "2026-01-03T08:30:00Z",
     "enabled": None, "last_used": None, "last_used_periods_ahead": 0, **T},
    {"user": "-", "device": "GAKT0002", "type": "hardware",
     "serial": "GAKT0002", "status": "unassigned", "created": None,
     "enabled": None, "last_used": None, "last_used_periods_ahead": 0, **T},
]
print("ok" if got == want else "got %r" % got)
PY
)"
is "list --json of a user without devices" "[]" "$(mfa list nosuch --json)"
err=$(mfa list a b 2>&1 >/dev/null)
is "two users are a usage error" 2 $?
rm -rf "$STORE"
err=$(mfa list 2>&1 >/dev/null)
is "list without a store fails" 1 $?
case $err in "mfa-enroll: $STORE"*) ok "and names the store" ;; *) not_ok "and names the store: $err" ;; esac

done_testing
