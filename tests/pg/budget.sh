#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# One login host cannot lock out the fleet (issue 17 rule 2).  A host
# whose database role spends its failure budget (host_failures_per_minute)
# is quarantined: one statement of wrong codes against 300 users locks out
# about the budget's worth, its later calls (right codes included) are
# refused without counting against anyone, with one attempts row a minute,
# and a flood of names without a record, or of judgements of nothing
# counted, adds a bounded number of rows;
# other hosts log in all along.  mfa-enroll hosts shows it, hosts
# --release ends it with a fresh budget, unlock --host frees the users
# that host locked out and only those, unlock USER one user; all audited
# in awsmfa.attempts; and the real module on the released host logs in.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"
[ -x "$MODULE" ] || skip_all "module not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
sql postgres -c 'CREATE ROLE host_c LOGIN IN ROLE awsmfa_host' \
    -c 'UPDATE awsmfa.settings SET win = 3, max_failures = 1,
	lockout_seconds = 600, host_failures_per_minute = 100' >/dev/null
CONF=$SANDBOX/awsmfa.conf
cat >"$CONF" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_admin_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=admin1";
CONF
chmod 0644 "$CONF"
mkdir -p "$SANDBOX/pam.d"
echo "auth required $MODULE conf=$CONF" >"$SANDBOX/pam.d/hosta"
mfa() { "$ENROLL" --conf "$CONF" "$@"; }
# said CMD...: "STATUS STDERR" of a command whose output is not wanted.
said() {
	local e
	e=$("$@" 2>&1 >/dev/null)
	printf '%s %s' "$?" "$e"
}
totp() { oathtool --totp -N "@$(($(date +%s) + $2))" "$1"; }
result() { login "$@" | cut -d' ' -f1; }
locked() {
	sql postgres -c "SELECT count(*) FROM awsmfa.users
	    WHERE locked_until > extract(epoch FROM now()) AND name LIKE '$1'"
}
rows() {
	sql postgres -c "SELECT count(*) FROM awsmfa.attempts
	    WHERE host_role = '$1' ${2:+AND $2}"
}

# 300 users with an active device each, and two of flesh and blood.
sql admin1 -c "SELECT count(awsmfa.create_device('m' || g, 'phone', 'sha1',
    6, 30)) FROM generate_series(1, 300) g" >/dev/null
sql postgres -c "UPDATE awsmfa.devices SET active = true" >/dev/null
s=$(enrol alice)
sv=$(enrol vic)
is "a miss from host B locks vic out (max_failures 1)" bad \
    "$(result host_b vic 000000)"
# wen: locked out by host A, unlocked, then locked out by host B: host A
# has no part in her current lock.
enrol wen >/dev/null
result host_a wen 000000 >/dev/null
mfa unlock wen >/dev/null
result host_b wen 000000 >/dev/null

# The attack of issue 17: one statement, a wrong code for every user; the
# count alone (never judged) is a miss.
sql host_a -c "SELECT count(*) FROM (SELECT awsmfa.login_count(
    convert_to('m' || g, 'UTF8'), '000000', 5000)
    FROM generate_series(1, 300) g) x" >/dev/null
n=$(locked 'm%')
check "one host's wrong codes for 300 users lock out at most the budget's worth ($n)" \
    test "$n" -ge 90 -a "$n" -le 101
is "the host is quarantined" 1 \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.host_quarantine WHERE role = 'host_a'")"
is "and the attempts say so once" 1 "$(rows host_a "result = 'quarantined'")"

f0=$(sql postgres -c "SELECT failures FROM awsmfa.users WHERE name = 'alice'")
r0=$(rows host_a)
c=$(totp "$s" 30)
is "a right code from the quarantined host: refused" refused \
    "$(result host_a alice "$c")"
for i in $(seq 10); do result host_a "m$i" 000000 >/dev/null; done
is "counted against nobody" "$f0" \
    "$(sql postgres -c "SELECT failures FROM awsmfa.users WHERE name = 'alice'")"
check "eleven refused calls within a minute add at most one row" \
    test $(($(rows host_a) - r0)) -le 1
# A minute later (the minute it last noted, set back): one row, once.
sql postgres -c "UPDATE awsmfa.host_quarantine SET noted = noted - 1" >/dev/null
r0=$(rows host_a "result = 'refused'")
for i in $(seq 5); do result host_a "m$i" 000000 >/dev/null; done
is "the next minute's refused calls add one row" 1 \
    $(($(rows host_a "result = 'refused'") - r0))
is "another host logs in with the code the quarantined one sent" ok \
    "$(result host_b alice "$c")"
is "the real module on the quarantined host fails closed" \
    PAM_AUTHINFO_UNAVAIL "$(pam_run "" -- "$DRIVER" -s hosta -u alice \
    "$(totp "$s" 60)" 2>&1 | sed -n 's/^result: //p' | tail -n 1)"

# A flood of names without a record from a third host.
sql host_c -c "SELECT count(*) FROM (SELECT awsmfa.login_count(
    convert_to('nobody' || g, 'UTF8'), '123456', 5000)
    FROM generate_series(1, 3000) g) x" >/dev/null
n=$(rows host_c)
check "3000 names without a record add a bounded number of rows ($n)" \
    test "$n" -le 104

out=$(mfa hosts)
check "hosts lists host A as quarantined" \
    grep -Eq '^host_a +[0-9]+ +20[0-9-]+T[0-9:]+Z$' <<<"$out"
check "host B with its charged misses, not quarantined" \
    grep -Eq '^host_b +2 +-$' <<<"$out"
is "the login hosts only: no admin or superuser" "host_a host_b host_c" \
    "$(awk 'NR > 1 {print $1}' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
is "hosts --json" "host_a True 101|host_b False 2|host_c True 101" \
    "$(mfa hosts --json | python3 -c 'import json, sys
print("|".join("%s %s %s" % (h["role"], h["quarantined"] and h["quarantined_since"] is not None,
    h["charged_last_minute"]) for h in json.load(sys.stdin)))')"

n=$(locked 'm%')
is "unlock --host frees the users host A locked out" \
    "$n users locked out by login host host_a unlocked." \
    "$(mfa unlock --host host_a)"
is "all of them" 0 "$(locked 'm%')"
is "and only those: vic, locked out by host B, stays locked" 1 "$(locked vic)"
is "as does wen, whose miss from host A came before her lock's count" 1 \
    "$(locked wen)"
is "each unlock is in the attempts" "$n" \
    "$(rows admin1 "result = 'unlocked' AND user_name LIKE 'm%'")"
is "unlock --host of a role that does not exist" \
    "1 mfa-enroll: no database role nohost" "$(said mfa unlock --host nohost)"
is "unlock USER" "User vic is unlocked" "$(mfa unlock vic | cut -d' ' -f1-4)"
is "in the attempts, by the admin's role" "vic|unlocked|unlocked by admin" \
    "$(sql postgres -c "SELECT user_name, result, reason FROM awsmfa.attempts
    WHERE host_role = 'admin1' AND user_name = 'vic'")"
is "vic logs in from host B" ok "$(result host_b vic "$(totp "$sv" 30)")"
is "unlock of a user without a record" \
    "1 mfa-enroll: user zed has no MFA record" "$(said mfa unlock zed)"

is "hosts --release ends the quarantine" \
    "Login host host_a is released" "$(mfa hosts --release host_a | cut -d' ' -f1-5)"
is "the release is in the attempts" 1 "$(rows admin1 "result = 'released'")"
is "a second release: one line" \
    "1 mfa-enroll: login host host_a is not quarantined" \
    "$(said mfa hosts --release host_a)"
is "a role that does not exist" "1 mfa-enroll: no database role nohost" \
    "$(said mfa hosts --release nohost)"
is "--release without a role: a usage error" \
    "2 mfa-enroll: hosts: bad or incomplete option --release (see 'hosts --help')" \
    "$(said mfa hosts --release)"
is "the released host's miss is judged, with a fresh budget" bad \
    "$(result host_a m1 000000)"
is "and its next call too" bad "$(result host_a m2 000000)"
is "the real module on the released host logs in" PAM_SUCCESS \
    "$(pam_run "" -- "$DRIVER" -s hosta -u alice "$(totp "$s" 90)" 2>&1 |
    sed -n 's/^result: //p' | tail -n 1)"
is "the host role reads no host list" \
    "1 ERROR:  permission denied for function list_hosts" \
    "$(said sql host_a -c 'SELECT * FROM awsmfa.list_hosts()')"
is "nor releases itself" \
    "1 ERROR:  permission denied for function release_host" \
    "$(said sql host_c -c "SELECT awsmfa.release_host('host_c')")"

# Judgements of nothing the host counted (numbers made up): each answers
# 'refused' and leaves a charged row, so a flood of them runs into the
# budget and then adds a row a minute.
sql postgres -c 'CREATE ROLE host_d LOGIN IN ROLE awsmfa_host' >/dev/null
is "a judgement of a number made up: refused, one row" \
    "refused|not counted 1" "$(sql host_d -c "SELECT result, reason
    FROM awsmfa.login_judge(424242, '123456')") $(rows host_d)"
sql host_d -c "SELECT count(*) FROM (SELECT awsmfa.login_judge(g, '1')
    FROM generate_series(1, 3000) g) x" >/dev/null
n=$(rows host_d)
check "3000 more add a bounded number of rows ($n)" test "$n" -le 104
is "and quarantine the host" 1 "$(sql postgres -c "SELECT count(*)
    FROM awsmfa.host_quarantine WHERE role = 'host_d'")"
done_testing
