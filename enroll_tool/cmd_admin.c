/* SPDX-License-Identifier: BSD-2-Clause */
/* import-tokens, recovery-codes and check. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "device.h"
#include "enroll.h"

#define CSV_MAX		(16 * 1024 * 1024)

static const struct option common_opts[] = {
	{ "conf", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Grows *buf to hold more than `used` bytes, cleansing the old copy. */
static int
grow(char **buf, size_t used, size_t *cap)
{
	size_t ncap = *cap == 0 ? 64 * 1024 : *cap * 2;
	char *nb;

	if (ncap > CSV_MAX + 1)
		ncap = CSV_MAX + 1;
	if ((nb = malloc(ncap + 1)) == NULL)
		return -1;
	if (*buf != NULL) {
		memcpy(nb, *buf, used);
		OPENSSL_cleanse(*buf, *cap);
		free(*buf);
	}
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* Everything up to the end of fd, or NULL after one line on stderr: a
 * read error never leaves a part of the input to import.  The caller
 * cleanses the buffer (it holds seeds). */
static char *
read_all(int fd, const char *name, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t r;

	for (;;) {
		if (n == cap && grow(&buf, n, &cap) == -1) {
			warnx_("out of memory");
			goto fail;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			warnx_("%s: read: %s; nothing imported", name,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CSV_MAX) {
			warnx_("%s: larger than %d bytes; nothing imported",
			    name, CSV_MAX);
			goto fail;
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
 fail:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, cap);
		free(buf);
	}
	return NULL;
}

/* The CSV from path, or from standard input for "-" (so that seeds can
 * come straight from a decrypting pipe, never in a plain file). */
static char *
read_csv(const char *path, size_t *len)
{
	struct stat sb;
	char *buf;
	int fd;

	if (strcmp(path, "-") == 0)
		return read_all(STDIN_FILENO, "standard input", len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		warnx_("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		warnx_("%s: not a regular file (use - for standard input)",
		    path);
		close(fd);
		return NULL;
	}
	buf = read_all(fd, path, len);
	close(fd);
	return buf;
}

struct bad_lines {
	const char	*path;
	size_t		 n;
};

static void
report_bad_line(void *arg, size_t lineno, const char *reason)
{
	struct bad_lines *b = arg;

	b->n++;
	warnx_("%s:%zu: %s", b->path, lineno, reason);
}

int
cmd_import_tokens(struct ctx *c, int argc, char **argv)
{
	struct bad_lines bad;
	char err[DEVICE_ERRLEN], why[64], *csv;
	size_t len = 0, count;
	int r;

	while (verb_getopt(c, argc, argv, "h", common_opts) != -1)
		continue;
	if (argc - optind != 1)
		usage_error("import-tokens: expected FILE (see "
		    "'import-tokens --help')");
	bad.path = strcmp(argv[optind], "-") == 0 ? "standard input" :
	    argv[optind];
	bad.n = 0;
	ctx_open(c, 1);
	if ((csv = read_csv(argv[optind], &len)) == NULL)
		return EXIT_FAIL;
	r = backend_import_tokens(&c->be, csv, len, &count,
	    report_bad_line, &bad, err, sizeof(err));
	OPENSSL_cleanse(csv, len);
	free(csv);
	if (r == 0) {
		printf("%zu hardware token%s imported.\n", count,
		    count == 1 ? "" : "s");
		snprintf(why, sizeof(why), "%zu tokens", count);
		audit_change("import-tokens", NULL, NULL, 1, why);
		return 0;
	}
	if (bad.n > 0)
		warnx_("%s: %zu bad line%s; nothing imported", bad.path,
		    bad.n, bad.n == 1 ? "" : "s");
	else
		warnx_("%s: %s", bad.path, err);
	audit_change("import-tokens", NULL, NULL, 0, bad.n > 0 ?
	    "bad lines" : err);
	return EXIT_FAIL;
}

static unsigned
parse_count(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 ||
	    v > RECORD_MAX_RECOVERY)
		usage_error("recovery-codes: --count must be 1 to %d",
		    RECORD_MAX_RECOVERY);
	return (unsigned)v;
}

int
cmd_recovery_codes(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char (*codes)[RECOVERY_CODE_BUFLEN], err[DEVICE_ERRLEN];
	const char *user;
	unsigned count = 0, i;
	int ch, r;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'n')
			count = parse_count(optarg);
	if (argc - optind != 1)
		usage_error("recovery-codes: expected USER (see "
		    "'recovery-codes --help')");
	user = argv[optind];
	ctx_open(c, 1);
	if (count == 0)
		count = c->cfg.recovery_codes;
	if ((codes = calloc(count, sizeof(*codes))) == NULL) {
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	r = backend_recovery_codes(&c->be, user, count, codes, err,
	    sizeof(err));
	audit_change("recovery-codes", user, NULL, r == 0,
	    r == 0 ? NULL : err);
	if (r == 0) {
		if (isatty(STDOUT_FILENO))
			printf("Recovery codes for %s (each works once; "
			    "they replace any earlier ones and will not be "
			    "shown again):\n", user);
		for (i = 0; i < count; i++)
			printf("%s\n", codes[i]);
		/* They are shown only once: say so when they were not. */
		if (fflush(stdout) == EOF || ferror(stdout)) {
			warnx_("standard output: %s; the new recovery codes "
			    "of %s were not shown and the earlier ones no "
			    "longer work: run recovery-codes again",
			    strerror(errno), user);
			r = -1;
		}
	} else
		warnx_("%s", err);
	OPENSSL_cleanse(codes, count * sizeof(*codes));
	free(codes);
	return r == 0 ? 0 : EXIT_FAIL;
}
