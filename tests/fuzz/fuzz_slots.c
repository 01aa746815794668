/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slots_pick on arbitrary bytes, as a record file an attacker or a crash
 * could leave.  Whatever it accepts must point inside the file, at a slot
 * whose header and text are exactly what slots_put writes for them; a new
 * copy written into the other slot at the next sequence number must win,
 * and tearing that new copy must give back the one picked here.  The text
 * then goes to record_parse, as store_load does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfaerr.h"
#include "record.h"
#include "slots.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* slots_pick of file gives exactly slot `active` at seq with text. */
static void
expect(const unsigned char *file, size_t size, unsigned active, uint64_t seq,
    const unsigned char *text, size_t len)
{
	struct slots	 t;
	char		 err[256];

	if (slots_pick(file, size, &t, err, sizeof(err)) != 0 ||
	    t.active != active || t.seq != seq || t.len != len ||
	    t.off != active * t.cap + SLOT_HDR ||
	    memcmp(file + t.off, text, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfa_record	 rec;
	struct slots			 s;
	unsigned char			*copy, *slot;
	char				 err[256];
	unsigned			 other;

	err[0] = '\0';
	if (slots_pick(data, size, &s, err, sizeof(err)) != MFA_OK) {
		if (err[0] == '\0' || s.len != 0 || s.off != 0)
			abort();
		return 0;
	}
	if (s.active > 1 || s.cap != size / 2 || s.cap % SLOT_ALIGN != 0 ||
	    s.off != s.active * s.cap + SLOT_HDR ||
	    s.len > s.cap - SLOT_HDR || s.off + s.len > size)
		abort();
	copy = malloc(size);
	slot = malloc(s.cap);
	if (copy == NULL || slot == NULL)
		abort();
	/* The header is canonical: slots_put writes the very same bytes. */
	if (slots_put(slot, s.cap, s.seq, (const char *)data + s.off,
	    s.len) != 0 ||
	    memcmp(slot, data + s.active * s.cap, SLOT_HDR + s.len) != 0)
		abort();
	/* A login's save: the next copy into the other slot wins. */
	other = 1 - s.active;
	if (s.seq < UINT64_MAX) {
		memcpy(copy, data, size);
		if (slots_put(copy + other * s.cap, s.cap, s.seq + 1,
		    (const char *)data + s.off, s.len) != 0)
			abort();
		expect(copy, size, other, s.seq + 1, data + s.off, s.len);
		/* The same save torn in its last byte of text, or in its
		 * header: the copy picked before is back. */
		copy[other * s.cap + SLOT_HDR - 1] ^= 1;
		expect(copy, size, s.active, s.seq, data + s.off, s.len);
		if (s.len > 0) {
			copy[other * s.cap + SLOT_HDR - 1] ^= 1;
			copy[other * s.cap + SLOT_HDR + s.len - 1] ^= 0x20;
			expect(copy, size, s.active, s.seq, data + s.off,
			    s.len);
		}
	}
	free(copy);
	free(slot);
	(void)record_parse((const char *)data + s.off, s.len, NULL, &rec,
	    err, sizeof(err));
	record_wipe(&rec);
	return 0;
}
