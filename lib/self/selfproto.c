/* SPDX-License-Identifier: BSD-2-Clause */
/* The self-service REQUEST: what a user asks the privileged helper for.
 * Its parser meets whatever any local user sends, so it accepts one
 * narrow shape and refuses the rest with one line. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "selfproto.h"

static const char *const verb_names[] = {
	[SELF_LIST] = "list",
	[SELF_CREATE] = "create",
	[SELF_ENABLE] = "enable",
	[SELF_RESYNC] = "resync",
	[SELF_DEACTIVATE] = "deactivate",
	[SELF_RECOVERY] = "recovery-codes",
};
#define NVERBS	(sizeof(verb_names) / sizeof(verb_names[0]))

const char *
selfproto_verb_name(enum self_verb v)
{
	return (size_t)v < NVERBS ? verb_names[v] : "?";
}

int
selfproto_verb_parse(const char *name, enum self_verb *v)
{
	size_t	i;

	for (i = 0; i < NVERBS; i++)
		if (strcmp(verb_names[i], name) == 0) {
			*v = (enum self_verb)i;
			return 0;
		}
	return -1;
}

/* Printable ASCII without spaces: device names, codes, verbs. */
static int
field_ok(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

/* Which fields a verb takes; 'd' device, '1' code1, '2' code2. */
static const char *
verb_fields(enum self_verb v)
{
	switch (v) {
	case SELF_CREATE:
	case SELF_DEACTIVATE:
		return "d";
	case SELF_ENABLE:
	case SELF_RESYNC:
		return "d12";
	default:
		return "";
	}
}

static char *
field_of(struct self_request *req, char key)
{
	switch (key) {
	case 'd':
		return req->device;
	case '1':
		return req->code1;
	default:
		return req->code2;
	}
}

static int
one_field(const char *f, size_t n, int first, struct self_request *req,
    unsigned *seen, char *err, size_t errlen)
{
	static const char *const keys = "d12";
	static const char *const names[] = { "device=", "code1=", "code2=" };
	const char	*eq = memchr(f, '=', n);
	char		 verb[SELFREQ_FIELD_MAX + 1], *dst;
	size_t		 i, vl;

	if (eq == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "request: a "
		    "field without '='");
	vl = n - (size_t)(eq + 1 - f);
	if (vl == 0 || vl > SELFREQ_FIELD_MAX || !field_ok(eq + 1, vl))
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "request: an "
		    "empty, overlong or unprintable value");
	if (first) {
		if ((size_t)(eq - f) != 4 || memcmp(f, "verb", 4) != 0)
			return mfa_fail(err, errlen, MFA_ERR_INVALID,
			    "request: must begin with verb=");
		memcpy(verb, eq + 1, vl);
		verb[vl] = '\0';
		if (selfproto_verb_parse(verb, &req->verb) == -1)
			return mfa_fail(err, errlen, MFA_ERR_INVALID,
			    "request: not a verb of self-service");
		return MFA_OK;
	}
	for (i = 0; i < 3; i++)
		if ((size_t)(eq + 1 - f) == strlen(names[i]) &&
		    memcmp(f, names[i], strlen(names[i])) == 0)
			break;
	if (i == 3 || strchr(verb_fields(req->verb), keys[i]) == NULL)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "request: a "
		    "field %s does not take", selfproto_verb_name(req->verb));
	if (*seen & (1U << i))
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "request: a "
		    "field given twice");
	*seen |= 1U << i;
	dst = field_of(req, keys[i]);
	memcpy(dst, eq + 1, vl);
	dst[vl] = '\0';
	return MFA_OK;
}

int
selfproto_parse_request(const char *buf, size_t len, struct self_request *req,
    char *err, size_t errlen)
{
	const char	*p = buf, *end = buf + len, *nul;
	unsigned	 seen = 0;
	int		 r = MFA_OK, first = 1;

	memset(req, 0, sizeof(*req));
	if (len == 0 || buf[len - 1] != '\0')
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "request: "
		    "empty, or its last field not ended");
	while (p < end && r == MFA_OK) {
		nul = memchr(p, '\0', (size_t)(end - p));
		r = one_field(p, (size_t)(nul - p), first, req, &seen, err,
		    errlen);
		first = 0;
		p = nul + 1;
	}
	if (r != MFA_OK)
		OPENSSL_cleanse(req, sizeof(*req));
	return r;
}

static int
put(char *buf, size_t buflen, size_t *off, const char *key, const char *v)
{
	int	n;

	if (*v == '\0')
		return 0;
	if (strlen(v) > SELFREQ_FIELD_MAX || !field_ok(v, strlen(v)))
		return -1;
	n = snprintf(buf + *off, buflen - *off, "%s=%s", key, v);
	if (n < 0 || (size_t)n + 1 > buflen - *off)
		return -2;
	*off += (size_t)n + 1;	/* the NUL snprintf wrote ends the field */
	return 0;
}

int
selfproto_build_request(const struct self_request *req, char *buf,
    size_t buflen, size_t *len, char *err, size_t errlen)
{
	const char	*f = verb_fields(req->verb);
	int		 r;

	*len = 0;
	r = put(buf, buflen, len, "verb", selfproto_verb_name(req->verb));
	if (r == 0 && strchr(f, 'd') != NULL)
		r = put(buf, buflen, len, "device", req->device);
	if (r == 0 && strchr(f, '1') != NULL)
		r = put(buf, buflen, len, "code1", req->code1);
	if (r == 0 && strchr(f, '2') != NULL)
		r = put(buf, buflen, len, "code2", req->code2);
	if (r == -2)
		return mfa_fail(err, errlen, MFA_ERR_TOOBIG, "request too "
		    "long");
	if (r != 0)
		return mfa_fail(err, errlen, MFA_ERR_INVALID, "a device name "
		    "or code over %d bytes, or with a space or control "
		    "character", SELFREQ_FIELD_MAX);
	return MFA_OK;
}
