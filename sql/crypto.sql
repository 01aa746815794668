-- SPDX-License-Identifier: BSD-2-Clause
-- The key, sealing of secrets, HOTP and PBKDF2 in SQL.  Part of awsmfa.sql
-- (db-init), run as awsmfa_owner.

-- The key: 32 random bytes in hex in a file that only the server's owner
-- reads (e.g. /etc/postgresql/awsmfa.key, mode 0600, owner postgres).
-- key() and unseal() are plain SQL with every name qualified and no SET
-- clause, so that the planner inlines them into the login's query, which
-- the pooled server process then plans once: a SQL function called, not
-- inlined, is parsed and planned again on every execution.  VOLATILE as
-- pg_read_file is (a STABLE function calling it would not be inlined).
-- Neither is SECURITY DEFINER, and only awsmfa_owner may execute them.
SELECT format($f$
CREATE OR REPLACE FUNCTION awsmfa.key() RETURNS bytea
LANGUAGE sql VOLATILE
AS $b$ SELECT pg_catalog.decode(pg_catalog.btrim(pg_catalog.pg_read_file(%L), E' \n'), 'hex') $b$
$f$, :'key_file') \gexec
CREATE OR REPLACE FUNCTION awsmfa.seal(plain bytea) RETURNS bytea
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT pgp_sym_encrypt_bytea(plain, encode(key(), 'hex'),
    'cipher-algo=aes256, s2k-mode=1') $$;

CREATE OR REPLACE FUNCTION awsmfa.unseal(sealed bytea) RETURNS bytea
LANGUAGE sql VOLATILE
AS $$ SELECT awsmfa.pgp_sym_decrypt_bytea(sealed,
    pg_catalog.encode(awsmfa.key(), 'hex')) $$;

-- RFC 4226 HOTP of one counter value, as a string of `digits` digits.
CREATE OR REPLACE FUNCTION awsmfa.hotp(k bytea, alg text, digits integer,
    counter bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	h	bytea := hmac(int8send(counter), k, alg);
	o	integer := get_byte(h, length(h) - 1) & 15;
	bin	bigint;
BEGIN
	bin := ((get_byte(h, o) & 127)::bigint << 24) |
	    (get_byte(h, o + 1)::bigint << 16) |
	    (get_byte(h, o + 2)::bigint << 8) | get_byte(h, o + 3)::bigint;
	RETURN lpad((bin % (10::bigint ^ digits)::bigint)::text, digits, '0');
END $$;

-- Equal strings without an early exit: compares their digests.
CREATE OR REPLACE FUNCTION awsmfa.same(a text, b text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT digest(a, 'sha256') = digest(b, 'sha256') $$;

-- PBKDF2-HMAC-SHA256 (RFC 8018), for recovery codes hashed by
-- lib/recovery.c: about 0.3 s for 50,000 rounds, run on one candidate.
CREATE OR REPLACE FUNCTION awsmfa.pbkdf2_sha256(pw bytea, salt bytea,
    iter integer) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	u	bytea := hmac(salt || '\x00000001'::bytea, pw, 'sha256');
	t	bit(256) := ('x' || encode(u, 'hex'))::bit(256);
	i	integer;
BEGIN
	FOR i IN 2 .. iter LOOP
		u := hmac(u, pw, 'sha256');
		t := t # ('x' || encode(u, 'hex'))::bit(256);
	END LOOP;
	RETURN (SELECT decode(string_agg(lpad(to_hex(
	    substring(t FROM 8 * j + 1 FOR 8)::integer), 2, '0'), ''
	    ORDER BY j), 'hex') FROM generate_series(0, 31) j);
END $$;
