/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lines and keys of the store's text formats.  The reader accepts one
 * spelling only: keys in a fixed order, canonical numbers.  An error names
 * the line and, when it can be shown, the key: an unknown key is echoed
 * only when it looks like one, so a mangled "secret" line never reaches a
 * log.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kvline.h"
#include "mfaerr.h"
#include "numparse.h"

int
kv_init(struct kv_cursor *c, const char *buf, size_t len, const char *what,
    char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->err = err;
	c->errlen = errlen;
	if (buf == NULL)
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT, "no data");
	if (memchr(buf, '\0', len) != NULL)
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT,
		    "NUL byte in %s", what);
	c->p = buf;
	c->left = len;
	return MFA_OK;
}

void
kv_wipe(struct kv_cursor *c)
{
	OPENSSL_cleanse(c->line, sizeof(c->line));
}

int
kv_next(struct kv_cursor *c)
{
	const char	*nl;
	size_t		 n, i;

	c->lineno++;
	if (c->left == 0)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "unexpected end of data (truncated)", c->lineno);
	if ((nl = memchr(c->p, '\n', c->left)) == NULL)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "no newline at end (truncated)", c->lineno);
	n = (size_t)(nl - c->p);
	if (n > KV_LINE_MAX)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "longer than %d bytes", c->lineno, KV_LINE_MAX);
	for (i = 0; i < n; i++) {
		if ((unsigned char)c->p[i] < 0x20 || c->p[i] == 0x7f)
			return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT,
			    "line %u: control character 0x%02x", c->lineno,
			    (unsigned char)c->p[i]);
	}
	memcpy(c->line, c->p, n);
	c->line[n] = '\0';
	c->p += n + 1;
	c->left -= n + 1;
	return MFA_OK;
}

int
kv_magic(struct kv_cursor *c, const char *magic, const char *prefix,
    const char *what)
{
	int	r;

	if ((r = kv_next(c)) != MFA_OK)
		return r;
	if (strcmp(c->line, magic) == 0)
		return MFA_OK;
	if (strncmp(c->line, prefix, strlen(prefix)) == 0)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line 1: "
		    "unsupported format version (expected \"%s\")", magic);
	return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line 1: not a "
	    "%s (expected \"%s\")", what, magic);
}

int
kv_end(struct kv_cursor *c)
{
	if (c->left != 0)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "data after \"end\"", c->lineno);
	return MFA_OK;
}

static int
key_in(const char *key, size_t klen, const char *const *keys)
{
	size_t	i;

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
	size_t	i;

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

/* The key of the current line: its index in order or -1, and its length. */
static int
line_key(const struct kv_cursor *c, const char *const *order, size_t *klen)
{
	const char	*sp = strchr(c->line, ' ');

	*klen = sp != NULL ? (size_t)(sp - c->line) : strlen(c->line);
	return key_in(c->line, *klen, order);
}

/* Explains why the current line is not "want VALUE": an unknown key, a key
 * seen already (duplicate), or a later key (the wanted one is missing).
 * order lists the keys of this block; want is order[pos]. */
static int
key_error(struct kv_cursor *c, const char *const *order, int pos)
{
	size_t	klen;
	int	k = line_key(c, order, &klen);

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
	return MFA_ERR_CORRUPT;
}

/* Between blocks only a block's first key, "recovery" or "end" may come:
 * any other known key repeats a field of the block before. */
int
kv_between_error(struct kv_cursor *c, const char *const *order)
{
	size_t	klen;
	int	k = line_key(c, order, &klen);

	if (k > 0 && strcmp(order[k], "end") == 0)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "bad \"end\" line", c->lineno);
	if (k > 0)
		return mfa_fail(c->err, c->errlen, MFA_ERR_CORRUPT, "line %u: "
		    "duplicate or misplaced key \"%s\"", c->lineno, order[k]);
	return key_error(c, order, 0);
}

int
kv_key(struct kv_cursor *c, const char *const *order, int pos,
    const char **val)
{
	size_t	klen = strlen(order[pos]);
	int	r;

	if ((r = kv_next(c)) != MFA_OK)
		return r;
	if (strncmp(c->line, order[pos], klen) != 0 || c->line[klen] != ' ' ||
	    c->line[klen + 1] == '\0')
		return key_error(c, order, pos);
	*val = c->line + klen + 1;
	return MFA_OK;
}

int
kv_bad(struct kv_cursor *c, const char *what)
{
	seterr(c->err, c->errlen, "line %u: bad %s", c->lineno, what);
	return MFA_ERR_CORRUPT;
}

int
kv_u64(struct kv_cursor *c, const char *const *order, int pos, uint64_t max,
    uint64_t *out)
{
	const char	*v;
	int		 r;

	if ((r = kv_key(c, order, pos, &v)) != MFA_OK)
		return r;
	if (!num_canonical(v) || num_parse_u64(v, 0, max, out) != 0)
		return kv_bad(c, order[pos]);
	return MFA_OK;
}

int
kv_unsigned(struct kv_cursor *c, const char *const *order, int pos,
    unsigned min, unsigned max, unsigned *out)
{
	uint64_t	v;
	int		r;

	if ((r = kv_u64(c, order, pos, max, &v)) != MFA_OK)
		return r;
	if (v < min)
		return kv_bad(c, order[pos]);
	*out = (unsigned)v;
	return MFA_OK;
}

int
kv_i64(struct kv_cursor *c, const char *const *order, int pos, int64_t min,
    int64_t max, int64_t *out)
{
	const char	*v;
	int		 r;

	if ((r = kv_key(c, order, pos, &v)) != MFA_OK)
		return r;
	if (!num_canonical(v[0] == '-' ? v + 1 : v) ||
	    num_parse_i64(v, min, max, out) != 0)
		return kv_bad(c, order[pos]);
	return MFA_OK;
}

int
kv_enum(struct kv_cursor *c, const char *const *order, int pos,
    const char *zero, const char *one, int *out)
{
	const char	*v;
	int		 r;

	if ((r = kv_key(c, order, pos, &v)) != MFA_OK)
		return r;
	if (strcmp(v, zero) == 0)
		*out = 0;
	else if (strcmp(v, one) == 0)
		*out = 1;
	else
		return kv_bad(c, order[pos]);
	return MFA_OK;
}
