-- SPDX-License-Identifier: BSD-2-Clause
-- pam_awsmfa's fleet store, schema version 1.  Run by `mfa-enroll db-init`
-- as a superuser in the database of its own that awsmfa needs; psql
-- variable key_file: the path, on the database server, of the key that
-- seals secrets at rest (32 random bytes in hex, outside the data
-- directory, readable by the server only).
--
-- Secrets never leave the database: codes are checked by SECURITY DEFINER
-- functions under one row lock per user.  Login hosts belong to
-- awsmfa_host and may only CALL awsmfa.login (and the two functions it
-- calls), awsmfa.peek and awsmfa.has_user; admins
-- belong to awsmfa_admin and call the lifecycle functions; awsmfa-self on a
-- login host belongs to awsmfa_self and calls the self_ functions.  None
-- can read a table.  Tables and functions belong to awsmfa_owner, a NOLOGIN
-- role that alone may read the key file.

\set ON_ERROR_STOP on

BEGIN;
\ir roles.sql
SET LOCAL ROLE awsmfa_owner;
\ir tables.sql
\ir crypto.sql
\ir login.sql
\ir hosts.sql
\ir unlock.sql
\ir lifecycle.sql
\ir invite.sql
\ir self.sql
\ir migrate.sql
RESET ROLE;
\ir grants.sql
COMMIT;
