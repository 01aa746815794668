/* SPDX-License-Identifier: BSD-2-Clause */
/* The two-slot container of a record file (lib/slots.c), as a crash and an
 * attacker see it: a torn write of the spare slot, in any order of its
 * sectors or bytes, leaves exactly the old text or exactly the new one;
 * a header changed in any byte is not a copy; sizes that no slots_put
 * produces are not a record file.  Pure functions over buffers, no I/O. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mfaerr.h"
#include "record.h"
#include "slots.h"
#include "store_sample.h"

/* The header layout documented in slots.h; test_put_layout checks that
 * slots_put writes exactly this. */
#define MAGIC		"awsmfa-slot 1 "
#define MAGIC_LEN	14
#define HASH_AT		MAGIC_LEN
#define HASHED_FROM	(HASH_AT + 64)
#define SEQ_AT		(HASHED_FROM + 1)
#define LEN_AT		(SEQ_AT + 20 + 1)
#define PAD_AT		(LEN_AT + 10)

#define SECTOR		512
#define RANDOM_TEARS	3000

/* splitmix64: the same tears on every run, and a seed to name in a
 * failure. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t	 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
rnd_below(uint64_t *s, size_t n)
{
	return (size_t)(rnd(s) % n);
}

/* The formatted text of sample_record with `failures` set, or of a record
 * with ndev sample devices when ndev > 0. */
static char *
text_of(unsigned failures, unsigned ndev, size_t *len)
{
	struct mfa_record	 rec;
	char			*text = NULL;
	unsigned		 i;

	sample_record(&rec, "alice");
	if (ndev > 0) {
		for (i = 0; i < ndev; i++)
			sample_device(&rec.dev[i], i, failures);
		rec.ndevices = ndev;
	}
	rec.failures = failures;
	assert_int_equal(record_format(&rec, &text, len), 0);
	record_wipe(&rec);
	return text;
}

/* A file of two slots of cap bytes each; a NULL text leaves its slot
 * empty (zero bytes).  Exactly 2 * cap bytes of heap, so that ASan sees a
 * read past the end. */
static unsigned char *
file_new(size_t cap, const char *t0, size_t l0, uint64_t s0, const char *t1,
    size_t l1, uint64_t s1)
{
	unsigned char	*f;

	f = calloc(2, cap);
	assert_non_null(f);
	if (t0 != NULL)
		assert_int_equal(slots_put(f, cap, s0, t0, l0), 0);
	if (t1 != NULL)
		assert_int_equal(slots_put(f + cap, cap, s1, t1, l1), 0);
	return f;
}

/* Recomputes a slot's hash over its bytes as they are now, as one who
 * forges a header would. */
static void
reseal(unsigned char *slot, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0, i;

	assert_int_equal(EVP_Digest(slot + HASHED_FROM,
	    SLOT_HDR - HASHED_FROM + len, md, &n, EVP_sha256(), NULL), 1);
	assert_int_equal(n, 32);
	for (i = 0; i < n; i++) {
		slot[HASH_AT + 2 * i] = (unsigned char)hex[md[i] >> 4];
		slot[HASH_AT + 2 * i + 1] = (unsigned char)hex[md[i] & 15];
	}
}

/* slots_pick accepts and gives exactly this text from this slot. */
static void
expect_pick(const unsigned char *f, size_t size, unsigned active,
    uint64_t seq, const char *text, size_t len, const char *what)
{
	struct slots	 s;
	char		 err[256] = "";

	if (slots_pick(f, size, &s, err, sizeof(err)) != 0)
		fail_msg("%s: refused: %s", what, err);
	if (s.active != active || s.seq != seq)
		fail_msg("%s: picked slot %u seq %llu, want slot %u seq %llu",
		    what, s.active, (unsigned long long)s.seq, active,
		    (unsigned long long)seq);
	assert_int_equal(s.cap, size / 2);
	assert_int_equal(s.off, active * s.cap + SLOT_HDR);
	if (s.len != len || memcmp(f + s.off, text, len) != 0)
		fail_msg("%s: picked text differs (%zu bytes, want %zu)", what,
		    s.len, len);
}

static void
expect_refused(const unsigned char *f, size_t size, const char *why,
    const char *what)
{
	struct slots	 s;
	char		 err[256] = "";

	memset(&s, 0x5a, sizeof(s));
	if (slots_pick(f, size, &s, err, sizeof(err)) == 0)
		fail_msg("%s: accepted slot %u seq %llu", what, s.active,
		    (unsigned long long)s.seq);
	if (strstr(err, why) == NULL)
		fail_msg("%s: \"%s\" does not say \"%s\"", what, err, why);
	/* Nothing of a refused file is pointed at. */
	assert_int_equal(s.len, 0);
	assert_int_equal(s.off, 0);
}

static void
test_cap(void **state)
{
	size_t	 t, cap, big = 1024 * 1024;

	(void)state;
	assert_int_equal(slots_cap(0, big), SLOT_ALIGN);
	assert_int_equal(slots_cap(SLOT_ALIGN - SLOT_HDR, big), SLOT_ALIGN);
	assert_int_equal(slots_cap(SLOT_ALIGN - SLOT_HDR + 1, big),
	    2 * SLOT_ALIGN);
	/* Every size: aligned, room for header and text, no sector more. */
	for (t = 0; t < 20000; t++) {
		cap = slots_cap(t, big);
		if (cap % SLOT_ALIGN != 0 || cap < SLOT_HDR + t ||
		    cap - SLOT_ALIGN >= SLOT_HDR + t)
			fail_msg("slots_cap(%zu) = %zu", t, cap);
	}
	/* Two slots must fit maxfile. */
	assert_int_equal(slots_cap(384, 1024), 512);
	assert_int_equal(slots_cap(384, 1023), 0);
	assert_int_equal(slots_cap(385, 2048), 1024);
	assert_int_equal(slots_cap(385, 2047), 0);
	assert_int_equal(slots_cap(big / 2 - SLOT_HDR, big), big / 2);
	assert_int_equal(slots_cap(big / 2 - SLOT_HDR + 1, big), 0);
	assert_int_equal(slots_cap(0, 0), 0);
	assert_int_equal(slots_cap(0, 1023), 0);
	/* No overflow near SIZE_MAX. */
	assert_int_equal(slots_cap(SIZE_MAX, SIZE_MAX), 0);
	assert_int_equal(slots_cap(SIZE_MAX / 2, SIZE_MAX), 0);
	assert_int_equal(slots_cap(SIZE_MAX - SLOT_HDR, SIZE_MAX), 0);
}

/* slots_put writes the documented header, the text and zeros, and
 * nothing past cap. */
static void
test_put_layout(void **state)
{
	unsigned char	*buf;
	char		 want[SLOT_HDR + 1];
	size_t		 cap = 1024, i;
	const char	*text = "hello\n";

	(void)state;
	buf = malloc(cap + 16);
	assert_non_null(buf);
	memset(buf, 0xee, cap + 16);
	assert_int_equal(slots_put(buf, cap, 42, text, 6), 0);
	assert_memory_equal(buf, MAGIC, MAGIC_LEN);
	for (i = HASH_AT; i < HASHED_FROM; i++)
		assert_true(isxdigit(buf[i]) && !isupper(buf[i]));
	snprintf(want, sizeof(want), " %020d %010d%*s\n", 42, 6,
	    SLOT_HDR - PAD_AT - 1, "");
	assert_memory_equal(buf + HASHED_FROM, want, SLOT_HDR - HASHED_FROM);
	assert_memory_equal(buf + SLOT_HDR, text, 6);
	for (i = SLOT_HDR + 6; i < cap; i++)
		assert_int_equal(buf[i], 0);
	for (i = cap; i < cap + 16; i++)
		assert_int_equal(buf[i], 0xee);
	/* The hash is the one reseal computes: a forger's tool is right. */
	memcpy(want, buf + HASH_AT, 64);
	reseal(buf, 6);
	assert_memory_equal(buf + HASH_AT, want, 64);
	free(buf);
}

static void
test_put_refuses(void **state)
{
	unsigned char	*buf;
	char		*text;
	size_t		 cap = 1024;

	(void)state;
	buf = malloc(cap + 1);
	text = malloc(cap + 1);
	assert_non_null(buf);
	assert_non_null(text);
	memset(text, 'x', cap + 1);
	memset(buf, 0xee, cap + 1);
	assert_int_equal(slots_put(buf, cap, 1, text, cap - SLOT_HDR + 1),
	    MFA_ERR_TOOBIG);
	assert_int_equal(slots_put(buf, cap, 1, text, cap), MFA_ERR_TOOBIG);
	assert_int_equal(slots_put(buf, cap, 1, text, SIZE_MAX),
	    MFA_ERR_TOOBIG);
	assert_int_equal(slots_put(buf, SLOT_HDR - 1, 1, text, 0),
	    MFA_ERR_TOOBIG);
	assert_int_equal(slots_put(buf, 0, 1, text, 0), MFA_ERR_TOOBIG);
	/* A full slot is fine and writes nothing past it. */
	assert_int_equal(slots_put(buf, cap, 1, text, cap - SLOT_HDR), 0);
	assert_int_equal(buf[cap], 0xee);
	assert_int_equal(slots_put(buf, SLOT_HDR, 1, text, 0), 0);
	free(buf);
	free(text);
}

static void
test_round_trip(void **state)
{
	unsigned char	*f;
	char		*a, *big;
	size_t		 alen, cap, n;
	static const uint64_t seqs[] = { 0, 1, 2, 999, UINT64_MAX - 1,
	    UINT64_MAX };
	static const size_t lens[] = { 0, 1, 383, 384, 385, 1000 };

	(void)state;
	a = text_of(3, 0, &alen);
	cap = slots_cap(alen, 1024 * 1024);
	for (n = 0; n < sizeof(seqs) / sizeof(seqs[0]); n++) {
		f = file_new(cap, a, alen, seqs[n], NULL, 0, 0);
		expect_pick(f, 2 * cap, 0, seqs[n], a, alen, "slot 0");
		free(f);
		f = file_new(cap, NULL, 0, 0, a, alen, seqs[n]);
		expect_pick(f, 2 * cap, 1, seqs[n], a, alen, "slot 1");
		free(f);
	}
	/* Any bytes at all, of any length that fits, including none and a
	 * full slot. */
	big = malloc(1000);
	assert_non_null(big);
	for (n = 0; n < 1000; n++)
		big[n] = (char)(n * 7 + 3);
	for (n = 0; n < sizeof(lens) / sizeof(lens[0]); n++) {
		cap = slots_cap(lens[n], 1024 * 1024);
		f = file_new(cap, big, lens[n], 7, NULL, 0, 0);
		expect_pick(f, 2 * cap, 0, 7, big, lens[n], "any bytes");
		free(f);
	}
	free(big);
	free(a);
}

/* Slot 0 with seq s0, slot 1 with seq s1: the higher one wins. */
static void
check_newer(const char *a, size_t alen, const char *b, size_t blen,
    uint64_t s0, uint64_t s1)
{
	unsigned char	*f;
	size_t		 cap = slots_cap(alen > blen ? alen : blen, 1 << 20);
	char		 what[80];

	snprintf(what, sizeof(what), "seq %llu | %llu",
	    (unsigned long long)s0, (unsigned long long)s1);
	f = file_new(cap, a, alen, s0, b, blen, s1);
	if (s0 > s1)
		expect_pick(f, 2 * cap, 0, s0, a, alen, what);
	else
		expect_pick(f, 2 * cap, 1, s1, b, blen, what);
	free(f);
}

static void
test_newer_wins(void **state)
{
	unsigned char	*f;
	char		*a, *b;
	size_t		 alen, blen, cap;
	static const uint64_t pairs[][2] = {
		{ 0, 1 }, { 1, 2 }, { 5, 1000 }, { 9, 10 }, { 99, 100 },
		{ 0, UINT64_MAX }, { UINT64_MAX - 1, UINT64_MAX },
		{ 10000000000ULL, 9999999999ULL + 2 },
	};
	size_t		 i;

	(void)state;
	a = text_of(3, 0, &alen);
	b = text_of(4, 0, &blen);
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		check_newer(a, alen, b, blen, pairs[i][0], pairs[i][1]);
		check_newer(a, alen, b, blen, pairs[i][1], pairs[i][0]);
	}
	/* Two copies that claim the same number: no way to tell which is
	 * newer, so neither. */
	cap = slots_cap(alen, 1 << 20);
	f = file_new(cap, a, alen, 7, b, blen, 7);
	expect_refused(f, 2 * cap, "claim sequence number 7", "same seq");
	free(f);
	f = file_new(cap, a, alen, 7, a, alen, 7);
	expect_refused(f, 2 * cap, "claim sequence number 7",
	    "same seq, same text");
	/* ... unless one of them is torn: the whole one is the record. */
	f[cap + SLOT_HDR + 3] ^= 1;
	expect_pick(f, 2 * cap, 0, 7, a, alen, "same seq, slot 1 torn");
	free(f);
	f = file_new(cap, a, alen, 7, b, blen, 7);
	f[SLOT_HDR + 3] ^= 1;
	expect_pick(f, 2 * cap, 1, 7, b, blen, "same seq, slot 0 torn");
	free(f);
	free(a);
	free(b);
}

/* Sequence numbers and lengths that do not fit: refused even when the
 * hash is right, and without reading past the file. */
static void
test_forged_numbers(void **state)
{
	unsigned char	*f;
	char		*a, *b, digits[32];
	size_t		 alen, blen, cap;

	(void)state;
	a = text_of(3, 0, &alen);
	b = text_of(4, 0, &blen);
	cap = slots_cap(alen > blen ? alen : blen, 1 << 20);

	/* The control: a resealed header with the largest number is fine. */
	f = file_new(cap, a, alen, 5, b, blen, 4);
	memcpy(f + cap + SEQ_AT, "18446744073709551615", 20);
	reseal(f + cap, blen);
	expect_pick(f, 2 * cap, 1, UINT64_MAX, b, blen, "seq UINT64_MAX");
	/* One more overflows 64 bits: slot 1 is no copy, slot 0 wins. */
	memcpy(f + cap + SEQ_AT, "18446744073709551616", 20);
	reseal(f + cap, blen);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "seq 2^64");
	memcpy(f + cap + SEQ_AT, "99999999999999999999", 20);
	reseal(f + cap, blen);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "seq 10^20 - 1");
	memcpy(f + cap + SEQ_AT, "1844674407370955161a", 20);
	reseal(f + cap, blen);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "seq with a letter");
	memcpy(f + cap + SEQ_AT, "+0000000000000000006", 20);
	reseal(f + cap, blen);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "seq with a sign");
	memcpy(f + cap + SEQ_AT, "                   6", 20);
	reseal(f + cap, blen);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "seq with spaces");
	free(f);

	/* A length that reaches past the slot: slot 0's hash over cap + 1
	 * bytes would still lie in the file, so only the length check can
	 * refuse it. */
	f = file_new(cap, a, alen, 6, b, blen, 5);
	snprintf(digits, sizeof(digits), "%010zu", cap - SLOT_HDR + 1);
	memcpy(f + LEN_AT, digits, 10);
	reseal(f, cap - SLOT_HDR + 1);
	expect_pick(f, 2 * cap, 1, 5, b, blen, "slot 0 length cap + 1");
	/* The control: the largest length that fits is a copy. */
	snprintf(digits, sizeof(digits), "%010zu", cap - SLOT_HDR);
	memcpy(f + LEN_AT, digits, 10);
	reseal(f, cap - SLOT_HDR);
	{
		struct slots	 s;
		char		 err[256];

		assert_int_equal(slots_pick(f, 2 * cap, &s, err,
		    sizeof(err)), 0);
		assert_int_equal(s.active, 0);
		assert_int_equal(s.len, cap - SLOT_HDR);
	}
	free(f);
	/* In slot 1 the hash would read past the file (ASan). */
	f = file_new(cap, a, alen, 5, b, blen, 6);
	memcpy(f + cap + LEN_AT, "9999999999", 10);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "slot 1 length 9999999999");
	snprintf(digits, sizeof(digits), "%010zu", cap - SLOT_HDR + 1);
	memcpy(f + cap + LEN_AT, digits, 10);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "slot 1 length cap + 1");
	memcpy(f + cap + LEN_AT, "-000000001", 10);
	expect_pick(f, 2 * cap, 0, 5, a, alen, "slot 1 length -1");
	free(f);
	free(a);
	free(b);
}

/* A header the hash agrees with but slots_put would not write: every
 * byte the hash covers but the numbers do not, changed and resealed. */
static void
test_forged_header(void **state)
{
	static const unsigned char vals[] = { 0, ' ', '\t', '\n', '0', 'x',
	    0xff };
	unsigned char	*f, orig;
	char		*a, *b, what[64];
	size_t		 alen, blen, cap, pos, v;

	(void)state;
	a = text_of(3, 0, &alen);
	b = text_of(4, 0, &blen);
	cap = slots_cap(alen > blen ? alen : blen, 1 << 20);
	f = file_new(cap, a, alen, 5, b, blen, 6);
	for (pos = HASHED_FROM; pos < SLOT_HDR; pos++) {
		if ((pos >= SEQ_AT && pos < SEQ_AT + 20) ||
		    (pos >= LEN_AT && pos < PAD_AT))
			continue;
		orig = f[cap + pos];
		for (v = 0; v < sizeof(vals); v++) {
			if (vals[v] == orig)
				continue;
			f[cap + pos] = vals[v];
			reseal(f + cap, blen);
			snprintf(what, sizeof(what), "byte %zu = 0x%02x "
			    "resealed", pos, vals[v]);
			expect_pick(f, 2 * cap, 0, 5, a, alen, what);
		}
		f[cap + pos] = orig;
		reseal(f + cap, blen);
		expect_pick(f, 2 * cap, 1, 6, b, blen, "restored");
	}
	/* The magic, which the hash does not cover. */
	for (pos = 0; pos < MAGIC_LEN; pos++) {
		f[cap + pos] ^= 0x20;
		expect_pick(f, 2 * cap, 0, 5, a, alen, "magic changed");
		f[cap + pos] ^= 0x20;
	}
	free(f);
	free(a);
	free(b);
}

/* Every byte of a slot's header (and of its text), changed to a few
 * values, makes that slot no copy. */
static void
mutate_slot(unsigned char *f, size_t cap, unsigned victim, size_t vlen,
    const char *other, size_t olen, uint64_t oseq)
{
	unsigned char	*p, orig;
	unsigned char	 vals[14];
	size_t		 pos, v;
	char		 what[96];

	for (pos = 0; pos < SLOT_HDR + vlen; pos++) {
		p = f + victim * cap + pos;
		orig = *p;
		vals[0] = 0;
		vals[1] = ' ';
		vals[2] = '0';
		vals[3] = '1';
		vals[4] = '9';
		vals[5] = 'a';
		vals[6] = 'f';
		vals[7] = (unsigned char)toupper(orig);
		vals[8] = '\n';
		vals[9] = 0xff;
		vals[10] = orig ^ 0x01;
		vals[11] = orig ^ 0x80;
		vals[12] = (unsigned char)(orig + 1);
		vals[13] = (unsigned char)(orig - 1);
		for (v = 0; v < sizeof(vals); v++) {
			if (vals[v] == orig)
				continue;
			/* The text needs only one value per byte. */
			if (pos >= SLOT_HDR && v != 10)
				continue;
			*p = vals[v];
			snprintf(what, sizeof(what), "slot %u byte %zu = "
			    "0x%02x", victim, pos, vals[v]);
			if (other != NULL)
				expect_pick(f, 2 * cap, 1 - victim, oseq,
				    other, olen, what);
			else
				expect_refused(f, 2 * cap, pos < MAGIC_LEN ?
				    "not a record file" : "no intact copy",
				    what);
			*p = orig;
		}
	}
}

static void
test_header_mutations(void **state)
{
	unsigned char	*f;
	char		*a, *b;
	size_t		 alen, blen, cap;

	(void)state;
	a = text_of(3, 0, &alen);
	b = text_of(4, 0, &blen);
	cap = slots_cap(alen > blen ? alen : blen, 1 << 20);

	/* The newer slot mutated: the older one is the record. */
	f = file_new(cap, a, alen, 11, b, blen, 10);
	mutate_slot(f, cap, 0, alen, b, blen, 10);
	free(f);
	f = file_new(cap, a, alen, 10, b, blen, 11);
	mutate_slot(f, cap, 1, blen, a, alen, 10);
	free(f);
	/* The only copy mutated: an error. */
	f = file_new(cap, a, alen, 3, NULL, 0, 0);
	mutate_slot(f, cap, 0, alen, NULL, 0, 0);
	free(f);
	f = file_new(cap, NULL, 0, 0, b, blen, 3);
	mutate_slot(f, cap, 1, blen, NULL, 0, 0);
	free(f);
	/* Both mutated (in a byte the hash covers): an error. */
	f = file_new(cap, a, alen, 3, b, blen, 4);
	f[SEQ_AT + 19] = '9';
	f[cap + SLOT_HDR] ^= 1;
	expect_refused(f, 2 * cap, "no intact copy", "both mutated");
	free(f);
	free(a);
	free(b);
}

/* ---- torn writes ---- */

/* A file whose slot `dst` is being overwritten with a new copy. */
struct tear {
	size_t		 cap;
	unsigned	 dst;		/* the slot being written */
	unsigned char	*before;	/* the file before the write */
	unsigned char	*file;		/* the file as the crash left it */
	unsigned char	*slot;		/* the new slot, cap bytes */
	const char	*a, *b;		/* old and new text */
	size_t		 alen, blen;
	uint64_t	 seq;		/* old seq; the new one is seq + 1 */
	unsigned long	 checked, newer;
};

static void
tear_reset(struct tear *t)
{
	memcpy(t->file, t->before, 2 * t->cap);
}

/* Bytes [from, to) of the new slot reached the disk. */
static void
tear_write(struct tear *t, size_t from, size_t to)
{
	memcpy(t->file + t->dst * t->cap + from, t->slot + from, to - from);
}

/* Bytes [from, to) of the new slot did not reach the disk. */
static void
tear_keep(struct tear *t, size_t from, size_t to)
{
	memcpy(t->file + t->dst * t->cap + from,
	    t->before + t->dst * t->cap + from, to - from);
}

static void
tear_check(struct tear *t, const char *how, unsigned long which)
{
	char	 what[96];
	int	 whole;

	snprintf(what, sizeof(what), "slot %u torn by %s %lu", t->dst, how,
	    which);
	whole = memcmp(t->file + t->dst * t->cap, t->slot,
	    SLOT_HDR + t->blen) == 0;
	if (whole)
		expect_pick(t->file, 2 * t->cap, t->dst, t->seq + 1, t->b,
		    t->blen, what);
	else
		expect_pick(t->file, 2 * t->cap, 1 - t->dst, t->seq, t->a,
		    t->alen, what);
	t->checked++;
	t->newer += (unsigned long)whole;
}

/* Sector i of the slot was written when bit i of the mask says so. */
static void
tear_sectors(struct tear *t, const unsigned char *mask)
{
	size_t	 i;

	for (i = 0; i < t->cap / SECTOR; i++) {
		if (mask[i])
			tear_write(t, i * SECTOR, (i + 1) * SECTOR);
		else
			tear_keep(t, i * SECTOR, (i + 1) * SECTOR);
	}
}

static void
tear_all(struct tear *t, uint64_t seed)
{
	unsigned char	 mask[64];
	size_t		 n = t->cap / SECTOR, p, i, k, from, to;
	unsigned long	 m, r;

	assert_true(n >= 1 && n <= sizeof(mask));
	/* Written from the start: every prefix, and every suffix. */
	for (p = 0; p <= t->cap; p++) {
		tear_reset(t);
		tear_write(t, 0, p);
		tear_check(t, "prefix", p);
		tear_reset(t);
		tear_write(t, p, t->cap);
		tear_check(t, "suffix from", p);
	}
	/* Whole sectors in any order: all subsets, or many random ones. */
	if (n <= 12) {
		for (m = 0; m < (1UL << n); m++) {
			for (i = 0; i < n; i++)
				mask[i] = (m >> i) & 1;
			tear_sectors(t, mask);
			tear_check(t, "sector set", m);
		}
	} else {
		for (r = 0; r < RANDOM_TEARS; r++) {
			for (i = 0; i < n; i++)
				mask[i] = rnd(&seed) & 1;
			tear_sectors(t, mask);
			tear_check(t, "random sector set", r);
		}
	}
	/* Torn inside sectors: byte ranges written into, or left out of,
	 * a random set of whole sectors. */
	for (r = 0; r < RANDOM_TEARS; r++) {
		for (i = 0; i < n; i++)
			mask[i] = rnd(&seed) & 1;
		tear_sectors(t, mask);
		for (k = 1 + rnd_below(&seed, 3); k > 0; k--) {
			from = rnd_below(&seed, t->cap);
			/* Mostly short ranges, near the header and text. */
			to = from + 1 + rnd_below(&seed, rnd(&seed) & 1 ?
			    16 : t->cap - from);
			if (to > t->cap)
				to = t->cap;
			if (rnd(&seed) & 1)
				tear_write(t, from, to);
			else
				tear_keep(t, from, to);
		}
		tear_check(t, "byte ranges", r);
	}
	/* Every single byte of header and text missing: never the new one. */
	for (p = 0; p < SLOT_HDR + t->blen; p++) {
		tear_reset(t);
		tear_write(t, 0, t->cap);
		t->file[t->dst * t->cap + p] = t->before[t->dst * t->cap + p];
		tear_check(t, "one byte left out", p);
	}
}

/* Slot `src` holds a (seq), the other slot holds `prev` (seq - 1) or
 * nothing; b (seq + 1) is being written over that other slot. */
static void
run_tear(const char *a, size_t alen, const char *b, size_t blen,
    const char *prev, size_t plen, size_t cap, unsigned src, uint64_t seed)
{
	struct tear	 t;

	memset(&t, 0, sizeof(t));
	t.cap = cap;
	t.dst = 1 - src;
	t.a = a;
	t.alen = alen;
	t.b = b;
	t.blen = blen;
	t.seq = 1000;
	t.before = calloc(2, cap);
	t.file = calloc(2, cap);
	t.slot = calloc(1, cap);
	assert_non_null(t.before);
	assert_non_null(t.file);
	assert_non_null(t.slot);
	assert_int_equal(slots_put(t.before + src * cap, cap, t.seq, a, alen),
	    0);
	if (prev != NULL)
		assert_int_equal(slots_put(t.before + t.dst * cap, cap,
		    t.seq - 1, prev, plen), 0);
	assert_int_equal(slots_put(t.slot, cap, t.seq + 1, b, blen), 0);
	tear_all(&t, seed);
	/* Both outcomes were reached, or the test proved nothing. */
	assert_true(t.newer > 0);
	assert_true(t.newer < t.checked);
	free(t.before);
	free(t.file);
	free(t.slot);
}

static void
tear_texts(unsigned ndev, uint64_t seed)
{
	char	*a, *b, *c;
	size_t	 alen, blen, clen, cap;
	unsigned src;

	/* c, a, b: three successive states, as logins write them. */
	c = text_of(2, ndev, &clen);
	a = text_of(3, ndev, &alen);
	b = text_of(4, ndev, &blen);
	cap = slots_cap(alen + RECORD_LOGIN_GROWTH(ndev ? ndev : 3), 1 << 20);
	for (src = 0; src < 2; src++) {
		run_tear(a, alen, b, blen, c, clen, cap, src, seed + src);
		run_tear(a, alen, b, blen, NULL, 0, cap, src, seed + 2 + src);
	}
	free(a);
	free(b);
	free(c);
}

static void
test_torn_small(void **state)
{
	(void)state;
	tear_texts(0, 1);
}

/* Enough devices for more sectors than all subsets can cover. */
static void
test_torn_large(void **state)
{
	(void)state;
	tear_texts(RECORD_MAX_DEVICES, 7);
}

/* A new copy whose text is no longer than a sector: one sector of it
 * holds header and text, so one more shape of tear. */
static void
test_torn_tiny(void **state)
{
	static const char a[] = "old state\n", b[] = "new state!\n";
	unsigned src;

	(void)state;
	for (src = 0; src < 2; src++) {
		run_tear(a, sizeof(a) - 1, b, sizeof(b) - 1, "older\n", 6,
		    2048, src, 11 + src);
		run_tear(a, sizeof(a) - 1, b, sizeof(b) - 1, NULL, 0, 512,
		    src, 13 + src);
	}
}

/* Sectors of `slot` written over dst, each with probability 1/2, and a
 * byte range of one sector torn. */
static void
random_tear(unsigned char *dst, const unsigned char *slot, size_t cap,
    uint64_t *seed)
{
	size_t	 i, from, to;

	for (i = 0; i < cap / SECTOR; i++)
		if (rnd(seed) & 1)
			memcpy(dst + i * SECTOR, slot + i * SECTOR, SECTOR);
	if (rnd(seed) & 1) {
		from = rnd_below(seed, cap);
		to = from + 1 + rnd_below(seed, SECTOR);
		memcpy(dst + from, slot + from, (to > cap ? cap : to) - from);
	}
}

/* A crash tore a login's copy d (seq n + 1) into slot 1; the next login,
 * reading a (seq n) from slot 0, writes its own copy b (seq n + 1 too)
 * over it and is torn as well.  The result is always one whole copy that
 * slots_put wrote: a, or b when b is whole, or d when d is whole again
 * (b's write can complete d's missing sectors where the two texts agree:
 * the earlier, unreported attempt comes back, never a mix of the two). */
static void
test_torn_over_torn(void **state)
{
	unsigned char	*file, *sb, *sd;
	char		*a, *b, *d;
	size_t		 alen, blen, dlen, cap;
	uint64_t	 seed = 23, n = 50;
	unsigned long	 r, got[3] = { 0, 0, 0 };
	int		 bw, dw;

	(void)state;
	a = text_of(3, 0, &alen);
	d = text_of(4, 0, &dlen);	/* a refused code */
	b = text_of(0, 0, &blen);	/* an accepted one */
	assert_int_equal(alen, blen);
	assert_int_equal(alen, dlen);
	cap = slots_cap(alen + RECORD_LOGIN_GROWTH(3), 1 << 20);
	assert_true(cap / SECTOR >= 3);
	file = calloc(2, cap);
	sb = calloc(1, cap);
	sd = calloc(1, cap);
	assert_non_null(file);
	assert_non_null(sb);
	assert_non_null(sd);
	assert_int_equal(slots_put(sb, cap, n + 1, b, blen), 0);
	assert_int_equal(slots_put(sd, cap, n + 1, d, dlen), 0);
	for (r = 0; r < RANDOM_TEARS; r++) {
		memset(file, 0, 2 * cap);
		assert_int_equal(slots_put(file, cap, n, a, alen), 0);
		if (r & 1)
			assert_int_equal(slots_put(file + cap, cap, n - 1, a,
			    alen), 0);
		random_tear(file + cap, sd, cap, &seed);
		random_tear(file + cap, sb, cap, &seed);
		bw = memcmp(file + cap, sb, SLOT_HDR + blen) == 0;
		dw = memcmp(file + cap, sd, SLOT_HDR + dlen) == 0;
		if (bw)
			expect_pick(file, 2 * cap, 1, n + 1, b, blen, "b");
		else if (dw)
			expect_pick(file, 2 * cap, 1, n + 1, d, dlen, "d");
		else
			expect_pick(file, 2 * cap, 0, n, a, alen, "a");
		got[bw ? 1 : dw ? 2 : 0]++;
	}
	assert_true(got[0] > 0 && got[1] > 0);

	/* The plainest such crash: d's header sector reached the disk, b's
	 * other sectors did, and those are the same bytes as d's. */
	memset(file, 0, 2 * cap);
	assert_int_equal(slots_put(file, cap, n, a, alen), 0);
	memcpy(file + cap, sd, SECTOR);
	memcpy(file + cap + SECTOR, sb + SECTOR, cap - SECTOR);
	assert_memory_equal(file + cap, sd, cap);
	expect_pick(file, 2 * cap, 1, n + 1, d, dlen, "d completed by b");
	free(file);
	free(sb);
	free(sd);
	free(a);
	free(b);
	free(d);
}

/* ---- not a record file ---- */

static void
test_not_a_record_file(void **state)
{
	unsigned char	*f, *g;
	char		*a;
	size_t		 alen, cap, i;
	static const size_t sizes[] = { 0, 1, 127, 128, 511, 512, 513, 1023,
	    1025, 1536, 2047, 2049, 2560 };

	(void)state;
	a = text_of(3, 0, &alen);
	cap = slots_cap(alen, 1 << 20);
	f = file_new(cap, a, alen, 1, NULL, 0, 0);
	g = malloc(2 * cap + 2048);
	assert_non_null(g);
	/* A real file's first bytes, cut or extended to sizes no two slots
	 * of SLOT_ALIGN make. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(g, 0, 2 * cap + 2048);
		memcpy(g, f, sizes[i] < 2 * cap ? sizes[i] : 2 * cap);
		expect_refused(g, sizes[i], "not a record file", "odd size");
	}
	/* A whole file less or more one byte. */
	memcpy(g, f, 2 * cap);
	expect_refused(g, 2 * cap - 1, "not a record file", "one byte less");
	g[2 * cap] = 0;
	expect_refused(g, 2 * cap + 1, "not a record file", "one byte more");
	free(g);
	/* Zeros, and text, of a size that would do. */
	g = calloc(1, 2 * cap);
	assert_non_null(g);
	expect_refused(g, 2 * cap, "not a record file", "zeros");
	memset(g, 'x', 2 * cap);
	expect_refused(g, 2 * cap, "not a record file", "text");
	/* The bare record text, as an old store held it, padded or not. */
	memset(g, 0, 2 * cap);
	memcpy(g, a, alen);
	expect_refused(g, 2 * cap, "not a record file", "bare text padded");
	expect_refused((const unsigned char *)a, alen, "not a record file",
	    "bare text");
	free(g);
	free(f);
	free(a);
}

/* The bytes after a slot's text are zero, as slots_put leaves them:
 * anything else there is not a copy.  So a file grown with zeros to
 * twice its size, whose first slot would then hold both old copies, is
 * not read as the older of the two. */
static void
test_padding_must_be_zero(void **state)
{
	unsigned char	*f, *g;
	char		*a, *b;
	size_t		 alen, blen, cap, i;

	(void)state;
	a = text_of(3, 0, &alen);
	b = text_of(4, 0, &blen);
	cap = slots_cap(alen > blen ? alen : blen, 1 << 20);
	f = file_new(cap, a, alen, 1, b, blen, 2);
	expect_pick(f, 2 * cap, 1, 2, b, blen, "both whole");
	for (i = SLOT_HDR + blen; i < cap; i += 97) {
		f[cap + i] = 1;
		expect_pick(f, 2 * cap, 0, 1, a, alen, "padding of the newer");
		f[cap + i] = 0;
	}
	f[cap - 1] = 'x';
	f[2 * cap - 1] = 'x';
	expect_refused(f, 2 * cap, "no intact copy", "padding of both");
	f[cap - 1] = 0;
	f[2 * cap - 1] = 0;
	g = calloc(4, cap);
	assert_non_null(g);
	memcpy(g, f, 2 * cap);
	expect_refused(g, 4 * cap, "no intact copy", "grown with zeros");
	free(g);
	free(f);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_put_layout),
		cmocka_unit_test(test_put_refuses),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_newer_wins),
		cmocka_unit_test(test_forged_numbers),
		cmocka_unit_test(test_forged_header),
		cmocka_unit_test(test_header_mutations),
		cmocka_unit_test(test_torn_small),
		cmocka_unit_test(test_torn_large),
		cmocka_unit_test(test_torn_tiny),
		cmocka_unit_test(test_torn_over_torn),
		cmocka_unit_test(test_not_a_record_file),
		cmocka_unit_test(test_padding_must_be_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
