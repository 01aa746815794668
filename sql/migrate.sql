-- SPDX-License-Identifier: BSD-2-Clause
-- The copy of a file store into the database (`mfa-enroll migrate`), for
-- awsmfa_admin.  mfa-enroll reads the store and calls these in one
-- transaction, then reads the copy back through list_devices and
-- list_tokens before it commits: all or nothing.  put_device and put_token
-- only add to users that put_user made in that same transaction, so a
-- migration can never change a user the database already holds.  Part of
-- awsmfa.sql (db-init), run as awsmfa_owner.

-- Whether the user's row was inserted by the current transaction (its
-- xmin; mfa-enroll takes no savepoint, so it is the top transaction's).
CREATE OR REPLACE FUNCTION awsmfa.made_here(p_user text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM users WHERE name = p_user AND
    xmin = pg_current_xact_id()::xid) $$;

CREATE OR REPLACE FUNCTION awsmfa.check_made_here(p_user text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF NOT made_here(p_user) THEN
		RAISE EXCEPTION 'user % was not copied in this transaction', p_user;
	END IF;
END $$;

-- A secret as the file store allows it (1 to 64 bytes), sealed, and
-- proven to open again under the key before anything is kept.
CREATE OR REPLACE FUNCTION awsmfa.seal_checked(p_what text, p_secret bytea)
RETURNS bytea
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	s	bytea;
BEGIN
	IF p_secret IS NULL OR octet_length(p_secret) NOT BETWEEN 1 AND 64 THEN
		RAISE EXCEPTION '%: secret must be 1 to 64 bytes', p_what;
	END IF;
	s := seal(p_secret);
	IF unseal(s) IS DISTINCT FROM p_secret THEN
		RAISE EXCEPTION '%: the sealed secret does not open again', p_what;
	END IF;
	RETURN s;
END $$;

-- A user of the file store with their failure count, lock and recovery
-- hashes; refused when the database already holds the name.
CREATE OR REPLACE FUNCTION awsmfa.put_user(p_user text, p_failures integer,
    p_locked_until bigint, p_recovery text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	PERFORM check_user(p_user);
	IF p_failures IS NULL OR p_failures < 0 OR p_locked_until IS NULL OR
	    p_locked_until < 0 THEN
		RAISE EXCEPTION 'user %: bad failure count or lock', p_user;
	END IF;
	INSERT INTO users (name, failures, locked_until)
	    VALUES (p_user, p_failures, p_locked_until) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'user % is already in the database', p_user;
	END IF;
	IF EXISTS (SELECT 1 FROM unnest(p_recovery) h
	    WHERE h IS NULL OR h !~ '^\$pbkdf2-sha256\$') THEN
		RAISE EXCEPTION 'user %: a recovery hash is not of lib/recovery.c',
		    p_user;
	END IF;
	INSERT INTO recovery (user_name, hash)
	    SELECT p_user, h FROM unnest(p_recovery) h;
END $$;

-- The invitation of a user copied by put_user, as the file store kept it.
CREATE OR REPLACE FUNCTION awsmfa.put_invitation(p_user text, p_hash text,
    p_expires bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF p_hash IS NULL OR left(p_hash, 15) <> '$pbkdf2-sha256$' OR
	    p_expires IS NULL OR p_expires <= 0 THEN
		RAISE EXCEPTION 'user %: an invitation is not of lib/invite.c',
		    p_user;
	END IF;
	INSERT INTO invitations (user_name, hash, expires)
	    VALUES (p_user, p_hash, p_expires);
END $$;

-- Before issue 21 a device and a token were TOTP only.
DROP FUNCTION IF EXISTS awsmfa.put_device(text, text, text, text, integer,
    integer, bytea, boolean, bigint, bigint, bigint, bigint, bigint);
DROP FUNCTION IF EXISTS awsmfa.put_token(text, text, integer, integer,
    bytea, text);
DROP FUNCTION IF EXISTS awsmfa.list_tokens();

-- One device of a user copied by put_user, with its whole state: a
-- pending device has no last step, a hardware token's device is named
-- by its serial, a counter (HOTP) device has a counter and no period.
CREATE OR REPLACE FUNCTION awsmfa.put_device(p_user text, p_name text,
    p_serial text, p_alg text, p_digits integer, p_period integer,
    p_secret bytea, p_active boolean, p_created bigint, p_enabled bigint,
    p_last_used bigint, p_last_step bigint, p_drift bigint, p_kind text,
    p_counter bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	PERFORM check_name(p_name);
	IF p_serial IS NOT NULL THEN
		PERFORM check_name(p_serial);
	END IF;
	PERFORM check_made_here(p_user);
	IF EXISTS (SELECT 1 FROM devices WHERE user_name = p_user AND
	    name = p_name) THEN
		RAISE EXCEPTION 'user % has two MFA devices called %',
		    p_user, p_name;
	END IF;
	INSERT INTO devices (user_name, name, serial, alg, digits, period,
	    secret, active, created, enabled, last_used, last_step, drift,
	    kind, counter)
	    VALUES (p_user, p_name, p_serial, p_alg, p_digits, p_period,
	    seal_checked('MFA device ' || p_name || ' of user ' || p_user,
	    p_secret), p_active, p_created, p_enabled, p_last_used,
	    p_last_step, p_drift, p_kind, p_counter);
END $$;

-- A hardware token of the inventory; p_user names its holder, a user
-- copied by put_user whose devices hold it, or is NULL.
CREATE OR REPLACE FUNCTION awsmfa.put_token(p_serial text, p_alg text,
    p_digits integer, p_period integer, p_secret bytea, p_user text,
    p_kind text, p_counter bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	PERFORM check_name(p_serial);
	IF EXISTS (SELECT 1 FROM inventory WHERE serial = p_serial) THEN
		RAISE EXCEPTION 'token % is already in the inventory', p_serial;
	END IF;
	IF p_user IS NOT NULL THEN
		PERFORM check_made_here(p_user);
		IF NOT EXISTS (SELECT 1 FROM devices WHERE user_name = p_user
		    AND serial = p_serial) THEN
			RAISE EXCEPTION 'token % is assigned to user % who does not hold it',
			    p_serial, p_user;
		END IF;
	END IF;
	INSERT INTO inventory (serial, alg, digits, period, secret, user_name,
	    kind, counter)
	    VALUES (p_serial, p_alg, p_digits, p_period,
	    seal_checked('token ' || p_serial, p_secret), p_user, p_kind,
	    p_counter);
END $$;

-- The inventory without its seeds: every token and who holds it.
CREATE OR REPLACE FUNCTION awsmfa.list_tokens()
RETURNS TABLE (serial text, alg text, digits integer, period integer,
    user_name text, kind text, counter bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
	SELECT i.serial, i.alg, i.digits, i.period, i.user_name, i.kind,
	    i.counter
	FROM inventory i ORDER BY i.serial
$$;
