/* SPDX-License-Identifier: BSD-2-Clause */
/* The reader under the store's text formats (record.c, inventory.c): a
 * magic line, then "key value" lines whose keys come in one fixed order,
 * each line ending in a newline, no control character anywhere.  Every
 * function returns MFA_OK or MFA_ERR_CORRUPT with "line N: ..." in the
 * cursor's err. */
#ifndef AWSMFA_KVLINE_H
#define AWSMFA_KVLINE_H

#include <stddef.h>
#include <stdint.h>

#define KV_LINE_MAX	512

struct kv_cursor {
	const char	*p;
	size_t		 left;
	unsigned	 lineno;
	char		 line[KV_LINE_MAX + 1];	/* the current line */
	char		*err;
	size_t		 errlen;
};

/* Starts reading buf; refuses no data and a NUL byte anywhere ("NUL byte
 * in WHAT"). */
int	kv_init(struct kv_cursor *c, const char *buf, size_t len,
	    const char *what, char *err, size_t errlen);
/* Cleanses the line buffer, which may hold a secret. */
void	kv_wipe(struct kv_cursor *c);

/* The next line, without its newline, into c->line. */
int	kv_next(struct kv_cursor *c);
/* The first line is magic; one starting with prefix is another version
 * of the format, anything else is not a WHAT at all. */
int	kv_magic(struct kv_cursor *c, const char *magic, const char *prefix,
	    const char *what);
/* The last line was "end": nothing may follow it. */
int	kv_end(struct kv_cursor *c);

/*
 * The keys of a block, in order, end with NULL; order[0] starts a block
 * ("device NAME").  kv_key reads "order[pos] VALUE" with *val pointing into
 * c->line, and otherwise says why not: unknown, duplicate, missing.
 */
int	kv_key(struct kv_cursor *c, const char *const *order, int pos,
	    const char **val);
/* For the line after a block, which starts neither the next block nor
 * anything else expected there. */
int	kv_between_error(struct kv_cursor *c, const char *const *order);
/* "line N: bad WHAT" */
int	kv_bad(struct kv_cursor *c, const char *what);

/* Typed values: canonical decimal (no sign, no leading zero) in range. */
int	kv_u64(struct kv_cursor *c, const char *const *order, int pos,
	    uint64_t max, uint64_t *out);
int	kv_unsigned(struct kv_cursor *c, const char *const *order, int pos,
	    unsigned min, unsigned max, unsigned *out);
int	kv_i64(struct kv_cursor *c, const char *const *order, int pos,
	    int64_t min, int64_t max, int64_t *out);
/* One of two words: *out 0 for zero, 1 for one. */
int	kv_enum(struct kv_cursor *c, const char *const *order, int pos,
	    const char *zero, const char *one, int *out);

#endif
