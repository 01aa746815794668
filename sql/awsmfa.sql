-- pam_awsmfa's fleet store, schema version 1.  Run by `mfa-enroll db-init`
-- (psql variables: key_file, the path on the database server of the key
-- that encrypts secrets at rest).
--
-- Secrets never leave the database: codes are checked by SECURITY DEFINER
-- functions under one row lock per user.  Login hosts belong to
-- awsmfa_host and may only call awsmfa.login and awsmfa.peek; admins
-- belong to awsmfa_admin and call the lifecycle functions.  Neither can
-- read a table.  The tables and functions belong to awsmfa_owner, a
-- NOLOGIN role that alone may read the key file.

\set ON_ERROR_STOP on

BEGIN;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'awsmfa_owner') THEN
		CREATE ROLE awsmfa_owner NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'awsmfa_host') THEN
		CREATE ROLE awsmfa_host NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'awsmfa_admin') THEN
		CREATE ROLE awsmfa_admin NOLOGIN;
	END IF;
END $$;

-- Parameters of calls are codes: keep them out of the server's log.
ALTER ROLE awsmfa_host SET log_parameter_max_length = 0;
ALTER ROLE awsmfa_host SET log_parameter_max_length_on_error = 0;
ALTER ROLE awsmfa_admin SET log_parameter_max_length = 0;
ALTER ROLE awsmfa_admin SET log_parameter_max_length_on_error = 0;

-- The key is read from a file outside the data directory, which neither a
-- pg_dump nor a copy of the data directory holds.
GRANT pg_read_server_files TO awsmfa_owner;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO awsmfa_owner;

CREATE SCHEMA IF NOT EXISTS awsmfa AUTHORIZATION awsmfa_owner;
REVOKE ALL ON SCHEMA awsmfa FROM PUBLIC;
GRANT USAGE ON SCHEMA awsmfa TO awsmfa_host, awsmfa_admin;

-- pgcrypto in our own schema, so that the pinned search_path of the
-- functions names nothing another role can create objects in.
DO $$
DECLARE
	s name;
BEGIN
	SELECT n.nspname INTO s FROM pg_extension e
	    JOIN pg_namespace n ON n.oid = e.extnamespace
	    WHERE e.extname = 'pgcrypto';
	IF s IS NULL THEN
		CREATE EXTENSION pgcrypto SCHEMA awsmfa;
	ELSIF s <> 'awsmfa' THEN
		RAISE EXCEPTION 'pgcrypto is installed in schema %; awsmfa needs a database of its own', s;
	END IF;
END $$;

SET LOCAL ROLE awsmfa_owner;

CREATE TABLE IF NOT EXISTS awsmfa.meta (
	k	text PRIMARY KEY,
	v	text NOT NULL
);

-- Fleet-wide policy: every host gets the same window and lockout.
CREATE TABLE IF NOT EXISTS awsmfa.settings (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	win		integer NOT NULL DEFAULT 1 CHECK (win BETWEEN 0 AND 10),
	resync_window	integer NOT NULL DEFAULT 20 CHECK (resync_window BETWEEN 1 AND 2880),
	max_failures	integer NOT NULL DEFAULT 5 CHECK (max_failures BETWEEN 1 AND 1000),
	lockout_seconds	bigint NOT NULL DEFAULT 300 CHECK (lockout_seconds >= 0)
);
INSERT INTO awsmfa.settings DEFAULT VALUES ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS awsmfa.users (
	name		text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 256),
	failures	integer NOT NULL DEFAULT 0,
	locked_until	bigint NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS awsmfa.devices (
	user_name	text NOT NULL REFERENCES awsmfa.users ON DELETE CASCADE,
	name		text NOT NULL CHECK (name ~ '^[A-Za-z0-9._@+:-]{1,64}$'),
	serial		text,
	alg		text NOT NULL CHECK (alg IN ('sha1', 'sha256', 'sha512')),
	digits		integer NOT NULL CHECK (digits BETWEEN 6 AND 8),
	period		integer NOT NULL CHECK (period BETWEEN 1 AND 3600),
	secret		bytea NOT NULL,		-- encrypted under the key
	active		boolean NOT NULL DEFAULT false,
	created		bigint NOT NULL,
	enabled		bigint NOT NULL DEFAULT 0,
	last_used	bigint NOT NULL DEFAULT 0,
	last_step	bigint,
	drift		bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (user_name, name)
);

-- One line per attempt, in the transaction that decides it; never a code.
CREATE TABLE IF NOT EXISTS awsmfa.attempts (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	host_role	name NOT NULL DEFAULT session_user,
	user_name	text NOT NULL,
	device		text,
	result		text NOT NULL,
	reason		text NOT NULL
);

REVOKE ALL ON ALL TABLES IN SCHEMA awsmfa FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA awsmfa FROM PUBLIC;

INSERT INTO awsmfa.meta VALUES ('schema_version', '1')
    ON CONFLICT (k) DO UPDATE SET v = excluded.v;

RESET ROLE;

-- The key: 32 random bytes in hex in a file that only the server's owner
-- reads (e.g. /etc/postgresql/awsmfa.key, mode 0600, owner postgres).
SELECT format($f$
CREATE OR REPLACE FUNCTION awsmfa.key() RETURNS bytea
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $b$ SELECT decode(btrim(pg_read_file(%L), E' \n'), 'hex') $b$
$f$, :'key_file') \gexec
ALTER FUNCTION awsmfa.key() OWNER TO awsmfa_owner;

SET LOCAL ROLE awsmfa_owner;

CREATE OR REPLACE FUNCTION awsmfa.seal(plain bytea) RETURNS bytea
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT pgp_sym_encrypt_bytea(plain, encode(key(), 'hex'),
    'cipher-algo=aes256, s2k-mode=1') $$;

CREATE OR REPLACE FUNCTION awsmfa.unseal(sealed bytea) RETURNS bytea
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT pgp_sym_decrypt_bytea(sealed, encode(key(), 'hex')) $$;

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

-- Now on the fleet's one clock, the database's, in whole seconds.
CREATE OR REPLACE FUNCTION awsmfa.now_s() RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT floor(extract(epoch FROM statement_timestamp()))::bigint $$;

CREATE OR REPLACE FUNCTION awsmfa.audit(p_user text, p_device text,
    p_result text, p_reason text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ INSERT INTO attempts (user_name, device, result, reason)
    VALUES (left(p_user, 256), p_device, p_result, p_reason) $$;

-- One device against one code: 'new' with the step, 'old' when the code
-- matches only steps at or before the last accepted one, else 'none'.
-- Steps are tried oldest first, center + drift +- win, as lib/verify.c.
CREATE OR REPLACE FUNCTION awsmfa.match(d awsmfa.devices, p_code text,
    p_now bigint, p_win integer, OUT m text, OUT step bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	k	bytea := unseal(d.secret);
	center	bigint := p_now / d.period + d.drift;
	s	bigint;
BEGIN
	m := 'none';
	FOR s IN greatest(0, center - p_win) .. center + p_win LOOP
		IF NOT same(hotp(k, d.alg, d.digits, s), p_code) THEN
			CONTINUE;
		END IF;
		IF d.last_step IS NOT NULL AND s <= d.last_step THEN
			m := 'old';
			CONTINUE;
		END IF;
		m := 'new';
		step := s;
		RETURN;
	END LOOP;
END $$;

-- A refusal counts towards the lock only when lockout is on.
CREATE OR REPLACE FUNCTION awsmfa.count_failure(u awsmfa.users,
    st awsmfa.settings, p_now bigint) RETURNS awsmfa.users
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF st.lockout_seconds = 0 THEN
		RETURN u;
	END IF;
	u.failures := least(u.failures + 1, 2147483647);
	IF u.failures >= st.max_failures THEN
		u.locked_until := p_now + st.lockout_seconds;
	END IF;
	RETURN u;
END $$;

-- One login attempt: THE decision of the fleet store, under the user's
-- row lock, saved and audited in the same transaction.  result is one of
-- ok, bad, reused, malformed, locked, nodevice.
CREATE OR REPLACE FUNCTION awsmfa.login(p_user text, p_code text,
    OUT result text, OUT device text, OUT reason text,
    OUT failures integer, OUT locked_until bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	st	settings;
	u	users;
	d	devices;
	mt	record;
	t	bigint := now_s();
BEGIN
	SELECT * INTO st FROM settings;
	SELECT * INTO u FROM users WHERE name = p_user FOR UPDATE;
	IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM devices
	    WHERE user_name = p_user AND active) THEN
		result := 'nodevice';
		reason := 'no active device';
		PERFORM audit(p_user, NULL, result, reason);
		RETURN;
	END IF;
	IF u.locked_until > t THEN
		result := 'locked';
		reason := 'locked out';
		failures := u.failures;
		locked_until := u.locked_until;
		PERFORM audit(p_user, NULL, result, reason);
		RETURN;
	END IF;
	IF u.locked_until <> 0 THEN
		u.locked_until := 0;
		u.failures := 0;
	END IF;
	result := 'malformed';
	FOR d IN SELECT * FROM devices WHERE user_name = p_user AND active
	    ORDER BY name LOOP
		IF p_code IS NULL OR p_code !~ ('^[0-9]{' || d.digits || '}$') THEN
			CONTINUE;
		END IF;
		IF result = 'malformed' THEN
			result := 'bad';
		END IF;
		mt := match(d, p_code, t, st.win);
		IF mt.m = 'old' THEN
			result := 'reused';
		ELSIF mt.m = 'new' THEN
			UPDATE devices SET last_step = mt.step, last_used = t
			    WHERE user_name = d.user_name AND name = d.name;
			result := 'ok';
			device := d.name;
			EXIT;
		END IF;
	END LOOP;
	IF result = 'ok' THEN
		u.failures := 0;
		u.locked_until := 0;
		reason := 'code accepted';
	ELSE
		u := count_failure(u, st, t);
		reason := CASE result WHEN 'bad' THEN 'wrong code'
		    WHEN 'reused' THEN 'code already used' ELSE 'not a code' END;
	END IF;
	UPDATE users SET failures = u.failures, locked_until = u.locked_until
	    WHERE name = p_user;
	failures := u.failures;
	locked_until := u.locked_until;
	PERFORM audit(p_user, device, result, reason);
END $$;

-- Before the prompt: the code lengths of the user's active devices.
CREATE OR REPLACE FUNCTION awsmfa.peek(p_user text) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT coalesce(array_agg(DISTINCT digits ORDER BY digits), '{}')
    FROM devices WHERE user_name = p_user AND active $$;

-- A new pending virtual device; its secret (base32 by the caller) is
-- returned this once and never again.
CREATE OR REPLACE FUNCTION awsmfa.create_device(p_user text, p_name text,
    p_alg text, p_digits integer, p_period integer) RETURNS bytea
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	k	bytea := gen_random_bytes(CASE p_alg WHEN 'sha256' THEN 32
		    WHEN 'sha512' THEN 64 ELSE 20 END);
BEGIN
	INSERT INTO users (name) VALUES (p_user) ON CONFLICT DO NOTHING;
	PERFORM 1 FROM users WHERE name = p_user FOR UPDATE;
	DELETE FROM devices WHERE user_name = p_user AND name = p_name
	    AND NOT active;
	INSERT INTO devices (user_name, name, alg, digits, period, secret,
	    created) VALUES (p_user, p_name, p_alg, p_digits, p_period,
	    seal(k), now_s());
	RETURN k;
END $$;

-- Activates a pending device with two consecutive codes within the
-- resync window of now.  Returns the drift stored, or raises.
CREATE OR REPLACE FUNCTION awsmfa.enable_device(p_user text, p_name text,
    p_code1 text, p_code2 text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	st	settings;
	d	devices;
	k	bytea;
	t	bigint := now_s();
	center	bigint;
	i	integer;
	s	bigint;
BEGIN
	SELECT * INTO st FROM settings;
	PERFORM 1 FROM users WHERE name = p_user FOR UPDATE;
	SELECT * INTO d FROM devices WHERE user_name = p_user AND name = p_name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'MFA device % of % does not exist', p_name, p_user;
	END IF;
	IF d.active THEN
		RAISE EXCEPTION 'MFA device % of % is already enabled', p_name, p_user;
	END IF;
	k := unseal(d.secret);
	center := t / d.period;
	-- Nearest to now first, so that the closest pair wins.
	FOR i IN 0 .. 2 * st.resync_window LOOP
		s := center + CASE WHEN i % 2 = 1 THEN -((i + 1) / 2) ELSE i / 2 END;
		CONTINUE WHEN s < 0;
		IF same(hotp(k, d.alg, d.digits, s), p_code1) AND
		    same(hotp(k, d.alg, d.digits, s + 1), p_code2) THEN
			UPDATE devices SET active = true, enabled = t,
			    last_step = s + 1, drift = 0
			    WHERE user_name = p_user AND name = p_name;
			RETURN s + 1 - center;
		END IF;
	END LOOP;
	RAISE EXCEPTION 'the codes are not two consecutive codes of device %', p_name;
END $$;

RESET ROLE;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA awsmfa FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA awsmfa TO awsmfa_owner;
GRANT EXECUTE ON FUNCTION awsmfa.login(text, text), awsmfa.peek(text)
    TO awsmfa_host;
GRANT EXECUTE ON FUNCTION awsmfa.create_device(text, text, text, integer,
    integer), awsmfa.enable_device(text, text, text, text) TO awsmfa_admin;

COMMIT;
