/* SPDX-License-Identifier: BSD-2-Clause */
/* Numbers from text that people and files give us, read one way: decimal
 * digits only (no sign, space or "0x" that strtoul would let through),
 * range-checked, overflow refused; and hexadecimal digits both ways. */
#ifndef AWSMFA_NUMPARSE_H
#define AWSMFA_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

/* s is one or more decimal digits with a value in [min, max]: 0 and *out
 * set, else -1 and *out untouched.  Leading zeros are the caller's to
 * refuse (num_canonical) where a format has one spelling. */
int	num_parse_u64(const char *s, uint64_t min, uint64_t max,
	    uint64_t *out);
/* The same with an optional leading '-' ("-0" refused). */
int	num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* 1 when s is "0" or digits without a leading zero. */
int	num_canonical(const char *s);

/* The value of one hexadecimal digit of either case, or -1. */
int	hex_value(int c);
/* len bytes as 2*len lowercase digits and a NUL into out. */
void	hex_encode(const unsigned char *in, size_t len, char *out);

#endif
