-- SPDX-License-Identifier: BSD-2-Clause
-- The failure budget of each login host (issue 17 rule 2).  Part of
-- awsmfa.sql (db-init), run as awsmfa_owner.
--
-- A host role's credential can be stolen; without a budget it could lock
-- out every user of the fleet in one statement, or fill awsmfa.attempts.
-- A host whose charged attempts of the last minute pass
-- settings.host_failures_per_minute is quarantined: its calls are then
-- refused without judging and without counting against any user, until
-- an admin releases it (mfa-enroll).  The budget is read off the audit
-- table itself, so an attempt that turns out accepted stops counting the
-- moment its row says so, and nothing else has to be kept in step.

ALTER TABLE awsmfa.settings ADD COLUMN IF NOT EXISTS
    host_failures_per_minute integer NOT NULL DEFAULT 100
    CHECK (host_failures_per_minute BETWEEN 1 AND 1000000);

-- A row while the host is quarantined.  noted: the minute (epoch / 60) of
-- the last attempts row about a refused call, so that a quarantined host
-- adds one row a minute, not one per call.
CREATE TABLE IF NOT EXISTS awsmfa.host_quarantine (
	role		name PRIMARY KEY,
	since		bigint NOT NULL,
	noted		bigint NOT NULL
);
REVOKE ALL ON awsmfa.host_quarantine FROM PUBLIC;

CREATE INDEX IF NOT EXISTS attempts_host_at ON awsmfa.attempts
    (host_role, at);

-- Whether an attempts row is charged to its host: a miss of any kind,
-- a name with no record, an attempt not yet judged, and a judgement of
-- nothing the host counted.  Accepted codes, locked users and enrolled
-- users without an active device are not.  ('refused', 'not counted')
-- was added after the index was made: no row had it before.
-- PL/pgSQL: the index below evaluates it for each row written, and a
-- LANGUAGE sql function with a SET clause is planned again each time.
CREATE OR REPLACE FUNCTION awsmfa.host_charged(p_result text, p_reason text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	RETURN p_result IN ('pending', 'bad', 'reused', 'malformed') OR
	    (p_result = 'nodevice' AND
	    p_reason IS DISTINCT FROM 'no active device') OR
	    (p_result = 'refused' AND p_reason = 'not counted');
END $$;

-- Every login is charged while it waits for its judgement ('pending'),
-- so host_charge runs on each one: it reads only charged rows, at most
-- the budget's worth, however many logins the host made in the minute.
CREATE INDEX IF NOT EXISTS attempts_host_charged ON awsmfa.attempts
    (host_role, at) WHERE awsmfa.host_charged(result, reason);

-- Before anything is judged: true when session_user may be answered.  A
-- quarantined host gets false, and one attempts row a minute says so.
CREATE OR REPLACE FUNCTION awsmfa.host_admit(p_user text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	m	bigint := now_s() / 60;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM host_quarantine WHERE role = session_user)
	    THEN
		RETURN true;
	END IF;
	UPDATE host_quarantine SET noted = m
	    WHERE role = session_user AND noted < m;
	IF FOUND THEN
		INSERT INTO attempts (user_name, device, result, reason)
		    VALUES (left(coalesce(p_user, ''), 256), NULL, 'refused',
		    'host quarantined');
	END IF;
	RETURN false;
END $$;

-- When an admin last ended a host's quarantine (release_host): its
-- budget counts from then, so that the attempts that had used it up do
-- not quarantine it again at its next miss.
CREATE TABLE IF NOT EXISTS awsmfa.host_release (
	role		name PRIMARY KEY,
	at		timestamptz NOT NULL
);
REVOKE ALL ON awsmfa.host_release FROM PUBLIC;

-- Where the host's budget minute starts now: a minute ago, or its
-- release if that was later.
CREATE OR REPLACE FUNCTION awsmfa.host_window(p_role name)
RETURNS timestamptz
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	RETURN greatest(clock_timestamp() - interval '1 minute',
	    (SELECT at FROM host_release WHERE role = p_role));
END $$;

-- After a charged attempts row is written: quarantines session_user when
-- its charged rows of the last minute pass the budget.  The count stops
-- at the budget, so its cost does not grow with an attack.
CREATE OR REPLACE FUNCTION awsmfa.host_charge(p_user text) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	lim	integer;
	n	bigint;
	since	timestamptz := host_window(session_user);
BEGIN
	SELECT host_failures_per_minute INTO lim FROM settings;
	SELECT count(*) INTO n FROM (SELECT 1 FROM attempts a
	    WHERE a.host_role = session_user AND a.at > since AND
	    host_charged(a.result, a.reason) LIMIT lim + 1) x;
	IF n <= lim THEN
		RETURN;
	END IF;
	INSERT INTO host_quarantine (role, since, noted)
	    VALUES (session_user, now_s(), now_s() / 60)
	    ON CONFLICT (role) DO NOTHING;
	IF FOUND THEN
		INSERT INTO attempts (user_name, device, result, reason)
		    VALUES (left(coalesce(p_user, ''), 256), NULL,
		    'quarantined', 'host over its failure budget');
	END IF;
END $$;

-- What `mfa-enroll hosts` shows (awsmfa_admin): every login role in
-- awsmfa_host or awsmfa_self (directly or through a group), and any role still
-- quarantined, with its charged attempts of the current budget minute
-- and since when it is quarantined (NULL: it is not).
CREATE OR REPLACE FUNCTION awsmfa.list_hosts()
RETURNS TABLE (host_role name, charged bigint, quarantined_since bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
	WITH RECURSIVE member(oid) AS (
		SELECT m.member FROM pg_auth_members m
		    JOIN pg_roles g ON g.oid = m.roleid
		    WHERE g.rolname IN ('awsmfa_host', 'awsmfa_self')
		UNION
		SELECT m.member FROM pg_auth_members m
		    JOIN member x ON m.roleid = x.oid),
	    h(role) AS (
		SELECT r.rolname FROM pg_roles r JOIN member x ON r.oid = x.oid
		    WHERE r.rolcanlogin
		UNION
		SELECT q.role FROM host_quarantine q)
	SELECT h.role, (SELECT count(*) FROM attempts a
		WHERE a.host_role = h.role AND a.at > host_window(h.role) AND
		host_charged(a.result, a.reason)),
	    q.since
	FROM h LEFT JOIN host_quarantine q ON q.role = h.role
	ORDER BY h.role
$$;

-- Ends the quarantine of a login host (awsmfa_admin): its calls are
-- judged again, with a fresh budget.  Returns since when it had been
-- quarantined.  The users it locked out stay locked: unlock_host.
CREATE OR REPLACE FUNCTION awsmfa.release_host(p_role text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	s	bigint;
BEGIN
	DELETE FROM host_quarantine WHERE role = p_role RETURNING since INTO s;
	IF NOT FOUND THEN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role)
		    THEN
			RAISE EXCEPTION 'no database role %', p_role;
		END IF;
		RAISE EXCEPTION 'login host % is not quarantined', p_role;
	END IF;
	INSERT INTO host_release (role, at) VALUES (p_role, clock_timestamp())
	    ON CONFLICT (role) DO UPDATE SET at = excluded.at;
	INSERT INTO attempts (user_name, device, result, reason)
	    VALUES ('', NULL, 'released',
	    left(format('quarantine of host %s ended by admin', p_role), 256));
	RETURN s;
END $$;
