-- SPDX-License-Identifier: BSD-2-Clause
-- Ending lockouts before their time, for awsmfa_admin: one user's, or
-- every one a login host caused (issue 17 rule 2: a stolen host
-- credential that locked users out is quarantined, and its lockouts are
-- then undone).  Each user freed gets an attempts row, the audit of the
-- fleet.  Part of awsmfa.sql (db-init), run as awsmfa_owner.

-- Clears the user's failure count and lock (lib/device_unlock.c on the
-- file store); returns what they were.  Refused for a user without a
-- record, as there is nothing to clear.
CREATE OR REPLACE FUNCTION awsmfa.unlock_user(p_user text,
    OUT failures integer, OUT locked_until bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	PERFORM check_user(p_user);
	SELECT u.failures, u.locked_until INTO failures, locked_until
	    FROM users u WHERE u.name = p_user FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'user % has no MFA record', p_user;
	END IF;
	UPDATE users u SET failures = 0, locked_until = 0
	    WHERE u.name = p_user;
	INSERT INTO attempts (user_name, device, result, reason)
	    VALUES (p_user, NULL, 'unlocked', 'unlocked by admin');
END $$;

-- The users a host locked out: those locked now among whose counted
-- misses (the last `failures` rows of theirs that a login counted: wrong,
-- reused or malformed codes, and counts never judged ('pending'), each
-- of which added one) is one from that
-- host.  Exactly the misses that made the current lock, so a host is
-- never taken for the cause of a lock it had no part in; one pass over
-- the attempts, whatever the number of users.
CREATE OR REPLACE FUNCTION awsmfa.locked_by_host(p_role text)
RETURNS SETOF text
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
	WITH locked AS (SELECT name, failures FROM users
		WHERE locked_until > now_s()),
	    miss AS (SELECT a.user_name, a.host_role,
		row_number() OVER (PARTITION BY a.user_name
		    ORDER BY a.id DESC) AS k
		FROM attempts a JOIN locked l ON l.name = a.user_name
		WHERE a.result IN ('pending', 'bad', 'reused', 'malformed'))
	SELECT DISTINCT m.user_name FROM miss m
	    JOIN locked l ON l.name = m.user_name
	    WHERE m.k <= l.failures AND m.host_role = p_role
$$;

-- Unlocks every user the host locked out; returns how many.
CREATE OR REPLACE FUNCTION awsmfa.unlock_host(p_role text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	n	integer;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) AND
	    NOT EXISTS (SELECT 1 FROM host_quarantine WHERE role = p_role)
	    THEN
		RAISE EXCEPTION 'no database role %', p_role;
	END IF;
	-- In name order, as every writer of several users' rows.
	PERFORM 1 FROM users WHERE name IN (SELECT locked_by_host(p_role))
	    ORDER BY name FOR UPDATE;
	-- Again under the locks: a login may have ended a lock meanwhile.
	WITH freed AS (UPDATE users u SET failures = 0, locked_until = 0
		WHERE u.name IN (SELECT locked_by_host(p_role))
		RETURNING u.name)
	INSERT INTO attempts (user_name, device, result, reason)
	    SELECT f.name, NULL, 'unlocked',
		left(format('unlocked by admin: locked out by host %s',
		p_role), 256)
	    FROM freed f;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;
