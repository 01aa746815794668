-- SPDX-License-Identifier: BSD-2-Clause
-- Roles, the schema and pgcrypto.  Part of awsmfa.sql (db-init).
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
	-- awsmfa-self on a login host (issue 20 part 4, sql/self.sql).
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'awsmfa_self') THEN
		CREATE ROLE awsmfa_self NOLOGIN;
	END IF;
END $$;

-- Parameters of calls are codes (and, for migrate, secrets): keep them
-- out of the server's log for every session of this database, whatever
-- its role; a setting on a group role does not reach its members.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET log_parameter_max_length = 0',
	    current_database());
	EXECUTE format('ALTER DATABASE %I SET log_parameter_max_length_on_error = 0',
	    current_database());
END $$;
-- The same on the group roles, for roles that connect elsewhere first.
ALTER ROLE awsmfa_host SET log_parameter_max_length = 0;
ALTER ROLE awsmfa_host SET log_parameter_max_length_on_error = 0;
ALTER ROLE awsmfa_admin SET log_parameter_max_length = 0;
ALTER ROLE awsmfa_admin SET log_parameter_max_length_on_error = 0;
ALTER ROLE awsmfa_self SET log_parameter_max_length = 0;
ALTER ROLE awsmfa_self SET log_parameter_max_length_on_error = 0;

-- A session that leaves a transaction open holds a user's row lock, and
-- every other host's login of that user waits behind it: end such a
-- session after 10 s, whatever its role (a member does not get a group
-- role's setting).  A session may still SET its own; see SECURITY.md.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = %L',
	    current_database(), '10s');
END $$;

-- One login host may hold at most 20 of the server's connections, so a
-- host (or its stolen credential) cannot take every slot from the
-- others; its self-service role (awsmfa_self) as well.  CONNECTION LIMIT is a role's own, not inherited from
-- awsmfa_host: each login role of the group without one gets it, here
-- and on every later db-init; a limit the DBA chose is kept.
-- Superusers ignore the limit and are left alone.
DO $$
DECLARE
	r name;
BEGIN
	FOR r IN SELECT rolname FROM pg_roles
	    WHERE rolcanlogin AND NOT rolsuper AND rolconnlimit = -1 AND
		(pg_has_role(oid, 'awsmfa_host', 'MEMBER') OR
		pg_has_role(oid, 'awsmfa_self', 'MEMBER'))
	LOOP
		EXECUTE format('ALTER ROLE %I CONNECTION LIMIT 20', r);
	END LOOP;
END $$;

-- The key is read from a file outside the data directory, which neither a
-- pg_dump nor a copy of the data directory holds.
GRANT pg_read_server_files TO awsmfa_owner;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO awsmfa_owner;

CREATE SCHEMA IF NOT EXISTS awsmfa AUTHORIZATION awsmfa_owner;
REVOKE ALL ON SCHEMA awsmfa FROM PUBLIC;
GRANT USAGE ON SCHEMA awsmfa TO awsmfa_host, awsmfa_admin, awsmfa_self;

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
