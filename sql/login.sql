-- SPDX-License-Identifier: BSD-2-Clause
-- The login decision: the procedure awsmfa.login, the definer functions
-- it calls (login_count, login_judge) and awsmfa.peek, what a login host
-- may call.  Part of awsmfa.sql (db-init), run as awsmfa_owner.

-- The helpers of schema version 1's login, now one function (below).
DROP FUNCTION IF EXISTS awsmfa.try_codes(text, text, bigint, integer);
DROP FUNCTION IF EXISTS awsmfa.match(awsmfa.devices, text, bigint, integer);
DROP FUNCTION IF EXISTS awsmfa.count_failure(awsmfa.users, awsmfa.settings,
    bigint);
DROP FUNCTION IF EXISTS awsmfa.audit(text, text, text, text);
-- The one-call login of before issue 17, which answered in the
-- transaction that counted: a host that rolled it back had a free guess.
-- Its grant goes with it.
DROP FUNCTION IF EXISTS awsmfa.login(text, text);

-- The small helpers below that have no SET clause (now_s, login_bound,
-- durable_commit, login_name, count_pending, pending_take, and
-- host_admit and host_charge in hosts.sql) are called only by the
-- SECURITY DEFINER functions, whose pinned search_path they run under,
-- and no other role may call them; without a SET of their own they spare
-- a setting's save and restore on each of a login's dozens of calls
-- (0.3 ms a login, bench/pg-results.md).

-- Now on the fleet's one clock, the database's, in whole seconds.
CREATE OR REPLACE FUNCTION awsmfa.now_s() RETURNS bigint
LANGUAGE sql STABLE
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

-- An invitation typed by a user with no active device (lib/verify.c
-- try_invite): 'invite_ok' for the user's live one, else 'bad', or
-- 'malformed' when the input is not "inv" and 20 characters.  It is not
-- spent: enabling the first device removes it (sql/lifecycle.sql).
CREATE OR REPLACE FUNCTION awsmfa.try_invite(p_user text, p_input text,
    p_t bigint) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	norm	text := lower(translate(p_input, ' -', ''));
	h	text;
BEGIN
	IF norm !~ '^inv[a-z2-7]{20}$' THEN
		RETURN 'malformed';
	END IF;
	SELECT i.hash INTO h FROM invitations i WHERE i.user_name = p_user AND
	    i.expires > p_t AND NOT EXISTS (SELECT 1 FROM devices d
		WHERE d.user_name = p_user AND d.active);
	IF h IS NOT NULL AND recovery_match(substr(norm, 4), h) THEN
		RETURN 'invite_ok';
	END IF;
	RETURN 'bad';
END $$;

-- Whether the user has an invitation that stands for a device now.
CREATE OR REPLACE FUNCTION awsmfa.invited(p_user text, p_t bigint)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM invitations WHERE user_name = p_user
    AND expires > p_t) $$;

-- A login in two transactions (issue 17, rule 1): a guess is counted and
-- committed before its answer exists.  login_count counts the attempt as
-- a miss would and records it as 'pending'; login_judge, in a later
-- transaction, judges that one input once and undoes the count if the
-- code is right.  A host that rolls back, cancels, drops its connection
-- or times the judge has paid for the guess already: the count was
-- committed by an earlier transaction.  Neither function trusts the
-- order it is called in; the procedure awsmfa.login only calls them
-- with a COMMIT between them, so one CALL is one login.
--
-- The decision is the file store's (lib/verify.c decide()): result ok,
-- recovery_ok, bad, reused, malformed, locked, nodevice; 'refused' when
-- the host is quarantined (sql/hosts.sql), the judge has no committed
-- count of this session for this input, or the module's deadline passed.
-- A host learns the result, the device and the reason, never failure
-- counts or lock times (rule 7): those stay in users and attempts.

-- What login_count has counted and login_judge may judge once: the
-- transaction that counted (its top-level id: a savepoint has the same),
-- a keyed digest of the input (never the input), and the moment after
-- which no judgement may accept (the module's deadline).
CREATE TABLE IF NOT EXISTS awsmfa.pending (
	attempt		bigint PRIMARY KEY,
	host_role	name NOT NULL,
	xact		xid8 NOT NULL,
	user_name	text NOT NULL,
	salt		bytea NOT NULL,
	digest		bytea NOT NULL,
	deadline	timestamptz NOT NULL
);
REVOKE ALL ON awsmfa.pending FROM PUBLIC;
CREATE INDEX IF NOT EXISTS pending_host_deadline ON awsmfa.pending
    (host_role, deadline);

-- A user name as the host sent it, in bytes: the server refuses invalid
-- UTF-8 in a text argument before any function runs, and then no
-- attempts row would say the call was made.  name: the name, NULL for
-- bytes no record can be named by (not UTF-8, a NUL, over 256 bytes);
-- shown: what the attempts row records, escaped when not UTF-8.
CREATE OR REPLACE FUNCTION awsmfa.login_name(p_user bytea, OUT name text,
    OUT shown text)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	IF octet_length(p_user) BETWEEN 1 AND 256 THEN
		BEGIN
			name := convert_from(p_user, 'UTF8');
		EXCEPTION WHEN character_not_in_repertoire OR
		    untranslatable_character THEN
			name := NULL;
		END;
	END IF;
	shown := coalesce(left(name, 256), left(encode(substring(
	    coalesce(p_user, '') FROM 1 FOR 256), 'escape'), 256));
END $$;

-- Bounds every lock wait of this transaction to ms (at least 1: 0 would
-- mean no bound), so that nothing of a login waits past the module.
-- What runs long without waiting on a lock is bounded by the
-- statement_timeout the module sends (the same four fifths of the time
-- left) in the pipeline of its call, before it (lib/pg/db_call.c
-- db_exec_bounded): a running statement cannot shorten its own timer,
-- and a SET of its own could reach another server connection behind a
-- pooler.  The timer lasts the whole CALL, its COMMITs included.
-- PL/pgSQL, as the other small helpers a login calls: a LANGUAGE sql
-- function that is not inlined is parsed and planned again at each call.
CREATE OR REPLACE FUNCTION awsmfa.login_bound(p_ms bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
	PERFORM set_config('lock_timeout',
	    greatest(least(p_ms, 60000), 1) || 'ms', true);
END $$;

-- Counts an attempt at p_name's codes as a miss (lib/verify.c) before it
-- is judged, in the caller's transaction, with its attempts row
-- 'pending' (reason p_why) and the pending row the judge takes
-- (pending_take): a lock that has run out gives a fresh set of tries; an
-- accepted answer undoes the count.  The user's row is locked already.
-- Returns the attempt.
CREATE OR REPLACE FUNCTION awsmfa.count_pending(p_name text, p_shown text,
    p_input bytea, p_ms bigint, p_why text) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	t	bigint := now_s();
	u	record;
	a	bigint;
	salt	bytea := gen_random_bytes(16);
BEGIN
	SELECT x.failures, x.locked_until, s.max_failures, s.lockout_seconds
	    INTO u FROM users x, settings s WHERE x.name = p_name;
	IF u.locked_until <> 0 THEN
		u.failures := 0;
		u.locked_until := 0;
	END IF;
	IF u.lockout_seconds <> 0 THEN
		u.failures := least(u.failures + 1, 2147483647);
		IF u.failures >= u.max_failures THEN
			u.locked_until := t + u.lockout_seconds;
		END IF;
	END IF;
	UPDATE users SET failures = u.failures, locked_until = u.locked_until
	    WHERE name = p_name;
	INSERT INTO attempts (user_name, device, result, reason)
	    VALUES (p_shown, NULL, 'pending', p_why) RETURNING id INTO a;
	PERFORM host_charge(p_shown);
	-- This host's counts that can no longer be judged: garbage, since
	-- a judge refuses them anyway, so swept on one count in 16; a
	-- minute late, so that a judge running late finds its own row
	-- ('too late') rather than none ('not counted', charged again).
	IF a % 16 = 0 THEN
		DELETE FROM pending WHERE host_role = session_user AND
		    deadline < clock_timestamp() - interval '1 minute';
	END IF;
	INSERT INTO pending (attempt, host_role, xact, user_name, salt, digest,
	    deadline) VALUES (a, session_user, pg_current_xact_id(),
	    p_name, salt, hmac(coalesce(p_input, ''), salt, 'sha256'),
	    statement_timestamp() + p_ms * interval '1 millisecond');
	RETURN a;
END $$;

-- The pending attempt p_attempt of this session's role, taken for its one
-- judgement: found only when an earlier, committed transaction counted
-- it, with this same input, and its deadline has not passed; why says
-- what was wrong otherwise ('not counted', 'too late').  The row goes
-- whatever the outcome.  Lock waits from here on end by its deadline.
CREATE OR REPLACE FUNCTION awsmfa.pending_take(p_attempt bigint,
    p_input bytea, OUT p awsmfa.pending, OUT why text)
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
	why := 'not counted';
	-- Even the wait for another judge of the same row ends in time.
	PERFORM login_bound((SELECT (extract(epoch FROM x.deadline -
	    clock_timestamp()) * 1000)::bigint FROM pending x
	    WHERE x.attempt = p_attempt));
	DELETE FROM pending x WHERE x.attempt = p_attempt AND
	    x.host_role = session_user RETURNING x.* INTO p;
	-- Nothing of this role's to judge (a number made up, replayed or
	-- another host's): no answer, but the call leaves its row, charged
	-- as a miss, so that a host calling it by the thousand runs into
	-- its budget (and then a row a minute) rather than filling the
	-- table.
	IF NOT FOUND THEN
		IF host_admit('') THEN
			INSERT INTO attempts (user_name, device, result, reason)
			    VALUES ('', NULL, 'refused', why);
			PERFORM host_charge('');
		END IF;
		RETURN;
	END IF;
	IF p.xact = pg_current_xact_id() OR
	    hmac(coalesce(p_input, ''), p.salt, 'sha256') <> p.digest THEN
		p := NULL;
		RETURN;
	END IF;
	IF clock_timestamp() >= p.deadline THEN
		why := 'too late';
		p := NULL;
		RETURN;
	END IF;
	why := NULL;
	PERFORM login_bound((extract(epoch FROM p.deadline -
	    clock_timestamp()) * 1000)::bigint);
END $$;

-- The transaction that accepts an answer commits as the fleet's
-- replication promises (README: Replication), whatever the caller's
-- session or role says: an acceptance a failover could forget would let
-- the code be accepted again.  A setting above 'on' (remote_apply) is
-- kept.  The count's commit may be faster: the judge's carries it.
CREATE OR REPLACE FUNCTION awsmfa.durable_commit() RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
	IF current_setting('synchronous_commit') IN ('off', 'local',
	    'remote_write') THEN
		PERFORM set_config('synchronous_commit', 'on', true);
	END IF;
END $$;

-- The first transaction of a login.  p_ms: the milliseconds the module
-- still waits (what is left of db_timeout).  Settles what needs no
-- secret (no record, no active device, locked) with its attempts row;
-- else counts the attempt as a miss and returns result 'pending' and the
-- attempt to judge.  Secrets are not opened here.
-- plan_cache_mode: the planner would otherwise plan the budget's count
-- (host_charge), and the judge's match, again for each login's values
-- (bench/pg-results.md: a quarter of a login's server time); the one
-- generic plan is as fast.
CREATE OR REPLACE FUNCTION awsmfa.login_count(p_user bytea, p_input bytea,
    p_ms integer, OUT attempt bigint, OUT result text, OUT device text,
    OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	t	bigint := now_s();
	ms	bigint := least(greatest(coalesce(p_ms, 0), 0), 60000);
	n	record := login_name(p_user);
	u	record;
BEGIN
	-- The server gives up before the module: a fifth of the time left
	-- is for the answer's way back and the commit.
	ms := ms * 4 / 5;
	PERFORM login_bound(ms);
	IF NOT host_admit(n.shown) THEN
		result := 'refused';
		reason := 'host quarantined';
		RETURN;
	END IF;
	-- The user's row, locked for the count.  When another session
	-- holds it (two logins of one user at once, or a host sitting on
	-- it), wait, in a subtransaction only then, and for three quarters
	-- of the time, so that lock_timeout ends the wait before the
	-- module's statement_timeout would: the call then leaves its row,
	-- uncharged, and nothing is counted or judged.
	PERFORM 1 FROM users x WHERE x.name = n.name FOR UPDATE SKIP LOCKED;
	IF NOT FOUND AND EXISTS (SELECT 1 FROM users x WHERE x.name = n.name)
	    THEN
		BEGIN
			PERFORM login_bound(ms * 3 / 4);
			PERFORM 1 FROM users x WHERE x.name = n.name FOR UPDATE;
		EXCEPTION WHEN lock_not_available THEN
			result := 'refused';
			reason := 'user busy';
			INSERT INTO attempts (user_name, device, result, reason)
			    VALUES (n.shown, NULL, result, reason);
			RETURN;
		END;
		PERFORM login_bound(ms);
	END IF;
	SELECT x.locked_until, EXISTS (SELECT 1 FROM devices d
		WHERE d.user_name = x.name AND d.active) OR
	    invited(x.name, t) AS active INTO u
	    FROM users x WHERE x.name = n.name;
	IF NOT FOUND THEN
		-- The file store's words (lib/verify.c): a name no record
		-- can have (check_user's rule), or none.
		result := 'nodevice';
		reason := CASE WHEN n.name IS NULL OR n.name ~ '[/[:cntrl:]]'
		    OR left(n.name, 1) = '.' THEN 'invalid user name'
		    ELSE 'no record' END;
	ELSIF NOT u.active THEN
		result := 'nodevice';
		reason := 'no active device';
	ELSIF u.locked_until > t THEN
		result := 'locked';
		reason := 'locked out';
	END IF;
	IF result IS NOT NULL THEN
		INSERT INTO attempts (user_name, device, result, reason)
		    VALUES (n.shown, NULL, result, reason);
		IF host_charged(result, reason) THEN
			PERFORM host_charge(n.shown);
		END IF;
		RETURN;
	END IF;
	attempt := count_pending(n.name, n.shown, p_input, ms, 'not judged');
	result := 'pending';
END $$;

-- The second transaction: judges the input of a pending attempt of this
-- session's role that an earlier, committed transaction counted, once,
-- before its deadline.  Anything else is 'refused' before a secret is
-- opened, and says nothing about the code.
--
-- The match: every active device of the user whose code length the input
-- has ("shaped"), every step center + drift +- win of it, as lib/verify.c.
-- Per device: the first step after the last accepted one whose code is
-- the input ("new"), and whether a step at or before it is ("old").  The
-- first device by name with a new step takes the login; else a device
-- with an old one makes it "reused"; else "bad", or "malformed" when no
-- device has the input's shape.  Every step is computed and the codes are
-- compared by digest, so the time does not depend on where they differ.
-- A lock is not looked at: the count let this attempt in.
CREATE OR REPLACE FUNCTION awsmfa.login_judge(p_attempt bigint,
    p_input bytea, OUT result text, OUT device text, OUT reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	t	bigint := now_s();
	code	text := encode(coalesce(p_input, ''), 'escape');
	tk	record;
	p	awsmfa.pending;
	u	record;
	m	record;
	inv	boolean := false;
BEGIN
	result := 'refused';
	PERFORM durable_commit();
	SELECT * INTO tk FROM pending_take(p_attempt, p_input);
	IF tk.why IS NOT NULL THEN
		reason := tk.why;
		RETURN;
	END IF;
	p := tk.p;
	SELECT s.win, s.hotp_look_ahead AS la INTO u FROM users x, settings s
	    WHERE x.name = p.user_name FOR UPDATE OF x;
	IF NOT FOUND THEN
		result := 'nodevice';
		reason := 'no record';
		RETURN;
	END IF;
	SELECT count(*) AS active, count(*) FILTER (WHERE d.shaped) AS shaped,
	    (array_agg(d.name ORDER BY d.name)
		FILTER (WHERE c.step IS NOT NULL))[1] AS device,
	    (array_agg(c.step ORDER BY d.name)
		FILTER (WHERE c.step IS NOT NULL))[1] AS step,
	    coalesce(bool_or(c.old), false) AS old INTO m
	FROM (SELECT dv.name, dv.secret, dv.alg, dv.digits, w.lo, w.hi,
		w.fresh, code ~ ('^[0-9]{' || dv.digits || '}$') AS shaped
	    FROM devices dv,
	    -- The steps tried and the first one not spent: around now for
	    -- TOTP; for HOTP the look-ahead from the counter on, and as
	    -- many before it, spent, to tell a replay from a wrong code.
	    LATERAL (SELECT CASE WHEN dv.kind = 'hotp' THEN
		    greatest(0, dv.counter - u.la)
		    ELSE greatest(0, t / dv.period + dv.drift - u.win) END,
		CASE WHEN dv.kind = 'hotp' THEN dv.counter + u.la - 1
		    ELSE t / dv.period + dv.drift + u.win END,
		CASE WHEN dv.kind = 'hotp' THEN dv.counter
		    ELSE coalesce(dv.last_step + 1, 0) END) w(lo, hi, fresh)
	    WHERE dv.user_name = p.user_name AND dv.active) d
	LEFT JOIN LATERAL (SELECT unseal(d.secret) AS k
	    WHERE d.shaped OFFSET 0) kk ON true
	LEFT JOIN LATERAL (SELECT
		min(g.s) FILTER (WHERE g.hit AND g.s >= d.fresh) AS step,
		bool_or(g.hit AND g.s < d.fresh) AS old
	    FROM (SELECT s, digest(lpad(((((get_byte(h.h, h.o) & 127)::bigint
		    << 24) | (get_byte(h.h, h.o + 1)::bigint << 16) |
		    (get_byte(h.h, h.o + 2)::bigint << 8) |
		    get_byte(h.h, h.o + 3)::bigint) %
		    (10::bigint ^ d.digits)::bigint)::text, d.digits, '0'),
		    'sha256') = digest(code, 'sha256') AS hit
		FROM generate_series(d.lo, d.hi) s,
		LATERAL (SELECT hm, get_byte(hm, length(hm) - 1) & 15
		    FROM hmac(int8send(s), kk.k, d.alg) hm OFFSET 0) h(h, o)
		WHERE kk.k IS NOT NULL) g) c ON true;
	-- A live invitation stands for a device; an expired one is as none.
	IF m.active = 0 AND NOT invited(p.user_name, t) THEN
		result := 'nodevice';
		reason := 'no active device';
	ELSE
		result := CASE WHEN m.device IS NOT NULL THEN 'ok'
		    WHEN m.old THEN 'reused' WHEN m.shaped > 0 THEN 'bad'
		    ELSE try_recovery(p.user_name, code) END;
		IF result = 'malformed' THEN
			result := try_invite(p.user_name, code, t);
			inv := true;
		END IF;
		device := m.device;
		reason := CASE result WHEN 'ok' THEN 'code accepted'
		    WHEN 'recovery_ok' THEN 'recovery code accepted'
		    WHEN 'invite_ok' THEN 'invitation accepted'
		    WHEN 'reused' THEN 'code already used'
		    WHEN 'bad' THEN CASE WHEN inv THEN 'wrong invitation'
			WHEN m.shaped = 0 THEN 'wrong recovery code'
			ELSE 'wrong code' END
		    ELSE 'not a code' END;
		IF result = 'reused' AND EXISTS (SELECT 1 FROM devices x
		    WHERE x.user_name = p.user_name AND x.active AND
		    periods_ahead(x) > 0) THEN
			reason := 'code already used: last-used period in the future';
		END IF;
	END IF;
	-- The module gave up by now: nothing is spent, the count stays,
	-- and the attempts row still says 'pending'.  A burnt recovery
	-- code comes back with the rollback.
	IF clock_timestamp() >= p.deadline THEN
		RAISE EXCEPTION USING ERRCODE = 'query_canceled',
		    MESSAGE = 'awsmfa: judged after the deadline';
	END IF;
	-- An accepted code spends its step, or moves an HOTP counter past
	-- it, and undoes the count.
	WITH dv AS (UPDATE devices x SET last_used = t,
		last_step = CASE WHEN x.kind = 'hotp' THEN NULL ELSE m.step END,
		counter = CASE WHEN x.kind = 'hotp' THEN m.step + 1 END
		WHERE result = 'ok' AND x.user_name = p.user_name AND
		x.name = login_judge.device),
	    us AS (UPDATE users SET failures = 0, locked_until = 0
		WHERE result IN ('ok', 'recovery_ok', 'invite_ok') AND
		name = p.user_name)
	UPDATE attempts SET device = login_judge.device,
	    result = login_judge.result, reason = login_judge.reason
	    WHERE id = p.attempt;
END $$;

-- One login, as the module calls it: CALL awsmfa.login(user, input, ms,
-- NULL, NULL, NULL), behind a set_config of statement_timeout and
-- lock_timeout to four fifths of ms, local, in the same pipeline
-- (see login_bound): a judge still running then is cancelled and rolled
-- back, and only the count, committed before it, stays.  The count is
-- committed before the judge runs, so CALL inside a transaction block
-- fails ("invalid transaction termination") before anything is judged.
-- PostgreSQL refuses COMMIT in a SECURITY DEFINER procedure or one with
-- SET, so this one runs with the caller's rights and search_path, and
-- names everything in full; the rules are in the two definer functions,
-- whatever order a host calls them in.
CREATE OR REPLACE PROCEDURE awsmfa.login(p_user bytea, p_input bytea,
    p_ms integer, OUT result text, OUT device text, OUT reason text)
LANGUAGE plpgsql
AS $$
DECLARE
	c	record;
BEGIN
	-- The count's commit need not wait for the disk (or a standby):
	-- the judge's commit, which the answer waits for, comes after it
	-- in the WAL and makes both durable at once.  One flush a login.
	PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
	SELECT x.attempt, x.result, x.device, x.reason INTO c
	    FROM awsmfa.login_count(p_user, p_input, p_ms) x;
	COMMIT;
	IF c.result OPERATOR(pg_catalog.<>) 'pending' THEN
		result := c.result;
		device := c.device;
		reason := c.reason;
		RETURN;
	END IF;
	SELECT x.result, x.device, x.reason INTO result, device, reason
	    FROM awsmfa.login_judge(c.attempt, p_input) x;
	COMMIT;
END $$;

-- The schema this database holds, for `mfa-enroll check`.
CREATE OR REPLACE FUNCTION awsmfa.schema_version() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT v FROM meta WHERE k = 'schema_version' $$;

-- Whether the user has a record (the module then uses the name as typed,
-- else NSS's spelling of it).
-- The name as bytes, as login_count takes it: a name that is not UTF-8
-- has no record, rather than an error that would end the login before
-- login_count records it.
DROP FUNCTION IF EXISTS awsmfa.has_user(text);
CREATE OR REPLACE FUNCTION awsmfa.has_user(p_user bytea) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM users
    WHERE name = (login_name(p_user)).name) $$;

-- Before the prompt: the code lengths of the user's active devices, or
-- {0} for a live invitation of a user without one (ANSWER_INVITATION):
-- nullok then asks for it.
-- The name as bytes, as has_user.
DROP FUNCTION IF EXISTS awsmfa.peek(text);
-- PL/pgSQL, so that a pooled server connection plans it once.
CREATE OR REPLACE FUNCTION awsmfa.peek(p_user bytea) RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, awsmfa, pg_temp
AS $$
DECLARE
	r	integer[];
BEGIN
	SELECT CASE WHEN count(d.name) = 0 AND
		coalesce(invited(n.name, now_s()), false)
	    THEN '{0}'::integer[]
	    ELSE coalesce(array_agg(DISTINCT d.digits ORDER BY d.digits)
		FILTER (WHERE d.name IS NOT NULL), '{}') END INTO r
	    FROM (SELECT (login_name(p_user)).name) n
	    LEFT JOIN devices d ON d.user_name = n.name AND d.active
	    GROUP BY n.name;
	RETURN r;
END $$;
