/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The inventory text format: the hardware tokens an administrator
 * imported, each with its seed and the user it is claimed for (store_token.c
 * says what that claim is worth).  Strict like the record (record.c): one
 * spelling, and nothing weaker loads.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "inventory.h"
#include "kvline.h"
#include "mfaerr.h"
#include "recfield.h"
#include "record_valid.h"
#include "textbuf.h"
#include "wipe.h"

#define INVENTORY_MAGIC		"awsmfa-inventory 1"
#define INVENTORY_MAGIC_PREFIX	"awsmfa-inventory "
/* A file can only hold so many tokens before it stops being plausible;
 * the bound keeps a huge inventory from exhausting memory. */
#define INVENTORY_MAX_TOKENS	10000
/* Upper bounds of the formatted text (see record.c). */
#define FMT_HEAD_MAX		1024
#define FMT_TOKEN_MAX		1024

enum {
	TK_TOKEN, TK_ALG, TK_DIGITS, TK_PERIOD, TK_COUNTER, TK_SECRET, TK_USER,
	TK_END
};

static const char *const token_keys[] = {
	"token", "algorithm", "digits", "period", "counter", "secret", "user",
	"end", NULL
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
	wipe_free(inv->tok, inv->cap * sizeof(inv->tok[0]));
	inventory_init(inv);
}

struct hw_token *
inventory_find(struct inventory *inv, const char *serial)
{
	size_t	i;

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
		return MFA_OK;
	if (inv->cap >= INVENTORY_MAX_TOKENS)
		return MFA_ERR_TOOBIG;
	ncap = inv->cap == 0 ? 16 : inv->cap * 2;
	if (ncap > INVENTORY_MAX_TOKENS)
		ncap = INVENTORY_MAX_TOKENS;
	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return MFA_ERR_NOMEM;
	if (inv->tok != NULL) {
		memcpy(nt, inv->tok, inv->n * sizeof(*nt));
		wipe_free(inv->tok, inv->cap * sizeof(*nt));
	}
	inv->tok = nt;
	inv->cap = ncap;
	return MFA_OK;
}

static int
token_ok(const struct hw_token *t, const char **why)
{
	size_t	ulen = strnlen(t->user, sizeof(t->user));

	*why = NULL;
	if (strnlen(t->serial, sizeof(t->serial)) == sizeof(t->serial) ||
	    !record_name_ok(t->serial))
		*why = "bad serial";
	else if (!record_otp_ok(t->alg, t->digits, t->period, t->secret_len,
	    why) || !record_kind_ok(t->kind, t->period, t->counter, why))
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
	int		 r;

	if (!token_ok(t, &why))
		return MFA_ERR_INVALID;
	if (inventory_find(inv, t->serial) != NULL)
		return MFA_ERR_EXISTS;
	if ((r = inventory_grow(inv)) != MFA_OK)
		return r;
	inv->tok[inv->n++] = *t;
	return MFA_OK;
}

/* ---- parsing ---- */

static int
token_user(struct kv_cursor *c, char *user)
{
	const char	*v;
	int		 r;

	if ((r = kv_key(c, token_keys, TK_USER, &v)) != MFA_OK)
		return r;
	if (strcmp(v, "-") == 0) {
		user[0] = '\0';
		return MFA_OK;
	}
	if (!record_username_ok(v))
		return kv_bad(c, "user name");
	memcpy(user, v, strlen(v) + 1);
	return MFA_OK;
}

/* "period N", or for an HOTP token "counter N" in its place (record.c
 * says why an older reader then refuses the file). */
static int
token_period_or_counter(struct kv_cursor *c, struct hw_token *t)
{
	const size_t	clen = strlen("counter ");

	if (c->left >= clen && memcmp(c->p, "counter ", clen) == 0) {
		t->kind = OTP_HOTP;
		return kv_u64(c, token_keys, TK_COUNTER, OTP_COUNTER_MAX,
		    &t->counter);
	}
	t->kind = OTP_TOTP;
	return kv_unsigned(c, token_keys, TK_PERIOD, OTP_MIN_PERIOD,
	    OTP_MAX_PERIOD, &t->period);
}

/* The fields after "token SERIAL". */
static int
token_body(struct kv_cursor *c, struct hw_token *t)
{
	const char	*const	*k = token_keys;
	int		 r;

	if ((r = recfield_alg(c, k, TK_ALG, &t->alg)) != MFA_OK ||
	    (r = kv_unsigned(c, k, TK_DIGITS, OTP_MIN_DIGITS, OTP_MAX_DIGITS,
	    &t->digits)) != MFA_OK ||
	    (r = token_period_or_counter(c, t)) != MFA_OK ||
	    (r = recfield_secret(c, k, TK_SECRET, t->secret,
	    &t->secret_len)) != MFA_OK)
		return r;
	return token_user(c, t->user);
}

/* Adds t, read from the block that started at line. */
static int
token_add(struct kv_cursor *c, struct inventory *inv,
    const struct hw_token *t, unsigned line)
{
	const char	*why;
	int		 r;

	if (!token_ok(t, &why))
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "token \"%s\": %s", line, t->serial, why);
	if (inventory_find(inv, t->serial) != NULL)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "duplicate token \"%s\"", line, t->serial);
	if ((r = inventory_grow(inv)) != MFA_OK)
		return mfa_fail(c->err, c->errlen, r, "line %u: too many "
		    "tokens or out of memory", line);
	inv->tok[inv->n++] = *t;
	return MFA_OK;
}

static int
parse_token(struct kv_cursor *c, struct inventory *inv, const char *serial)
{
	struct hw_token		 t;
	unsigned		 line = c->lineno;
	int			 r;

	memset(&t, 0, sizeof(t));
	if (!record_name_ok(serial))
		return kv_bad(c, "token serial");
	memcpy(t.serial, serial, strlen(serial) + 1);
	if ((r = token_body(c, &t)) == MFA_OK)
		r = token_add(c, inv, &t, line);
	OPENSSL_cleanse(&t, sizeof(t));
	return r;
}

static int
parse_tokens(struct kv_cursor *c, struct inventory *inv)
{
	const size_t	klen = strlen("token ");
	int		r;

	if ((r = kv_magic(c, INVENTORY_MAGIC, INVENTORY_MAGIC_PREFIX,
	    "inventory")) != MFA_OK)
		return r;
	for (;;) {
		if ((r = kv_next(c)) != MFA_OK)
			return r;
		if (strcmp(c->line, "end") == 0)
			break;
		if (strncmp(c->line, "token ", klen) != 0)
			return kv_between_error(c, token_keys);
		if ((r = parse_token(c, inv, c->line + klen)) != MFA_OK)
			return r;
	}
	return kv_end(c);
}

/* inv is output only: whatever it held is overwritten, not freed. */
int
inventory_parse(const char *buf, size_t len, struct inventory *inv,
    char *err, size_t errlen)
{
	struct kv_cursor	c;
	int			r;

	inventory_init(inv);
	if ((r = kv_init(&c, buf, len, "inventory", err, errlen)) == MFA_OK)
		r = parse_tokens(&c, inv);
	kv_wipe(&c);
	if (r != MFA_OK)
		inventory_free(inv);
	return r;
}

/* ---- formatting ---- */

static int
put_token(struct textbuf *tb, const struct hw_token *t)
{
	int	r;

	if ((r = textbuf_printf(tb, "token %s\nalgorithm %s\ndigits %u\n",
	    t->serial, recfield_alg_name(t->alg), t->digits)) != MFA_OK ||
	    (r = (t->kind == OTP_HOTP ? textbuf_printf(tb, "counter %llu\n",
	    (unsigned long long)t->counter) : textbuf_printf(tb,
	    "period %u\n", t->period))) != MFA_OK ||
	    (r = recfield_put_secret(tb, t->secret, t->secret_len)) != MFA_OK)
		return r;
	return textbuf_printf(tb, "user %s\n",
	    t->user[0] == '\0' ? "-" : t->user);
}

/* What inventory_parse would accept: no duplicate, every token valid. */
static int
inventory_ok(const struct inventory *inv)
{
	const char	*why;
	size_t		 i, j;

	if (inv->n > INVENTORY_MAX_TOKENS || (inv->n > 0 && inv->tok == NULL))
		return 0;
	for (i = 0; i < inv->n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(inv->tok[i].serial, inv->tok[j].serial) == 0)
				return 0;
		}
		if (!token_ok(&inv->tok[i], &why))
			return 0;
	}
	return 1;
}

int
inventory_format(const struct inventory *inv, char **out, size_t *outlen)
{
	struct textbuf	t;
	size_t		i;
	int		r;

	if (!inventory_ok(inv))
		return MFA_ERR_INVALID;
	if ((r = textbuf_alloc(&t, FMT_HEAD_MAX + FMT_TOKEN_MAX * inv->n)) !=
	    MFA_OK)
		return r;
	r = textbuf_printf(&t, "%s\n", INVENTORY_MAGIC);
	for (i = 0; r == MFA_OK && i < inv->n; i++)
		r = put_token(&t, &inv->tok[i]);
	if (r == MFA_OK)
		r = textbuf_printf(&t, "end\n");
	return textbuf_finish(&t, r, out, outlen);
}
