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
