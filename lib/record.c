/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record and inventory text formats.  The parser accepts exactly one
 * spelling of each record, the one record_format writes: fields in a fixed
 * order, canonical numbers, canonical base32.  Anything else is an error,
 * so a damaged or truncated file can never load as a weaker record.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mfaerr.h"
#include "base32.h"
#include "record.h"

#define RECORD_MAGIC		"awsmfa-record 1"
#define RECORD_MAGIC_PREFIX	"awsmfa-record "
#define INVENTORY_MAGIC		"awsmfa-inventory 1"
#define INVENTORY_MAGIC_PREFIX	"awsmfa-inventory "
#define LINE_MAX_LEN		512
/* Drift beyond this many steps is nonsense and could overflow step
 * arithmetic in the verifier, so neither side of the format allows it. */
#define RECORD_DRIFT_MAX	1000000000LL
/* A file can only hold so many tokens before it stops being plausible;
 * the bound keeps a huge inventory from exhausting memory. */
#define INVENTORY_MAX_TOKENS	10000
/* Per-item upper bounds of the formatted text, so the output buffer is
 * allocated once and secrets never linger in a realloc'd-away block. */
#define FMT_HEAD_MAX		1024
#define FMT_DEVICE_MAX		1024
#define FMT_RECOVERY_MAX	256
#define FMT_TOKEN_MAX		1024
#define B32_SECRET_MAX		128	/* base32 of OTP_SECRET_MAX bytes, NUL */

static const char *const alg_names[] = { "SHA1", "SHA256", "SHA512" };

struct cursor {
	const char	*p;
	size_t		 left;
	unsigned	 lineno;
	char		 line[LINE_MAX_LEN + 1];
	char		*err;
	size_t		 errlen;
};

struct outbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

int
record_username_ok(const char *user)
{
	size_t	 i;

	if (user == NULL || user[0] == '\0' || user[0] == '.')
		return 0;
	for (i = 0; user[i] != '\0'; i++) {
		if (i >= RECORD_USER_MAX)
			return 0;
		if ((unsigned char)user[i] < 0x20 || user[i] == 0x7f ||
		    user[i] == '/')
			return 0;
	}
	return 1;
}

static int
name_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	    c == '+' || c == ':' || c == '-';
}

int
record_name_ok(const char *name)
{
	size_t	 i;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= RECORD_NAME_MAX || !name_char_ok(name[i]))
			return 0;
	}
	return 1;
}

/* A hashed recovery code: 1..RECORD_HASH_MAX printable, no spaces.  Its
 * inner format ("$pbkdf2-sha256$ITER$SALT$HASH" with an optional "$TAG")
 * is lib/recovery's, which refuses to match a malformed one. */
static int
hash_ok(const char *h, size_t bufsize)
{
	size_t	 i;

	for (i = 0; i < bufsize && h[i] != '\0'; i++) {
		if (h[i] <= 0x20 || h[i] >= 0x7f)
			return 0;
	}
	return i > 0 && i <= RECORD_HASH_MAX && i < bufsize;
}

void
record_init(struct mfa_record *rec, const char *user)
{
	size_t	 n;

	memset(rec, 0, sizeof(*rec));
	if (user == NULL)
		return;
	n = strnlen(user, RECORD_USER_MAX + 1);
	if (n <= RECORD_USER_MAX)
		memcpy(rec->user, user, n);
}

void
record_wipe(struct mfa_record *rec)
{
	if (rec != NULL)
		OPENSSL_cleanse(rec, sizeof(*rec));
}

int
record_find_device(const struct mfa_record *rec, const char *name)
{
	unsigned	 i;

	if (rec == NULL || name == NULL || name[0] == '\0')
		return -1;
	for (i = 0; i < rec->ndevices && i < RECORD_MAX_DEVICES; i++) {
		if (strcmp(rec->dev[i].name, name) == 0)
			return (int)i;
	}
	for (i = 0; i < rec->ndevices && i < RECORD_MAX_DEVICES; i++) {
		if (rec->dev[i].serial[0] != '\0' &&
		    strcmp(rec->dev[i].serial, name) == 0)
			return (int)i;
	}
	return -1;
}

int
record_has_active(const struct mfa_record *rec)
{
	unsigned	 i;

	for (i = 0; i < rec->ndevices && i < RECORD_MAX_DEVICES; i++) {
		if (rec->dev[i].status == DEVICE_ACTIVE)
			return 1;
	}
	return 0;
}

/* ---- validation shared by the parser and the formatter ---- */

static int
alg_ok(enum otp_alg alg)
{
	return alg == OTP_SHA1 || alg == OTP_SHA256 || alg == OTP_SHA512;
}

static int
otp_params_ok(enum otp_alg alg, unsigned digits, unsigned period,
    size_t secret_len, const char **why)
{
	if (!alg_ok(alg))
		*why = "bad algorithm";
	else if (digits < OTP_MIN_DIGITS || digits > OTP_MAX_DIGITS)
		*why = "digits out of range";
	else if (period < OTP_MIN_PERIOD || period > OTP_MAX_PERIOD)
		*why = "period out of range";
	else if (secret_len < 1 || secret_len > OTP_SECRET_MAX)
		*why = "bad secret length";
	else
		return 1;
	return 0;
}

static int
device_ok(const struct mfa_device *d, const char **why)
{
	int	 hw = d->type == DEVICE_HARDWARE;

	*why = NULL;
	if (strnlen(d->name, sizeof(d->name)) == sizeof(d->name) ||
	    !record_name_ok(d->name))
		*why = "bad device name";
	else if (d->type != DEVICE_VIRTUAL && !hw)
		*why = "bad device type";
	else if (strnlen(d->serial, sizeof(d->serial)) == sizeof(d->serial))
		*why = "bad serial";
	else if (hw && !record_name_ok(d->serial))
		*why = "hardware device without a valid serial";
	else if (!hw && d->serial[0] != '\0')
		*why = "virtual device with a serial";
	else if (!otp_params_ok(d->alg, d->digits, d->period, d->secret_len,
	    why))
		return 0;
	else if (d->status != DEVICE_PENDING && d->status != DEVICE_ACTIVE)
		*why = "bad status";
	else if (d->created < 0 || d->enabled < 0 || d->last_used < 0)
		*why = "negative time";
	else if (d->status == DEVICE_PENDING && d->enabled != 0)
		*why = "pending device with an enable time";
	else if (d->drift < -RECORD_DRIFT_MAX || d->drift > RECORD_DRIFT_MAX)
		*why = "drift out of range";
	else
		return 1;
	return 0;
}

/* Device i must not share a name or serial with an earlier device, or
 * record_find_device would be ambiguous. */
static int
device_unique(const struct mfa_record *rec, unsigned i, const char **why)
{
	unsigned	 j;

	for (j = 0; j < i; j++) {
		if (strcmp(rec->dev[j].name, rec->dev[i].name) == 0) {
			*why = "duplicate device name";
			return 0;
		}
		if (rec->dev[i].serial[0] != '\0' &&
		    strcmp(rec->dev[j].serial, rec->dev[i].serial) == 0) {
			*why = "duplicate device serial";
			return 0;
		}
	}
	return 1;
}

static int
record_ok(const struct mfa_record *rec, const char **why)
{
	unsigned	 i;

	*why = NULL;
	if (strnlen(rec->user, sizeof(rec->user)) == sizeof(rec->user) ||
	    !record_username_ok(rec->user)) {
		*why = "bad user name";
		return 0;
	}
	if (rec->locked_until < 0) {
		*why = "negative locked_until";
		return 0;
	}
	if (rec->ndevices > RECORD_MAX_DEVICES) {
		*why = "too many devices";
		return 0;
	}
	if (rec->nrecovery > RECORD_MAX_RECOVERY) {
		*why = "too many recovery codes";
		return 0;
	}
	for (i = 0; i < rec->ndevices; i++) {
		if (!device_ok(&rec->dev[i], why) ||
		    !device_unique(rec, i, why))
			return 0;
	}
	for (i = 0; i < rec->nrecovery; i++) {
		if (!hash_ok(rec->recovery[i], sizeof(rec->recovery[i]))) {
			*why = "bad recovery hash";
			return 0;
		}
	}
	return 1;
}

/* ---- lexing ---- */

static void
cursor_init(struct cursor *c, const char *buf, size_t len, char *err,
    size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->p = buf;
	c->left = len;
	c->err = err;
	c->errlen = errlen;
}

static void
cursor_wipe(struct cursor *c)
{
	OPENSSL_cleanse(c->line, sizeof(c->line));
}

/* Copies the next line, without its newline, into c->line. */
static int
next_line(struct cursor *c)
{
	const char	*nl;
	size_t		 n, i;

	c->lineno++;
	if (c->left == 0) {
		seterr(c->err, c->errlen, "line %u: unexpected end of data "
		    "(truncated)", c->lineno);
		return -1;
	}
	nl = memchr(c->p, '\n', c->left);
	if (nl == NULL) {
		seterr(c->err, c->errlen, "line %u: no newline at end "
		    "(truncated)", c->lineno);
		return -1;
	}
	n = (size_t)(nl - c->p);
	if (n > LINE_MAX_LEN) {
		seterr(c->err, c->errlen, "line %u: longer than %d bytes",
		    c->lineno, LINE_MAX_LEN);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)c->p[i] < 0x20 || c->p[i] == 0x7f) {
			seterr(c->err, c->errlen, "line %u: control "
			    "character 0x%02x", c->lineno,
			    (unsigned char)c->p[i]);
			return -1;
		}
	}
	memcpy(c->line, c->p, n);
	c->line[n] = '\0';
	c->p += n + 1;
	c->left -= n + 1;
	return 0;
}

static int
expect_magic(struct cursor *c, const char *magic, const char *prefix,
    const char *what)
{
	if (next_line(c) == -1)
		return -1;
	if (strcmp(c->line, magic) == 0)
		return 0;
	if (strncmp(c->line, prefix, strlen(prefix)) == 0)
		seterr(c->err, c->errlen, "line 1: unsupported format "
		    "version (expected \"%s\")", magic);
	else
		seterr(c->err, c->errlen, "line 1: not a %s (expected "
		    "\"%s\")", what, magic);
	return -1;
}

static int
key_in(const char *key, size_t klen, const char *const *keys)
{
	size_t	 i;

	for (i = 0; keys[i] != NULL; i++) {
		if (strlen(keys[i]) == klen && memcmp(keys[i], key, klen) == 0)
			return (int)i;
	}
	return -1;
}

/* An unknown key goes into error messages, and so into logs, only when it
 * looks like a key: a mangled "secret" line must not be echoed. */
static int
key_showable(const char *key, size_t klen)
{
	size_t	 i;

	if (klen == 0 || klen > 16)
		return 0;
	for (i = 0; i < klen; i++) {
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= 'A' && key[i] <= 'Z') || key[i] == '_' ||
		    key[i] == '-'))
			return 0;
	}
	return 1;
}

/* Explains why the current line is not "want VALUE": an unknown key, a key
 * seen already (duplicate), or a later key (the wanted one is missing).
 * order lists the keys of this block; want is order[pos]. */
static void
key_error(struct cursor *c, const char *const *order, int pos)
{
	const char	*sp = strchr(c->line, ' ');
	size_t		 klen = sp != NULL ? (size_t)(sp - c->line) :
			    strlen(c->line);
	int		 k = key_in(c->line, klen, order);

	if (k == -1 && key_showable(c->line, klen))
		seterr(c->err, c->errlen, "line %u: unknown key \"%.*s\" "
		    "(expected \"%s\")", c->lineno, (int)klen, c->line,
		    order[pos]);
	else if (k == -1)
		seterr(c->err, c->errlen, "line %u: unknown key (expected "
		    "\"%s\")", c->lineno, order[pos]);
	else if (k == pos)
		seterr(c->err, c->errlen, "line %u: no value for \"%s\"",
		    c->lineno, order[k]);
	else if (k < pos && k != 0)
		seterr(c->err, c->errlen, "line %u: duplicate or misplaced "
		    "key \"%s\"", c->lineno, order[k]);
	else	/* a later key, or the start of the next block */
		seterr(c->err, c->errlen, "line %u: missing key \"%s\" "
		    "before \"%s\"", c->lineno, order[pos], order[k]);
}

/* Between blocks only a block's first key, "recovery" or "end" may come:
 * any other known key repeats a field of the block before. */
static void
between_error(struct cursor *c, const char *const *order)
{
	const char	*sp = strchr(c->line, ' ');
	size_t		 klen = sp != NULL ? (size_t)(sp - c->line) :
			    strlen(c->line);
	int		 k = key_in(c->line, klen, order);

	if (k > 0 && strcmp(order[k], "end") == 0)
		seterr(c->err, c->errlen, "line %u: bad \"end\" line",
		    c->lineno);
	else if (k > 0)
		seterr(c->err, c->errlen, "line %u: duplicate or misplaced "
		    "key \"%s\"", c->lineno, order[k]);
	else
		key_error(c, order, 0);
}

/* Reads "order[pos] VALUE"; *val points into c->line. */
static int
expect_key(struct cursor *c, const char *const *order, int pos,
    const char **val)
{
	size_t	 klen = strlen(order[pos]);

	if (next_line(c) == -1)
		return -1;
	if (strncmp(c->line, order[pos], klen) != 0 || c->line[klen] != ' ' ||
	    c->line[klen + 1] == '\0') {
		key_error(c, order, pos);
		return -1;
	}
	*val = c->line + klen + 1;
	return 0;
}

/* Canonical decimal: "0" or a non-zero digit then digits. */
static int
digits_canonical(const char *s)
{
	size_t	 i;

	if (s[0] == '0')
		return s[1] == '\0';
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return i > 0;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	if (!digits_canonical(s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	long long	 v;
	char		*end;

	if (!digits_canonical(s[0] == '-' ? s + 1 : s) ||
	    strcmp(s, "-0") == 0)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
bad_value(struct cursor *c, const char *what)
{
	seterr(c->err, c->errlen, "line %u: bad %s", c->lineno, what);
	return -1;
}

static int
key_u64(struct cursor *c, const char *const *order, int pos, uint64_t max,
    uint64_t *out)
{
	const char	*v;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	if (parse_u64(v, max, out) == -1)
		return bad_value(c, order[pos]);
	return 0;
}

static int
key_unsigned(struct cursor *c, const char *const *order, int pos,
    unsigned min, unsigned max, unsigned *out)
{
	uint64_t	 v;

	if (key_u64(c, order, pos, max, &v) == -1)
		return -1;
	if (v < min)
		return bad_value(c, order[pos]);
	*out = (unsigned)v;
	return 0;
}

static int
key_i64(struct cursor *c, const char *const *order, int pos, int64_t min,
    int64_t max, int64_t *out)
{
	const char	*v;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	if (parse_i64(v, min, max, out) == -1)
		return bad_value(c, order[pos]);
	return 0;
}

static int
key_alg(struct cursor *c, const char *const *order, int pos,
    enum otp_alg *out)
{
	const char	*v;
	size_t		 i;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (strcmp(v, alg_names[i]) == 0) {
			*out = (enum otp_alg)i;
			return 0;
		}
	}
	return bad_value(c, order[pos]);
}

/* The secret must be exactly what base32_encode writes for it. */
static int
key_secret(struct cursor *c, const char *const *order, int pos,
    unsigned char *secret, size_t *secret_len)
{
	const char	*v;
	char		 again[B32_SECRET_MAX];
	size_t		 n = 0, vlen;
	int		 ok;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	vlen = strlen(v);
	ok = vlen < sizeof(again) &&
	    base32_decode(v, secret, OTP_SECRET_MAX, &n) == 0 &&
	    n >= 1 && n <= OTP_SECRET_MAX &&
	    base32_encode(secret, n, again, sizeof(again)) == 0 &&
	    strlen(again) == vlen && CRYPTO_memcmp(again, v, vlen) == 0;
	OPENSSL_cleanse(again, sizeof(again));
	if (!ok) {
		OPENSSL_cleanse(secret, OTP_SECRET_MAX);
		return bad_value(c, "secret (not canonical base32 of 1 to "
		    "64 bytes)");
	}
	*secret_len = n;
	return 0;
}

static int
key_name(struct cursor *c, const char *const *order, int pos, char *out,
    size_t outsize)
{
	const char	*v;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	if (!record_name_ok(v) || strlen(v) >= outsize)
		return bad_value(c, order[pos]);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int
key_user(struct cursor *c, const char *const *order, int pos, char *out)
{
	const char	*v;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	if (!record_username_ok(v))
		return bad_value(c, "user name");
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/* ---- the record ---- */

enum {
	DK_DEVICE, DK_TYPE, DK_SERIAL, DK_ALG, DK_DIGITS, DK_PERIOD,
	DK_SECRET, DK_STATUS, DK_CREATED, DK_ENABLED, DK_LAST_USED,
	DK_LAST_STEP, DK_DRIFT, DK_RECOVERY, DK_END
};

static const char *const device_keys[] = {
	"device", "type", "serial", "algorithm", "digits", "period",
	"secret", "status", "created", "enabled", "last_used", "last_step",
	"drift", "recovery", "end", NULL
};

static const char *const head_keys[] = {
	"user", "failures", "locked_until", NULL
};

static int
key_enum(struct cursor *c, const char *const *order, int pos,
    const char *zero, const char *one, int *out)
{
	const char	*v;

	if (expect_key(c, order, pos, &v) == -1)
		return -1;
	if (strcmp(v, zero) == 0)
		*out = 0;
	else if (strcmp(v, one) == 0)
		*out = 1;
	else
		return bad_value(c, order[pos]);
	return 0;
}

static int
key_last_step(struct cursor *c, uint64_t *out)
{
	const char	*v;

	if (expect_key(c, device_keys, DK_LAST_STEP, &v) == -1)
		return -1;
	if (strcmp(v, "-") == 0) {
		*out = RECORD_NO_STEP;
		return 0;
	}
	if (parse_u64(v, RECORD_NO_STEP - 1, out) == -1)
		return bad_value(c, "last_step");
	return 0;
}

/* The fields after "device NAME"; a virtual device has no serial line. */
static int
parse_device_body(struct cursor *c, struct mfa_device *d)
{
	const char *const	*k = device_keys;
	int			 type, status;

	if (key_enum(c, k, DK_TYPE, "virtual", "hardware", &type) == -1)
		return -1;
	d->type = type ? DEVICE_HARDWARE : DEVICE_VIRTUAL;
	if (d->type == DEVICE_HARDWARE &&
	    key_name(c, k, DK_SERIAL, d->serial, sizeof(d->serial)) == -1)
		return -1;
	if (key_alg(c, k, DK_ALG, &d->alg) == -1 ||
	    key_unsigned(c, k, DK_DIGITS, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
	    &d->digits) == -1 ||
	    key_unsigned(c, k, DK_PERIOD, OTP_MIN_PERIOD, OTP_MAX_PERIOD,
	    &d->period) == -1 ||
	    key_secret(c, k, DK_SECRET, d->secret, &d->secret_len) == -1 ||
	    key_enum(c, k, DK_STATUS, "pending", "active", &status) == -1)
		return -1;
	d->status = status ? DEVICE_ACTIVE : DEVICE_PENDING;
	if (key_i64(c, k, DK_CREATED, 0, INT64_MAX, &d->created) == -1 ||
	    key_i64(c, k, DK_ENABLED, 0, INT64_MAX, &d->enabled) == -1 ||
	    key_i64(c, k, DK_LAST_USED, 0, INT64_MAX, &d->last_used) == -1 ||
	    key_last_step(c, &d->last_step) == -1 ||
	    key_i64(c, k, DK_DRIFT, -RECORD_DRIFT_MAX, RECORD_DRIFT_MAX,
	    &d->drift) == -1)
		return -1;
	return 0;
}

static int
parse_device(struct cursor *c, struct mfa_record *rec, const char *name)
{
	struct mfa_device	*d;
	unsigned		 line = c->lineno;
	const char		*why;

	if (rec->ndevices >= RECORD_MAX_DEVICES) {
		seterr(c->err, c->errlen, "line %u: more than %d devices",
		    line, RECORD_MAX_DEVICES);
		return -1;
	}
	d = &rec->dev[rec->ndevices];
	if (!record_name_ok(name))
		return bad_value(c, "device name");
	memcpy(d->name, name, strlen(name) + 1);
	if (parse_device_body(c, d) == -1)
		return -1;
	if (!device_ok(d, &why) || !device_unique(rec, rec->ndevices, &why)) {
		seterr(c->err, c->errlen, "line %u: device \"%s\": %s",
		    line, d->name, why);
		return -1;
	}
	rec->ndevices++;
	return 0;
}

static int
parse_recovery(struct cursor *c, struct mfa_record *rec, const char *hash)
{
	if (rec->nrecovery >= RECORD_MAX_RECOVERY) {
		seterr(c->err, c->errlen, "line %u: more than %d recovery "
		    "codes", c->lineno, RECORD_MAX_RECOVERY);
		return -1;
	}
	if (strlen(hash) > RECORD_HASH_MAX ||
	    !hash_ok(hash, RECORD_HASH_MAX + 1))
		return bad_value(c, "recovery hash");
	memcpy(rec->recovery[rec->nrecovery++], hash, strlen(hash) + 1);
	return 0;
}

static int
parse_head(struct cursor *c, const char *expect_user, struct mfa_record *rec)
{
	uint64_t	 failures;

	if (expect_magic(c, RECORD_MAGIC, RECORD_MAGIC_PREFIX,
	    "record") == -1 ||
	    key_user(c, head_keys, 0, rec->user) == -1)
		return -1;
	if (expect_user != NULL && strcmp(rec->user, expect_user) != 0) {
		seterr(c->err, c->errlen, "line 2: record is for another "
		    "user");
		return -1;
	}
	if (key_u64(c, head_keys, 1, UINT32_MAX, &failures) == -1 ||
	    key_i64(c, head_keys, 2, 0, INT64_MAX, &rec->locked_until) == -1)
		return -1;
	rec->failures = (unsigned)failures;
	return 0;
}

/* Devices, then recovery codes, then "end" as the very last bytes. */
static int
parse_body(struct cursor *c, struct mfa_record *rec)
{
	int	 in_recovery = 0;
	size_t	 klen;

	for (;;) {
		if (next_line(c) == -1)
			return -1;
		if (strcmp(c->line, "end") == 0)
			break;
		klen = strlen("device ");
		if (strncmp(c->line, "device ", klen) == 0) {
			if (in_recovery) {
				seterr(c->err, c->errlen, "line %u: device "
				    "after recovery codes", c->lineno);
				return -1;
			}
			if (parse_device(c, rec, c->line + klen) == -1)
				return -1;
			continue;
		}
		klen = strlen("recovery ");
		if (strncmp(c->line, "recovery ", klen) == 0) {
			in_recovery = 1;
			if (parse_recovery(c, rec, c->line + klen) == -1)
				return -1;
			continue;
		}
		between_error(c, device_keys);
		return -1;
	}
	if (c->left != 0) {
		seterr(c->err, c->errlen, "line %u: data after \"end\"",
		    c->lineno);
		return -1;
	}
	return 0;
}

int
record_parse(const char *buf, size_t len, const char *expect_user,
    struct mfa_record *rec, char *err, size_t errlen)
{
	struct cursor	 c;
	int		 r = -1;

	record_init(rec, NULL);
	if (buf == NULL) {
		seterr(err, errlen, "no data");
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		seterr(err, errlen, "NUL byte in record");
		return -1;
	}
	cursor_init(&c, buf, len, err, errlen);
	if (parse_head(&c, expect_user, rec) == 0 && parse_body(&c, rec) == 0)
		r = 0;
	cursor_wipe(&c);
	if (r == -1)
		record_wipe(rec);
	return r;
}

/* ---- formatting ---- */

static int
out_alloc(struct outbuf *o, size_t cap)
{
	o->len = 0;
	o->cap = cap;
	o->p = malloc(cap);
	return o->p == NULL ? -1 : 0;
}

static int
outf(struct outbuf *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
outf(struct outbuf *o, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		return -1;
	o->len += (size_t)n;
	return 0;
}

static int
out_secret(struct outbuf *o, const unsigned char *secret, size_t len)
{
	char	 b32[B32_SECRET_MAX];
	int	 r;

	r = base32_encode(secret, len, b32, sizeof(b32));
	if (r == 0)
		r = outf(o, "secret %s\n", b32);
	OPENSSL_cleanse(b32, sizeof(b32));
	return r;
}

static int
out_last_step(struct outbuf *o, uint64_t step)
{
	if (step == RECORD_NO_STEP)
		return outf(o, "last_step -\n");
	return outf(o, "last_step %llu\n", (unsigned long long)step);
}

static int
out_device(struct outbuf *o, const struct mfa_device *d)
{
	if (outf(o, "device %s\ntype %s\n", d->name,
	    d->type == DEVICE_HARDWARE ? "hardware" : "virtual") == -1 ||
	    (d->type == DEVICE_HARDWARE &&
	    outf(o, "serial %s\n", d->serial) == -1) ||
	    outf(o, "algorithm %s\ndigits %u\nperiod %u\n", alg_names[d->alg],
	    d->digits, d->period) == -1 ||
	    out_secret(o, d->secret, d->secret_len) == -1 ||
	    outf(o, "status %s\ncreated %lld\nenabled %lld\nlast_used %lld\n",
	    d->status == DEVICE_ACTIVE ? "active" : "pending",
	    (long long)d->created, (long long)d->enabled,
	    (long long)d->last_used) == -1 ||
	    out_last_step(o, d->last_step) == -1 ||
	    outf(o, "drift %lld\n", (long long)d->drift) == -1)
		return -1;
	return 0;
}

static int
out_finish(struct outbuf *o, int r, char **out, size_t *outlen)
{
	if (r == -1) {
		OPENSSL_cleanse(o->p, o->cap);
		free(o->p);
		errno = ENOMEM;
		return -1;
	}
	*out = o->p;
	*outlen = o->len;
	return 0;
}

/* -1 with errno EINVAL for a record the parser would refuse (so nothing
 * unreadable is ever written), ENOMEM when out of memory. */
int
record_format(const struct mfa_record *rec, char **out, size_t *outlen)
{
	struct outbuf	 o;
	const char	*why;
	unsigned	 i;
	int		 r;

	if (!record_ok(rec, &why)) {
		errno = EINVAL;
		return -1;
	}
	if (out_alloc(&o, FMT_HEAD_MAX + FMT_DEVICE_MAX * rec->ndevices +
	    FMT_RECOVERY_MAX * rec->nrecovery) == -1) {
		errno = ENOMEM;
		return -1;
	}
	r = outf(&o, "%s\nuser %s\nfailures %u\nlocked_until %lld\n",
	    RECORD_MAGIC, rec->user, rec->failures,
	    (long long)rec->locked_until);
	for (i = 0; r == 0 && i < rec->ndevices; i++)
		r = out_device(&o, &rec->dev[i]);
	for (i = 0; r == 0 && i < rec->nrecovery; i++)
		r = outf(&o, "recovery %s\n", rec->recovery[i]);
	if (r == 0)
		r = outf(&o, "end\n");
	return out_finish(&o, r, out, outlen);
}

/* ---- the inventory ---- */

enum {
	TK_TOKEN, TK_ALG, TK_DIGITS, TK_PERIOD, TK_SECRET, TK_USER, TK_END
};

static const char *const token_keys[] = {
	"token", "algorithm", "digits", "period", "secret", "user", "end",
	NULL
};

void
inventory_init(struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
}

void
inventory_free(struct inventory *inv)
{
	if (inv == NULL)
		return;
	if (inv->tok != NULL) {
		OPENSSL_cleanse(inv->tok, inv->cap * sizeof(inv->tok[0]));
		free(inv->tok);
	}
	inventory_init(inv);
}

struct hw_token *
inventory_find(struct inventory *inv, const char *serial)
{
	size_t	 i;

	if (serial == NULL)
		return NULL;
	for (i = 0; i < inv->n; i++) {
		if (strcmp(inv->tok[i].serial, serial) == 0)
			return &inv->tok[i];
	}
	return NULL;
}

/* Grows by copying into a fresh block, never realloc, so the old block's
 * secrets can be wiped before it is freed. */
static int
inventory_grow(struct inventory *inv)
{
	struct hw_token	*nt;
	size_t		 ncap;

	if (inv->n < inv->cap)
		return 0;
	if (inv->cap >= INVENTORY_MAX_TOKENS)
		return -1;
	ncap = inv->cap == 0 ? 16 : inv->cap * 2;
	if (ncap > INVENTORY_MAX_TOKENS)
		ncap = INVENTORY_MAX_TOKENS;
	nt = calloc(ncap, sizeof(*nt));
	if (nt == NULL)
		return -1;
	if (inv->tok != NULL) {
		memcpy(nt, inv->tok, inv->n * sizeof(*nt));
		OPENSSL_cleanse(inv->tok, inv->cap * sizeof(*nt));
		free(inv->tok);
	}
	inv->tok = nt;
	inv->cap = ncap;
	return 0;
}

static int
token_ok(const struct hw_token *t, const char **why)
{
	size_t	 ulen = strnlen(t->user, sizeof(t->user));

	*why = NULL;
	if (strnlen(t->serial, sizeof(t->serial)) == sizeof(t->serial) ||
	    !record_name_ok(t->serial))
		*why = "bad serial";
	else if (!otp_params_ok(t->alg, t->digits, t->period, t->secret_len,
	    why))
		return 0;
	else if (ulen == sizeof(t->user) ||
	    (ulen != 0 && !record_username_ok(t->user)))
		*why = "bad user name";
	else if (strcmp(t->user, "-") == 0)
		*why = "user \"-\" cannot be told from unassigned";
	else
		return 1;
	return 0;
}

int
inventory_add(struct inventory *inv, const struct hw_token *t)
{
	const char	*why;

	if (!token_ok(t, &why) || inventory_find(inv, t->serial) != NULL ||
	    inventory_grow(inv) == -1)
		return -1;
	inv->tok[inv->n++] = *t;
	return 0;
}

static int
token_user(struct cursor *c, char *user)
{
	const char	*v;

	if (expect_key(c, token_keys, TK_USER, &v) == -1)
		return -1;
	if (strcmp(v, "-") == 0) {
		user[0] = '\0';
		return 0;
	}
	if (!record_username_ok(v))
		return bad_value(c, "user name");
	memcpy(user, v, strlen(v) + 1);
	return 0;
}

static int
parse_token(struct cursor *c, struct inventory *inv, const char *serial)
{
	const char *const	*k = token_keys;
	struct hw_token		 t;
	unsigned		 line = c->lineno;
	const char		*why;
	int			 r = -1;

	memset(&t, 0, sizeof(t));
	if (!record_name_ok(serial))
		return bad_value(c, "token serial");
	memcpy(t.serial, serial, strlen(serial) + 1);
	if (key_alg(c, k, TK_ALG, &t.alg) == -1 ||
	    key_unsigned(c, k, TK_DIGITS, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
	    &t.digits) == -1 ||
	    key_unsigned(c, k, TK_PERIOD, OTP_MIN_PERIOD, OTP_MAX_PERIOD,
	    &t.period) == -1 ||
	    key_secret(c, k, TK_SECRET, t.secret, &t.secret_len) == -1 ||
	    token_user(c, t.user) == -1)
		goto out;
	if (!token_ok(&t, &why))
		seterr(c->err, c->errlen, "line %u: token \"%s\": %s", line,
		    t.serial, why);
	else if (inventory_find(inv, t.serial) != NULL)
		seterr(c->err, c->errlen, "line %u: duplicate token \"%s\"",
		    line, t.serial);
	else if (inventory_grow(inv) == -1)
		seterr(c->err, c->errlen, "line %u: too many tokens or out "
		    "of memory", line);
	else {
		inv->tok[inv->n++] = t;
		r = 0;
	}
out:
	OPENSSL_cleanse(&t, sizeof(t));
	return r;
}

static int
parse_tokens(struct cursor *c, struct inventory *inv)
{
	size_t	 klen = strlen("token ");

	if (expect_magic(c, INVENTORY_MAGIC, INVENTORY_MAGIC_PREFIX,
	    "inventory") == -1)
		return -1;
	for (;;) {
		if (next_line(c) == -1)
			return -1;
		if (strcmp(c->line, "end") == 0)
			break;
		if (strncmp(c->line, "token ", klen) != 0) {
			between_error(c, token_keys);
			return -1;
		}
		if (parse_token(c, inv, c->line + klen) == -1)
			return -1;
	}
	if (c->left != 0) {
		seterr(c->err, c->errlen, "line %u: data after \"end\"",
		    c->lineno);
		return -1;
	}
	return 0;
}

/* inv is output only: whatever it held is overwritten, not freed. */
int
inventory_parse(const char *buf, size_t len, struct inventory *inv,
    char *err, size_t errlen)
{
	struct cursor	 c;
	int		 r = -1;

	inventory_init(inv);
	if (buf == NULL) {
		seterr(err, errlen, "no data");
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		seterr(err, errlen, "NUL byte in inventory");
		return -1;
	}
	cursor_init(&c, buf, len, err, errlen);
	if (parse_tokens(&c, inv) == 0)
		r = 0;
	cursor_wipe(&c);
	if (r == -1)
		inventory_free(inv);
	return r;
}

static int
out_token(struct outbuf *o, const struct hw_token *t)
{
	if (outf(o, "token %s\nalgorithm %s\ndigits %u\nperiod %u\n",
	    t->serial, alg_names[t->alg], t->digits, t->period) == -1 ||
	    out_secret(o, t->secret, t->secret_len) == -1 ||
	    outf(o, "user %s\n", t->user[0] == '\0' ? "-" : t->user) == -1)
		return -1;
	return 0;
}

int
inventory_format(const struct inventory *inv, char **out, size_t *outlen)
{
	struct outbuf	 o;
	const char	*why;
	size_t		 i, j;
	int		 r;

	if (inv->n > INVENTORY_MAX_TOKENS || (inv->n > 0 && inv->tok == NULL)) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < inv->n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(inv->tok[i].serial, inv->tok[j].serial) == 0)
				break;
		}
		if (j < i || !token_ok(&inv->tok[i], &why)) {
			errno = EINVAL;
			return -1;
		}
	}
	if (out_alloc(&o, FMT_HEAD_MAX + FMT_TOKEN_MAX * inv->n) == -1) {
		errno = ENOMEM;
		return -1;
	}
	r = outf(&o, "%s\n", INVENTORY_MAGIC);
	for (i = 0; r == 0 && i < inv->n; i++)
		r = out_token(&o, &inv->tok[i]);
	if (r == 0)
		r = outf(&o, "end\n");
	return out_finish(&o, r, out, outlen);
}
