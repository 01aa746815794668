/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two checksummed copies of a record in one file (see slots.h for why).
 * Pure functions over buffers: store_record.c does the I/O, the fuzz
 * target and the unit tests feed these directly.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "mfaerr.h"
#include "numparse.h"
#include "slots.h"

#define MAGIC		"awsmfa-slot 1 "
#define MAGIC_LEN	(sizeof(MAGIC) - 1)
#define HASH_HEX	64
#define HASHED_FROM	(MAGIC_LEN + HASH_HEX)	/* the space before SEQ */
#define SEQ_AT		(HASHED_FROM + 1)
#define SEQ_DIGITS	20
#define LEN_AT		(SEQ_AT + SEQ_DIGITS + 1)
#define LEN_DIGITS	10
#define PAD_AT		(LEN_AT + LEN_DIGITS)

/* Hex SHA-256 of a slot's bytes HASHED_FROM .. SLOT_HDR + len. */
static int
slot_hash(const unsigned char *slot, size_t len, char hex[HASH_HEX + 1])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	if (EVP_Digest(slot + HASHED_FROM, SLOT_HDR - HASHED_FROM + len, md,
	    &mdlen, EVP_sha256(), NULL) != 1 || mdlen * 2 != HASH_HEX)
		return MFA_ERR_INTERNAL;
	hex_encode(md, mdlen, hex);
	return MFA_OK;
}

size_t
slots_cap(size_t maxtext, size_t maxfile)
{
	size_t	cap;

	if (maxtext > maxfile / 2)
		return 0;
	cap = (SLOT_HDR + maxtext + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
	return cap > maxfile / 2 ? 0 : cap;
}

int
slots_put(unsigned char *slot, size_t cap, uint64_t seq, const char *text,
    size_t len)
{
	char	hdr[SLOT_HDR + 1], hex[HASH_HEX + 1];
	int	n, r;

	if (cap < SLOT_HDR || len > cap - SLOT_HDR || len > 9999999999ULL)
		return MFA_ERR_TOOBIG;
	/* The hash goes in last: it covers the rest of the header. */
	n = snprintf(hdr, sizeof(hdr), "%s%0*d %020llu %010llu%*s\n", MAGIC,
	    HASH_HEX, 0, (unsigned long long)seq, (unsigned long long)len,
	    (int)(SLOT_HDR - PAD_AT - 1), "");
	if (n != SLOT_HDR)
		return MFA_ERR_INTERNAL;
	memcpy(slot, hdr, SLOT_HDR);
	memcpy(slot + SLOT_HDR, text, len);
	memset(slot + SLOT_HDR + len, 0, cap - SLOT_HDR - len);
	if ((r = slot_hash(slot, len, hex)) != MFA_OK)
		return r;
	memcpy(slot + MAGIC_LEN, hex, HASH_HEX);
	return MFA_OK;
}

/* Exactly `n` decimal digits at p (leading zeros pad them to width);
 * 0 when they are not, or overflow *v. */
static int
digits_at(const unsigned char *p, size_t n, uint64_t *v)
{
	char	s[SEQ_DIGITS + 1];

	if (n >= sizeof(s))
		return 0;
	memcpy(s, p, n);
	s[n] = '\0';
	return num_parse_u64(s, 0, UINT64_MAX, v) == 0;
}

/* 1 when the slot starts with a well-formed header and is zero after the
 * text; *seq and *len are what it claims, which only its hash can
 * confirm. */
static int
slot_header(const unsigned char *slot, size_t cap, uint64_t *seq,
    size_t *len)
{
	uint64_t	l;
	size_t		i;

	if (memcmp(slot, MAGIC, MAGIC_LEN) != 0 || slot[HASHED_FROM] != ' ' ||
	    slot[LEN_AT - 1] != ' ' || slot[SLOT_HDR - 1] != '\n')
		return 0;
	for (i = PAD_AT; i < SLOT_HDR - 1; i++)
		if (slot[i] != ' ')
			return 0;
	if (!digits_at(slot + SEQ_AT, SEQ_DIGITS, seq) ||
	    !digits_at(slot + LEN_AT, LEN_DIGITS, &l) || l > cap - SLOT_HDR)
		return 0;
	/* slots_put zeroes the rest: anything else there was not written
	 * by it (or was torn), and is not trusted either. */
	for (i = SLOT_HDR + (size_t)l; i < cap; i++)
		if (slot[i] != 0)
			return 0;
	*len = (size_t)l;
	return 1;
}

/* 1 when the hash in a well-formed header matches the slot. */
static int
slot_hash_ok(const unsigned char *slot, size_t len)
{
	char	hex[HASH_HEX + 1];

	return slot_hash(slot, len, hex) == MFA_OK &&
	    memcmp(hex, slot + MAGIC_LEN, HASH_HEX) == 0;
}

static void
picked(struct slots *s, size_t cap, unsigned i, uint64_t seq, size_t len)
{
	s->cap = cap;
	s->active = i;
	s->seq = seq;
	s->off = i * cap + SLOT_HDR;
	s->len = len;
}

int
slots_pick(const unsigned char *file, size_t size, struct slots *s,
    char *err, size_t errlen)
{
	uint64_t	 seq[2] = { 0, 0 };
	size_t		 len[2] = { 0, 0 }, cap = size / 2;
	int		 hdr[2], ok[2] = { 0, 0 };
	unsigned	 i, first;

	memset(s, 0, sizeof(*s));
	if (size < 2 * SLOT_ALIGN || size % (2 * SLOT_ALIGN) != 0 ||
	    (memcmp(file, MAGIC, MAGIC_LEN) != 0 &&
	    memcmp(file + cap, MAGIC, MAGIC_LEN) != 0)) {
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT,
		    "not a record file");
	}
	for (i = 0; i < 2; i++)
		hdr[i] = slot_header(file + i * cap, cap, &seq[i], &len[i]);
	/* The newer claim first: when it is whole, the older copy does not
	 * matter and its hash is not worth computing. */
	first = (hdr[1] && (!hdr[0] || seq[1] > seq[0])) ? 1 : 0;
	ok[first] = hdr[first] && slot_hash_ok(file + first * cap, len[first]);
	if (ok[first] && !(hdr[1 - first] && seq[0] == seq[1])) {
		picked(s, cap, first, seq[first], len[first]);
		return MFA_OK;
	}
	i = 1 - first;
	ok[i] = hdr[i] && slot_hash_ok(file + i * cap, len[i]);
	if (ok[0] && ok[1])
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT, "both copies of "
		    "the record claim sequence number %llu",
		    (unsigned long long)seq[0]);
	if (!ok[0] && !ok[1])
		return mfa_fail(err, errlen, MFA_ERR_CORRUPT, "no intact copy "
		    "of the record");
	i = ok[0] ? 0 : 1;
	picked(s, cap, i, seq[i], len[i]);
	return MFA_OK;
}
