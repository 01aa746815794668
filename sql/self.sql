-- SPDX-License-Identifier: BSD-2-Clause
-- Self-service on the fleet store (issue 20 part 4): what awsmfa-self on
-- a login host may do for the user at its socket, through a role of the
-- group awsmfa_self.  Part of awsmfa.sql (db-init), run as awsmfa_owner.
--
-- The helper checks the password through PAM; everything about codes is
-- checked here, so that a stolen self credential cannot add or remove a
-- device of a user who does not type a code on that host.  A proof is
-- judged as a login is (login_count, then login_judge in a later
-- transaction: counted before its answer exists) and, when it holds,
-- yields a ticket: 32 random bytes returned once, kept here as a digest,
-- bound to the role, the user and a purpose, good for ten minutes.  Each
-- change takes the ticket its proof table row names (lib/self/
-- selfpolicy.c); two consecutive codes are judged the same two-step way.
-- Every action leaves an attempts row, "self-service ...".

ALTER TABLE awsmfa.settings ADD COLUMN IF NOT EXISTS self_service boolean
    NOT NULL DEFAULT true;
ALTER TABLE awsmfa.settings ADD COLUMN IF NOT EXISTS
    self_enrol_without_invitation boolean NOT NULL DEFAULT false;

-- purpose: 'code' (a fresh code or a recovery code was typed),
-- 'invitation' (a live invitation was), 'enrol' (the device was just
-- created with a proof, and may be enabled or abandoned with this).
CREATE TABLE IF NOT EXISTS awsmfa.self_tickets (
	digest		bytea PRIMARY KEY,
	role		name NOT NULL,
	user_name	text NOT NULL REFERENCES awsmfa.users ON DELETE CASCADE,
	purpose		text NOT NULL CHECK (purpose IN ('code', 'invitation',
			    'enrol')),
	device		text,
	expires		timestamptz NOT NULL
);
REVOKE ALL ON awsmfa.self_tickets FROM PUBLIC;

CREATE OR REPLACE FUNCTION awsmfa.self_on() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT self_service FROM settings $$;

CREATE OR REPLACE FUNCTION awsmfa.self_audit(p_user text, p_device text,
    p_result text, p_reason text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ INSERT INTO attempts (user_name, device, result, reason)
    VALUES (left(coalesce(p_user, ''), 256), p_device, p_result,
    'self-service ' || p_reason) $$;

CREATE OR REPLACE FUNCTION awsmfa.self_ticket(p_user text, p_purpose text,
    p_device text) RETURNS bytea
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	k	bytea := gen_random_bytes(32);
BEGIN
	DELETE FROM self_tickets WHERE expires < clock_timestamp();
	INSERT INTO self_tickets (digest, role, user_name, purpose, device,
	    expires) VALUES (digest(k, 'sha256'), session_user, p_user,
	    p_purpose, p_device, clock_timestamp() + interval '10 minutes');
	RETURN k;
END $$;

-- Takes a live ticket of this role for p_user with one of p_purposes
-- ('enrol' ones for p_device only): true when there was one.
CREATE OR REPLACE FUNCTION awsmfa.self_take(p_user text, p_ticket bytea,
    p_purposes text[], p_device text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	DELETE FROM self_tickets WHERE digest =
	    digest(coalesce(p_ticket, ''), 'sha256') AND role = session_user
	    AND user_name = p_user AND purpose = ANY (p_purposes) AND
	    (purpose <> 'enrol' OR device = p_device) AND
	    expires > clock_timestamp();
	RETURN FOUND;
END $$;

-- The proof a change of p_user's devices takes, as lib/self/selfpolicy.c
-- decides it: a code when the user has an active device; else the
-- invitation, or nothing when the fleet enrols without one.
CREATE OR REPLACE FUNCTION awsmfa.self_needs(p_user text) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT CASE WHEN EXISTS (SELECT 1 FROM devices d
	WHERE d.user_name = p_user AND d.active) THEN 'code'
    WHEN s.self_enrol_without_invitation THEN 'none'
    ELSE 'invitation' END FROM settings s $$;

-- Whether p_ticket proves a change of p_user's devices now (taking it).
CREATE OR REPLACE FUNCTION awsmfa.self_proven(p_user text, p_ticket bytea)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	need	text := self_needs(p_user);
BEGIN
	RETURN need = 'none' OR self_take(p_user, p_ticket, ARRAY[need], NULL);
END $$;

-- The user's devices and invitation, as awsmfa-self lists them and
-- decides the proof: never a secret.  An invitation is a row without a
-- device; expires is its expiry.
CREATE OR REPLACE FUNCTION awsmfa.self_list(p_user text)
RETURNS TABLE (device text, serial text, active boolean, kind text,
    period integer, counter bigint, created bigint, enabled bigint,
    last_used bigint, expires bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF NOT self_on() THEN
		RAISE EXCEPTION 'self-service is turned off for this fleet';
	END IF;
	RETURN QUERY
	SELECT d.name, d.serial, d.active, d.kind, d.period, d.counter,
	    d.created, d.enabled, d.last_used, NULL::bigint
	FROM devices d WHERE d.user_name = p_user
	UNION ALL
	SELECT NULL, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL,
	    i.expires
	FROM invitations i WHERE i.user_name = p_user AND i.expires > now_s()
	ORDER BY 1;
END $$;

-- A proof: a fresh code of an active device, a recovery code, or a live
-- invitation for a user without an active device, judged as a login
-- judges it (the code is spent, a miss counts against the same lockout).
CREATE OR REPLACE FUNCTION awsmfa.self_prove_count(p_user bytea,
    p_input bytea, p_ms integer, OUT attempt bigint, OUT result text,
    OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	IF NOT self_on() THEN
		result := 'refused';
		reason := 'self-service is off';
		RETURN;
	END IF;
	SELECT x.attempt, x.result, x.reason INTO attempt, result, reason
	    FROM login_count(p_user, p_input, p_ms) x;
	UPDATE attempts SET reason = 'self-service proof, not judged'
	    WHERE id = attempt;
END $$;

CREATE OR REPLACE FUNCTION awsmfa.self_prove_judge(p_attempt bigint,
    p_input bytea, OUT result text, OUT reason text, OUT ticket bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	u	text;
BEGIN
	SELECT x.user_name INTO u FROM pending x WHERE x.attempt = p_attempt
	    AND x.host_role = session_user;
	SELECT x.result, x.reason INTO result, reason
	    FROM login_judge(p_attempt, p_input) x;
	IF u IS NULL OR result = 'refused' THEN
		RETURN;
	END IF;
	IF result IN ('ok', 'recovery_ok', 'invite_ok') THEN
		ticket := self_ticket(u, CASE result WHEN 'invite_ok'
		    THEN 'invitation' ELSE 'code' END, NULL);
	END IF;
	UPDATE attempts SET reason = 'self-service proof: ' ||
	    self_prove_judge.reason
	    WHERE id = p_attempt;
END $$;

-- As awsmfa.login, one CALL: the count committed before the judge.
CREATE OR REPLACE PROCEDURE awsmfa.self_prove(p_user bytea, p_input bytea,
    p_ms integer, OUT result text, OUT reason text, OUT ticket bytea)
LANGUAGE plpgsql
AS $$
DECLARE
	c	record;
BEGIN
	SELECT x.attempt, x.result, x.reason INTO c
	    FROM awsmfa.self_prove_count(p_user, p_input, p_ms) x;
	COMMIT;
	IF c.result OPERATOR(pg_catalog.<>) 'pending' THEN
		result := c.result;
		reason := c.reason;
		RETURN;
	END IF;
	SELECT x.result, x.reason, x.ticket INTO result, reason, ticket
	    FROM awsmfa.self_prove_judge(c.attempt, p_input) x;
	COMMIT;
END $$;

-- Two consecutive codes for enable or resync, counted first as a code
-- is.  p_pair: "CODE1 CODE2", the input the judge must be given again.
CREATE OR REPLACE FUNCTION awsmfa.self_pair_count(p_user text,
    p_pair bytea, p_ms integer, OUT attempt bigint, OUT result text,
    OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	ms	bigint := least(greatest(coalesce(p_ms, 0), 0), 60000) * 4 / 5;
	u	users;
BEGIN
	PERFORM login_bound(ms);
	result := 'refused';
	IF NOT self_on() THEN
		reason := 'self-service is off';
		RETURN;
	END IF;
	IF NOT host_admit(p_user) THEN
		reason := 'host quarantined';
		RETURN;
	END IF;
	SELECT * INTO u FROM users WHERE name = p_user FOR UPDATE;
	IF NOT FOUND THEN
		result := 'nodevice';
		reason := 'no record';
	ELSIF u.locked_until > now_s() THEN
		result := 'locked';
		reason := 'locked out';
	ELSE
		attempt := count_pending(p_user, p_user, p_pair, ms,
		    'self-service codes, not judged');
		result := 'pending';
		RETURN;
	END IF;
	PERFORM self_audit(p_user, NULL, result, 'codes: ' || reason);
END $$;

-- Judges the pair once: enable (the ticket of the proof, or the 'enrol'
-- one create gave for this device) or resync (the pair is the proof).
-- The lifecycle's own functions judge the codes; their message is the
-- reason of a refusal, and a refusal changes nothing but the count.
CREATE OR REPLACE FUNCTION awsmfa.self_pair_judge(p_attempt bigint,
    p_verb text, p_device text, p_ticket bytea, p_pair bytea,
    OUT result text, OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	tk	record;
	c	text[];
BEGIN
	result := 'refused';
	PERFORM durable_commit();
	SELECT * INTO tk FROM pending_take(p_attempt, p_pair);
	IF tk.why IS NOT NULL THEN
		reason := tk.why;
		RETURN;
	END IF;
	c := string_to_array(convert_from(p_pair, 'UTF8'), ' ');
	BEGIN
		IF p_verb = 'enable' THEN
			IF NOT (self_take((tk.p).user_name, p_ticket,
			    '{enrol}', p_device) OR
			    self_proven((tk.p).user_name, p_ticket)) THEN
				RAISE EXCEPTION 'not proven: nothing changed';
			END IF;
			PERFORM enable_device((tk.p).user_name, p_device,
			    c[1], c[2]);
		ELSIF p_verb = 'resync' THEN
			PERFORM resync_device((tk.p).user_name, p_device,
			    c[1], c[2]);
		ELSE
			RAISE EXCEPTION 'unknown request';
		END IF;
		result := 'ok';
		reason := p_verb;
		UPDATE users SET failures = 0, locked_until = 0
		    WHERE name = (tk.p).user_name;
	EXCEPTION WHEN raise_exception THEN
		result := 'bad';
		reason := SQLERRM;
	END;
	IF clock_timestamp() >= (tk.p).deadline THEN
		RAISE EXCEPTION USING ERRCODE = 'query_canceled',
		    MESSAGE = 'awsmfa: judged after the deadline';
	END IF;
	UPDATE attempts SET device = p_device, result = self_pair_judge.result,
	    reason = 'self-service ' || p_verb || ': ' ||
	    CASE self_pair_judge.result WHEN 'ok' THEN 'codes accepted'
	    ELSE 'codes refused' END
	    WHERE id = p_attempt;
END $$;

CREATE OR REPLACE PROCEDURE awsmfa.self_pair(p_user text, p_verb text,
    p_device text, p_ticket bytea, p_pair bytea, p_ms integer,
    OUT result text, OUT reason text)
LANGUAGE plpgsql
AS $$
DECLARE
	c	record;
BEGIN
	SELECT x.attempt, x.result, x.reason INTO c
	    FROM awsmfa.self_pair_count(p_user, p_pair, p_ms) x;
	COMMIT;
	IF c.result OPERATOR(pg_catalog.<>) 'pending' THEN
		result := c.result;
		reason := c.reason;
		RETURN;
	END IF;
	SELECT x.result, x.reason INTO result, reason
	    FROM awsmfa.self_pair_judge(c.attempt, p_verb, p_device, p_ticket,
	    p_pair) x;
	COMMIT;
END $$;

-- The changes.  Each answers result 'ok' or 'refused' with a reason (the
-- lifecycle's message, for the user), and leaves one attempts row.

-- A new pending TOTP device: its secret made here and returned once,
-- with the 'enrol' ticket that enables or abandons it.
CREATE OR REPLACE FUNCTION awsmfa.self_create(p_user text, p_ticket bytea,
    p_device text, p_alg text, p_digits integer, p_period integer,
    OUT result text, OUT reason text, OUT secret bytea, OUT ticket bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	result := 'refused';
	BEGIN
		IF NOT self_on() THEN
			RAISE EXCEPTION 'self-service is turned off for this fleet';
		END IF;
		PERFORM lock_user(p_user);
		IF NOT self_proven(p_user, p_ticket) THEN
			RAISE EXCEPTION 'not proven: nothing changed';
		END IF;
		secret := create_device(p_user, p_device, p_alg, p_digits,
		    p_period, 'totp');
		ticket := self_ticket(p_user, 'enrol', p_device);
		result := 'ok';
		reason := 'created';
	EXCEPTION WHEN raise_exception OR check_violation OR
	    foreign_key_violation THEN
		reason := SQLERRM;
	END;
	PERFORM self_audit(p_user, p_device, result, 'create: ' || reason);
END $$;

-- The device create made, not enabled after all: removed with its ticket.
CREATE OR REPLACE FUNCTION awsmfa.self_abandon(p_user text, p_ticket bytea,
    p_device text, OUT result text, OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	result := 'refused';
	reason := 'not proven: nothing changed';
	IF self_on() AND self_take(p_user, p_ticket, '{enrol}', p_device) THEN
		DELETE FROM devices WHERE user_name = p_user AND
		    name = p_device AND NOT active;
		result := 'ok';
		reason := 'removed';
	END IF;
	PERFORM self_audit(p_user, p_device, result, 'abandon: ' || reason);
END $$;

CREATE OR REPLACE FUNCTION awsmfa.self_deactivate(p_user text,
    p_ticket bytea, p_device text, OUT result text, OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	result := 'refused';
	BEGIN
		IF NOT self_on() THEN
			RAISE EXCEPTION 'self-service is turned off for this fleet';
		END IF;
		PERFORM check_name(p_device);
		PERFORM lock_user(p_user);
		IF NOT self_proven(p_user, p_ticket) THEN
			RAISE EXCEPTION 'not proven: nothing changed';
		END IF;
		PERFORM deactivate_device(p_user, p_device);
		result := 'ok';
		reason := 'deactivated';
	EXCEPTION WHEN raise_exception THEN
		reason := SQLERRM;
	END;
	PERFORM self_audit(p_user, p_device, result, 'deactivate: ' ||
	    reason);
END $$;

-- New recovery codes: their hashes, made by the helper, which shows the
-- codes to the user alone.
CREATE OR REPLACE FUNCTION awsmfa.self_recovery(p_user text,
    p_ticket bytea, p_hash text[], OUT result text, OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	result := 'refused';
	BEGIN
		IF NOT self_on() THEN
			RAISE EXCEPTION 'self-service is turned off for this fleet';
		END IF;
		PERFORM lock_user(p_user);
		IF self_needs(p_user) <> 'code' OR
		    NOT self_take(p_user, p_ticket, '{code}', NULL) THEN
			RAISE EXCEPTION 'not proven: nothing changed';
		END IF;
		IF p_hash IS NULL OR cardinality(p_hash) NOT BETWEEN 1 AND 64 OR
		    EXISTS (SELECT 1 FROM unnest(p_hash) h
			WHERE h IS NULL OR left(h, 15) <> '$pbkdf2-sha256$' OR
			length(h) > 191 OR h ~ '[^!-~]') THEN
			RAISE EXCEPTION 'bad recovery code hashes';
		END IF;
		PERFORM set_recovery(p_user, p_hash);
		result := 'ok';
		reason := 'new recovery codes';
	EXCEPTION WHEN raise_exception THEN
		reason := SQLERRM;
	END;
	PERFORM self_audit(p_user, NULL, result, 'recovery codes: ' || reason);
END $$;
