-- SPDX-License-Identifier: BSD-2-Clause
-- Who may call what.  Part of awsmfa.sql (db-init).  Everything else in the
-- schema is the owner's alone.
REVOKE ALL ON ALL ROUTINES IN SCHEMA awsmfa FROM PUBLIC;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA awsmfa TO awsmfa_owner;

-- A login is CALL awsmfa.login; the two functions it calls are the
-- host's too, since the procedure runs with the host's rights (and
-- they hold the rules whoever calls them).
GRANT EXECUTE ON PROCEDURE awsmfa.login(bytea, bytea, integer)
    TO awsmfa_host;
GRANT EXECUTE ON FUNCTION
	awsmfa.login_count(bytea, bytea, integer),
	awsmfa.login_judge(bigint, bytea),
	awsmfa.peek(bytea),
	awsmfa.has_user(bytea),
	awsmfa.schema_version()
    TO awsmfa_host;

GRANT EXECUTE ON FUNCTION
	awsmfa.create_device(text, text, text, integer, integer, text),
	awsmfa.enable_device(text, text, text, text),
	awsmfa.resync_device(text, text, text, text),
	awsmfa.deactivate_device(text, text),
	awsmfa.list_devices(text),
	awsmfa.import_tokens(text[], text[], integer[], integer[], text[],
	    bigint[]),
	awsmfa.set_recovery(text, text[]),
	awsmfa.schema_version(),
	awsmfa.put_user(text, integer, bigint, text[]),
	awsmfa.put_device(text, text, text, text, integer, integer, bytea,
	    boolean, bigint, bigint, bigint, bigint, bigint, text, bigint),
	awsmfa.put_token(text, text, integer, integer, bytea, text, text,
	    bigint),
	awsmfa.list_tokens(),
	awsmfa.list_hosts(),
	awsmfa.release_host(text),
	awsmfa.unlock_user(text),
	awsmfa.invite_user(text, text, bigint),
	awsmfa.put_invitation(text, text, bigint),
	awsmfa.revoke_invite(text),
	awsmfa.list_invitations(text),
	awsmfa.unlock_host(text)
    TO awsmfa_admin;

-- awsmfa-self (sql/self.sql): the two procedures and the definer
-- functions they call, which hold the rules whoever calls them.
GRANT EXECUTE ON PROCEDURE
	awsmfa.self_prove(bytea, bytea, integer),
	awsmfa.self_pair(text, text, text, bytea, bytea, integer)
    TO awsmfa_self;
GRANT EXECUTE ON FUNCTION
	awsmfa.self_prove_count(bytea, bytea, integer),
	awsmfa.self_prove_judge(bigint, bytea),
	awsmfa.self_pair_count(text, bytea, integer),
	awsmfa.self_pair_judge(bigint, text, text, bytea, bytea),
	awsmfa.self_list(text),
	awsmfa.self_create(text, bytea, text, text, integer, integer),
	awsmfa.self_abandon(text, bytea, text),
	awsmfa.self_deactivate(text, bytea, text),
	awsmfa.self_recovery(text, bytea, text[]),
	awsmfa.schema_version()
    TO awsmfa_self;
