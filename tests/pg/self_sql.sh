#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Self-service in the database (issue 20 part 4), as a stolen credential
# would try it: a login host's role cannot call the self functions; a
# self role changes no device without a proof judged in the database
# (a fresh code, a recovery code, a live invitation, two consecutive
# codes), counted before its answer exists, and its tickets are one-time,
# bound to the role and the user.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
ENROLL="$AWSMFA_BUILDDIR/tests/intree/mfa-enroll"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
psql_as postgres -c 'CREATE ROLE self_a LOGIN IN ROLE awsmfa_self' \
    -c 'CREATE ROLE self_b LOGIN IN ROLE awsmfa_self' || exit 1
CONF=$SANDBOX/awsmfa.conf
cat >"$CONF" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_admin_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=admin1";
CONF
mfa() { "$ENROLL" --conf "$CONF" "$@"; }
totp() { oathtool --totp "$1" -N "@$(($(date +%s) + $2))"; }
u8() { echo "convert_to('$1', 'UTF8')"; }
# prove ROLE USER INPUT: "result|reason|ticket" of CALL awsmfa.self_prove.
prove() {
	sql "$1" -c "CALL awsmfa.self_prove($(u8 "$2"), $(u8 "$3"), 30000,
	    NULL, NULL, NULL)"
}
# pair ROLE USER VERB DEVICE TICKET C1 C2: "result|reason".
pair() {
	sql "$1" -c "CALL awsmfa.self_pair('$2', '$3', '$4', '$5'::bytea,
	    $(u8 "$6 $7"), 30000, NULL, NULL)"
}
failures() { sql postgres -c "SELECT failures FROM awsmfa.users WHERE name = '$1'"; }
devices() { sql postgres -c "SELECT string_agg(name || ':' || active, ',' ORDER BY name) FROM awsmfa.devices WHERE user_name = '$1'"; }
last_audit() { sql postgres -c "SELECT host_role, result, reason FROM awsmfa.attempts ORDER BY id DESC LIMIT 1"; }
field() { cut -d'|' -f"$1" <<<"$2"; }

alice=$(enrol alice) || { echo "Bail out! enrol failed"; exit 1; }
before=$(devices alice)

# A login host's role has none of it.
for call in "SELECT awsmfa.self_list('alice')" \
    "SELECT awsmfa.self_create('alice', NULL, 'evil', 'sha1', 6, 30)" \
    "SELECT awsmfa.self_deactivate('alice', NULL, 'phone')" \
    "SELECT awsmfa.self_recovery('alice', NULL, '{x}')" \
    "SELECT awsmfa.self_abandon('alice', NULL, 'phone')" \
    "CALL awsmfa.self_prove($(u8 alice), $(u8 000000), 30000, NULL, NULL, NULL)" \
    "CALL awsmfa.self_pair('alice', 'resync', 'phone', NULL, $(u8 '1 2'), 30000, NULL, NULL)"; do
	out=$(sql host_a -c "$call" 2>&1)
	check "host role refused: ${call:0:40}" grep -q 'permission denied' <<<"$out"
done
is "and alice's devices are as they were" "$before" "$(devices alice)"

# Without a proof, a self role changes nothing, and it is recorded.
out=$(sql self_a -c "SELECT result, reason FROM awsmfa.self_create('alice', NULL, 'evil', 'sha1', 6, 30)")
is "create without a ticket is refused" "refused|not proven: nothing changed" "$out"
is "recorded with the self role" "self_a|refused|self-service create: not proven: nothing changed" "$(last_audit)"
out=$(sql self_a -c "SELECT result FROM awsmfa.self_create('alice', decode(repeat('ab', 32), 'hex'), 'evil', 'sha1', 6, 30)" 2>&1)
is "a forged ticket is refused" "refused" "$out"
out=$(sql self_a -c "SELECT result FROM awsmfa.self_deactivate('alice', NULL, 'phone')")
is "deactivate without a ticket is refused" "refused" "$out"
is "alice's devices unchanged" "$before" "$(devices alice)"

# A proof is counted before its answer exists.
f0=$(failures alice)
wrong=$(( ($(totp "$alice" 30) + 1) % 1000000 ))
wrong=$(printf '%06d' "$wrong")
out=$(sql self_a -c "BEGIN" -c "CALL awsmfa.self_prove($(u8 alice), $(u8 "$wrong"), 30000, NULL, NULL, NULL)" -c "ROLLBACK" 2>&1)
check "CALL inside a transaction block fails" grep -q 'invalid transaction termination' <<<"$out"
is "and counts nothing" "$f0" "$(failures alice)"
out=$(prove self_a alice "$wrong")
is "a wrong code is a miss" "bad|wrong code|" "$out"
is "counted" "$((f0 + 1))" "$(failures alice)"
is "and recorded" "self_a|bad|self-service proof: wrong code" "$(last_audit)"

code=$(totp "$alice" 30)
out=$(prove self_a alice "$code")
is "a fresh code proves" "ok|code accepted" "$(cut -d'|' -f1-2 <<<"$out")"
ticket=$(field 3 "$out")
check "with a ticket" grep -Eq '^\\x[0-9a-f]{64}$' <<<"$ticket"
is "the count is undone" 0 "$(failures alice)"
is "the code is spent for logins" "reused code already used 1" "$(login host_a alice "$code")"

out=$(sql self_b -c "SELECT result FROM awsmfa.self_create('alice', '$ticket'::bytea, 'phone2', 'sha1', 6, 30)")
is "another self role cannot use the ticket" refused "$out"
out=$(sql self_a -c "SELECT result FROM awsmfa.self_create('bob', '$ticket'::bytea, 'phone2', 'sha1', 6, 30)")
is "nor for another user" refused "$out"
out=$(sql self_a -c "SELECT result, encode(secret, 'hex'), ticket FROM awsmfa.self_create('alice', '$ticket'::bytea, 'phone2', 'sha1', 6, 30)")
is "the ticket creates a device" ok "$(field 1 "$out")"
secret2=$(field 2 "$out")
enrol_t=$(field 3 "$out")
check "its secret made in the database, returned once" grep -Eq '^[0-9a-f]{40}$' <<<"$secret2"
is "pending" "phone:true,phone2:false" "$(devices alice)"
out=$(sql self_a -c "SELECT result FROM awsmfa.self_create('alice', '$ticket'::bytea, 'phone3', 'sha1', 6, 30)")
is "the proof ticket is spent" refused "$out"

f0=$(failures alice)
out=$(pair self_a alice enable phone2 "$enrol_t" 111111 222222)
is "wrong codes do not enable" bad "$(field 1 "$out")"
is "and count" "$((f0 + 1))" "$(failures alice)"
is "still pending" "phone:true,phone2:false" "$(devices alice)"
out=$(pair self_a alice enable phone2 '\x00' "$(totp "$secret2" -30)" "$(totp "$secret2" 0)")
is "right codes without a ticket do not enable" "bad|not proven: nothing changed" "$out"
out=$(pair self_a alice enable phone2 "$enrol_t" "$(totp "$secret2" -30)" "$(totp "$secret2" 0)")
is "the enrol ticket and two codes enable" "ok|enable" "$out"
is "active" "phone:true,phone2:true" "$(devices alice)"
is "the count undone" 0 "$(failures alice)"
is "recorded" "self_a|ok|self-service enable: codes accepted" "$(last_audit)"
out=$(sql self_a -c "BEGIN" -c "CALL awsmfa.self_pair('alice', 'resync', 'phone', NULL, $(u8 '1 2'), 30000, NULL, NULL)" -c "ROLLBACK" 2>&1)
check "pairs too: CALL in a transaction block fails" grep -q 'invalid transaction termination' <<<"$out"

# Recovery codes and deactivate take a fresh code's ticket; a recovery
# code is a proof too.
rc=abcdefghijkm
rhash=$(python3 -c 'import base64, hashlib, sys
salt = b"0123456789abcdef"
key = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), salt, 1000)
b = lambda x: base64.b64encode(x).decode()
print("$pbkdf2-sha256$1000$%s$%s" % (b(salt), b(key)))' "$rc")
t2=$(field 3 "$(prove self_a alice "$(totp "$secret2" 30)")")
out=$(sql self_a -c "SELECT result FROM awsmfa.self_recovery('alice', '$t2'::bytea, ARRAY['$rhash'])")
is "new recovery hashes with a ticket" ok "$out"
is "stored" 1 "$(sql postgres -c "SELECT count(*) FROM awsmfa.recovery WHERE user_name = 'alice'")"
out=$(sql self_a -c "SELECT result FROM awsmfa.self_deactivate('alice', '$t2'::bytea, 'phone2')")
is "the ticket is spent" refused "$out"
out=$(prove self_a alice "$rc")
is "a recovery code proves" "recovery_ok|recovery code accepted" "$(cut -d'|' -f1-2 <<<"$out")"
out=$(sql self_a -c "SELECT result FROM awsmfa.self_deactivate('alice', '$(field 3 "$out")'::bytea, 'phone2')")
is "deactivate with a ticket" ok "$out"
is "gone" "phone:true" "$(devices alice)"

out=$(pair self_a alice resync phone '' "$(totp "$alice" 270)" "$(totp "$alice" 300)")
is "resync with two consecutive codes" "ok|resync" "$out"
f0=$(failures alice)
out=$(pair self_a alice resync phone '' 000000 000001)
is "resync with wrong ones" bad "$(field 1 "$out")"
is "counted" "$((f0 + 1))" "$(failures alice)"

# A first device: the invitation is the proof.
inv=$(mfa invite bob | sed -n 's/^    \(inv-.*\)$/\1/p')
out=$(sql self_a -c "SELECT result FROM awsmfa.self_create('bob', NULL, 'phone', 'sha1', 6, 30)")
is "an invited user without the invitation typed: refused" refused "$out"
out=$(prove self_a bob "inv-aaaa-aaaa-aaaa-aaaa-aaaa")
is "a wrong invitation is a miss" bad "$(field 1 "$out")"
out=$(prove self_a bob "$inv")
is "the invitation proves" "invite_ok|invitation accepted" "$(cut -d'|' -f1-2 <<<"$out")"
tb=$(field 3 "$out")
out=$(sql self_a -c "SELECT result, encode(secret, 'hex'), ticket FROM awsmfa.self_create('bob', '$tb'::bytea, 'phone', 'sha1', 6, 30)")
is "bob's first device" ok "$(field 1 "$out")"
sb=$(field 2 "$out")
out=$(pair self_a bob enable phone "$(field 3 "$out")" "$(totp "$sb" -30)" "$(totp "$sb" 0)")
is "enabled" "ok|enable" "$out"
is "the invitation is gone" 0 "$(sql postgres -c "SELECT count(*) FROM awsmfa.invitations WHERE user_name = 'bob'")"

# Nobody else's first device without an invitation, unless the fleet says so.
out=$(sql self_a -c "SELECT result FROM awsmfa.self_create('carol', NULL, 'phone', 'sha1', 6, 30)")
is "no invitation, no device" refused "$out"
is "and no record made" 0 "$(sql postgres -c "SELECT count(*) FROM awsmfa.users WHERE name = 'carol'")"
sql postgres -c "UPDATE awsmfa.settings SET self_enrol_without_invitation = true" >/dev/null
out=$(sql self_a -c "SELECT result FROM awsmfa.self_create('carol', NULL, 'phone', 'sha1', 6, 30)")
is "under self_enrol_without_invitation: allowed" ok "$out"
sql postgres -c "UPDATE awsmfa.settings SET self_enrol_without_invitation = false" >/dev/null

# check warns of a self-service role that is an admin too.
psql_as postgres -c 'CREATE ROLE self_admin LOGIN IN ROLE awsmfa_self, awsmfa_admin' || exit 1
out=$(mfa check 2>&1)
check "check warns of a self role that is also an admin" \
    grep -q "warning: database: login role self_admin is in awsmfa_self and awsmfa_admin" <<<"$out"
is "and of no other self role" 1 "$(grep -c 'in awsmfa_self and awsmfa_admin' <<<"$out")"

# self_service = false turns it all off.
sql postgres -c "UPDATE awsmfa.settings SET self_service = false" >/dev/null
f0=$(failures alice)
out=$(prove self_a alice "$(totp "$secret2" 90)")
is "no proofs when off" "refused|self-service is off|" "$out"
out=$(sql self_a -c "SELECT awsmfa.self_list('alice')" 2>&1)
check "no list when off" grep -q 'turned off' <<<"$out"
is "alice not counted" "$f0" "$(failures alice)"
done_testing
