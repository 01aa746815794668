/* SPDX-License-Identifier: BSD-2-Clause */
/* The table of decision.h.  Each scenario has a user of its own, set up
 * through the store's admin operations 600 s before its base time (a
 * whole hour, so a multiple of every period), and a list of actions at
 * times relative to that base.  Steps are counted from the step of the
 * action's moment; the device's drift is not added for you.
 *
 * Defaults: window 1, max_failures 5, lockout_seconds 300. */
#include "answer.h"
#include "decision.h"

#define DEV(n, d, p, a, t)	{ (n), (d), (p), (a), (t), 0 }
#define D6(n)			DEV(n, 6, 30, OTP_SHA1, 0)
#define D8(n)			DEV(n, 8, 30, OTP_SHA1, 0)
#define PENDING(n)		{ (n), 6, 30, OTP_SHA1, 0, 1 }
/* A counter (HOTP) device: period 0, its "steps" are counters.  H6 is
 * enabled with the codes of counters at - 1 and at, so that its counter
 * is then at + 1; the look-ahead is the default 10, the enable and resync
 * search 100 counters. */
#define H6(n, at)		DEV(n, 6, 0, OTP_SHA1, at)
#define HPENDING(n)		{ (n), 6, 0, OTP_SHA1, 0, 1 }

#define LOGIN(t, ...)	{ .kind = A_LOGIN, .dt = (t), __VA_ARGS__ }
#define TRY(t, ...)	{ .kind = A_TRY, .dt = (t), __VA_ARGS__ }
#define PEEK(t, r, m)	{ .kind = A_PEEK, .dt = (t), .want = (r), .mask = (m) }
#define DEACT(d)	{ .kind = A_DEACTIVATE, .dev = (d) }
/* Resync at t with CODE2 of step n: the drift kept, the periods the last
 * used one was set back by. */
#define RESYNC(t, d, n, dr, back, ...) { .kind = A_RESYNC, .dt = (t), \
	.dev = (d), .k = (n), .drift = (dr), .reset = (back), __VA_ARGS__ }
#define BREAK(b)	{ .kind = A_BREAK, .brk = (b) }
/* An invitation at t, valid for s seconds (0: the default 72 h). */
#define INVITE(t, s)	{ .kind = A_INVITE, .dt = (t), .k = (s) }
#define REVOKE(t)	{ .kind = A_REVOKE, .dt = (t) }
#define ENABLE(t, d)	{ .kind = A_ENABLE, .dt = (t), .dev = (d) }
/* Enable with CODE2 of step (HOTP: counter) n of the moment. */
#define ENABLE_AT(t, d, n, ...) { .kind = A_ENABLE, .dt = (t), .dev = (d), \
	.k = (n), __VA_ARGS__ }
#define MEND		{ .kind = A_MEND }

#define STEP(d, n)	.in = I_STEP, .dev = (d), .k = (n)
#define AT(d, s)	.in = I_AT, .dev = (d), .k = (s)
#define TEXT(s)		.in = I_TEXT, .text = (s), .len = sizeof(s) - 1
#define WRONG(d)	.in = I_WRONG, .dev = (d)
#define RCODE(n)	.in = I_RECOVERY, .k = (n)
#define BADRC		.in = I_BADRECOVERY
#define INV		.in = I_INVITE, .k = 0
#define OLDINV		.in = I_INVITE, .k = 1
#define BADINV		.in = I_BADINVITE

#define IS_OK		.want = VERIFY_OK
#define IS_RECOVERY	.want = VERIFY_RECOVERY_OK
#define IS_INVITE	.want = VERIFY_INVITE_OK
#define IS_BAD		.want = VERIFY_BAD
#define IS_REUSED	.want = VERIFY_REUSED
#define IS_MALFORMED	.want = VERIFY_MALFORMED
#define IS_LOCKED	.want = VERIFY_LOCKED
#define IS_NODEVICE	.want = VERIFY_NODEVICE
#define IS_ERROR	.want = VERIFY_ERROR
/* The database's answer where it differs by design (see try_first_pass
 * in lib/backend_pg.c: the stacked token is never sent). */
#define PG(r)		.pg = (r) + 1

#define F(n)		.fail = (n) + 1
#define NOLOCK		.lock = DEC_LOCK_NONE
#define LOCK(t)		.lock = DEC_LOCK_AT, .lock_t = (t)
#define DEVICE(n)	.device = (n)
#define REASON(s)	.reason = (s)

#define W(n)		((n) + 1)
#define LOCKOUT(s)	((s) + 1)
#define M(d)		(1U << (d))
#define M_INV		ANSWER_INVITATION

#define FUTURE	"code already used: last-used period in the future"
#define SPACES	"                                                  "

const struct dec_scenario dec_scenarios[] = {
{ "window 1: steps -1, 0, +1 accepted oldest first, +1 again reused",
    "win1", .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", -1), IS_OK, F(0), NOLOCK, DEVICE("a")),
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
	LOGIN(0, STEP("a", 1), IS_OK, F(0)),
	LOGIN(0, STEP("a", 1), IS_REUSED, F(1), NOLOCK,
	    REASON("code already used")),
} },
{ "window 1: steps -2 and +2 refused, then step 0 accepted",
    "win1out", .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", -2), IS_BAD, F(1), REASON("wrong code")),
	LOGIN(0, STEP("a", 2), IS_BAD, F(2)),
	LOGIN(0, STEP("a", 0), IS_OK, F(0), NOLOCK),
} },
{ "window edges in time: one period late at the last second, not later; "
    "one period early at the first second, not sooner",
    "edges", .dev = { D6("a") }, .act = {
	LOGIN(60, AT("a", 0), IS_BAD, F(1)),
	LOGIN(89, AT("a", 30), IS_OK, F(0)),
	LOGIN(119, AT("a", 150), IS_BAD, F(1)),
	LOGIN(120, AT("a", 150), IS_OK, F(0)),
} },
{ "window 0: only the step of the moment",
    "win0", .win = W(0), .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", -1), IS_BAD, F(1)),
	LOGIN(0, STEP("a", 1), IS_BAD, F(2)),
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
} },
{ "window 2: steps -2 and +2 accepted, -3 and +3 refused",
    "win2", .win = W(2), .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", -3), IS_BAD, F(1)),
	LOGIN(0, STEP("a", 3), IS_BAD, F(2)),
	LOGIN(0, STEP("a", -2), IS_OK, F(0)),
	LOGIN(0, STEP("a", 2), IS_OK, F(0)),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(1)),
} },
{ "8 digits, SHA256, 60 s: window and edge",
    "sha256", .dev = { DEV("t", 8, 60, OTP_SHA256, 0) }, .act = {
	LOGIN(0, STEP("t", -2), IS_BAD, F(1)),
	LOGIN(0, STEP("t", -1), IS_OK, F(0), DEVICE("t")),
	LOGIN(0, STEP("t", 1), IS_OK, F(0)),
	LOGIN(179, AT("t", 240), IS_BAD, F(1)),
	LOGIN(180, AT("t", 240), IS_OK, F(0)),
	PEEK(180, VERIFY_OK, M(8)),
} },
{ "8 digits, SHA512, 30 s",
    "sha512", .dev = { DEV("k", 8, 30, OTP_SHA512, 0) }, .act = {
	LOGIN(0, STEP("k", 0), IS_OK, F(0), DEVICE("k")),
	LOGIN(0, STEP("k", 0), IS_REUSED, F(1)),
	LOGIN(30, STEP("k", 1), IS_OK, F(0)),
	LOGIN(30, STEP("k", 2), IS_BAD, F(1)),
} },
{ "7 digits, SHA256, 60 s, and 6 digits, SHA512, 30 s",
    "mixed", .dev = { DEV("s", 7, 60, OTP_SHA256, 0),
	DEV("x", 6, 30, OTP_SHA512, 0) }, .act = {
	PEEK(0, VERIFY_OK, M(6) | M(7)),
	LOGIN(0, STEP("s", 0), IS_OK, F(0), DEVICE("s")),
	LOGIN(0, STEP("x", 1), IS_OK, F(0), DEVICE("x")),
	LOGIN(0, STEP("x", 0), IS_REUSED, F(1)),
	LOGIN(0, WRONG("s"), IS_BAD, F(2)),
} },
{ "drift +5 (enabled with codes 4 steps ahead): the window moves with it",
    "driftp", .dev = { DEV("a", 6, 30, OTP_SHA1, 4) }, .act = {
	LOGIN(0, STEP("a", 0), IS_BAD, F(1)),
	LOGIN(0, STEP("a", 3), IS_BAD, F(2)),
	LOGIN(0, STEP("a", 7), IS_BAD, F(3)),
	LOGIN(0, STEP("a", 4), IS_OK, F(0)),
	LOGIN(0, STEP("a", 5), IS_OK, F(0)),
	LOGIN(0, STEP("a", 6), IS_OK, F(0)),
} },
{ "drift -5 (enabled with codes 6 steps behind), 60 s, SHA256",
    "driftm", .dev = { DEV("a", 6, 60, OTP_SHA256, -6) }, .act = {
	LOGIN(0, STEP("a", -3), IS_BAD, F(1)),
	LOGIN(0, STEP("a", -7), IS_BAD, F(2)),
	LOGIN(0, STEP("a", 0), IS_BAD, F(3)),
	LOGIN(0, STEP("a", -6), IS_OK, F(0)),
	LOGIN(0, STEP("a", -4), IS_OK, F(0)),
} },
{ "enable's typing delay is no drift (-3..+1); beyond it is (+2: 3, -4: -3)",
    "typing", .dev = { DEV("a", 6, 30, OTP_SHA1, -3),
	DEV("b", 6, 30, OTP_SHA1, 1), DEV("c", 6, 30, OTP_SHA1, 2),
	DEV("d", 6, 30, OTP_SHA1, -4) }, .act = {
	LOGIN(0, STEP("a", 0), IS_OK, DEVICE("a")),
	LOGIN(0, STEP("b", 1), IS_OK, DEVICE("b")),
	LOGIN(0, STEP("c", 1), IS_BAD, F(1)),
	LOGIN(0, STEP("c", 2), IS_OK, F(0), DEVICE("c")),
	LOGIN(0, STEP("d", -1), IS_BAD, F(1)),
	LOGIN(0, STEP("d", -4), IS_OK, F(0), DEVICE("d")),
	LOGIN(0, STEP("a", -1), IS_REUSED, F(1)),
} },
{ "one-time use: the same code twice, and later in its period",
    "twice", .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(1)),
	LOGIN(29, AT("a", 0), IS_REUSED, F(2)),
	LOGIN(30, STEP("a", 0), IS_OK, F(0)),
} },
{ "one-time use: older codes after a newer one",
    "older", .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", 1), IS_OK, F(0)),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(1)),
	LOGIN(0, STEP("a", -1), IS_REUSED, F(2)),
	LOGIN(30, STEP("a", 1), IS_OK, F(0)),
} },
{ "devices of 6 and 8 digits: either is accepted, the length picks it",
    "two68", .dev = { D6("a"), D8("b") }, .act = {
	PEEK(0, VERIFY_OK, M(6) | M(8)),
	LOGIN(0, STEP("a", 0), IS_OK, DEVICE("a")),
	LOGIN(0, STEP("b", 0), IS_OK, DEVICE("b")),
	LOGIN(0, STEP("b", 0), IS_REUSED, F(1)),
	LOGIN(0, TEXT("1234567"), IS_MALFORMED, F(2)),
	LOGIN(0, WRONG("a"), IS_BAD, F(3)),
	LOGIN(0, WRONG("b"), IS_BAD, F(4), NOLOCK),
	LOGIN(30, STEP("b", 0), IS_OK, F(0), DEVICE("b")),
} },
{ "two devices of 6 digits: each keeps its own last step",
    "two66", .dev = { D6("a"), D6("b") }, .act = {
	LOGIN(0, STEP("a", 0), IS_OK, DEVICE("a")),
	LOGIN(0, STEP("b", 0), IS_OK, DEVICE("b")),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(1)),
	LOGIN(0, STEP("b", -1), IS_REUSED, F(2)),
	LOGIN(0, STEP("a", 1), IS_OK, F(0), DEVICE("a")),
} },
{ "a 6-digit code for a user with an 8-digit device: not a code, counted",
    "only8", .dev = { D8("b") }, .act = {
	LOGIN(0, TEXT("123456"), IS_MALFORMED, F(1), REASON("not a code")),
	LOGIN(0, STEP("b", 0), IS_OK, F(0)),
} },
{ "lockout: the third miss locks (max_failures 3); then even right "
    "codes are refused",
    "lock3", .max_failures = 3, .nrecovery = 1, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1), NOLOCK),
	LOGIN(1, WRONG("a"), IS_BAD, F(2), NOLOCK),
	LOGIN(2, WRONG("a"), IS_BAD, F(3), LOCK(2)),
	LOGIN(3, STEP("a", 0), IS_LOCKED, F(3), LOCK(2),
	    REASON("locked out")),
	LOGIN(4, RCODE(0), IS_LOCKED, F(3), LOCK(2)),
	LOGIN(5, TEXT("x"), IS_LOCKED, F(3), LOCK(2)),
	PEEK(6, VERIFY_OK, M(6)),
} },
{ "lockout runs out: refused at its last second, accepted at its end",
    "expiry", .max_failures = 3, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	LOGIN(1, WRONG("a"), IS_BAD, F(2)),
	LOGIN(2, WRONG("a"), IS_BAD, F(3), LOCK(2)),
	LOGIN(301, STEP("a", 0), IS_LOCKED, F(3), LOCK(2)),
	LOGIN(302, STEP("a", 0), IS_OK, F(0), NOLOCK),
} },
{ "a lock that ran out gives a fresh set of tries",
    "fresh", .max_failures = 3, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	LOGIN(1, WRONG("a"), IS_BAD, F(2)),
	LOGIN(2, WRONG("a"), IS_BAD, F(3), LOCK(2)),
	LOGIN(400, WRONG("a"), IS_BAD, F(1), NOLOCK),
	LOGIN(401, WRONG("a"), IS_BAD, F(2), NOLOCK),
	LOGIN(402, WRONG("a"), IS_BAD, F(3), LOCK(402)),
	LOGIN(403, STEP("a", 0), IS_LOCKED, F(3), LOCK(402)),
} },
{ "every miss counts towards the lock: reused, malformed, wrong recovery",
    "mixlock", .max_failures = 3, .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(1)),
	LOGIN(1, TEXT("12ab56"), IS_MALFORMED, F(2)),
	LOGIN(2, BADRC, IS_BAD, F(3), LOCK(2),
	    REASON("wrong recovery code")),
	LOGIN(3, STEP("a", 1), IS_LOCKED),
} },
{ "lockout_seconds 0: misses count nothing",
    "nolock", .max_failures = 3, .lockout = LOCKOUT(0), .dev = { D6("a") },
    .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(0), NOLOCK),
	LOGIN(1, WRONG("a"), IS_BAD, F(0), NOLOCK),
	LOGIN(2, WRONG("a"), IS_BAD, F(0), NOLOCK),
	LOGIN(3, WRONG("a"), IS_BAD, F(0), NOLOCK),
	LOGIN(4, STEP("a", 0), IS_OK, F(0)),
} },
{ "a right code before the limit starts the count again",
    "reset", .max_failures = 3, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	LOGIN(1, WRONG("a"), IS_BAD, F(2)),
	LOGIN(2, STEP("a", 0), IS_OK, F(0), NOLOCK),
	LOGIN(3, WRONG("a"), IS_BAD, F(1)),
	LOGIN(4, WRONG("a"), IS_BAD, F(2), NOLOCK),
} },
{ "recovery codes: each accepted once, in any case, dashes optional",
    "recovery", .nrecovery = 2, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	LOGIN(0, RCODE(0), IS_RECOVERY, F(0), NOLOCK,
	    REASON("recovery code accepted")),
	LOGIN(0, RCODE(0), IS_BAD, F(1), REASON("wrong recovery code")),
	LOGIN(0, RCODE(1), .upper = 1, IS_RECOVERY, F(0)),
	LOGIN(0, BADRC, IS_BAD, F(1)),
	LOGIN(0, RCODE(1), IS_BAD, F(2)),
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
} },
{ "blanks: spaces anywhere in a recovery code (100 bytes of them too), "
    "blanks around a device code; a tab or a line end is not part of a "
    "recovery code",
    "blanks", .nrecovery = 4, .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", 0), .pre = "\t ", .post = "\r\n", IS_OK, F(0)),
	LOGIN(0, RCODE(0), .pre = "  ", .post = " ", IS_RECOVERY, F(0)),
	LOGIN(0, RCODE(1), .pre = "\t", IS_MALFORMED, F(1)),
	LOGIN(0, RCODE(2), .post = "\n", IS_MALFORMED, F(2)),
	LOGIN(0, RCODE(1), IS_RECOVERY, F(0)),
	LOGIN(0, RCODE(3), .pre = SPACES, .spread = 1, IS_RECOVERY, F(0)),
} },
{ "not a code: each counted, a right code with a NUL byte too",
    "malformed", .max_failures = 20, .dev = { D6("a") }, .act = {
	LOGIN(0, TEXT(""), IS_MALFORMED, F(1)),
	LOGIN(0, TEXT("12345"), IS_MALFORMED, F(2)),
	LOGIN(0, TEXT("1234567"), IS_MALFORMED, F(3)),
	LOGIN(0, TEXT("12a456"), IS_MALFORMED, F(4)),
	LOGIN(0, TEXT("123 456"), IS_MALFORMED, F(5)),
	LOGIN(0, STEP("a", 0), .nul = 1, IS_MALFORMED, F(6)),
	LOGIN(0, TEXT("hunter2 hunter2 hunter2 hunter2 hunter2 hunter2 "
	    "hunter2 hunter2 hunter2 hunter2"), IS_MALFORMED, F(7)),
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
} },
{ "malformed input up to the default limit of 5 locks",
    "lock5", .dev = { D6("a") }, .act = {
	LOGIN(0, TEXT("1"), IS_MALFORMED, F(1)),
	LOGIN(0, TEXT("12"), IS_MALFORMED, F(2)),
	LOGIN(0, TEXT("123"), IS_MALFORMED, F(3)),
	LOGIN(0, TEXT("1234"), IS_MALFORMED, F(4), NOLOCK),
	LOGIN(0, TEXT("12345"), IS_MALFORMED, F(5), LOCK(0)),
	LOGIN(0, STEP("a", 0), IS_LOCKED, F(5), LOCK(0)),
} },
{ "try_first_pass: a miss counts nothing",
    "try", .max_failures = 3, .dev = { D6("a") }, .act = {
	TRY(0, WRONG("a"), IS_BAD, PG(VERIFY_MALFORMED)),
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	TRY(0, TEXT("hunter2"), IS_MALFORMED),
	TRY(0, STEP("a", -5), IS_BAD, PG(VERIFY_MALFORMED)),
	LOGIN(0, WRONG("a"), IS_BAD, F(2), NOLOCK),
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
} },
{ "try_first_pass on a lock: refused, and a lock that ran out stays",
    "trylock", .max_failures = 3, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	LOGIN(1, WRONG("a"), IS_BAD, F(2)),
	LOGIN(2, WRONG("a"), IS_BAD, F(3), LOCK(2)),
	TRY(3, STEP("a", 0), IS_LOCKED, PG(VERIFY_MALFORMED)),
	TRY(400, WRONG("a"), IS_BAD, PG(VERIFY_MALFORMED)),
	LOGIN(401, WRONG("a"), IS_BAD, F(1), NOLOCK),
} },
{ "try_first_pass with a right code: the file store accepts it, the "
    "database is not asked",
    "tryok", .dev = { D6("a") }, .act = {
	TRY(0, STEP("a", 0), IS_OK, PG(VERIFY_MALFORMED)),
	LOGIN(0, STEP("a", 1), IS_OK, F(0)),
} },
{ "no record: no device, for a code, a recovery code and peek",
    "ghost", .act = {
	LOGIN(0, TEXT("123456"), IS_NODEVICE, F(0), NOLOCK,
	    REASON("no record")),
	LOGIN(0, BADRC, IS_NODEVICE, REASON("no record")),
	LOGIN(0, TEXT("x"), IS_NODEVICE),
	PEEK(0, VERIFY_NODEVICE, 0),
	LOGIN(0, .user = "no/such", TEXT("123456"), IS_NODEVICE,
	    REASON("invalid user name")),
	LOGIN(0, .user = "", TEXT("123456"), IS_NODEVICE,
	    REASON("invalid user name")),
	LOGIN(0, .user = ".x", TEXT("123456"), IS_NODEVICE,
	    REASON("invalid user name")),
	LOGIN(0, .user = "a\nb", TEXT("123456"), IS_NODEVICE,
	    REASON("invalid user name")),
} },
{ "a pending device only: no device",
    "pending", .dev = { PENDING("p") }, .act = {
	PEEK(0, VERIFY_NODEVICE, 0),
	LOGIN(0, STEP("p", 0), IS_NODEVICE),
	LOGIN(0, STEP("p", 1), IS_NODEVICE),
} },
{ "deactivated: no device, even for a recovery code",
    "deact", .nrecovery = 1, .dev = { D6("a") }, .act = {
	LOGIN(0, STEP("a", 0), IS_OK),
	DEACT("a"),
	LOGIN(30, STEP("a", 0), IS_NODEVICE),
	LOGIN(30, RCODE(0), IS_NODEVICE),
	PEEK(30, VERIFY_NODEVICE, 0),
} },
{ "one of two devices deactivated: its length is no code any more",
    "deact1", .dev = { D6("a"), D8("b") }, .act = {
	PEEK(0, VERIFY_OK, M(6) | M(8)),
	DEACT("b"),
	PEEK(0, VERIFY_OK, M(6)),
	LOGIN(0, STEP("b", 0), IS_MALFORMED, F(1)),
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
} },
{ "peek: the lengths of the active devices only",
    "peek", .dev = { DEV("s", 7, 60, OTP_SHA256, 0), D8("e"),
	PENDING("p") }, .act = {
	PEEK(0, VERIFY_OK, M(7) | M(8)),
	LOGIN(0, STEP("s", 0), IS_OK, DEVICE("s")),
	LOGIN(0, STEP("p", 0), IS_MALFORMED, F(1)),
} },
{ "a clock set back: codes of periods before the last used one are reused, "
    "and said to be from the future",
    "future", .dev = { D6("a") }, .act = {
	LOGIN(600, STEP("a", 0), IS_OK, F(0)),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(1), REASON(FUTURE)),
	LOGIN(540, STEP("a", 1), IS_REUSED, F(2), REASON("code already used")),
	LOGIN(630, STEP("a", 0), IS_OK, F(0)),
} },
{ "resync after the clock was set back: the last used period comes back",
    "resyncback", .dev = { D6("a") }, .act = {
	LOGIN(600, STEP("a", 0), IS_OK, F(0)),
	LOGIN(0, STEP("a", 1), IS_REUSED, F(1), REASON(FUTURE)),
	RESYNC(0, "a", 0, 0, 20, NOLOCK),
	LOGIN(0, STEP("a", 0), IS_REUSED, F(2), REASON("code already used")),
	LOGIN(0, STEP("a", 1), IS_OK, F(0)),
} },
{ "resync learns a drift and the window moves; back to drift 0, the last "
    "step used meanwhile lies ahead and is set back",
    "resyncdrift", .dev = { DEV("a", 8, 60, OTP_SHA256, 0) }, .act = {
	LOGIN(0, STEP("a", 1), IS_OK, F(0)),
	RESYNC(0, "a", 6, 7, 0),
	LOGIN(0, STEP("a", 0), IS_BAD, F(1)),
	LOGIN(0, STEP("a", 6), IS_REUSED, F(2)),
	LOGIN(0, STEP("a", 8), IS_OK, F(0)),
	RESYNC(0, "a", -1, 0, 9),
	LOGIN(0, STEP("a", -1), IS_REUSED, F(1)),
	LOGIN(0, STEP("a", 1), IS_OK, F(0)),
	LOGIN(60, STEP("a", 8), IS_BAD, F(1)),
	LOGIN(600, STEP("a", 0), IS_OK, F(0)),
} },
{ "resync leaves a lock in place",
    "resynclock", .max_failures = 3, .dev = { D6("a") }, .act = {
	LOGIN(0, WRONG("a"), IS_BAD, F(1)),
	LOGIN(1, WRONG("a"), IS_BAD, F(2)),
	LOGIN(2, WRONG("a"), IS_BAD, F(3), LOCK(2)),
	RESYNC(3, "a", 0, 0, 0, LOCK(2)),
	LOGIN(4, STEP("a", 1), IS_LOCKED, F(3), LOCK(2)),
	LOGIN(302, STEP("a", 1), IS_OK, F(0), NOLOCK),
} },
{ "invitation: accepted for a user without a device, again and again; "
    "a wrong one and a code count as failures",
    "inv", .act = {
	INVITE(0, 0),
	PEEK(0, VERIFY_OK, M_INV),
	LOGIN(0, INV, IS_INVITE, F(0), NOLOCK, REASON("invitation accepted")),
	LOGIN(10, INV, .upper = 1, IS_INVITE, F(0)),
	LOGIN(20, BADINV, IS_BAD, F(1), REASON("wrong invitation")),
	LOGIN(20, TEXT("123456"), IS_MALFORMED, F(2), REASON("not a code")),
	LOGIN(30, INV, IS_INVITE, F(0), NOLOCK),
} },
{ "invitation: expired is as none",
    "invexp", .act = {
	INVITE(0, 3600),
	LOGIN(3599, INV, IS_INVITE, F(0)),
	LOGIN(3600, INV, IS_NODEVICE, REASON("no active device")),
	PEEK(3600, VERIFY_NODEVICE, 0),
} },
{ "invitation: revoked is as none",
    "invrev", .act = {
	INVITE(0, 0),
	REVOKE(10),
	LOGIN(20, INV, IS_NODEVICE),
	PEEK(20, VERIFY_NODEVICE, 0),
} },
{ "invitation: a new one replaces the old",
    "invnew", .act = {
	INVITE(0, 0),
	INVITE(10, 0),
	LOGIN(20, OLDINV, IS_BAD, F(1), REASON("wrong invitation")),
	LOGIN(30, INV, IS_INVITE, F(0)),
} },
{ "invitation: valid beside a pending device, gone once it is enabled",
    "invenable", .dev = { PENDING("a") }, .act = {
	INVITE(0, 0),
	LOGIN(10, INV, IS_INVITE, F(0)),
	ENABLE(60, "a"),
	PEEK(70, VERIFY_OK, M(6)),
	LOGIN(70, INV, IS_BAD, F(1), REASON("wrong invitation")),
	LOGIN(70, STEP("a", 1), IS_OK, F(0), DEVICE("a")),
} },
{ "invitation: a lock holds it too",
    "invlock", .max_failures = 3, .act = {
	INVITE(0, 0),
	LOGIN(0, BADINV, IS_BAD, F(1)),
	LOGIN(1, BADINV, IS_BAD, F(2)),
	LOGIN(2, BADINV, IS_BAD, F(3), LOCK(2)),
	LOGIN(3, INV, IS_LOCKED, F(3), LOCK(2)),
	LOGIN(302, INV, IS_INVITE, F(0), NOLOCK),
} },
{ "invitation: a try_first_pass miss counts nothing",
    "invtry", .act = {
	INVITE(0, 0),
	TRY(0, BADINV, IS_BAD, F(0), PG(VERIFY_MALFORMED)),
	TRY(0, INV, IS_INVITE, F(0), PG(VERIFY_MALFORMED)),
} },
{ "a store that cannot be trusted: a record not root's, a role without "
    "rights; nothing burnt",
    "unsafe", .dev = { D6("a") }, .act = {
	BREAK(BRK_UNSAFE),
	LOGIN(0, STEP("a", 0), IS_ERROR),
	PEEK(0, VERIFY_ERROR, 0),
	MEND,
	LOGIN(0, STEP("a", 0), IS_OK, F(0)),
} },
{ "a store that is gone: a record that does not parse, a database down",
    "gone", .dev = { D6("a") }, .act = {
	BREAK(BRK_GONE),
	LOGIN(0, STEP("a", 0), IS_ERROR),
	LOGIN(0, BADRC, IS_ERROR),
	PEEK(0, VERIFY_ERROR, 0),
} },
{ "HOTP: the next 10 counters accepted, the 11th refused; one-time use",
    "hotp", .dev = { H6("h", 1) }, .act = {
	LOGIN(0, STEP("h", 12), IS_BAD, F(1), NOLOCK, REASON("wrong code")),
	LOGIN(0, STEP("h", 11), IS_OK, F(0), NOLOCK, DEVICE("h")),
	LOGIN(0, STEP("h", 11), IS_REUSED, F(1), REASON("code already used")),
	LOGIN(0, STEP("h", 5), IS_REUSED, F(2)),
	LOGIN(0, STEP("h", 2), IS_REUSED, F(3)),
	LOGIN(0, STEP("h", 12), IS_OK, F(0)),
	LOGIN(0, STEP("h", 23), IS_BAD, F(1)),
	LOGIN(0, STEP("h", 22), IS_OK, F(0)),
	LOGIN(900, STEP("h", 23), IS_OK, F(0)),
} },
{ "HOTP: enable takes counters c, c+1 within the 100 from its counter",
    "hotpen", .dev = { HPENDING("h") }, .act = {
	LOGIN(0, STEP("h", 0), IS_NODEVICE),
	ENABLE_AT(0, "h", 101, IS_BAD),
	ENABLE_AT(0, "h", 100),
	LOGIN(0, STEP("h", 100), IS_REUSED, F(1)),
	LOGIN(0, STEP("h", 1), IS_BAD, F(2)),
	LOGIN(0, STEP("h", 101), IS_OK, F(0)),
} },
{ "HOTP: resync finds two consecutive codes further out, never back",
    "hotprs", .dev = { H6("h", 1) }, .act = {
	LOGIN(0, STEP("h", 40), IS_BAD, F(1)),
	RESYNC(0, "h", 41, 0, 0, NOLOCK),
	LOGIN(0, STEP("h", 41), IS_REUSED, F(2)),
	LOGIN(0, STEP("h", 42), IS_OK, F(0)),
	RESYNC(0, "h", 20, 0, 0, IS_BAD),
	RESYNC(0, "h", 144, 0, 0, IS_BAD),
	RESYNC(0, "h", 143, 0, 0),
	LOGIN(0, STEP("h", 143), IS_REUSED, F(1)),
	LOGIN(0, STEP("h", 144), IS_OK, F(0)),
} },
{ "HOTP: lockout as for TOTP; a right code refused while locked",
    "hotplk", .dev = { H6("h", 1) }, .act = {
	LOGIN(0, WRONG("h"), IS_BAD, F(1)),
	LOGIN(0, STEP("h", 2), IS_OK, F(0)),
	LOGIN(1, WRONG("h"), IS_BAD, F(1)),
	LOGIN(1, WRONG("h"), IS_BAD, F(2)),
	LOGIN(1, WRONG("h"), IS_BAD, F(3)),
	LOGIN(1, STEP("h", 2), IS_REUSED, F(4)),
	LOGIN(2, WRONG("h"), IS_BAD, F(5), LOCK(2)),
	LOGIN(3, STEP("h", 3), IS_LOCKED, F(5), LOCK(2)),
	LOGIN(303, STEP("h", 3), IS_OK, F(0), NOLOCK),
} },
};

const size_t dec_nscenarios = sizeof(dec_scenarios) / sizeof(dec_scenarios[0]);
