-- SPDX-License-Identifier: BSD-2-Clause
-- Invitations, the admin's side (mfa-enroll invite, list, report), as
-- lib/device_invite.c on the file store: granted to awsmfa_admin only, so
-- a login host can neither read nor make one.  Part of awsmfa.sql
-- (db-init), run as awsmfa_owner.  The login's side is in login.sql.

-- A new invitation for p_user, who has no active device, replacing any
-- earlier one: p_hash made by mfa-enroll (lib/invite.c), valid p_ttl
-- seconds from now on the database's clock; returns its expiry.
CREATE OR REPLACE FUNCTION awsmfa.invite_user(p_user text, p_hash text,
    p_ttl bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	e	bigint := now_s() + p_ttl;
BEGIN
	IF p_ttl IS NULL OR p_ttl NOT BETWEEN 1 AND 30 * 86400 THEN
		RAISE EXCEPTION 'invitation lifetime out of range';
	END IF;
	IF p_hash IS NULL OR left(p_hash, 15) <> '$pbkdf2-sha256$' OR
	    length(p_hash) > 191 OR p_hash ~ '[^!-~]' THEN
		RAISE EXCEPTION 'bad invitation hash';
	END IF;
	PERFORM lock_user(p_user);
	IF EXISTS (SELECT 1 FROM devices WHERE user_name = p_user AND
	    active) THEN
		RAISE EXCEPTION 'user % already has an active MFA device; an invitation is for a first device',
		    p_user;
	END IF;
	INSERT INTO invitations (user_name, hash, expires)
	    VALUES (p_user, p_hash, e)
	    ON CONFLICT (user_name) DO UPDATE SET hash = excluded.hash,
	    expires = excluded.expires;
	RETURN e;
END $$;

CREATE OR REPLACE FUNCTION awsmfa.revoke_invite(p_user text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
BEGIN
	PERFORM check_user(p_user);
	DELETE FROM invitations WHERE user_name = p_user;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'user % has no invitation', p_user;
	END IF;
END $$;

-- The invitations of p_user (NULL: everyone): who, until when, and
-- whether it still stands for a device.
CREATE OR REPLACE FUNCTION awsmfa.list_invitations(p_user text)
RETURNS TABLE (user_name text, expires bigint, live boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
	SELECT i.user_name, i.expires, i.expires > now_s()
	FROM invitations i WHERE p_user IS NULL OR i.user_name = p_user
	ORDER BY 1
$$;
