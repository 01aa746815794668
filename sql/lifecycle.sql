-- SPDX-License-Identifier: BSD-2-Clause
-- The device lifecycle for awsmfa_admin, with the file store's rules and
-- messages (lib/device.c): create, enable, resync, deactivate, list,
-- import-tokens, recovery codes, and the copy of a file store (migrate).
-- Each function is one transaction: a hardware token moves between the
-- inventory and a user in one commit.  Part of awsmfa.sql (db-init), run
-- as awsmfa_owner.

-- lib/record.c record_username_ok: 1..256 bytes, no '/', no control
-- character, not starting with '.'.
CREATE OR REPLACE FUNCTION awsmfa.check_user(p_user text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF p_user IS NULL OR octet_length(p_user) NOT BETWEEN 1 AND 256 OR
	    p_user ~ '[/[:cntrl:]]' OR left(p_user, 1) = '.' THEN
		RAISE EXCEPTION 'invalid user name';
	END IF;
END $$;

CREATE OR REPLACE FUNCTION awsmfa.check_name(p_name text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF p_name IS NULL OR p_name !~ '^[A-Za-z0-9._@+:-]{1,64}$' THEN
		RAISE EXCEPTION 'invalid device name or serial';
	END IF;
END $$;

-- The user's row, made when missing, and locked: every change to a user
-- and their devices holds it, as the file store holds the user's lock.
CREATE OR REPLACE FUNCTION awsmfa.lock_user(p_user text) RETURNS awsmfa.users
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	u	users;
BEGIN
	PERFORM check_user(p_user);
	INSERT INTO users (name) VALUES (p_user) ON CONFLICT DO NOTHING;
	SELECT * INTO u FROM users WHERE name = p_user FOR UPDATE;
	RETURN u;
END $$;

CREATE OR REPLACE FUNCTION awsmfa.room_for_device(p_user text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	n	integer;
	m	integer;
BEGIN
	SELECT count(*) INTO n FROM devices WHERE user_name = p_user;
	SELECT max_devices INTO m FROM settings;
	IF n >= m THEN
		RAISE EXCEPTION 'user % already has % MFA devices (max_devices is %)',
		    p_user, n, m;
	END IF;
END $$;

-- Two consecutive codes of a secret near now, nearest first (lib/verify.c
-- verify_consecutive): the step of CODE2, or raises with the file store's
-- messages.
CREATE OR REPLACE FUNCTION awsmfa.consecutive(p_name text, k bytea,
    p_alg text, p_digits integer, p_period integer, p_code1 text,
    p_code2 text) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	w	integer;
	center	bigint := now_s() / p_period;
	i	integer;
	s	bigint;
	re	text := '^[0-9]{' || p_digits || '}$';
BEGIN
	IF p_code1 IS NULL OR p_code2 IS NULL OR p_code1 !~ re OR
	    p_code2 !~ re THEN
		RAISE EXCEPTION 'CODE1 and CODE2 must each be % digits', p_digits;
	END IF;
	IF same(p_code1, p_code2) THEN
		RAISE EXCEPTION 'CODE1 and CODE2 are the same code: wait for the device to show the next one';
	END IF;
	SELECT resync_window INTO w FROM settings;
	FOR i IN 0 .. 2 * w LOOP
		s := center + CASE WHEN i % 2 = 1 THEN -((i + 1) / 2)
		    ELSE i / 2 END;
		CONTINUE WHEN s < 0;
		IF same(hotp(k, p_alg, p_digits, s), p_code1) AND
		    same(hotp(k, p_alg, p_digits, s + 1), p_code2) THEN
			RETURN s + 1;
		END IF;
	END LOOP;
	RAISE EXCEPTION 'CODE1 and CODE2 are not two consecutive codes of MFA device % within % steps (% minutes) of now; nothing changed',
	    p_name, w, w * p_period / 60;
END $$;

-- Two consecutive codes of a counter (HOTP) secret over the 100 counters
-- from p_counter on, never back (lib/verify.c, HOTP_RESYNC_LOOK_AHEAD):
-- CODE2's counter, or raises with the file store's messages.
CREATE OR REPLACE FUNCTION awsmfa.consecutive_counter(p_name text, k bytea,
    p_alg text, p_digits integer, p_counter bigint, p_code1 text,
    p_code2 text) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	la	constant integer := 100;
	c	bigint;
	re	text := '^[0-9]{' || p_digits || '}$';
BEGIN
	IF p_code1 IS NULL OR p_code2 IS NULL OR p_code1 !~ re OR
	    p_code2 !~ re THEN
		RAISE EXCEPTION 'CODE1 and CODE2 must each be % digits', p_digits;
	END IF;
	IF same(p_code1, p_code2) THEN
		RAISE EXCEPTION 'CODE1 and CODE2 are the same code: wait for the device to show the next one';
	END IF;
	FOR c IN p_counter .. p_counter + la - 1 LOOP
		IF same(hotp(k, p_alg, p_digits, c), p_code1) AND
		    same(hotp(k, p_alg, p_digits, c + 1), p_code2) THEN
			RETURN c + 1;
		END IF;
	END LOOP;
	RAISE EXCEPTION 'CODE1 and CODE2 are not two consecutive codes of MFA device % within the % counters from its counter %; nothing changed',
	    p_name, la, p_counter;
END $$;

-- The drift to keep when CODE2's step lies `found` steps from the
-- server's (lib/verify.c verify_learnt_drift): typing delay is not drift,
-- so what a right clock typed up to two periods late explains is 0;
-- further out, the middle of what the delay leaves possible.
CREATE OR REPLACE FUNCTION awsmfa.learnt_drift(found bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT CASE WHEN found BETWEEN -3 AND 1 THEN 0 ELSE found + 1 END $$;

-- Before issue 21 a device was TOTP only.
DROP FUNCTION IF EXISTS awsmfa.create_device(text, text, text, integer,
    integer);
DROP FUNCTION IF EXISTS awsmfa.import_tokens(text[], text[], integer[],
    integer[], text[]);
DROP FUNCTION IF EXISTS awsmfa.list_devices(text);

-- A new pending virtual device, TOTP with its period or HOTP at counter
-- 0 (p_period then ignored); its secret is returned this once, for the
-- QR code, and no function returns it again.
CREATE OR REPLACE FUNCTION awsmfa.create_device(p_user text, p_name text,
    p_alg text, p_digits integer, p_period integer,
    p_kind text DEFAULT 'totp') RETURNS bytea
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	k	bytea := gen_random_bytes(CASE p_alg WHEN 'sha256' THEN 32
		    WHEN 'sha512' THEN 64 ELSE 20 END);
BEGIN
	PERFORM check_name(p_name);
	PERFORM lock_user(p_user);
	IF EXISTS (SELECT 1 FROM devices WHERE user_name = p_user AND
	    name = p_name) THEN
		RAISE EXCEPTION 'user % already has an MFA device called %',
		    p_user, p_name;
	END IF;
	PERFORM room_for_device(p_user);
	IF p_kind NOT IN ('totp', 'hotp') THEN
		RAISE EXCEPTION 'device type must be totp or hotp';
	END IF;
	INSERT INTO devices (user_name, name, kind, alg, digits, period,
	    counter, secret, created) VALUES (p_user, p_name, p_kind, p_alg,
	    p_digits, CASE WHEN p_kind = 'totp' THEN p_period END,
	    CASE WHEN p_kind = 'hotp' THEN 0 END, seal(k), now_s());
	RETURN k;
END $$;

CREATE OR REPLACE FUNCTION awsmfa.enable_virtual(d awsmfa.devices, p_code1 text,
    p_code2 text) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	s	bigint;
	dr	bigint;
BEGIN
	IF d.active THEN
		RAISE EXCEPTION 'MFA device % of user % is already enabled (use resync to correct its clock)',
		    d.name, d.user_name;
	END IF;
	IF d.kind = 'hotp' THEN
		s := consecutive_counter(d.name, unseal(d.secret), d.alg,
		    d.digits, d.counter, p_code1, p_code2);
		UPDATE devices SET active = true, enabled = now_s(),
		    counter = s + 1 WHERE user_name = d.user_name AND
		    name = d.name;
		dr := 0;
	ELSE
		s := consecutive(d.name, unseal(d.secret), d.alg, d.digits,
		    d.period, p_code1, p_code2);
		dr := learnt_drift(s - now_s() / d.period);
		UPDATE devices SET active = true, enabled = now_s(),
		    last_step = s, drift = dr WHERE user_name = d.user_name AND
		    name = d.name;
	END IF;
	-- The first device ends the invitation, in the same transaction.
	DELETE FROM invitations WHERE user_name = d.user_name;
	RETURN dr;
END $$;

-- A token from the inventory: the user gets a device named after the
-- serial with a copy of the sealed seed, and the inventory names the user,
-- in the same commit.
CREATE OR REPLACE FUNCTION awsmfa.enable_token(p_user text, t awsmfa.inventory,
    p_code1 text, p_code2 text) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	s	bigint;
	dr	bigint;
BEGIN
	IF t.user_name IS NOT NULL AND t.user_name <> p_user THEN
		RAISE EXCEPTION 'MFA device % is assigned to another user',
		    t.serial;
	END IF;
	PERFORM room_for_device(p_user);
	IF t.kind = 'hotp' THEN
		s := consecutive_counter(t.serial, unseal(t.secret), t.alg,
		    t.digits, t.counter, p_code1, p_code2);
		INSERT INTO devices (user_name, name, serial, kind, alg,
		    digits, counter, secret, active, created, enabled)
		    VALUES (p_user, t.serial, t.serial, 'hotp', t.alg,
		    t.digits, s + 1, t.secret, true, now_s(), now_s());
		dr := 0;
	ELSE
		s := consecutive(t.serial, unseal(t.secret), t.alg, t.digits,
		    t.period, p_code1, p_code2);
		dr := learnt_drift(s - now_s() / t.period);
		INSERT INTO devices (user_name, name, serial, alg, digits,
		    period, secret, active, created, enabled, last_step, drift)
		    VALUES (p_user, t.serial, t.serial, t.alg, t.digits,
		    t.period, t.secret, true, now_s(), now_s(), s, dr);
	END IF;
	UPDATE inventory SET user_name = p_user WHERE serial = t.serial;
	DELETE FROM invitations WHERE user_name = p_user;
	RETURN dr;
END $$;

-- Activates a pending virtual device (by name) or assigns and activates a
-- hardware token (by serial).  Returns the drift kept.  The inventory row
-- is locked before the user's, as the file store takes its locks.
CREATE OR REPLACE FUNCTION awsmfa.enable_device(p_user text,
    p_device text, p_code1 text, p_code2 text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	t	inventory;
	d	devices;
BEGIN
	PERFORM check_name(p_device);
	SELECT * INTO t FROM inventory WHERE serial = p_device FOR UPDATE;
	PERFORM lock_user(p_user);
	SELECT * INTO d FROM devices WHERE user_name = p_user AND
	    name = p_device;
	IF FOUND THEN
		RETURN enable_virtual(d, p_code1, p_code2);
	END IF;
	IF t.serial IS NULL THEN
		RAISE EXCEPTION 'MFA device % does not exist', p_device;
	END IF;
	RETURN enable_token(p_user, t, p_code1, p_code2);
END $$;

-- Finds two consecutive codes within the resync window and keeps the
-- drift.  A last accepted step in the future (periods_ahead: a login
-- while a clock ran ahead) is set back to CODE2's, and reset_periods says
-- by how much; otherwise the last step only moves forward.
CREATE OR REPLACE FUNCTION awsmfa.resync_device(p_user text,
    p_device text, p_code1 text, p_code2 text, OUT drift bigint,
    OUT reset_periods bigint, OUT locked_until bigint, OUT period integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	u	users;
	d	devices;
	s	bigint;
BEGIN
	PERFORM check_name(p_device);
	u := lock_user(p_user);
	SELECT * INTO d FROM devices WHERE user_name = p_user AND
	    name = p_device;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'MFA device % does not exist for user %',
		    p_device, p_user;
	END IF;
	IF NOT d.active THEN
		RAISE EXCEPTION 'MFA device % of user % is not enabled yet (use enable)',
		    d.name, p_user;
	END IF;
	-- A counter only moves forward, and has no drift.
	IF d.kind = 'hotp' THEN
		s := consecutive_counter(d.name, unseal(d.secret), d.alg,
		    d.digits, d.counter, p_code1, p_code2);
		UPDATE devices SET counter = greatest(counter, s + 1)
		    WHERE user_name = p_user AND name = d.name;
		drift := 0;
		reset_periods := 0;
		period := 0;
		locked_until := CASE WHEN u.locked_until > now_s()
		    THEN u.locked_until ELSE 0 END;
		RETURN;
	END IF;
	s := consecutive(d.name, unseal(d.secret), d.alg, d.digits,
	    d.period, p_code1, p_code2);
	d.drift := learnt_drift(s - now_s() / d.period);
	drift := d.drift;
	period := d.period;
	reset_periods := 0;
	IF d.last_step > s AND periods_ahead(d) > 0 THEN
		reset_periods := d.last_step - s;
		d.last_step := s;
	ELSE
		d.last_step := greatest(d.last_step, s);
	END IF;
	UPDATE devices SET drift = d.drift, last_step = d.last_step
	    WHERE user_name = p_user AND name = d.name;
	-- A lockout stays: its failures may be an attacker's.
	locked_until := CASE WHEN u.locked_until > now_s()
	    THEN u.locked_until ELSE 0 END;
END $$;

-- Removes one device, or all (p_device NULL, which also clears the
-- recovery codes and the failure count); tokens go back to the
-- inventory in the same commit.  Returns how many were removed.
CREATE OR REPLACE FUNCTION awsmfa.deactivate_device(p_user text,
    p_device text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	n	integer;
BEGIN
	PERFORM check_user(p_user);
	IF p_device IS NOT NULL THEN
		PERFORM check_name(p_device);
	END IF;
	PERFORM 1 FROM inventory WHERE user_name = p_user ORDER BY serial
	    FOR UPDATE;
	PERFORM 1 FROM users WHERE name = p_user FOR UPDATE;
	WITH gone AS (DELETE FROM devices WHERE user_name = p_user AND
	    (p_device IS NULL OR name = p_device) RETURNING serial),
	    back AS (UPDATE inventory SET user_name = NULL WHERE
	    user_name = p_user AND serial IN (SELECT serial FROM gone))
	SELECT count(*) INTO n FROM gone;
	IF n = 0 AND p_device IS NULL THEN
		RAISE EXCEPTION 'user % has no MFA device', p_user;
	END IF;
	IF n = 0 THEN
		RAISE EXCEPTION 'MFA device % does not exist for user %',
		    p_device, p_user;
	END IF;
	IF p_device IS NULL THEN
		DELETE FROM recovery WHERE user_name = p_user;
		UPDATE users SET failures = 0, locked_until = 0
		    WHERE name = p_user;
	END IF;
	RETURN n;
END $$;

-- What `mfa-enroll list` shows: never a secret.  Tokens nobody holds are
-- listed with a NULL user.  ahead: periods_ahead, a last accepted step
-- no login could reach now (after a login while a clock ran ahead, codes
-- are refused as used until resync or that time).
CREATE OR REPLACE FUNCTION awsmfa.list_devices(p_user text)
RETURNS TABLE (user_name text, device text, serial text, active boolean,
    alg text, digits integer, period integer, created bigint,
    enabled bigint, last_used bigint, last_step bigint, drift bigint,
    failures integer, locked_until bigint, nrecovery bigint, ahead bigint,
    kind text, counter bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
	SELECT d.user_name, d.name, d.serial, d.active, d.alg, d.digits,
	    d.period, d.created, d.enabled, d.last_used, d.last_step,
	    d.drift, u.failures, u.locked_until,
	    (SELECT count(*) FROM recovery r WHERE r.user_name = d.user_name),
	    periods_ahead(d), d.kind, d.counter
	FROM devices d JOIN users u ON u.name = d.user_name
	WHERE p_user IS NULL OR d.user_name = p_user
	UNION ALL
	SELECT NULL, i.serial, i.serial, false, i.alg, i.digits, i.period,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, i.kind,
	    i.counter
	FROM inventory i WHERE p_user IS NULL AND i.user_name IS NULL
	ORDER BY 1 NULLS LAST, 2
$$;

-- Hardware tokens into the inventory, all or none (the CSV is parsed by
-- mfa-enroll, which names bad lines); seeds in hex.  A counter makes a
-- counter (HOTP) token, whose period is then NULL; a NULL counter a TOTP
-- token.
CREATE OR REPLACE FUNCTION awsmfa.import_tokens(p_serial text[],
    p_secret text[], p_digits integer[], p_period integer[],
    p_alg text[], p_counter bigint[] DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	i	integer;
	n	integer := coalesce(array_length(p_serial, 1), 0);
BEGIN
	FOR i IN 1 .. n LOOP
		PERFORM check_name(p_serial[i]);
		IF p_secret[i] !~ '^([0-9a-f]{2})+$' OR
		    octet_length(decode(p_secret[i], 'hex')) < 16 THEN
			RAISE EXCEPTION 'token %: secret shorter than 16 bytes',
			    p_serial[i];
		END IF;
		IF EXISTS (SELECT 1 FROM inventory WHERE serial = p_serial[i])
		    THEN
			RAISE EXCEPTION 'token % is already in the inventory',
			    p_serial[i];
		END IF;
		INSERT INTO inventory (serial, kind, alg, digits, period,
		    counter, secret) VALUES (p_serial[i],
		    CASE WHEN p_counter[i] IS NULL THEN 'totp' ELSE 'hotp' END,
		    p_alg[i], p_digits[i], CASE WHEN p_counter[i] IS NULL
		    THEN p_period[i] END, p_counter[i],
		    seal(decode(p_secret[i], 'hex')));
	END LOOP;
	RETURN n;
END $$;

-- Replaces the user's recovery codes with these hashes (made by
-- mfa-enroll, lib/recovery.c); refused for a user with no device.
CREATE OR REPLACE FUNCTION awsmfa.set_recovery(p_user text,
    p_hash text[]) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	PERFORM lock_user(p_user);
	IF NOT EXISTS (SELECT 1 FROM devices WHERE user_name = p_user) THEN
		RAISE EXCEPTION 'user % has no MFA device', p_user;
	END IF;
	DELETE FROM recovery WHERE user_name = p_user;
	INSERT INTO recovery (user_name, hash)
	    SELECT p_user, h FROM unnest(p_hash) h;
	RETURN coalesce(array_length(p_hash, 1), 0);
END $$;
