/* SPDX-License-Identifier: BSD-2-Clause */
/* import-tokens, recovery-codes and check. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"
#include "enroll.h"
#include "numparse.h"
#include "pskc_import.h"
#include "readall.h"
#include "wipe.h"

#define CSV_MAX		(16 * 1024 * 1024)

/* Everything up to the end of fd, or NULL after one line on stderr: a
 * read error never leaves a part of the input to import.  The caller
 * wipes the buffer (it holds seeds): wipe_free(buf, *len + 1). */
static char *
read_input(int fd, const char *name, size_t *len)
{
	char	*buf;
	int	 r;

	if ((r = read_all(fd, CSV_MAX, &buf, len)) == MFA_OK)
		return buf;
	if (r == MFA_ERR_NOMEM)
		warnx_("out of memory");
	else if (r == MFA_ERR_TOOBIG)
		warnx_("%s: larger than %d bytes; nothing imported", name,
		    CSV_MAX);
	else
		warnx_("%s: read: %s; nothing imported", name,
		    strerror(errno));
	return NULL;
}

/* The CSV from path, or from standard input for "-" (so that seeds can
 * come straight from a decrypting pipe, never in a plain file). */
static char *
read_csv(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	int		 fd;

	if (strcmp(path, "-") == 0)
		return read_input(STDIN_FILENO, "standard input", len);
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
	buf = read_input(fd, path, len);
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
	struct bad_lines	*b = arg;

	b->n++;
	warnx_("%s:%zu: %s", b->path, lineno, reason);
}

int
cmd_import_tokens(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "psk-file", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bad_lines	 bad;
	const char		*pskfile = NULL, *pwfile = NULL;
	char			 err[MFA_ERRLEN], why[64], *csv;
	size_t			 len = 0, count = 0;
	int			 ch, r;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'k')
			pskfile = optarg;
		else if (ch == 'p')
			pwfile = optarg;
	if (argc - optind != 1)
		usage_error("import-tokens: expected FILE (see "
		    "'import-tokens --help')");
	if (pskfile != NULL && pwfile != NULL)
		usage_error("import-tokens: --psk-file or --password-file, "
		    "not both");
	bad.path = strcmp(argv[optind], "-") == 0 ? "standard input" :
	    argv[optind];
	bad.n = 0;
	ctx_open(c, 1);
	if ((csv = read_csv(argv[optind], &len)) == NULL)
		return EXIT_FAIL;
	/* PSKC is told from the CSV by its content, whatever the name. */
	if (pskc_sniff(csv, len)) {
		r = import_pskc(c, bad.path, csv, len, pskfile, pwfile,
		    &count);
		snprintf(err, sizeof(err), "%s", "nothing imported");
	} else if (pskfile != NULL || pwfile != NULL) {
		r = mfa_fail(err, sizeof(err), MFA_ERR_INVALID, "not a PSKC "
		    "(XML) file: --psk-file and --password-file are for PSKC "
		    "only");
	} else
		r = backend_import_tokens(&c->be, csv, len, &count,
		    report_bad_line, &bad, err, sizeof(err));
	wipe_free(csv, len + 1);
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
	uint64_t	v;

	if (num_parse_u64(s, 1, RECORD_MAX_RECOVERY, &v) == -1)
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
	char (*codes)[RECOVERY_CODE_BUFLEN], err[MFA_ERRLEN];
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
	wipe_free(codes, count * sizeof(*codes));
	return r == 0 ? 0 : EXIT_FAIL;
}
