-- SPDX-License-Identifier: BSD-2-Clause
-- Who may call what.  Part of awsmfa.sql (db-init).  Everything else in the
-- schema is the owner's alone.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA awsmfa FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA awsmfa TO awsmfa_owner;

GRANT EXECUTE ON FUNCTION
	awsmfa.login(text, text),
	awsmfa.peek(text),
	awsmfa.has_user(text),
	awsmfa.schema_version()
    TO awsmfa_host;

GRANT EXECUTE ON FUNCTION
	awsmfa.create_device(text, text, text, integer, integer),
	awsmfa.enable_device(text, text, text, text),
	awsmfa.resync_device(text, text, text, text),
	awsmfa.deactivate_device(text, text),
	awsmfa.list_devices(text),
	awsmfa.import_tokens(text[], text[], integer[], integer[], text[]),
	awsmfa.set_recovery(text, text[]),
	awsmfa.schema_version(),
	awsmfa.put_user(text, integer, bigint, text[]),
	awsmfa.put_device(text, text, text, text, integer, integer, bytea,
	    boolean, bigint, bigint, bigint, bigint, bigint),
	awsmfa.put_token(text, text, integer, integer, bytea, text),
	awsmfa.list_tokens(),
	awsmfa.list_hosts(),
	awsmfa.release_host(text),
	awsmfa.unlock_user(text),
	awsmfa.unlock_host(text)
    TO awsmfa_admin;
