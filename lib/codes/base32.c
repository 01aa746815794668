/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 4648 base32.  Decoding is forgiving only where people are (case,
 * spaces, padding left off) and strict everywhere else, so a mistyped
 * secret is an error instead of a different secret.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base32.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Symbols needed for n bytes without padding: ceil(8n / 5). */
static size_t
symbols_for(size_t n)
{
	return n / 5 * 8 + (n % 5 * 8 + 4) / 5;
}

size_t
base32_encoded_size(size_t n)
{
	/* 0 means "too large to encode": no real buffer is that big. */
	if (n > (SIZE_MAX - 1) / 8 / 2)
		return 0;
	return (n + 4) / 5 * 8 + 1;
}

/* Symbol i of the unpadded encoding of in[0..n). */
static char
symbol_at(const unsigned char *in, size_t n, size_t i)
{
	size_t		bit = i * 5, byte = bit / 8, shift = bit % 8;
	unsigned	v;

	v = (unsigned)in[byte] << 8;
	if (byte + 1 < n)
		v |= in[byte + 1];
	return alphabet[(v >> (11 - shift)) & 0x1f];
}

int
base32_encode(const unsigned char *in, size_t n, char *out, size_t outsize)
{
	size_t	need = base32_encoded_size(n), syms, i;

	if (out == NULL || (in == NULL && n > 0) || need == 0 ||
	    outsize < need)
		return -1;
	syms = symbols_for(n);
	for (i = 0; i < syms; i++)
		out[i] = symbol_at(in, n, i);
	for (; i < need - 1; i++)
		out[i] = '=';
	out[i] = '\0';
	return 0;
}

int
base32_encode_grouped(const unsigned char *in, size_t n, char *out,
    size_t outsize)
{
	size_t	syms, need, i, o = 0;

	if (out == NULL || (in == NULL && n > 0) ||
	    base32_encoded_size(n) == 0)
		return -1;
	syms = symbols_for(n);
	need = syms + (syms > 0 ? (syms - 1) / 4 : 0) + 1;
	if (outsize < need)
		return -1;
	for (i = 0; i < syms; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = symbol_at(in, n, i);
	}
	out[o] = '\0';
	return 0;
}

/* Value of a base32 symbol in either case, or -1. */
static int
symbol_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/*
 * Counts data symbols and padding, checking that only spaces, symbols
 * and trailing '=' occur and that the padding, if any, is exactly what
 * the data length calls for.
 */
static int
scan(const char *in, size_t *ndata)
{
	size_t	data = 0, pad = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (*in == '=')
			pad++;
		else if (pad > 0 || symbol_value(*in) < 0)
			return -1;
		else
			data++;
	}
	/* 1, 3 or 6 trailing symbols cannot come from whole bytes. */
	switch (data % 8) {
	case 1:
	case 3:
	case 6:
		return -1;
	}
	if (pad != 0 && (data % 8 == 0 || (data + pad) % 8 != 0))
		return -1;
	*ndata = data;
	return 0;
}

int
base32_decode(const char *in, unsigned char *out, size_t outsize,
    size_t *outlen)
{
	size_t		ndata, nout, o = 0;
	uint32_t	acc = 0;
	unsigned	bits = 0;
	int		v;

	if (outlen != NULL)
		*outlen = 0;
	if (in == NULL || outlen == NULL || scan(in, &ndata) != 0)
		return -1;
	nout = ndata / 8 * 5 + ndata % 8 * 5 / 8;
	if (nout > outsize || (out == NULL && nout > 0))
		return -1;
	for (; *in != '\0' && *in != '='; in++) {
		if ((v = symbol_value(*in)) < 0)
			continue;	/* a space; scan() allowed nothing else */
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			/* scan() counted the symbols: never true. */
			if (o >= nout)
				goto refuse;
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Left-over bits must be zero, or two inputs would decode alike. */
	if (acc != 0)
		goto refuse;
	*outlen = o;
	return 0;
refuse:
	OPENSSL_cleanse(out, nout);
	OPENSSL_cleanse(&acc, sizeof(acc));
	return -1;
}
