/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device lifecycle, AWS IAM style.  Every change follows the same
 * order: lock (inventory first, then the user), load, decide, save, unlock;
 * a failure before the save leaves the files as they were.  A hardware
 * token moving between the inventory and a user changes two files; the
 * user's record is the truth and the inventory's claim a precondition
 * (store_token.c), so a crash or a failure between the two writes leaves
 * the old state or the new one and nothing is ever put back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mfaerr.h"
#include "base32.h"
#include "device.h"
#include "otp.h"
#include "verify.h"

#define DEFAULT_DEVICE_NAME	"default"
#define TOKEN_LINE_MAX		1024
#define TOKEN_MIN_SECRET	16	/* bytes: RFC 4226 R6, 128 bits */
#define TOKEN_MAX_FIELDS	5

static int
check_user(const char *user, char *err, size_t errlen)
{
	if (user == NULL || !record_username_ok(user)) {
		seterr(err, errlen, "invalid user name");
		return -1;
	}
	return 0;
}

/* Removes slot i and wipes the slot that falls off the end, so no copy of
 * the removed secret stays in memory. */
static void
remove_slot(struct mfa_record *rec, unsigned i)
{
	if (i + 1 < rec->ndevices)
		memmove(&rec->dev[i], &rec->dev[i + 1],
		    (rec->ndevices - i - 1) * sizeof(rec->dev[0]));
	OPENSSL_cleanse(&rec->dev[rec->ndevices - 1], sizeof(rec->dev[0]));
	rec->ndevices--;
}

static int
room_for_device(const struct mfa_record *rec, const struct awsmfa_config *cfg,
    const char *user, char *err, size_t errlen)
{
	unsigned max = cfg->max_devices;

	if (max > RECORD_MAX_DEVICES)
		max = RECORD_MAX_DEVICES;
	if (rec->ndevices >= max) {
		seterr(err, errlen, "user %s already has %u MFA devices "
		    "(max_devices is %u)", user, rec->ndevices, max);
		return -1;
	}
	return 0;
}

int
device_create(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *name, int64_t now,
    struct mfa_device *out, char *err, size_t errlen)
{
	struct mfa_record rec;
	struct mfa_device *d;
	int lockfd, r, ret = -1;

	if (name == NULL)
		name = DEFAULT_DEVICE_NAME;
	if (check_user(user, err, errlen) == -1)
		return -1;
	if (!record_name_ok(name)) {
		seterr(err, errlen, "invalid device name \"%s\" (1 to %d of "
		    "A-Z a-z 0-9 . _ @ + : -)", name, RECORD_NAME_MAX);
		return -1;
	}
	if (store_lock_user(st, user, &lockfd, err, errlen) != STORE_OK)
		return -1;
	r = store_load(st, user, &rec, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		goto out;
	if (record_find_device(&rec, name) >= 0) {
		seterr(err, errlen, "user %s already has an MFA device "
		    "called %s", user, name);
		goto out;
	}
	if (room_for_device(&rec, cfg, user, err, errlen) == -1)
		goto out;

	d = &rec.dev[rec.ndevices];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->type = DEVICE_VIRTUAL;
	d->alg = cfg->algorithm;
	d->digits = cfg->digits;
	d->period = cfg->period;
	if (otp_random_secret(d->alg, d->secret, sizeof(d->secret),
	    &d->secret_len) == -1) {
		seterr(err, errlen, "cannot generate a secret");
		goto out;
	}
	d->status = DEVICE_PENDING;
	d->created = now;
	d->last_step = RECORD_NO_STEP;
	rec.ndevices++;

	if (store_save(st, &rec, err, errlen) != STORE_OK)
		goto out;
	if (out != NULL)
		*out = *d;
	ret = 0;
 out:
	record_wipe(&rec);
	store_unlock(lockfd);
	return ret;
}

/*
 * Reads CODE1 and CODE2 and asks verify_consecutive, the one place that
 * matches codes against a secret.  Sorting the failures apart here is only
 * for the message the admin reads.
 */
static int
check_codes(const struct mfa_device *dev, const struct awsmfa_config *cfg,
    const char *code1, const char *code2, int64_t now, int64_t *drift,
    uint64_t *step, char *err, size_t errlen)
{
	char c1[OTP_CODE_BUFLEN], c2[OTP_CODE_BUFLEN];
	int ret = -1;

	if (code1 == NULL || code2 == NULL ||
	    otp_parse_code(code1, strlen(code1), dev->digits, c1) == -1 ||
	    otp_parse_code(code2, strlen(code2), dev->digits, c2) == -1) {
		seterr(err, errlen, "CODE1 and CODE2 must each be %u digits",
		    dev->digits);
		goto out;
	}
	if (otp_code_equal(c1, c2)) {
		seterr(err, errlen, "CODE1 and CODE2 are the same code: "
		    "wait for the device to show the next one");
		goto out;
	}
	if (verify_consecutive(dev, c1, c2, now, cfg->resync_window, drift,
	    step) == -1) {
		seterr(err, errlen, "CODE1 and CODE2 are not two consecutive "
		    "codes of MFA device %s within %u steps (%u minutes) of "
		    "now; nothing changed", dev->name, cfg->resync_window,
		    cfg->resync_window * dev->period / 60);
		goto out;
	}
	ret = 0;
 out:
	OPENSSL_cleanse(c1, sizeof(c1));
	OPENSSL_cleanse(c2, sizeof(c2));
	return ret;
}

static int
enable_virtual(struct store *st, const struct awsmfa_config *cfg,
    struct mfa_record *rec, int i, const char *code1, const char *code2,
    int64_t now, char *err, size_t errlen)
{
	struct mfa_device *d = &rec->dev[i];
	int64_t drift;
	uint64_t step;

	if (d->status == DEVICE_ACTIVE) {
		seterr(err, errlen, "MFA device %s of user %s is already "
		    "enabled (use resync to correct its clock)", d->name,
		    rec->user);
		return -1;
	}
	if (check_codes(d, cfg, code1, code2, now, &drift, &step, err,
	    errlen) == -1)
		return -1;
	d->status = DEVICE_ACTIVE;
	d->enabled = now;
	d->drift = drift;
	d->last_step = step;
	return store_save(st, rec, err, errlen) == STORE_OK ? 0 : -1;
}

static void
token_to_device(const struct hw_token *t, int64_t now, struct mfa_device *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", t->serial);
	snprintf(d->serial, sizeof(d->serial), "%s", t->serial);
	d->type = DEVICE_HARDWARE;
	d->alg = t->alg;
	d->digits = t->digits;
	d->period = t->period;
	memcpy(d->secret, t->secret, t->secret_len);
	d->secret_len = t->secret_len;
	d->status = DEVICE_PENDING;
	d->created = now;
	d->last_step = RECORD_NO_STEP;
}

/* The claim in the inventory is written first, then the record, which
 * commits the assignment (store_token.c).  A claim by another user counts
 * only when that user's record confirms it. */
static int
token_free_for(struct store *st, const struct hw_token *t, const char *user,
    char *err, size_t errlen)
{
	int held;

	if (t->user[0] == '\0' || strcmp(t->user, user) == 0)
		return 0;
	if (store_token_held(st, t, &held, err, errlen) != STORE_OK)
		return -1;
	if (held) {
		seterr(err, errlen, "MFA device %s is assigned to another "
		    "user", t->serial);
		return -1;
	}
	return 0;
}

static int
enable_hardware(struct store *st, const struct awsmfa_config *cfg,
    struct mfa_record *rec, struct inventory *inv, const char *serial,
    const char *code1, const char *code2, int64_t now, char *err,
    size_t errlen)
{
	struct hw_token *t;
	struct mfa_device *d;
	int64_t drift;
	uint64_t step;
	int r;

	r = store_load_inventory(st, inv, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		return -1;
	if ((t = inventory_find(inv, serial)) == NULL) {
		seterr(err, errlen, "MFA device %s does not exist", serial);
		return -1;
	}
	if (token_free_for(st, t, rec->user, err, errlen) == -1)
		return -1;
	if (room_for_device(rec, cfg, rec->user, err, errlen) == -1)
		return -1;
	d = &rec->dev[rec->ndevices];
	token_to_device(t, now, d);
	if (check_codes(d, cfg, code1, code2, now, &drift, &step, err,
	    errlen) == -1) {
		OPENSSL_cleanse(d, sizeof(*d));
		return -1;
	}
	d->status = DEVICE_ACTIVE;
	d->enabled = now;
	d->drift = drift;
	d->last_step = step;
	rec->ndevices++;

	snprintf(t->user, sizeof(t->user), "%s", rec->user);
	if (store_save_inventory(st, inv, err, errlen) != STORE_OK)
		return -1;
	/* Should the record fail, the claim stays: it may have been written
	 * after all (a rename done, the fsync of the folder failed), and an
	 * unconfirmed claim reads as unassigned anyway. */
	return store_save(st, rec, err, errlen) == STORE_OK ? 0 : -1;
}

/* Both locks are taken whatever DEVICE turns out to be, in the one order
 * every writer uses, so that two admins cannot deadlock. */
static int
lock_both(struct store *st, const char *user, int *invfd, int *userfd,
    char *err, size_t errlen)
{
	if (store_lock_inventory(st, invfd, err, errlen) != STORE_OK)
		return -1;
	if (store_lock_user(st, user, userfd, err, errlen) != STORE_OK) {
		store_unlock(*invfd);
		return -1;
	}
	return 0;
}

int
device_enable(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *device, const char *code1,
    const char *code2, int64_t now, char *err, size_t errlen)
{
	struct mfa_record rec;
	struct inventory inv;
	int invfd, userfd, i, r, ret = -1;

	if (check_user(user, err, errlen) == -1)
		return -1;
	if (device == NULL || !record_name_ok(device)) {
		seterr(err, errlen, "invalid device name or serial");
		return -1;
	}
	if (lock_both(st, user, &invfd, &userfd, err, errlen) == -1)
		return -1;
	inventory_init(&inv);
	r = store_load(st, user, &rec, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		goto out;
	if ((i = record_find_device(&rec, device)) >= 0)
		ret = enable_virtual(st, cfg, &rec, i, code1, code2, now, err,
		    errlen);
	else
		ret = enable_hardware(st, cfg, &rec, &inv, device, code1,
		    code2, now, err, errlen);
 out:
	inventory_free(&inv);
	record_wipe(&rec);
	store_unlock(userfd);
	store_unlock(invfd);
	return ret;
}

/*
 * A code once accepted stays spent, so last_step never moves back, with
 * one exception: a last step well beyond anything a login could accept
 * now (verify_periods_ahead) was taken while a clock ran ahead (the
 * server's, or the device's before it was corrected), and would refuse
 * every code as used until that period comes.  Two fresh consecutive codes prove that the admin holds
 * the device, so it is set back to CODE2's step.  The price: codes of the
 * periods between CODE2's and the old last step become usable again when
 * their time comes, also any of them that a login accepted while the
 * clock ran ahead.
 */
static void
resync_last_step(struct mfa_device *d, const struct awsmfa_config *cfg,
    uint64_t step, int64_t now, struct device_resync_report *rep)
{
	if (d->last_step != RECORD_NO_STEP && d->last_step > step &&
	    verify_periods_ahead(d, now, cfg->window) > 0) {
		rep->reset_periods = d->last_step - step;
		d->last_step = step;
		return;
	}
	if (d->last_step == RECORD_NO_STEP || step > d->last_step)
		d->last_step = step;
}

int
device_resync(struct store *st, const struct awsmfa_config *cfg,
    const char *user, const char *device, const char *code1,
    const char *code2, int64_t now, struct device_resync_report *rep,
    char *err, size_t errlen)
{
	struct device_resync_report dummy;
	struct mfa_record rec;
	struct mfa_device *d;
	int64_t drift;
	uint64_t step;
	int lockfd, i, r, ret = -1;

	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));

	if (check_user(user, err, errlen) == -1)
		return -1;
	if (device == NULL || !record_name_ok(device)) {
		seterr(err, errlen, "invalid device name or serial");
		return -1;
	}
	if (store_lock_user(st, user, &lockfd, err, errlen) != STORE_OK)
		return -1;
	r = store_load(st, user, &rec, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		goto out;
	if ((i = record_find_device(&rec, device)) < 0) {
		seterr(err, errlen, "MFA device %s does not exist for user %s",
		    device, user);
		goto out;
	}
	d = &rec.dev[i];
	if (d->status != DEVICE_ACTIVE) {
		seterr(err, errlen, "MFA device %s of user %s is not enabled "
		    "yet (use enable)", d->name, user);
		goto out;
	}
	if (check_codes(d, cfg, code1, code2, now, &drift, &step, err,
	    errlen) == -1)
		goto out;
	d->drift = drift;
	resync_last_step(d, cfg, step, now, rep);
	if (store_save(st, &rec, err, errlen) != STORE_OK)
		goto out;
	rep->drift = drift;
	rep->period = d->period;
	if (rec.locked_until > now)
		rep->locked_until = rec.locked_until;
	ret = 0;
 out:
	record_wipe(&rec);
	store_unlock(lockfd);
	return ret;
}

/* Unassigns the user's hardware tokens among the removed devices.  1 when
 * the inventory changed. */
static int
release_tokens(const struct mfa_record *old, const struct mfa_record *rec,
    struct inventory *inv)
{
	struct hw_token *t;
	unsigned i;
	int changed = 0;

	for (i = 0; i < old->ndevices; i++) {
		if (old->dev[i].type != DEVICE_HARDWARE)
			continue;
		if (record_find_device(rec, old->dev[i].serial) >= 0)
			continue;
		t = inventory_find(inv, old->dev[i].serial);
		if (t != NULL && strcmp(t->user, old->user) == 0) {
			t->user[0] = '\0';
			changed = 1;
		}
	}
	return changed;
}

static int
remove_devices(struct mfa_record *rec, const char *device, char *err,
    size_t errlen)
{
	int i;

	if (device == NULL) {
		if (rec->ndevices == 0) {
			seterr(err, errlen, "user %s has no MFA device",
			    rec->user);
			return -1;
		}
		/* A reset: with no device left the recovery codes have
		 * nothing to stand in for. */
		while (rec->ndevices > 0)
			remove_slot(rec, rec->ndevices - 1);
		OPENSSL_cleanse(rec->recovery, sizeof(rec->recovery));
		rec->nrecovery = 0;
		rec->failures = 0;
		rec->locked_until = 0;
		return 0;
	}
	if ((i = record_find_device(rec, device)) < 0) {
		seterr(err, errlen, "MFA device %s does not exist for user %s",
		    device, rec->user);
		return -1;
	}
	remove_slot(rec, (unsigned)i);
	return 0;
}

/* The record is written first and commits the change (store_token.c): a
 * token must never be offered while a user still holds it.  Freeing the
 * claims afterwards only tidies; should it fail, the claims are
 * unconfirmed and read as unassigned, so the verb has still succeeded. */
int
device_deactivate(struct store *st, const char *user, const char *device,
    char *err, size_t errlen)
{
	struct mfa_record *old = NULL, *rec = NULL;
	struct inventory inv;
	char err2[STORE_ERRLEN];
	int invfd, userfd, r, ret = -1;

	if (check_user(user, err, errlen) == -1)
		return -1;
	if (device != NULL && !record_name_ok(device)) {
		seterr(err, errlen, "invalid device name or serial");
		return -1;
	}
	if (lock_both(st, user, &invfd, &userfd, err, errlen) == -1)
		return -1;
	inventory_init(&inv);
	if ((old = calloc(1, sizeof(*old))) == NULL ||
	    (rec = calloc(1, sizeof(*rec))) == NULL) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	r = store_load(st, user, old, err, errlen);
	if (r == STORE_NOENT) {
		seterr(err, errlen, "user %s has no MFA device", user);
		goto out;
	}
	if (r != STORE_OK)
		goto out;
	*rec = *old;
	if (remove_devices(rec, device, err, errlen) == -1)
		goto out;
	r = store_load_inventory(st, &inv, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		goto out;
	if (store_save(st, rec, err, errlen) != STORE_OK)
		goto out;
	if (release_tokens(old, rec, &inv))
		(void)store_save_inventory(st, &inv, err2, sizeof(err2));
	ret = 0;
 out:
	if (old != NULL) {
		record_wipe(old);
		free(old);
	}
	if (rec != NULL) {
		record_wipe(rec);
		free(rec);
	}
	inventory_free(&inv);
	store_unlock(userfd);
	store_unlock(invfd);
	return ret;
}

int
device_recovery_codes(struct store *st, const char *user, unsigned count,
    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen)
{
	struct mfa_record rec;
	unsigned i;
	int lockfd, r, ret = -1;

	if (check_user(user, err, errlen) == -1)
		return -1;
	if (count < 1 || count > RECORD_MAX_RECOVERY) {
		seterr(err, errlen, "the number of recovery codes must be "
		    "1 to %d", RECORD_MAX_RECOVERY);
		return -1;
	}
	if (store_lock_user(st, user, &lockfd, err, errlen) != STORE_OK)
		return -1;
	r = store_load(st, user, &rec, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		goto out;
	if (rec.ndevices == 0) {
		seterr(err, errlen, "user %s has no MFA device: recovery "
		    "codes only stand in for one", user);
		goto out;
	}
	OPENSSL_cleanse(rec.recovery, sizeof(rec.recovery));
	for (i = 0; i < count; i++) {
		if (recovery_generate(codes[i], rec.recovery[i]) != MFA_OK) {
			seterr(err, errlen, "cannot generate recovery codes");
			goto out;
		}
	}
	rec.nrecovery = count;
	if (store_save(st, &rec, err, errlen) != STORE_OK)
		goto out;
	ret = 0;
 out:
	if (ret == -1)
		OPENSSL_cleanse(codes, count * sizeof(codes[0]));
	record_wipe(&rec);
	store_unlock(lockfd);
	return ret;
}

/*
 * Hardware token import.  A secret is hex or base32; "hex:" or "base32:"
 * in front says which.  Without a prefix, a secret of an even number of
 * hex digits is hex and anything else base32: base32 never uses 0, 1, 8
 * or 9, so only a base32 secret written with A-F and 2-7 alone could be
 * mistaken, and it takes the prefix.
 */
struct token_parse {
	struct inventory	*inv;
	size_t			 n0;		/* tokens before this file */
	size_t			*lines;		/* line of each new token */
	size_t			 nlines;
	size_t			 nbad;
	size_t			 firstbad;
	char			 firstreason[160];
	device_bad_line_fn	*fn;
	void			*arg;
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
all_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return 0;
	return i > 0 && i % 2 == 0;
}

static int
hex_decode(const char *s, unsigned char *out, size_t outsize, size_t *outlen)
{
	size_t i, n = strlen(s);

	if (!all_hex(s) || n / 2 > outsize)
		return -1;
	for (i = 0; i < n / 2; i++)
		out[i] = (unsigned char)
		    ((unsigned)hexval((unsigned char)s[2 * i]) << 4 |
		    (unsigned)hexval((unsigned char)s[2 * i + 1]));
	*outlen = n / 2;
	return 0;
}

static int
decode_secret(const char *s, struct hw_token *t, char *why, size_t whylen)
{
	int r;

	if (strncasecmp(s, "hex:", 4) == 0)
		r = hex_decode(s + 4, t->secret, sizeof(t->secret),
		    &t->secret_len);
	else if (strncasecmp(s, "base32:", 7) == 0)
		r = base32_decode(s + 7, t->secret, sizeof(t->secret),
		    &t->secret_len);
	else if (all_hex(s))
		r = hex_decode(s, t->secret, sizeof(t->secret),
		    &t->secret_len);
	else
		r = base32_decode(s, t->secret, sizeof(t->secret),
		    &t->secret_len);
	if (r == -1 || t->secret_len == 0) {
		snprintf(why, whylen, "the secret is neither hex nor base32, "
		    "or longer than %d bytes", OTP_SECRET_MAX);
		return -1;
	}
	if (t->secret_len < TOKEN_MIN_SECRET) {
		snprintf(why, whylen, "the secret has %zu bytes, fewer than "
		    "%d", t->secret_len, TOKEN_MIN_SECRET);
		return -1;
	}
	return 0;
}

static int
parse_uint(const char *s, unsigned def, unsigned lo, unsigned hi,
    unsigned *out)
{
	unsigned long v;
	char *end;

	if (*s == '\0') {
		*out = def;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Splits line at commas into at most TOKEN_MAX_FIELDS trimmed fields;
 * -1 when there are more. */
static int
split_fields(char *line, char **f, size_t *nf)
{
	char *p = line, *c;

	*nf = 0;
	for (;;) {
		if (*nf == TOKEN_MAX_FIELDS)
			return -1;
		if ((c = strchr(p, ',')) != NULL)
			*c = '\0';
		f[(*nf)++] = trim(p);
		if (c == NULL)
			return 0;
		p = c + 1;
	}
}

static int
parse_fields(char **f, size_t nf, struct hw_token *t, char *why,
    size_t whylen)
{
	memset(t, 0, sizeof(*t));
	if (nf < 2) {
		snprintf(why, whylen, "expected serial,secret"
		    "[,digits,period,algorithm]");
		return -1;
	}
	if (!record_name_ok(f[0])) {
		snprintf(why, whylen, "bad serial (1 to %d of A-Z a-z 0-9 "
		    ". _ @ + : -)", RECORD_SERIAL_MAX);
		return -1;
	}
	snprintf(t->serial, sizeof(t->serial), "%s", f[0]);
	if (decode_secret(f[1], t, why, whylen) == -1)
		return -1;
	if (parse_uint(nf > 2 ? f[2] : "", 6, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
	    &t->digits) == -1) {
		snprintf(why, whylen, "digits must be %d to %d",
		    OTP_MIN_DIGITS, OTP_MAX_DIGITS);
		return -1;
	}
	if (parse_uint(nf > 3 ? f[3] : "", 30, OTP_MIN_PERIOD, OTP_MAX_PERIOD,
	    &t->period) == -1) {
		snprintf(why, whylen, "period must be %d to %d seconds",
		    OTP_MIN_PERIOD, OTP_MAX_PERIOD);
		return -1;
	}
	t->alg = OTP_SHA1;
	if (nf > 4 && f[4][0] != '\0' && otp_alg_parse(f[4], &t->alg) == -1) {
		snprintf(why, whylen, "algorithm must be SHA1, SHA256 or "
		    "SHA512");
		return -1;
	}
	return 0;
}

static void
bad_line(struct token_parse *tp, size_t lineno, const char *why)
{
	if (tp->nbad++ == 0) {
		tp->firstbad = lineno;
		snprintf(tp->firstreason, sizeof(tp->firstreason), "%s", why);
	}
	if (tp->fn != NULL)
		tp->fn(tp->arg, lineno, why);
}

/* Refuses a serial seen earlier in the file or already in the inventory,
 * then appends the token. */
static int
add_token(struct token_parse *tp, const struct hw_token *t, size_t lineno,
    char *why, size_t whylen)
{
	struct hw_token *old;
	size_t *nl;

	if ((old = inventory_find(tp->inv, t->serial)) != NULL) {
		size_t i = (size_t)(old - tp->inv->tok);

		if (i >= tp->n0 && i - tp->n0 < tp->nlines)
			snprintf(why, whylen, "serial %s repeats line %zu",
			    t->serial, tp->lines[i - tp->n0]);
		else
			snprintf(why, whylen, "serial %s is already in the "
			    "inventory", t->serial);
		return -1;
	}
	nl = realloc(tp->lines, (tp->nlines + 1) * sizeof(*nl));
	if (nl == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	tp->lines = nl;
	if (inventory_add(tp->inv, t) != MFA_OK) {
		snprintf(why, whylen, "cannot add serial %s", t->serial);
		return -1;
	}
	tp->lines[tp->nlines++] = lineno;
	return 0;
}

/* `cut` is set for a last line without its newline: input cut short may
 * end in a seed that is shorter but still valid, so a data line must be
 * whole. */
static void
parse_line(struct token_parse *tp, const char *p, size_t n, size_t lineno,
    int cut, int *seen_data)
{
	char buf[TOKEN_LINE_MAX + 1], why[160], *line, *f[TOKEN_MAX_FIELDS];
	struct hw_token t;
	size_t nf;

	if (n > TOKEN_LINE_MAX) {
		bad_line(tp, lineno, "line too long");
		return;
	}
	if (memchr(p, '\0', n) != NULL) {
		bad_line(tp, lineno, "NUL byte in line");
		return;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	line = trim(buf);
	if (*line == '\0' || *line == '#')
		goto out;
	if (cut) {
		bad_line(tp, lineno, "no newline at the end of the last "
		    "line: the input may be cut short");
		goto out;
	}
	if (split_fields(line, f, &nf) == -1) {
		bad_line(tp, lineno, "more than 5 fields");
		goto out;
	}
	/* A spreadsheet's header row, if it comes first. */
	if (!*seen_data && nf >= 2 && strcasecmp(f[0], "serial") == 0 &&
	    strcasecmp(f[1], "secret") == 0) {
		*seen_data = 1;
		goto out;
	}
	*seen_data = 1;
	if (parse_fields(f, nf, &t, why, sizeof(why)) == -1 ||
	    add_token(tp, &t, lineno, why, sizeof(why)) == -1)
		bad_line(tp, lineno, why);
	OPENSSL_cleanse(&t, sizeof(t));
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
}

static void
rollback(struct inventory *inv, size_t n0)
{
	while (inv->n > n0) {
		inv->n--;
		OPENSSL_cleanse(&inv->tok[inv->n], sizeof(inv->tok[0]));
	}
}

int
device_parse_tokens_each(const char *csv, size_t len, struct inventory *inv,
    device_bad_line_fn *fn, void *arg, char *err, size_t errlen)
{
	struct token_parse tp;
	const char *p = csv, *end = csv + len, *nl;
	size_t lineno = 0;
	int seen_data = 0;

	memset(&tp, 0, sizeof(tp));
	tp.inv = inv;
	tp.n0 = inv->n;
	tp.fn = fn;
	tp.arg = arg;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		parse_line(&tp, p, (size_t)(nl - p), ++lineno, nl == end,
		    &seen_data);
		p = nl + 1;
	}
	free(tp.lines);
	if (tp.nbad == 0)
		return 0;
	rollback(inv, tp.n0);
	if (tp.nbad == 1)
		seterr(err, errlen, "line %zu: %s", tp.firstbad,
		    tp.firstreason);
	else
		seterr(err, errlen, "line %zu: %s (and %zu more bad lines)",
		    tp.firstbad, tp.firstreason, tp.nbad - 1);
	return -1;
}

int
device_parse_tokens(const char *csv, size_t len, struct inventory *inv,
    char *err, size_t errlen)
{
	return device_parse_tokens_each(csv, len, inv, NULL, NULL, err,
	    errlen);
}

int
device_import_tokens_each(struct store *st, const char *csv, size_t len,
    size_t *count, device_bad_line_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct inventory inv;
	size_t n0;
	int lockfd, r, ret = -1;

	*count = 0;
	if (store_lock_inventory(st, &lockfd, err, errlen) != STORE_OK)
		return -1;
	inventory_init(&inv);
	r = store_load_inventory(st, &inv, err, errlen);
	if (r != STORE_OK && r != STORE_NOENT)
		goto out;
	n0 = inv.n;
	if (device_parse_tokens_each(csv, len, &inv, fn, arg, err,
	    errlen) == -1)
		goto out;
	if (inv.n == n0) {
		seterr(err, errlen, "no token in the file");
		goto out;
	}
	if (store_save_inventory(st, &inv, err, errlen) != STORE_OK)
		goto out;
	*count = inv.n - n0;
	ret = 0;
 out:
	inventory_free(&inv);
	store_unlock(lockfd);
	return ret;
}

int
device_import_tokens(struct store *st, const char *csv, size_t len,
    size_t *count, char *err, size_t errlen)
{
	return device_import_tokens_each(st, csv, len, count, NULL, NULL,
	    err, errlen);
}
