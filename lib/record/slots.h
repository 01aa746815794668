/* SPDX-License-Identifier: BSD-2-Clause */
/* The container of a record file: two copies ("slots") of the record text,
 * so that a login can save its new state in place.
 *
 * A login writes the slot that does not hold the newest copy and then
 * fdatasyncs the file: one flush of data, where a new file needs an fsync,
 * a rename and an fsync of the directory.  A crash in the middle of that
 * write leaves the slot torn; its checksum no longer matches, and the other
 * slot still holds the previous state, whole.  So after a crash at any
 * instant a record is the old one or the new one, never half.
 *
 * Layout: slot 0 at offset 0, slot 1 at offset cap, nothing else; cap is a
 * multiple of SLOT_ALIGN.  A slot is a header line of SLOT_HDR bytes,
 *	"awsmfa-slot 1 " SHA256 " " SEQ " " LEN, spaces, "\n"
 * (SHA256 in 64 lower-case hex digits, SEQ in 20 decimal digits, LEN in
 * 10), then LEN bytes of record text, then zero bytes up to cap.  The hash
 * covers everything after itself up to the end of the text: SEQ, LEN, the
 * padding of the header and the text; a slot whose bytes after the text
 * are not all zero is not intact either.  A slot of zero bytes is empty.
 *
 * After crashes in a row a record is the state before them or the state
 * one of the interrupted logins was writing: that login computed it from
 * the state before, whole, but had not returned. */
#ifndef AWSMFA_SLOTS_H
#define AWSMFA_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#define SLOT_HDR	128
#define SLOT_ALIGN	512

/* The newest intact slot of a record file. */
struct slots {
	size_t		cap;		/* bytes per slot */
	unsigned	active;		/* 0 or 1 */
	uint64_t	seq;		/* its sequence number */
	size_t		off;		/* its text: file + off ... */
	size_t		len;		/* ... len bytes */
};

/* Bytes per slot for record texts of up to maxtext bytes; 0 when a file of
 * two such slots would be larger than maxfile. */
size_t	slots_cap(size_t maxtext, size_t maxfile);

/* Fills one slot of cap bytes at `slot`: header, text, zero padding.
 * MFA_ERR_TOOBIG when the text does not fit. */
int	slots_put(unsigned char *slot, size_t cap, uint64_t seq,
	    const char *text, size_t len);

/* Finds the newest intact slot in a whole file of `size` bytes.
 * MFA_ERR_CORRUPT with a reason in err when the size is not that of a
 * record file, when neither slot is intact, or when both claim the same
 * sequence number. */
int	slots_pick(const unsigned char *file, size_t size, struct slots *s,
	    char *err, size_t errlen);

#endif
