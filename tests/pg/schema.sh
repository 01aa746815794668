#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The fleet schema (sql/awsmfa.sql) on a server of the test's own: HOTP
# in SQL against oathtool, one-time use and lockout decided inside the
# database, roles that can read no table, secrets sealed at rest.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
command -v psql >/dev/null || skip_all "psql missing"

pg_start db || skip_all "could not start a PostgreSQL server"
check "db-init's SQL runs" db_init
key=$SANDBOX/db.key
check "and runs again (upgrade in place)" psql_as postgres \
    -v key_file="$key" -f "$AWSMFA_SRCDIR/sql/awsmfa.sql"

# HOTP in SQL gives oathtool's codes (RFC 4226 dynamic truncation), all
# cases in one query.
: >"$SANDBOX/want"
vals= n=0
for i in $(seq 40); do
	k=$(openssl rand -hex $((16 + i % 48)))
	c=$(( (RANDOM << 15 | RANDOM) * (i % 64 + 1) ))
	for alg in sha1 sha256 sha512; do
		d=$((6 + i % 3))
		# TOTP at c * 30 s is HOTP of counter c; oathtool's --hotp
		# knows only SHA-1.
		oathtool --totp=$alg --digits=$d -N "@$((c * 30))" "$k" \
		    >>"$SANDBOX/want"
		n=$((n + 1))
		vals="$vals${vals:+,}($n,'$k','$alg',$d,$c)"
	done
done
psql_as postgres -At -c "SELECT awsmfa.hotp(decode(k, 'hex'), a, d, c)
    FROM (VALUES $vals) v(n, k, a, d, c) ORDER BY n" >"$SANDBOX/got"
bad=$(diff "$SANDBOX/want" "$SANDBOX/got" | grep -c '^<')
is "awsmfa.hotp agrees with oathtool on 120 cases" 0 "$bad"

secret=$(sql admin1 -c "SELECT encode(awsmfa.create_device('alice', 'phone', 'sha1', 6, 30), 'hex')")
check "create returns a 20-byte secret" test ${#secret} -eq 40
now=$(date +%s)
c1=$(oathtool --totp -N "@$((now - 30))" "$secret")
c2=$(oathtool --totp -N "@$now" "$secret")
is "enable with two consecutive codes" 0 \
    "$(sql admin1 -c "SELECT awsmfa.enable_device('alice', 'phone', '$c1', '$c2')")"

now=$(date +%s)
c=$(oathtool --totp -N "@$((now + 30))" "$secret")
is "a fresh code on host A" "ok code accepted 0" "$(login host_a alice "$c")"
is "the same code on host B" "reused code already used 1" \
    "$(login host_b alice "$c")"
is "a wrong code" "bad wrong code 2" "$(login host_b alice 000000)"
is "not a code" "malformed not a code 3" "$(login host_a alice 12ab56)"
is "a user without a record: the file store's words" "nodevice no record" \
    "$(login host_a bob 123456 | cut -d' ' -f1-3)"
login host_a alice 111111 >/dev/null
is "the fifth failure" "bad wrong code 5" "$(login host_a alice 222222)"
c=$(oathtool --totp -N "@$(date +%s)" "$secret")
is "locks: even a right code is refused" "locked locked out 5" \
    "$(login host_b alice "$c")"
is "every attempt is recorded, never a code" "8 0" \
    "$(sql postgres -F' ' -c "SELECT count(*), count(*) FILTER (WHERE reason ~ '[0-9]{6}') FROM awsmfa.attempts")"
secret_alice=$secret
is "attempts name the host's role" "host_a host_b" \
    "$(sql postgres -c "SELECT DISTINCT host_role FROM awsmfa.attempts ORDER BY 1" | paste -sd' ')"

# Recovery codes hashed by lib/recovery.c (tagged, and from before tags)
# are checked in the database and burnt once.
MKRECORD="$AWSMFA_BUILDDIR/tests/pam/mkrecord"
read -r rc1 h1 <<<"$("$MKRECORD" recovery)"
read -r rc2 h2 <<<"$("$MKRECORD" recovery untagged)"
sql postgres -c "UPDATE awsmfa.users SET locked_until = 0, failures = 0" >/dev/null
is "two recovery hashes stored" 2 \
    "$(sql admin1 -c "SELECT awsmfa.set_recovery('alice', ARRAY['$h1', '$h2'])")"
is "a wrong recovery-shaped answer" "bad wrong recovery code 1" \
    "$(login host_a alice aaaa-bbbb-cccc)"
is "a recovery code is accepted" "recovery_ok recovery code accepted 0" \
    "$(login host_b alice "$rc1")"
is "once" "bad wrong recovery code 1" "$(login host_a alice "$rc1")"
upper=$(tr -d - <<<"$rc2" | tr a-z A-Z)
is "an untagged hash, the code in capitals without dashes" \
    "recovery_ok recovery code accepted 0" "$(login host_a alice "$upper")"
is "none left" 0 \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.recovery WHERE user_name = 'alice'")"
before=$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts")
is "a miss always counts: no uncounted try for a login server" \
    "bad wrong code 1" "$(login host_a alice 123456)"
is "and is recorded" "$((before + 1))" \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts")"
check "the three-argument try of before is gone" bash -c "! psql -X -q \
    -h '$PG_DIR' -p $PG_PORT -U host_a -d awsmfa \
    -c \"SELECT awsmfa.login('alice', '123456', true)\" 2>/dev/null"

# 32 logins at once over two hosts with one code: exactly one wins.
secret=$(sql admin1 -c "SELECT encode(awsmfa.create_device('carol', 'phone', 'sha1', 6, 30), 'hex')")
now=$(date +%s)
sql admin1 -c "SELECT awsmfa.enable_device('carol', 'phone', '$(oathtool --totp -N "@$((now - 30))" "$secret")', '$(oathtool --totp -N "@$now" "$secret")')" >/dev/null
sql postgres -c "UPDATE awsmfa.settings SET max_failures = 100" >/dev/null
c=$(oathtool --totp -N "@$((now + 30))" "$secret")
for i in $(seq 32); do
	login "host_$([ $((i % 2)) = 0 ] && echo a || echo b)" carol "$c" \
	    >"$SANDBOX/race.$i" &
done
wait
is "32 racing logins with one code: one accepted" 1 \
    "$(cat "$SANDBOX"/race.* | grep -c '^ok ')"
is "and 31 refused as already used" 31 \
    "$(cat "$SANDBOX"/race.* | grep -c '^reused ')"

for t in users devices attempts settings meta pending; do
	check "host role reads no table ($t)" \
	    bash -c "! psql -X -q -h '$PG_DIR' -p $PG_PORT -U host_a -d awsmfa -c 'SELECT * FROM awsmfa.$t' 2>/dev/null"
	check "admin role reads no table ($t)" \
	    bash -c "! psql -X -q -h '$PG_DIR' -p $PG_PORT -U admin1 -d awsmfa -c 'SELECT * FROM awsmfa.$t' 2>/dev/null"
done
check "host role cannot read the key" \
    bash -c "! psql -X -q -h '$PG_DIR' -p $PG_PORT -U host_a -d awsmfa -c 'SELECT awsmfa.key()' 2>/dev/null"
check "host role cannot create devices" \
    bash -c "! psql -X -q -h '$PG_DIR' -p $PG_PORT -U host_a -d awsmfa -c \"SELECT awsmfa.create_device('eve','x','sha1',6,30)\" 2>/dev/null"
check "admin role cannot unseal" \
    bash -c "! psql -X -q -h '$PG_DIR' -p $PG_PORT -U admin1 -d awsmfa -c \"SELECT awsmfa.unseal('x')\" 2>/dev/null"

runuser -u postgres -- "$PGBIN/pg_dump" -h "$PG_DIR" -p "$PG_PORT" -U postgres awsmfa \
    >"$SANDBOX/dump.sql"
check "pg_dump ran" test -s "$SANDBOX/dump.sql"
check "a pg_dump holds no secret" bash -c "! grep -qiE '$secret_alice|$secret' '$SANDBOX/dump.sql'"
check "a pg_dump holds no key" bash -c "! grep -qi '$(cat "$key")' '$SANDBOX/dump.sql'"
check "the data directory holds no key" \
    bash -c "! grep -rqi '$(cat "$key")' '$PG_DIR/data'"

done_testing
