/* SPDX-License-Identifier: BSD-2-Clause */
/* Runs the decision table (decision_table.c) through lib/backend.h, one
 * TAP point per scenario.  Alone it runs on a private file store under
 * /tmp.  With AWSMFA_TEST_PG (a conninfo without user; tests/pg/
 * decision.sh) it runs on that database instead, whose server takes its
 * clock from the file AWSMFA_TEST_CLOCK (libfaketime): each action
 * writes its moment there, the same moment the file store is given.
 * Users are set up with the stores' own admin operations; codes come
 * from oathtool, so that our arithmetic is checked by someone else's. */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "backend_admin.h"
#include "decision.h"
#include "invite.h"
#include "recovery.h"

/* Scenario i runs at T0 + i hours; its user is set up SETUP_BEFORE
 * seconds earlier. */
#define T0		INT64_C(1800000000)
#define SETUP_BEFORE	600
#define INPUT_MAX	256
/* I_WRONG: steps either side of the moment no device may show it at. */
#define WRONG_SPAN	12

struct dev_state {
	const char	*name;
	unsigned	 digits, period;
	enum otp_alg	 alg;
	char		 hex[2 * OTP_SECRET_MAX + 1];
};

struct run {
	const struct dec_scenario	*sc;
	int64_t				 base;
};

static struct {
	int		 pg;
	char		 top[64], dir[128];	/* file: the store */
	const char	*pgbase, *clock, *down;	/* database */
	PGconn		*su;
	struct awsmfa_config cfg;
	/* the scenario running */
	const struct dec_scenario *sc;
	char		 user[64];	/* sc->user, or a fresh one */
	int64_t		 base;
	struct dev_state dev[DEC_MAX_DEVICES];
	char		 rc[RECORD_MAX_RECOVERY][RECOVERY_CODE_BUFLEN];
	char		 inv[2][INVITE_CODE_BUFLEN];	/* latest, before */
	unsigned	 nbad;
	struct backend	 host;	/* the logins' store, while host_open */
	int		 host_open;
} H;

/* The moment of the next store call: the file store gets it as an
 * argument, the database server reads it from the clock file. */
static int64_t
set_clock(int64_t t)
{
	char	 tmp[4200];
	FILE	*f;

	if (!H.pg)
		return t;
	snprintf(tmp, sizeof(tmp), "%s.new", H.clock);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_true(fprintf(f, "%lld\n", (long long)t) > 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(tmp, 0644), 0);
	assert_int_equal(rename(tmp, H.clock), 0);
	return t;
}

static void
su_exec(const char *sql, int n, const char *const *params)
{
	PGresult	*res;

	res = PQexecParams(H.su, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(H.su));
	PQclear(res);
}

static void
set_conninfo(char *out, const char *role)
{
	snprintf(out, CONFIG_CONNINFO_MAX, "%s user=%s", H.pgbase, role);
}

/* The settings of the scenario, in awsmfa.conf and in the database. */
static void
configure(const struct dec_scenario *sc)
{
	char		 v[3][16];
	const char	*p[3] = { v[0], v[1], v[2] };

	config_defaults(&H.cfg);
	H.cfg.window = sc->win != 0 ? (unsigned)sc->win - 1 : 1;
	H.cfg.max_failures = sc->max_failures != 0 ?
	    (unsigned)sc->max_failures : 5;
	H.cfg.lockout_seconds = sc->lockout != 0 ? (unsigned)sc->lockout - 1 :
	    300;
	H.cfg.db_timeout = 30;	/* for a whole scenario on a busy machine */
	snprintf(H.cfg.store_dir, sizeof(H.cfg.store_dir), "%s", H.dir);
	if (!H.pg)
		return;
	H.cfg.store = STORE_KIND_POSTGRESQL;
	set_conninfo(H.cfg.db_conninfo, "host_a");
	set_conninfo(H.cfg.db_admin_conninfo, "admin1");
	snprintf(v[0], sizeof(v[0]), "%u", H.cfg.window);
	snprintf(v[1], sizeof(v[1]), "%u", H.cfg.max_failures);
	snprintf(v[2], sizeof(v[2]), "%u", H.cfg.lockout_seconds);
	su_exec("UPDATE awsmfa.settings SET win = $1, max_failures = $2, "
	    "lockout_seconds = $3", 3, p);
}

static const char *
alg_lower(enum otp_alg alg)
{
	return alg == OTP_SHA512 ? "sha512" : alg == OTP_SHA256 ? "sha256" :
	    "sha1";
}

/* n codes of d from step on, by oathtool. */
static void
oath(const struct dev_state *d, int64_t step, unsigned n,
    char (*out)[OTP_CODE_BUFLEN])
{
	char		 cmd[512], line[64];
	FILE		*p;
	unsigned	 i;

	/* A counter (HOTP) device's "step" is its counter. */
	if (d->period == 0)
		snprintf(cmd, sizeof(cmd), "oathtool --hotp -d %u -c %lld "
		    "-w %u %s", d->digits, (long long)step, n - 1, d->hex);
	else
		snprintf(cmd, sizeof(cmd), "oathtool --totp=%s -d %u -s %u "
		    "-w %u -N @%lld %s", alg_lower(d->alg), d->digits,
		    d->period, n - 1, (long long)(step * d->period), d->hex);
	p = popen(cmd, "r");
	assert_non_null(p);
	for (i = 0; i < n; i++) {
		assert_non_null(fgets(line, sizeof(line), p));
		line[strcspn(line, "\n")] = '\0';
		assert_int_equal(strlen(line), d->digits);
		memcpy(out[i], line, d->digits + 1);
	}
	assert_int_equal(pclose(p), 0);
}

/* The step of moment t for d: counters do not move with the clock, so
 * an HOTP device's steps count from 0. */
static int64_t
step_at(const struct dev_state *d, int64_t t)
{
	return d->period == 0 ? 0 : t / d->period;
}

static struct dev_state *
dev_named(const char *name)
{
	unsigned	i;

	for (i = 0; i < DEC_MAX_DEVICES && H.dev[i].name != NULL; i++)
		if (strcmp(H.dev[i].name, name) == 0)
			return &H.dev[i];
	fail_msg("no device %s in the scenario", name);
	return NULL;
}

static void
admin_open(struct backend *b)
{
	char	err[MFA_ERRLEN];

	if (backend_open(b, &H.cfg, BACKEND_ADMIN | BACKEND_CREATE, err,
	    sizeof(err)) != 0)
		fail_msg("admin open: %s", err);
}

static void
hex_of(const struct mfa_device *md, char *out)
{
	size_t	i;

	for (i = 0; i < md->secret_len; i++)
		snprintf(out + 2 * i, 3, "%02x", md->secret[i]);
}

/* One device, created and (unless pending) enabled with two consecutive
 * codes `at` steps from those of moment e, as `mfa-enroll enable` does. */
static void
setup_device(struct backend *b, const struct dec_device *d,
    struct dev_state *ds, int64_t e)
{
	struct mfa_device	 md;
	char			 err[MFA_ERRLEN], c[2][OTP_CODE_BUFLEN];

	H.cfg.digits = d->digits;
	if (d->period != 0)
		H.cfg.period = d->period;
	H.cfg.algorithm = d->alg;
	if (backend_create(b, H.user, d->name, d->period == 0 ? OTP_HOTP :
	    OTP_TOTP, e, &md, err, sizeof(err)) != 0)
		fail_msg("create %s: %s", d->name, err);
	ds->name = d->name;
	ds->digits = d->digits;
	ds->period = d->period;
	ds->alg = d->alg;
	hex_of(&md, ds->hex);
	OPENSSL_cleanse(&md, sizeof(md));
	if (d->pending)
		return;
	oath(ds, step_at(ds, e) + d->at - 1, 2, c);
	if (backend_enable(b, H.user, d->name, c[0], c[1], e, err,
	    sizeof(err)) != 0)
		fail_msg("enable %s: %s", d->name, err);
}

static void
setup_user(void)
{
	struct backend	 b;
	char		 err[MFA_ERRLEN];
	int64_t		 e = set_clock(H.base - SETUP_BEFORE);
	unsigned	 i;

	memset(H.dev, 0, sizeof(H.dev));
	admin_open(&b);
	for (i = 0; i < DEC_MAX_DEVICES && H.sc->dev[i].name != NULL; i++)
		setup_device(&b, &H.sc->dev[i], &H.dev[i], e);
	if (H.sc->nrecovery > 0 && backend_recovery_codes(&b, H.user,
	    H.sc->nrecovery, H.rc, err, sizeof(err)) != 0)
		fail_msg("recovery codes: %s", err);
	backend_close(&b);
	H.cfg.digits = 6;
	H.cfg.period = 30;
	H.cfg.algorithm = OTP_SHA1;
}

static int
in_list(const char *code, char (*list)[OTP_CODE_BUFLEN], unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

/* A code of d's length that no device of that length shows near t. */
static void
wrong_code(const struct dev_state *d, int64_t t, char out[OTP_CODE_BUFLEN])
{
	char		 near[DEC_MAX_DEVICES][2 * WRONG_SPAN + 1][OTP_CODE_BUFLEN];
	unsigned	 i, j, n = 0, cand;
	int		 taken;

	for (i = 0; i < DEC_MAX_DEVICES && H.dev[i].name != NULL; i++)
		if (H.dev[i].digits == d->digits)
			oath(&H.dev[i], H.dev[i].period == 0 ? 0 :
			    step_at(&H.dev[i], t) - WRONG_SPAN,
			    2 * WRONG_SPAN + 1, near[n++]);
	for (cand = 0;; cand++) {
		snprintf(out, OTP_CODE_BUFLEN, "%0*u", (int)d->digits, cand);
		for (taken = 0, j = 0; j < n; j++)
			taken |= in_list(out, near[j], 2 * WRONG_SPAN + 1);
		if (!taken)
			return;
	}
}

/* Recovery code k as typed: in capitals without dashes (upper), or with
 * SPREAD spaces after each character (spread). */
#define SPREAD	5
static void
recovery_input(const struct dec_act *a, char out[INPUT_MAX])
{
	const char	*c;
	size_t		 i, o = 0;

	assert_true(a->k >= 0 && (unsigned)a->k < H.sc->nrecovery);
	for (c = H.rc[a->k]; *c != '\0'; c++) {
		if (a->upper && *c == '-')
			continue;
		out[o++] = a->upper ? (char)toupper((unsigned char)*c) : *c;
		for (i = 0; a->spread && i < SPREAD; i++)
			out[o++] = ' ';
	}
	out[o] = '\0';
}

/* What the action types, in buf; its length. */
static size_t
make_input(const struct dec_act *a, int64_t t, char *buf)
{
	char		 code[INPUT_MAX];
	const struct dev_state *d = NULL;
	int64_t		 step;
	int		 n;

	if (a->dev != NULL && a->in != I_TEXT)
		d = dev_named(a->dev);
	switch (a->in) {
	case I_STEP:
	case I_AT:
		step = a->in == I_STEP ? step_at(d, t) + a->k :
		    step_at(d, H.base + a->k);
		oath(d, step, 1, (char (*)[OTP_CODE_BUFLEN])code);
		break;
	case I_TEXT:
		assert_true(a->len < INPUT_MAX);
		memcpy(buf, a->text, a->len);
		return a->len;
	case I_WRONG:
		wrong_code(d, t, code);
		break;
	case I_RECOVERY:
		recovery_input(a, code);
		break;
	case I_BADRECOVERY:
		snprintf(code, sizeof(code), "abcd-efgh-ijkl");
		break;
	case I_INVITE:
		assert_true(a->k == 0 || a->k == 1);
		assert_true(H.inv[a->k][0] != '\0');
		snprintf(code, sizeof(code), "%s", H.inv[a->k]);
		/* As read aloud and typed: capitals, spaces for dashes. */
		for (n = 0; a->upper && code[n] != '\0'; n++)
			code[n] = code[n] == '-' ? ' ' :
			    (char)toupper((unsigned char)code[n]);
		break;
	case I_BADINVITE:
		snprintf(code, sizeof(code), "inv-abcd-efgh-ijkl-mnop-qrst");
		break;
	}
	n = snprintf(buf, INPUT_MAX - 1, "%s%s%s", a->pre ? a->pre : "", code,
	    a->post ? a->post : "");
	OPENSSL_cleanse(code, sizeof(code));
	assert_true(n > 0 && n < INPUT_MAX - 1);
	buf[n] = '\0';
	return (size_t)n + (a->nul ? 1 : 0);
}

static void
mismatch(unsigned i, const struct dec_act *a, const char *what,
    const char *got, const char *want, const char *err)
{
	print_error("# action %u (at +%d s): %s: got %s, want %s%s%s\n", i + 1,
	    a->dt, what, got, want, err[0] != '\0' ? "; " : "", err);
	H.nbad++;
}

static void
check_num(unsigned i, const struct dec_act *a, const char *what,
    long long got, long long want)
{
	char	g[32], w[32];

	if (got == want)
		return;
	snprintf(g, sizeof(g), "%lld", got);
	snprintf(w, sizeof(w), "%lld", want);
	mismatch(i, a, what, g, w, "");
}

static void
check_outcome(unsigned i, const struct dec_act *a,
    const struct verify_outcome *out, const char *err)
{
	enum verify_result want = H.pg && a->pg != 0 ?
	    (enum verify_result)(a->pg - 1) : a->want;
	const char	*reason = out->reason != NULL ? out->reason : "(null)";

	/* The device and reason too, so that a rare failure (two random
	 * secrets that share a code) can be told from a wrong decision. */
	if (out->result != want)
		mismatch(i, a, "result", verify_result_name(out->result),
		    verify_result_name(want), err[0] != '\0' ? err :
		    out->device[0] != '\0' ? out->device : reason);
	if (a->fail != 0)
		check_num(i, a, "failures", out->failures, a->fail - 1);
	if (a->lock == DEC_LOCK_NONE)
		check_num(i, a, "locked_until", out->locked_until, 0);
	if (a->lock == DEC_LOCK_AT)
		check_num(i, a, "locked_until - base", out->locked_until -
		    H.base, a->lock_t + (int64_t)H.cfg.lockout_seconds);
	if (a->device != NULL && strcmp(out->device, a->device) != 0)
		mismatch(i, a, "device", out->device, a->device, "");
	if (a->reason != NULL && strcmp(reason, a->reason) != 0)
		mismatch(i, a, "reason", reason, a->reason, "");
}

/* The store the logins of a scenario use: opened once, as one login
 * server keeps it (for the database one connection, which also spares
 * each call a new server process); NULL when it cannot be opened. */
static struct backend *
host(char *err, size_t errlen)
{
	if (!H.host_open && backend_open(&H.host, &H.cfg, 0, err,
	    errlen) == 0)
		H.host_open = 1;
	return H.host_open ? &H.host : NULL;
}

static void
host_close(void)
{
	if (H.host_open)
		backend_close(&H.host);
	H.host_open = 0;
}

/* The database tells a login host no failure count or lock time (issue
 * 17 rule 7): the table compares them as the user's row holds them. */
static void
db_state(struct verify_outcome *out)
{
	const char	*p[1] = { H.user };
	PGresult	*res;

	res = PQexecParams(H.su, "SELECT failures, locked_until FROM "
	    "awsmfa.users WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("user's state: %s", PQerrorMessage(H.su));
	if (PQntuples(res) == 1) {
		out->failures = (unsigned)strtoul(PQgetvalue(res, 0, 0), NULL,
		    10);
		out->locked_until = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
}

static void
do_login(unsigned i, const struct dec_act *a)
{
	struct backend		*b;
	struct verify_outcome	out;
	char			in[INPUT_MAX], err[MFA_ERRLEN] = "";
	int64_t			t = H.base + a->dt;
	size_t			len;

	len = make_input(a, t, in);
	set_clock(t);
	if ((b = host(err, sizeof(err))) == NULL) {
		memset(&out, 0, sizeof(out));
		out.result = VERIFY_ERROR;
	} else
		backend_login(b, a->user != NULL ? a->user : H.user, in,
		    len, a->kind == A_TRY ? BACKEND_TRY : 0, t, &out, err,
		    sizeof(err));
	OPENSSL_cleanse(in, sizeof(in));
	if (H.pg && b != NULL && !b->fell_back)
		db_state(&out);
	check_outcome(i, a, &out, err);
}

static void
do_peek(unsigned i, const struct dec_act *a)
{
	struct backend		*b;
	enum verify_result	r = VERIFY_ERROR;
	char			err[MFA_ERRLEN] = "";
	unsigned		mask = 0;

	set_clock(H.base + a->dt);
	if ((b = host(err, sizeof(err))) != NULL)
		r = backend_peek(b, H.user, H.base + a->dt, &mask, err,
		    sizeof(err));
	if (r != a->want)
		mismatch(i, a, "peek", verify_result_name(r),
		    verify_result_name(a->want), err);
	check_num(i, a, "peek's digits mask", mask, a->mask);
}

static void
do_deactivate(const struct dec_act *a)
{
	struct backend	b;
	char		err[MFA_ERRLEN];

	set_clock(H.base + a->dt);
	admin_open(&b);
	if (backend_deactivate(&b, H.user, a->dev, err, sizeof(err)) != 0)
		fail_msg("deactivate %s: %s", a->dev, err);
	backend_close(&b);
}

/* `mfa-enroll resync` with the two codes of dev up to step k of the
 * moment; its report is checked as a login's outcome is. */
static void
do_resync(unsigned i, const struct dec_act *a)
{
	struct device_resync_report	 rep;
	struct backend			 b;
	const struct dev_state		*d = dev_named(a->dev);
	char				 err[MFA_ERRLEN] = "";
	char				 c[2][OTP_CODE_BUFLEN];
	int64_t				 t = set_clock(H.base + a->dt);
	int				 r;

	oath(d, step_at(d, t) + a->k - 1, 2, c);
	admin_open(&b);
	r = backend_resync(&b, H.user, a->dev, c[0], c[1], t, &rep, err,
	    sizeof(err));
	backend_close(&b);
	/* IS_BAD: the pair lies beyond the search and must be refused. */
	if (a->want == VERIFY_BAD) {
		check_num(i, a, "resync refused", r != 0, 1);
		return;
	}
	if (r != 0)
		fail_msg("resync %s: %s", a->dev, err);
	check_num(i, a, "resync: drift", rep.drift, a->drift);
	check_num(i, a, "resync: periods set back",
	    (long long)rep.reset_periods, a->reset);
	check_num(i, a, "resync: period", rep.period, d->period);
	if (a->lock == DEC_LOCK_NONE)
		check_num(i, a, "resync: locked_until", rep.locked_until, 0);
	if (a->lock == DEC_LOCK_AT)
		check_num(i, a, "resync: locked_until - base",
		    rep.locked_until - H.base,
		    a->lock_t + (int64_t)H.cfg.lockout_seconds);
}

/* `mfa-enroll invite` (k seconds, 0: the default) and --revoke. */
static void
do_invite(const struct dec_act *a, int revoke)
{
	struct backend	b;
	char		err[MFA_ERRLEN];
	int64_t		t = set_clock(H.base + a->dt), exp;

	admin_open(&b);
	if (revoke) {
		if (backend_revoke_invite(&b, H.user, err, sizeof(err)) != 0)
			fail_msg("revoke: %s", err);
	} else {
		memcpy(H.inv[1], H.inv[0], sizeof(H.inv[1]));
		if (backend_invite(&b, H.user, a->k ? a->k : INVITE_TTL_DEFAULT,
		    t, H.inv[0], &exp, err, sizeof(err)) != 0)
			fail_msg("invite: %s", err);
	}
	backend_close(&b);
}

/* `mfa-enroll enable` of a pending device, with the codes of the
 * moment's step + k and the one before (IS_BAD: refused). */
static void
do_enable(unsigned i, const struct dec_act *a)
{
	struct backend		 b;
	const struct dev_state	*d = dev_named(a->dev);
	char			 err[MFA_ERRLEN], c[2][OTP_CODE_BUFLEN];
	int64_t			 t = set_clock(H.base + a->dt);
	int			 r;

	oath(d, step_at(d, t) + a->k - 1, 2, c);
	admin_open(&b);
	r = backend_enable(&b, H.user, a->dev, c[0], c[1], t, err,
	    sizeof(err));
	backend_close(&b);
	if (a->want == VERIFY_BAD)
		check_num(i, a, "enable refused", r != 0, 1);
	else if (r != 0)
		fail_msg("enable %s: %s", a->dev, err);
}

/* The file store's record, changed behind its back; the database's
 * login role, or its address. */
static void
do_break(enum dec_breakage brk, int mend)
{
	char	path[256];
	int	fd;

	host_close();
	snprintf(path, sizeof(path), "%s/%s", H.dir, H.user);
	if (H.pg && mend)
		set_conninfo(H.cfg.db_conninfo, "host_a");
	else if (H.pg && brk == BRK_UNSAFE)
		set_conninfo(H.cfg.db_conninfo, "norights");
	else if (H.pg)
		snprintf(H.cfg.db_conninfo, sizeof(H.cfg.db_conninfo), "%s",
		    H.down);
	else if (brk == BRK_UNSAFE)
		assert_int_equal(chown(path, mend ? 0 : 1, mend ? 0 : 1), 0);
	else {
		assert_false(mend);
		fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "garbage\n", 8), 8);
		assert_int_equal(close(fd), 0);
	}
}

/* Plays a scenario once under user; the number of answers that differ. */
static unsigned
play(const struct run *r, const char *user, int *broke)
{
	const struct dec_act	*a;
	enum dec_breakage	 brk = 0;
	unsigned		 i;

	host_close();	/* left open by a scenario that failed midway */
	H.sc = r->sc;
	H.base = r->base;
	H.nbad = 0;
	snprintf(H.user, sizeof(H.user), "%s", user);
	configure(H.sc);
	setup_user();
	for (i = 0; i < DEC_MAX_ACTS && H.sc->act[i].kind != A_END; i++) {
		a = &H.sc->act[i];
		switch (a->kind) {
		case A_LOGIN:
		case A_TRY:
			do_login(i, a);
			break;
		case A_PEEK:
			do_peek(i, a);
			break;
		case A_DEACTIVATE:
			do_deactivate(a);
			break;
		case A_RESYNC:
			do_resync(i, a);
			break;
		case A_BREAK:
			do_break(brk = a->brk, 0);
			*broke = 1;
			break;
		case A_MEND:
			do_break(brk, 1);
			break;
		case A_INVITE:
		case A_REVOKE:
			host_close();
			do_invite(a, a->kind == A_REVOKE);
			break;
		case A_ENABLE:
			host_close();
			do_enable(i, a);
			break;
		case A_END:
			break;
		}
	}
	host_close();
	OPENSSL_cleanse(H.rc, sizeof(H.rc));
	OPENSSL_cleanse(H.inv, sizeof(H.inv));
	return H.nbad;
}

/*
 * The secrets are random, so once in a long while one device's code
 * for a step equals another's for a step the table counts on (a "reused"
 * or "wrong" code then is right for the other device).  A scenario that
 * differs is played once more under a fresh user with new secrets; a
 * wrong decision differs again, a coincidence does not.  The first run's
 * differences stay in the log.
 */
static void
run_scenario(void **state)
{
	const struct run	*r = *state;
	char			 again[64];
	int			 broke = 0;
	unsigned		 nbad;

	if ((nbad = play(r, r->sc->user, &broke)) > 0 && !broke) {
		print_message("# %u answers differ: once more with new "
		    "secrets\n", nbad);
		snprintf(again, sizeof(again), "%s-again", r->sc->user);
		nbad = play(r, again, &broke);
	}
	if (nbad > 0)
		fail_msg("%u answers differ from the table (%s store)", nbad,
		    H.pg ? "PostgreSQL" : "file");
}

static long long
db_epoch(const char *expr)
{
	char		 sql[128];
	PGresult	*res;
	long long	 v = -1;

	snprintf(sql, sizeof(sql), "SELECT floor(extract(epoch FROM %s))::"
	    "bigint", expr);
	res = PQexec(H.su, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

/* Without this the PostgreSQL run proves nothing: the server's clocks
 * follow the clock file, within a connection and backwards too. */
static void
test_db_clock(void **state)
{
	static const char *const exprs[] = { "now()", "statement_timestamp()",
	    "clock_timestamp()", "to_timestamp(awsmfa.now_s())" };
	int64_t		t[2] = { T0 + 12345, T0 - 4321 };
	unsigned	i, j;

	(void)state;
	for (j = 0; j < 2; j++) {
		set_clock(t[j]);
		for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
			if (db_epoch(exprs[i]) != t[j])
				fail_msg("the database's %s is %lld, not the "
				    "clock file's %lld", exprs[i],
				    db_epoch(exprs[i]), (long long)t[j]);
	}
}

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)type;
	(void)f;
	return remove(path);
}

static int
group_setup(void **state)
{
	char	conninfo[CONFIG_CONNINFO_MAX];

	(void)state;
	if (H.pg) {
		set_conninfo(conninfo, "postgres");
		H.su = PQconnectdb(conninfo);
		if (PQstatus(H.su) != CONNECTION_OK) {
			print_error("# %s\n", PQerrorMessage(H.su));
			return -1;
		}
		return 0;
	}
	snprintf(H.top, sizeof(H.top), "/tmp/awsmfa-decision-XXXXXX");
	if (mkdtemp(H.top) == NULL)
		return -1;
	snprintf(H.dir, sizeof(H.dir), "%s/store", H.top);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	host_close();
	PQfinish(H.su);
	if (H.top[0] != '\0')
		nftw(H.top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int
main(void)
{
	struct CMUnitTest	*tests;
	struct run		*runs;
	size_t			 i, n = 0;
	int			 rc;

	H.pgbase = getenv("AWSMFA_TEST_PG");
	H.clock = getenv("AWSMFA_TEST_CLOCK");
	H.down = getenv("AWSMFA_TEST_PG_DOWN");
	H.pg = H.pgbase != NULL;
	if (H.pg && (H.clock == NULL || H.down == NULL)) {
		printf("Bail out! AWSMFA_TEST_PG without AWSMFA_TEST_CLOCK "
		    "and AWSMFA_TEST_PG_DOWN\n");
		return 1;
	}
	if (geteuid() != 0 || system("oathtool --version >/dev/null 2>&1")) {
		printf("1..0 # SKIP needs root (the store is root's) and "
		    "oathtool\n");
		return 0;
	}
	tests = calloc(dec_nscenarios + 1, sizeof(*tests));
	runs = calloc(dec_nscenarios, sizeof(*runs));
	assert_non_null(tests);
	assert_non_null(runs);
	if (H.pg) {
		tests[n].name = "the database's clock is the clock file";
		tests[n++].test_func = test_db_clock;
	}
	for (i = 0; i < dec_nscenarios; i++, n++) {
		runs[i].sc = &dec_scenarios[i];
		runs[i].base = T0 + (int64_t)i * 3600;
		tests[n].name = dec_scenarios[i].name;
		tests[n].test_func = run_scenario;
		tests[n].initial_state = &runs[i];
	}
	rc = _cmocka_run_group_tests(H.pg ? "decision (PostgreSQL)" :
	    "decision (file)", tests, n, group_setup, group_teardown);
	free(tests);
	free(runs);
	return rc;
}
