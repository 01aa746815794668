-- SPDX-License-Identifier: BSD-2-Clause
-- The login functions of schema version 1 (sql/login.sql at commit 1c1155e),
-- kept for tests/pg/login.sh: the decision table must not change, and an
-- upgrade from them must keep logins working.  Not part of the schema.
-- The login decision: awsmfa.login and awsmfa.peek, the only functions a
-- login host may call.  Part of awsmfa.sql (db-init), run as awsmfa_owner.

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

-- How many periods the last accepted step lies beyond the latest a login
-- could accept now, and two more for a resync typed late
-- (lib/verify.c verify_periods_ahead); 0 when it could be reached.
CREATE OR REPLACE FUNCTION awsmfa.periods_ahead(d awsmfa.devices)
RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT greatest(coalesce(d.last_step, 0) -
    (now_s() / d.period + d.drift + win + 2), 0) FROM settings $$;

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

-- The device codes of one attempt: the new state of the matched device is
-- saved here; result is ok, reused, bad or malformed (no device's shape).
CREATE OR REPLACE FUNCTION awsmfa.try_codes(p_user text, p_code text,
    p_now bigint, p_win integer, OUT result text, OUT device text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	d	devices;
	mt	record;
BEGIN
	result := 'malformed';
	FOR d IN SELECT * FROM devices WHERE user_name = p_user AND active
	    ORDER BY name LOOP
		CONTINUE WHEN p_code !~ ('^[0-9]{' || d.digits || '}$');
		IF result = 'malformed' THEN
			result := 'bad';
		END IF;
		mt := match(d, p_code, p_now, p_win);
		IF mt.m = 'old' THEN
			result := 'reused';
		ELSIF mt.m = 'new' THEN
			UPDATE devices SET last_step = mt.step, last_used = p_now
			    WHERE user_name = d.user_name AND name = d.name;
			result := 'ok';
			device := d.name;
			RETURN;
		END IF;
	END LOOP;
END $$;

-- One stored recovery hash against a normalized code (lib/recovery.c
-- recovery_match): "$pbkdf2-sha256$ITER$SALT$KEY[$TAG]", base64 fields.
-- The tag, HMAC-SHA256 keyed with the salt, is checked first, so that a
-- wrong guess almost never pays for PBKDF2.
CREATE OR REPLACE FUNCTION awsmfa.recovery_match(p_code text, p_hash text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	f	text[] := string_to_array(p_hash, '$');
	salt	bytea;
BEGIN
	IF f[2] IS DISTINCT FROM 'pbkdf2-sha256' OR f[3] !~ '^[0-9]{1,7}$' THEN
		RETURN false;
	END IF;
	salt := decode(f[4], 'base64');
	IF coalesce(f[6], '') <> '' AND
	    substring(hmac(convert_to(p_code, 'UTF8'), salt, 'sha256')
	    FROM 1 FOR 3) <> decode(f[6], 'base64') THEN
		RETURN false;
	END IF;
	RETURN pbkdf2_sha256(convert_to(p_code, 'UTF8'), salt,
	    f[3]::integer) = decode(f[5], 'base64');
END $$;

-- A recovery code burnt by this attempt: 'recovery_ok', else 'bad', or
-- 'malformed' when the input is not shaped like one.
CREATE OR REPLACE FUNCTION awsmfa.try_recovery(p_user text, p_input text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	norm	text := lower(translate(p_input, ' -', ''));
	h	text;
BEGIN
	IF norm !~ '^[a-z2-7]{12}$' THEN
		RETURN 'malformed';
	END IF;
	FOR h IN SELECT hash FROM recovery WHERE user_name = p_user
	    ORDER BY hash LOOP
		IF recovery_match(norm, h) THEN
			DELETE FROM recovery WHERE user_name = p_user AND
			    hash = h;
			RETURN 'recovery_ok';
		END IF;
	END LOOP;
	RETURN 'bad';
END $$;

-- One login attempt: THE decision of the fleet store, as lib/verify.c
-- decide(), under the user's row lock, saved and audited in the same
-- transaction.  result: ok, recovery_ok, bad, reused, malformed, locked,
-- nodevice.  Every miss counts and is recorded: a call that could try a
-- code without counting would let a login server test codes at will, so
-- try_first_pass's stacked token is never sent here (lib/backend_pg.c).
CREATE OR REPLACE FUNCTION awsmfa.login(p_user text, p_input text,
    OUT result text, OUT device text, OUT reason text,
    OUT failures integer, OUT locked_until bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	st	settings;
	u	users;
	t	bigint := now_s();
	tc	record;
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
	failures := u.failures;
	locked_until := u.locked_until;
	IF u.locked_until > t THEN
		result := 'locked';
		reason := 'locked out';
		PERFORM audit(p_user, NULL, result, reason);
		RETURN;
	END IF;
	-- A lock that has run out gives a fresh set of tries.
	IF u.locked_until <> 0 THEN
		u.locked_until := 0;
		u.failures := 0;
	END IF;
	tc := try_codes(p_user, coalesce(p_input, ''), t, st.win);
	result := tc.result;
	device := tc.device;
	IF result = 'malformed' THEN
		result := try_recovery(p_user, coalesce(p_input, ''));
	END IF;
	reason := CASE result WHEN 'ok' THEN 'code accepted'
	    WHEN 'recovery_ok' THEN 'recovery code accepted'
	    WHEN 'reused' THEN 'code already used' ELSE 'not a code' END;
	IF result = 'bad' THEN
		reason := CASE WHEN tc.result = 'malformed'
		    THEN 'wrong recovery code' ELSE 'wrong code' END;
	END IF;
	IF result IN ('ok', 'recovery_ok') THEN
		u.failures := 0;
		u.locked_until := 0;
	ELSE
		u := count_failure(u, st, t);
	END IF;
	IF result = 'reused' AND EXISTS (SELECT 1 FROM devices x
	    WHERE x.user_name = p_user AND x.active AND
	    periods_ahead(x) > 0) THEN
		reason := 'code already used: last-used period in the future';
	END IF;
	UPDATE users SET failures = u.failures, locked_until = u.locked_until
	    WHERE name = p_user;
	failures := u.failures;
	locked_until := u.locked_until;
	PERFORM audit(p_user, device, result, reason);
END $$;

-- The schema this database holds, for `mfa-enroll check`.
CREATE OR REPLACE FUNCTION awsmfa.schema_version() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT v FROM meta WHERE k = 'schema_version' $$;

-- Whether the user has a record (the module then uses the name as typed,
-- else NSS's spelling of it).
CREATE OR REPLACE FUNCTION awsmfa.has_user(p_user text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM users WHERE name = p_user) $$;

-- Before the prompt: the code lengths of the user's active devices.
CREATE OR REPLACE FUNCTION awsmfa.peek(p_user text) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT coalesce(array_agg(DISTINCT digits ORDER BY digits), '{}')
    FROM devices WHERE user_name = p_user AND active $$;
