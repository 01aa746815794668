-- SPDX-License-Identifier: BSD-2-Clause
-- The tables, owned by awsmfa_owner and readable by no other role.
-- Part of awsmfa.sql (db-init), run as awsmfa_owner.
CREATE TABLE IF NOT EXISTS awsmfa.meta (
	k	text PRIMARY KEY,
	v	text NOT NULL
);

-- Fleet-wide policy: every host gets the same window and lockout.
CREATE TABLE IF NOT EXISTS awsmfa.settings (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	win		integer NOT NULL DEFAULT 1 CHECK (win BETWEEN 0 AND 10),
	resync_window	integer NOT NULL DEFAULT 20 CHECK (resync_window BETWEEN 1 AND 2880),
	max_failures	integer NOT NULL DEFAULT 5 CHECK (max_failures BETWEEN 1 AND 1000),
	lockout_seconds	bigint NOT NULL DEFAULT 300 CHECK (lockout_seconds >= 0),
	max_devices	integer NOT NULL DEFAULT 8 CHECK (max_devices BETWEEN 1 AND 64)
);
INSERT INTO awsmfa.settings DEFAULT VALUES ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS awsmfa.users (
	name		text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 256),
	failures	integer NOT NULL DEFAULT 0,
	locked_until	bigint NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS awsmfa.devices (
	user_name	text NOT NULL REFERENCES awsmfa.users ON DELETE CASCADE,
	name		text NOT NULL CHECK (name ~ '^[A-Za-z0-9._@+:-]{1,64}$'),
	serial		text,
	alg		text NOT NULL CHECK (alg IN ('sha1', 'sha256', 'sha512')),
	digits		integer NOT NULL CHECK (digits BETWEEN 6 AND 8),
	period		integer NOT NULL CHECK (period BETWEEN 1 AND 3600),
	secret		bytea NOT NULL,		-- encrypted under the key
	active		boolean NOT NULL DEFAULT false,
	created		bigint NOT NULL,
	enabled		bigint NOT NULL DEFAULT 0,
	last_used	bigint NOT NULL DEFAULT 0,
	last_step	bigint,
	drift		bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (user_name, name)
);

-- Hardware tokens: the seed stays here, and a copy goes with the device
-- while a user holds it; both change in one transaction.
CREATE TABLE IF NOT EXISTS awsmfa.inventory (
	serial		text PRIMARY KEY CHECK (serial ~ '^[A-Za-z0-9._@+:-]{1,64}$'),
	alg		text NOT NULL CHECK (alg IN ('sha1', 'sha256', 'sha512')),
	digits		integer NOT NULL CHECK (digits BETWEEN 6 AND 8),
	period		integer NOT NULL CHECK (period BETWEEN 1 AND 3600),
	secret		bytea NOT NULL,		-- encrypted under the key
	user_name	text REFERENCES awsmfa.users ON DELETE SET NULL
);

-- Recovery codes, as lib/recovery.c hashes them; the plain codes are shown
-- once by mfa-enroll and never reach the database.
CREATE TABLE IF NOT EXISTS awsmfa.recovery (
	user_name	text NOT NULL REFERENCES awsmfa.users ON DELETE CASCADE,
	hash		text NOT NULL,
	PRIMARY KEY (user_name, hash)
);

-- Invitations (lib/invite.h): one per user, the hash of the code as
-- lib/recovery.c hashes, and its expiry on the database's clock.  The
-- plain code is shown once by mfa-enroll and never reaches the database.
CREATE TABLE IF NOT EXISTS awsmfa.invitations (
	user_name	text PRIMARY KEY REFERENCES awsmfa.users ON DELETE CASCADE,
	hash		text NOT NULL,
	expires		bigint NOT NULL
);

-- One line per attempt, in the transaction that decides it; never a code.
CREATE TABLE IF NOT EXISTS awsmfa.attempts (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	host_role	name NOT NULL DEFAULT session_user,
	user_name	text NOT NULL,
	device		text,
	result		text NOT NULL,
	reason		text NOT NULL
);

-- Counter (HOTP) devices and tokens (issue 21), added in place so that
-- db-init upgrades a fleet without losing a row.  A TOTP row has a
-- period and no counter, an HOTP row the counter of the next code its
-- token shows (at most 2^62, lib/otp.h OTP_COUNTER_MAX) and no period;
-- the check keeps one from standing in for the other.
ALTER TABLE awsmfa.settings ADD COLUMN IF NOT EXISTS hotp_look_ahead integer
    NOT NULL DEFAULT 10 CHECK (hotp_look_ahead BETWEEN 1 AND 100);
ALTER TABLE awsmfa.devices ADD COLUMN IF NOT EXISTS kind text NOT NULL
    DEFAULT 'totp';
ALTER TABLE awsmfa.devices ADD COLUMN IF NOT EXISTS counter bigint;
ALTER TABLE awsmfa.devices ALTER COLUMN period DROP NOT NULL;
ALTER TABLE awsmfa.devices DROP CONSTRAINT IF EXISTS devices_kind_fits;
ALTER TABLE awsmfa.devices ADD CONSTRAINT devices_kind_fits CHECK (
    (kind = 'totp' AND period IS NOT NULL AND counter IS NULL) OR
    (kind = 'hotp' AND period IS NULL AND counter BETWEEN 0 AND 4611686018427387904
	AND last_step IS NULL AND drift = 0));
ALTER TABLE awsmfa.inventory ADD COLUMN IF NOT EXISTS kind text NOT NULL
    DEFAULT 'totp';
ALTER TABLE awsmfa.inventory ADD COLUMN IF NOT EXISTS counter bigint;
ALTER TABLE awsmfa.inventory ALTER COLUMN period DROP NOT NULL;
ALTER TABLE awsmfa.inventory DROP CONSTRAINT IF EXISTS inventory_kind_fits;
ALTER TABLE awsmfa.inventory ADD CONSTRAINT inventory_kind_fits CHECK (
    (kind = 'totp' AND period IS NOT NULL AND counter IS NULL) OR
    (kind = 'hotp' AND period IS NULL AND counter BETWEEN 0 AND 4611686018427387904));

REVOKE ALL ON ALL TABLES IN SCHEMA awsmfa FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA awsmfa FROM PUBLIC;

INSERT INTO awsmfa.meta VALUES ('schema_version', '1')
    ON CONFLICT (k) DO UPDATE SET v = excluded.v;
