-- SPDX-License-Identifier: BSD-2-Clause
-- The login decision: awsmfa.login and awsmfa.peek, the only functions a
-- login host may call.  Part of awsmfa.sql (db-init), run as awsmfa_owner.

-- The helpers of schema version 1's login, now one function (below).
DROP FUNCTION IF EXISTS awsmfa.try_codes(text, text, bigint, integer);
DROP FUNCTION IF EXISTS awsmfa.match(awsmfa.devices, text, bigint, integer);
DROP FUNCTION IF EXISTS awsmfa.count_failure(awsmfa.users, awsmfa.settings,
    bigint);
DROP FUNCTION IF EXISTS awsmfa.audit(text, text, text, text);

-- Now on the fleet's one clock, the database's, in whole seconds.
CREATE OR REPLACE FUNCTION awsmfa.now_s() RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT floor(extract(epoch FROM statement_timestamp()))::bigint $$;

-- How many periods the last accepted step lies beyond the latest a login
-- could accept now, and two more for a resync typed late
-- (lib/verify.c verify_periods_ahead); 0 when it could be reached.
CREATE OR REPLACE FUNCTION awsmfa.periods_ahead(d awsmfa.devices)
RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT greatest(coalesce(d.last_step, 0) -
    (now_s() / d.period + d.drift + win + 2), 0) FROM settings $$;

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
--
-- Each login host opens a new connection per login, so this runs in a
-- fresh server process whose every statement is parsed and planned anew:
-- the code path is three statements (lock, match, save) and no helper
-- function but unseal; the rare paths (recovery, a reused code) cost more,
-- a user without a record less.
--
-- The match: every active device of the user whose code length the input
-- has ("shaped"), every step center + drift +- win of it, as lib/verify.c.
-- Per device: the first step after the last accepted one whose code is
-- the input ("new"), and whether a step at or before it is ("old").  The
-- first device by name with a new step takes the login; else a device
-- with an old one makes it "reused"; else "bad", or "malformed" when no
-- device has the input's shape.  Every step is computed and the codes are
-- compared by digest, so the time does not depend on where they differ.
-- A locked user's secrets are not opened.
CREATE OR REPLACE FUNCTION awsmfa.login(p_user text, p_input text,
    OUT result text, OUT device text, OUT reason text,
    OUT failures integer, OUT locked_until bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	t	bigint := floor(extract(epoch FROM statement_timestamp()))::bigint;
	code	text := coalesce(p_input, '');
	u	record;
	m	record;
BEGIN
	-- A quarantined host is answered without judging (sql/hosts.sql).
	IF NOT host_admit(p_user) THEN
		result := 'refused';
		reason := 'host quarantined';
		RETURN;
	END IF;
	SELECT x.failures, x.locked_until, s.win, s.max_failures,
	    s.lockout_seconds INTO u
	    FROM users x, settings s WHERE x.name = p_user FOR UPDATE OF x;
	IF NOT FOUND THEN
		-- The file store's words (lib/verify.c), for the same audit
		-- line on both: a name no record can have (check_user's
		-- rule), or none.
		result := 'nodevice';
		reason := CASE WHEN p_user IS NULL OR
		    octet_length(p_user) NOT BETWEEN 1 AND 256 OR
		    p_user ~ '[/[:cntrl:]]' OR left(p_user, 1) = '.'
		    THEN 'invalid user name' ELSE 'no record' END;
		INSERT INTO attempts (user_name, device, result, reason)
		    VALUES (left(p_user, 256), NULL, result, reason);
		PERFORM host_charge(p_user);
		RETURN;
	END IF;
	SELECT count(*) AS active, count(*) FILTER (WHERE d.shaped) AS shaped,
	    (array_agg(d.name ORDER BY d.name)
		FILTER (WHERE c.step IS NOT NULL))[1] AS device,
	    (array_agg(c.step ORDER BY d.name)
		FILTER (WHERE c.step IS NOT NULL))[1] AS step,
	    coalesce(bool_or(c.old), false) AS old INTO m
	FROM (SELECT dv.name, dv.secret, dv.alg, dv.digits, dv.last_step,
		t / dv.period + dv.drift AS center,
		code ~ ('^[0-9]{' || dv.digits || '}$') AS shaped
	    FROM devices dv WHERE dv.user_name = p_user AND dv.active) d
	LEFT JOIN LATERAL (SELECT unseal(d.secret) AS k
	    WHERE d.shaped AND u.locked_until <= t OFFSET 0) kk ON true
	LEFT JOIN LATERAL (SELECT
		min(g.s) FILTER (WHERE g.hit AND
		    (d.last_step IS NULL OR g.s > d.last_step)) AS step,
		bool_or(g.hit AND g.s <= d.last_step) AS old
	    FROM (SELECT s, digest(lpad(((((get_byte(h.h, h.o) & 127)::bigint
		    << 24) | (get_byte(h.h, h.o + 1)::bigint << 16) |
		    (get_byte(h.h, h.o + 2)::bigint << 8) |
		    get_byte(h.h, h.o + 3)::bigint) %
		    (10::bigint ^ d.digits)::bigint)::text, d.digits, '0'),
		    'sha256') = digest(code, 'sha256') AS hit
		FROM generate_series(greatest(0, d.center - u.win),
		    d.center + u.win) s,
		LATERAL (SELECT hm, get_byte(hm, length(hm) - 1) & 15
		    FROM hmac(int8send(s), kk.k, d.alg) hm OFFSET 0) h(h, o)
		WHERE kk.k IS NOT NULL) g) c ON true;
	failures := u.failures;
	locked_until := u.locked_until;
	IF m.active = 0 THEN
		result := 'nodevice';
		reason := 'no active device';
		failures := NULL;
		locked_until := NULL;
	ELSIF u.locked_until > t THEN
		result := 'locked';
		reason := 'locked out';
	ELSE
		result := CASE WHEN m.device IS NOT NULL THEN 'ok'
		    WHEN m.old THEN 'reused' WHEN m.shaped > 0 THEN 'bad'
		    ELSE try_recovery(p_user, code) END;
		device := m.device;
		reason := CASE result WHEN 'ok' THEN 'code accepted'
		    WHEN 'recovery_ok' THEN 'recovery code accepted'
		    WHEN 'reused' THEN 'code already used'
		    WHEN 'bad' THEN CASE WHEN m.shaped = 0
			THEN 'wrong recovery code' ELSE 'wrong code' END
		    ELSE 'not a code' END;
		-- A lock that has run out gives a fresh set of tries.
		IF u.locked_until <> 0 THEN
			failures := 0;
			locked_until := 0;
		END IF;
		IF result IN ('ok', 'recovery_ok') THEN
			failures := 0;
			locked_until := 0;
		ELSIF u.lockout_seconds <> 0 THEN
			failures := least(failures + 1, 2147483647);
			IF failures >= u.max_failures THEN
				locked_until := t + u.lockout_seconds;
			END IF;
		END IF;
		IF result = 'reused' AND EXISTS (SELECT 1 FROM devices x
		    WHERE x.user_name = p_user AND x.active AND
		    periods_ahead(x) > 0) THEN
			reason := 'code already used: last-used period in the future';
		END IF;
	END IF;
	-- The new state and the audit line in one statement.
	WITH dv AS (UPDATE devices SET last_step = m.step, last_used = t
		WHERE result = 'ok' AND user_name = p_user AND name = device),
	    us AS (UPDATE users SET failures = login.failures,
		locked_until = login.locked_until
		WHERE result NOT IN ('nodevice', 'locked') AND name = p_user)
	INSERT INTO attempts (user_name, device, result, reason)
	    VALUES (left(p_user, 256), device, result, reason);
	IF host_charged(result, reason) THEN
		PERFORM host_charge(p_user);
	END IF;
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
