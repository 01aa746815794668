/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helper: writes and shows store records without mfa-enroll, so the
 * PAM tests depend only on record.h and store.h.
 *
 *   mkrecord write DIR USER [key=value...]
 *	record keys: failures= locked_until=  recovery=HASH (repeatable)
 *	dev=NAME starts a device; its keys: secret=BASE32 digits= period=
 *	alg= drift= last_step= status=active|pending
 *   mkrecord show DIR USER	one line per fact, stable for tests
 *   mkrecord recovery [untagged]	prints a fresh "CODE HASH" pair; untagged:
 *				the hash as versions before the tag wrote it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "otp.h"
#include "record.h"
#include "recovery.h"
#include "store.h"

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "mkrecord: %s: %s\n", what, why);
	exit(2);
}

static long long
num(const char *v)
{
	char		*end;
	long long	 n = strtoll(v, &end, 10);

	if (*v == '\0' || *end != '\0')
		die(v, "not a number");
	return n;
}

static void
set_device(struct mfa_device *d, const char *k, const char *v)
{
	if (strcmp(k, "secret") == 0) {
		if (base32_decode(v, d->secret, sizeof(d->secret),
		    &d->secret_len) != 0)
			die(v, "bad base32");
	} else if (strcmp(k, "digits") == 0)
		d->digits = (unsigned)num(v);
	else if (strcmp(k, "period") == 0)
		d->period = (unsigned)num(v);
	else if (strcmp(k, "alg") == 0) {
		if (otp_alg_parse(v, &d->alg) != 0)
			die(v, "bad algorithm");
	} else if (strcmp(k, "drift") == 0)
		d->drift = num(v);
	else if (strcmp(k, "last_step") == 0)
		d->last_step = (uint64_t)num(v);
	else if (strcmp(k, "status") == 0) {
		d->status = strcmp(v, "pending") == 0 ? DEVICE_PENDING :
		    DEVICE_ACTIVE;
		if (d->status == DEVICE_PENDING)
			d->enabled = 0;
	}
	else
		die(k, "unknown device key");
}

static struct mfa_device *
new_device(struct mfa_record *rec, const char *name)
{
	struct mfa_device	*d;

	if (rec->ndevices >= RECORD_MAX_DEVICES)
		die(name, "too many devices");
	d = &rec->dev[rec->ndevices++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->type = DEVICE_VIRTUAL;
	d->alg = OTP_SHA1;
	d->digits = 6;
	d->period = 30;
	d->status = DEVICE_ACTIVE;
	d->created = 1700000000;
	d->enabled = 1700000000;
	d->last_step = RECORD_NO_STEP;
	return d;
}

static int
cmd_write(const char *dir, const char *user, int argc, char **argv)
{
	static struct mfa_record	 rec;
	struct mfa_device		*d = NULL;
	struct store			 st;
	char				 err[MFA_ERRLEN], *k, *v;
	int				 i, fd;

	record_init(&rec, user);
	for (i = 0; i < argc; i++) {
		k = argv[i];
		if ((v = strchr(k, '=')) == NULL)
			die(k, "expected key=value");
		*v++ = '\0';
		if (strcmp(k, "dev") == 0)
			d = new_device(&rec, v);
		else if (strcmp(k, "failures") == 0)
			rec.failures = (unsigned)num(v);
		else if (strcmp(k, "locked_until") == 0)
			rec.locked_until = num(v);
		else if (strcmp(k, "recovery") == 0) {
			if (rec.nrecovery >= RECORD_MAX_RECOVERY)
				die(v, "too many recovery codes");
			snprintf(rec.recovery[rec.nrecovery++],
			    sizeof(rec.recovery[0]), "%s", v);
		} else if (d != NULL)
			set_device(d, k, v);
		else
			die(k, "unknown record key");
	}
	if (store_create(&st, dir, err, sizeof(err)) != MFA_OK)
		die(dir, err);
	if (store_lock_user(&st, user, &fd, err, sizeof(err)) != MFA_OK ||
	    store_save(&st, &rec, err, sizeof(err)) != MFA_OK)
		die(user, err);
	store_unlock(fd);
	store_close(&st);
	record_wipe(&rec);
	return 0;
}

static int
cmd_show(const char *dir, const char *user)
{
	static struct mfa_record	 rec;
	struct store			 st;
	char				 err[MFA_ERRLEN];
	unsigned			 i;
	int				 r;

	if (store_open(&st, dir, err, sizeof(err)) != MFA_OK)
		die(dir, err);
	r = store_load(&st, user, &rec, err, sizeof(err));
	if (r == MFA_ERR_NOENT) {
		printf("norecord\n");
		return 0;
	}
	if (r != MFA_OK)
		die(user, err);
	printf("failures=%u\nlocked_until=%lld\nnrecovery=%u\n", rec.failures,
	    (long long)rec.locked_until, rec.nrecovery);
	for (i = 0; i < rec.ndevices; i++) {
		if (rec.dev[i].last_step == RECORD_NO_STEP)
			printf("%s.last_step=none\n", rec.dev[i].name);
		else
			printf("%s.last_step=%llu\n", rec.dev[i].name,
			    (unsigned long long)rec.dev[i].last_step);
		printf("%s.last_used=%lld\n", rec.dev[i].name,
		    (long long)rec.dev[i].last_used);
	}
	store_close(&st);
	record_wipe(&rec);
	return 0;
}

int
main(int argc, char **argv)
{
	char	code[RECOVERY_CODE_BUFLEN], hash[RECORD_HASH_MAX + 1];
	char	*tag;

	if (argc >= 4 && strcmp(argv[1], "write") == 0)
		return cmd_write(argv[2], argv[3], argc - 4, argv + 4);
	if (argc == 4 && strcmp(argv[1], "show") == 0)
		return cmd_show(argv[2], argv[3]);
	if ((argc == 2 || (argc == 3 && strcmp(argv[2], "untagged") == 0)) &&
	    strcmp(argv[1], "recovery") == 0) {
		if (recovery_generate(code, hash) != 0)
			die("recovery", "generation failed");
		/* "$pbkdf2-sha256$ITER$SALT$HASH$TAG": drop "$TAG". */
		if (argc == 3 && (tag = strrchr(hash, '$')) != NULL)
			*tag = '\0';
		printf("%s %s\n", code, hash);
		return 0;
	}
	fprintf(stderr, "usage: mkrecord write|show DIR USER ... | recovery "
	    "[untagged]\n");
	return 2;
}
