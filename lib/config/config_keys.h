/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/config*.c only: the key table's types and the helpers that
 * parsers of one key share, so that keys of one subject (the fleet's, in
 * config_db.c) can live in a file of their own. */
#ifndef AWSMFA_CONFIG_KEYS_H
#define AWSMFA_CONFIG_KEYS_H

#include <stddef.h>

#include <libconfig.h>

#include "config.h"

struct ctx {
	const char	*name;		/* file name used in messages */
	char		*err;
	size_t		 errlen;
	/* The key table's integer ranges, handed to config_guard.c so
	 * that it needs nothing of config.c. */
	int		(*int_range)(const char *, long long *, long long *);
};

struct key;
typedef int (*key_parser)(const struct key *, const config_setting_t *,
    struct awsmfa_config *, const struct ctx *);

struct key {
	const char	*name;
	key_parser	 parse;
	size_t		 off;		/* field, for integer and string keys */
	long long	 min;
	long long	 max;
};

/* config_err.c: "FILE:LINE: " ("FILE: " for line 0) and the reason into
 * ctx's buffer; returns MFA_ERR_CONFIG.  The key parsers return MFA_OK
 * or that. */
int	config_err(const struct ctx *ctx, unsigned line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* "FILE:LINE: key 'NAME': " followed by the reason; MFA_ERR_CONFIG. */
int	key_err(const struct ctx *ctx, const char *key, unsigned line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	setting_err(const struct ctx *ctx, const config_setting_t *s,
	    const char *reason);
/* The string of s, or NULL (error set) when s is not a string. */
const char *string_value(const config_setting_t *s, const struct ctx *ctx);

/* 1 with the range of the integer key called name; 0 for another key. */
int	config_int_range(const char *name, long long *min, long long *max);

/* config_guard.c: the text checked before libconfig 1.5 reads it (a
 * string where it would leak one) and after (an integer it wrapped). */
int	config_guard_before(const char *text, const struct ctx *ctx);
int	config_guard_after(const char *text, const struct ctx *ctx);

/* config_db.c */
int	config_parse_store(const struct key *, const config_setting_t *,
	    struct awsmfa_config *, const struct ctx *);
int	config_parse_conninfo(const struct key *, const config_setting_t *,
	    struct awsmfa_config *, const struct ctx *);
int	config_parse_break_glass(const struct key *, const config_setting_t *,
	    struct awsmfa_config *, const struct ctx *);

/* config_self.c: a true or false key into the int at k->off. */
int	config_parse_bool(const struct key *, const config_setting_t *,
	    struct awsmfa_config *, const struct ctx *);

#endif
