#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A login server reaching the database over TLS as the README says:
# sslmode=verify-full against the fleet's CA, and a client certificate
# per server that pg_hba maps to its role (cert authentication).  A
# server without its certificate, with one from another CA, or reaching
# the database under a name its certificate does not carry, is refused
# with PAM_AUTHINFO_UNAVAIL.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
C=$SANDBOX/certs
mkdir -p "$C"
# cert NAME CN CA [SAN]: a key and a certificate signed by CA.
ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
	    -keyout "$C/$1.key" -out "$C/$1.crt" 2>/dev/null
}
cert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" \
	    -keyout "$C/$1.key" -out "$C/$1.csr" 2>/dev/null &&
	    openssl x509 -req -in "$C/$1.csr" -CA "$C/$3.crt" \
		-CAkey "$C/$3.key" -CAcreateserial -days 2 \
		${4:+-extfile <(printf 'subjectAltName=%s\n' "$4")} \
		-out "$C/$1.crt" 2>/dev/null
}
ca fleet-ca
ca other-ca
cert server db.example fleet-ca "DNS:db.example,IP:127.0.0.1"
cert host_a host_a fleet-ca
cert rogue host_a other-ca
chmod 0600 "$C"/*.key
cp "$C/server.crt" "$C/server.key" "$C/fleet-ca.crt" "$PG_DIR/data/"
chown postgres: "$PG_DIR/data/server.key" "$PG_DIR/data/server.crt" \
    "$PG_DIR/data/fleet-ca.crt"
cat >>"$PG_DIR/data/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_ca_file = 'fleet-ca.crt'
CONF
# Only certificate logins over TCP for the host role.
{
	echo "hostssl awsmfa host_a 127.0.0.1/32 cert"
	echo "host all host_a 127.0.0.1/32 reject"
	cat "$PG_DIR/data/pg_hba.conf"
} >"$PG_DIR/data/pg_hba.new"
mv "$PG_DIR/data/pg_hba.new" "$PG_DIR/data/pg_hba.conf"
chown postgres: "$PG_DIR/data/pg_hba.conf"
pg_ctl_as "$PG_DIR" -w -m fast restart \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" \
    -l "$PG_DIR/log" >/dev/null
sql postgres -c "UPDATE awsmfa.settings SET win = 3" >/dev/null
s=$(enrol alice)

mkdir -p "$SANDBOX/pam.d"
# host NAME CONNINFO-TLS-PART: a PAM service whose config reaches the
# database over TCP with these TLS settings.
host() {
	cat >"$SANDBOX/$1.conf" <<CONF
store = "postgresql";
db_conninfo = "hostaddr=127.0.0.1 port=$PG_PORT dbname=awsmfa user=host_a $2";
db_timeout = 3;
CONF
	chmod 0644 "$SANDBOX/$1.conf"
	echo "auth required $MODULE conf=$SANDBOX/$1.conf" >"$SANDBOX/pam.d/$1"
}
auth() {
	pam_run "" -- "$DRIVER" -s "$1" -u alice "$2" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
totp() { oathtool --totp -N "@$(($(date +%s) + $1))" "$s"; }
good="sslmode=verify-full sslrootcert=$C/fleet-ca.crt"
host ok "host=db.example $good sslcert=$C/host_a.crt sslkey=$C/host_a.key"
host nocert "host=db.example $good"
host rogue "host=db.example $good sslcert=$C/rogue.crt sslkey=$C/rogue.key"
host wrongname "host=other.example $good sslcert=$C/host_a.crt sslkey=$C/host_a.key"
host plain "host=db.example sslmode=disable"

is "verify-full with the server's certificate: logged in" PAM_SUCCESS \
    "$(auth ok "$(totp 30)")"
is "no client certificate: refused" PAM_AUTHINFO_UNAVAIL \
    "$(auth nocert "$(totp 60)")"
is "a certificate from another CA: refused" PAM_AUTHINFO_UNAVAIL \
    "$(auth rogue "$(totp 60)")"
is "a name the server's certificate does not carry: refused" \
    PAM_AUTHINFO_UNAVAIL "$(auth wrongname "$(totp 60)")"
is "without TLS: refused by pg_hba" PAM_AUTHINFO_UNAVAIL \
    "$(auth plain "$(totp 60)")"
is "the code the refused logins carried was never used" PAM_SUCCESS \
    "$(auth ok "$(totp 60)")"
done_testing
