/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helper for tests/faults: the logical state of a store on stdout,
 * one canonical text whatever the bytes on disk (which slot is newest, a
 * torn spare slot, leftover temp files).  Every record as record_format
 * writes it, then every token of the inventory with its holder by the
 * rule of lib/store_token.c, written out again here so that the test does
 * not take it from the code under test: the user the inventory names only
 * when that user's record holds the token, else nobody.
 *
 *   dumpstore DIR
 *
 * Exit 1 with a line on stderr when anything cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfaerr.h"
#include "record.h"
#include "store.h"

static struct mfa_record rec;

static int
dump_user(struct store *st, const char *user)
{
	char err[MFA_ERRLEN], *text = NULL;
	size_t len = 0;

	if (store_load(st, user, &rec, err, sizeof(err)) != MFA_OK) {
		fprintf(stderr, "dumpstore: %s\n", err);
		return -1;
	}
	if (record_format(&rec, &text, &len) != MFA_OK) {
		fprintf(stderr, "dumpstore: %s: cannot format\n", user);
		return -1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	record_wipe(&rec);
	return 0;
}

/* 1 when user's record holds the hardware token serial, 0 when not, -1
 * when the record cannot be read. */
static int
holds(struct store *st, const char *user, const char *serial)
{
	char err[MFA_ERRLEN];
	unsigned i;
	int r, held = 0;

	r = store_load(st, user, &rec, err, sizeof(err));
	if (r == MFA_ERR_NOENT)
		return 0;
	if (r != MFA_OK) {
		fprintf(stderr, "dumpstore: %s\n", err);
		return -1;
	}
	for (i = 0; i < rec.ndevices; i++)
		if (rec.dev[i].type == DEVICE_HARDWARE &&
		    strcmp(rec.dev[i].serial, serial) == 0)
			held = 1;
	record_wipe(&rec);
	return held;
}

static int
dump_inventory(struct store *st)
{
	struct inventory inv;
	char err[MFA_ERRLEN], *text = NULL;
	size_t i, len = 0;
	int r;

	r = store_load_inventory(st, &inv, err, sizeof(err));
	if (r == MFA_ERR_NOENT)
		return 0;
	if (r != MFA_OK) {
		fprintf(stderr, "dumpstore: %s\n", err);
		return -1;
	}
	for (i = 0; i < inv.n; i++) {
		if (inv.tok[i].user[0] == '\0')
			continue;
		if ((r = holds(st, inv.tok[i].user, inv.tok[i].serial)) == -1)
			return -1;
		if (r == 0)
			inv.tok[i].user[0] = '\0';
	}
	if (inventory_format(&inv, &text, &len) != MFA_OK) {
		fprintf(stderr, "dumpstore: cannot format the inventory\n");
		return -1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	inventory_free(&inv);
	return 0;
}

int
main(int argc, char **argv)
{
	struct store st;
	char err[MFA_ERRLEN], **users;
	size_t i, n;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dumpstore DIR\n");
		return 2;
	}
	if (store_open(&st, argv[1], err, sizeof(err)) != MFA_OK ||
	    store_list_users(&st, &users, &n, err, sizeof(err)) != MFA_OK) {
		fprintf(stderr, "dumpstore: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (dump_user(&st, users[i]) == -1)
			ret = 1;
	if (dump_inventory(&st) == -1)
		ret = 1;
	store_free_users(users, n);
	store_close(&st);
	return ret;
}
