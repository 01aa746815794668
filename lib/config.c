/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * awsmfa.conf: a libconfig file, read through a descriptor that was
 * checked before a byte of it is trusted, then validated key by key
 * against one table.  Anything unexpected is an error: the module fails
 * closed rather than run with a setting nobody meant.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "config.h"
#include "config_keys.h"
#include "safepath.h"

#define DEFAULT_ISSUER	"pam_awsmfa"
#define CONFIG_MAX_SIZE	(64 * 1024)	/* a real file is a few hundred bytes */
#define GROUP_NAME_MAX	256
#define LITERAL_SHOWN	40		/* digits of a huge literal we echo */
#define MAX_NESTING	32		/* brackets; a valid file needs 1 */

static int	parse_uint(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_store_dir(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_issuer(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_algorithm(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);
static int	parse_groups(const struct key *, const config_setting_t *,
		    struct awsmfa_config *, const struct ctx *);

#define UINT_KEY(field, lo, hi) \
	{ #field, parse_uint, offsetof(struct awsmfa_config, field), lo, hi }

static const struct key keys[] = {
	{ "store_dir", parse_store_dir, 0, 0, 0 },
	{ "issuer", parse_issuer, 0, 0, 0 },
	UINT_KEY(digits, OTP_MIN_DIGITS, OTP_MAX_DIGITS),
	UINT_KEY(period, OTP_MIN_PERIOD, OTP_MAX_PERIOD),
	{ "algorithm", parse_algorithm, 0, 0, 0 },
	UINT_KEY(window, 0, 10),
	UINT_KEY(resync_window, 1, 1000),
	UINT_KEY(max_devices, 1, CONFIG_HARD_MAX_DEVICES),
	UINT_KEY(max_failures, 1, 1000),
	UINT_KEY(lockout_seconds, 0, 86400),
	UINT_KEY(recovery_codes, 1, 100),
	{ "require_groups", parse_groups, 0, 0, 0 },
	{ "store", config_parse_store, 0, 0, 0 },
	{ "db_conninfo", config_parse_conninfo,
	    offsetof(struct awsmfa_config, db_conninfo), 0, 0 },
	{ "db_admin_conninfo", config_parse_conninfo,
	    offsetof(struct awsmfa_config, db_admin_conninfo), 0, 0 },
	UINT_KEY(db_timeout, 1, 60),
	{ "db_break_glass", config_parse_break_glass, 0, 0, 0 },
};

static void __attribute__((format(printf, 2, 3)))
set_err(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->err == NULL || ctx->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->err, ctx->errlen, fmt, ap);
	va_end(ap);
}

/* "FILE:LINE: key 'NAME': " followed by the reason; always -1. */
int
key_err(const struct ctx *ctx, const char *key, unsigned line,
    const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	set_err(ctx, "%s:%u: key '%s': %s", ctx->name, line, key, reason);
	return -1;
}

int
setting_err(const struct ctx *ctx, const config_setting_t *s,
    const char *reason)
{
	return key_err(ctx, config_setting_name(s),
	    config_setting_source_line(s), "%s", reason);
}

static const struct key *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* ':' separates issuer and user in an otpauth:// label. */
static int
issuer_ok(const char *s)
{
	const unsigned char *p;

	if (*s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == ':' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Authenticator apps list accounts by issuer, so a user with logins on
 * several machines tells them apart only if each machine names itself.
 */
static void
default_issuer(char *buf, size_t len)
{
	char host[HOST_NAME_MAX + 1];

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (issuer_ok(host) && strlen(host) < len) {
			memcpy(buf, host, strlen(host) + 1);
			return;
		}
	}
	snprintf(buf, len, "%s", DEFAULT_ISSUER);
}

void
config_defaults(struct awsmfa_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->store_dir, sizeof(cfg->store_dir), "%s",
	    AWSMFA_DEFAULT_STORE);
	default_issuer(cfg->issuer, sizeof(cfg->issuer));
	cfg->digits = 6;
	cfg->period = 30;
	cfg->algorithm = OTP_SHA1;
	cfg->window = 1;
	cfg->resync_window = 60;
	cfg->max_devices = 8;
	cfg->max_failures = 5;
	cfg->lockout_seconds = 300;
	cfg->recovery_codes = 10;
	cfg->ngroups = 0;
	cfg->store = STORE_KIND_FILE;
	cfg->db_timeout = 5;
}

void
config_free(struct awsmfa_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->ngroups && i < CONFIG_MAX_GROUPS; i++) {
		free(cfg->require_groups[i]);
		cfg->require_groups[i] = NULL;
	}
	cfg->ngroups = 0;
}

int
config_requires_group(const struct awsmfa_config *cfg, const char *group)
{
	size_t i;

	if (cfg == NULL || group == NULL)
		return 0;
	for (i = 0; i < cfg->ngroups; i++)
		if (strcmp(cfg->require_groups[i], group) == 0)
			return 1;
	return 0;
}

static int
parse_uint(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	long long v;
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return setting_err(ctx, s, "expected an integer");
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max)
		return key_err(ctx, k->name, config_setting_source_line(s),
		    "%lld is out of range %lld..%lld", v, k->min, k->max);
	*(unsigned *)(void *)((char *)cfg + k->off) = (unsigned)v;
	return 0;
}

const char *
string_value(const config_setting_t *s, const struct ctx *ctx)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		setting_err(ctx, s, "expected a string");
		return NULL;
	}
	return config_setting_get_string(s);
}

static int
parse_store_dir(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char *v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return -1;
	if (v[0] != '/')
		return setting_err(ctx, s, "must be an absolute path");
	if (strlen(v) >= sizeof(cfg->store_dir))
		return setting_err(ctx, s, "path too long");
	memcpy(cfg->store_dir, v, strlen(v) + 1);
	return 0;
}

static int
parse_issuer(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char *v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return -1;
	if (*v == '\0')
		return setting_err(ctx, s, "must not be empty");
	if (strlen(v) >= sizeof(cfg->issuer))
		return key_err(ctx, "issuer", config_setting_source_line(s),
		    "longer than %zu bytes", sizeof(cfg->issuer) - 1);
	if (!issuer_ok(v))
		return setting_err(ctx, s,
		    "must not contain ':' or control characters");
	memcpy(cfg->issuer, v, strlen(v) + 1);
	return 0;
}

static int
parse_algorithm(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	const char *v;

	(void)k;
	if ((v = string_value(s, ctx)) == NULL)
		return -1;
	if (otp_alg_parse(v, &cfg->algorithm) == -1)
		return setting_err(ctx, s, "must be SHA1, SHA256 or SHA512");
	return 0;
}

static int
add_group(const config_setting_t *list, int i, struct awsmfa_config *cfg,
    const struct ctx *ctx)
{
	const config_setting_t *e = config_setting_get_elem(list, i);
	const char *name = config_setting_name(list);
	unsigned line = config_setting_source_line(e);
	const char *v;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return key_err(ctx, name, line, "element %d is not a string",
		    i + 1);
	v = config_setting_get_string(e);
	if (*v == '\0')
		return key_err(ctx, name, line, "element %d is empty", i + 1);
	if (strlen(v) >= GROUP_NAME_MAX)
		return key_err(ctx, name, line, "element %d is too long",
		    i + 1);
	if ((cfg->require_groups[cfg->ngroups] = strdup(v)) == NULL)
		return key_err(ctx, name, line, "out of memory");
	cfg->ngroups++;
	return 0;
}

static int
parse_groups(const struct key *k, const config_setting_t *s,
    struct awsmfa_config *cfg, const struct ctx *ctx)
{
	int type = config_setting_type(s);
	int i, n;

	(void)k;
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return setting_err(ctx, s,
		    "expected an array or list of strings");
	n = config_setting_length(s);
	if (n > CONFIG_MAX_GROUPS)
		return key_err(ctx, config_setting_name(s),
		    config_setting_source_line(s), "more than %d groups",
		    CONFIG_MAX_GROUPS);
	for (i = 0; i < n; i++)
		if (add_group(s, i, cfg, ctx) == -1)
			return -1;
	return 0;
}

static int
apply_settings(const config_setting_t *root, struct awsmfa_config *cfg,
    const struct ctx *ctx)
{
	const config_setting_t *s;
	const struct key *k;
	int i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		if ((k = find_key(config_setting_name(s))) == NULL)
			return setting_err(ctx, s, "unknown key");
		if (k->parse(k, s, cfg, ctx) == -1)
			return -1;
	}
	return 0;
}

/*
 * libconfig's @include opens any path named in the text, outside the
 * ownership checks this file went through, so it is refused wherever the
 * word appears (it can only be meant as a directive or in a comment).
 */
static int
refuse_include(const char *text, const struct ctx *ctx)
{
	const char *at = strcasestr(text, "@include");
	const char *p;
	unsigned line = 1;

	if (at == NULL)
		return 0;
	for (p = text; p < at; p++)
		if (*p == '\n')
			line++;
	set_err(ctx, "%s:%u: @include is not allowed", ctx->name, line);
	return -1;
}

static int
syntax_err(const config_t *lc, const struct ctx *ctx)
{
	const char *text = config_error_text(lc);

	if (text == NULL || strcmp(text, "syntax error") == 0)
		set_err(ctx, "%s:%d: syntax error", ctx->name,
		    config_error_line(lc));
	else
		set_err(ctx, "%s:%d: syntax error: %s", ctx->name,
		    config_error_line(lc), text);
	return -1;
}

/*
 * Past a quoted string (p just after the opening quote), counting lines;
 * NULL when the text ends inside it.
 */
static const char *
skip_string(const char *p, unsigned *line)
{
	for (; *p != '\0' && *p != '"'; p++) {
		if (*p == '\n')
			(*line)++;
		else if (*p == '\\' && p[1] != '\0')
			p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *
skip_comment(const char *p, unsigned *line)
{
	if (p[0] == '/' && p[1] == '*') {
		for (p += 2; *p != '\0'; p++) {
			if (p[0] == '*' && p[1] == '/')
				return p + 2;
			if (*p == '\n')
				(*line)++;
		}
		return p;
	}
	while (*p != '\0' && *p != '\n')
		p++;
	return p;
}

static size_t
number_len(const char *p)
{
	int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	size_t n = 0;

	for (;;) {
		if (isalnum((unsigned char)p[n]) || p[n] == '.' || p[n] == '_')
			n++;
		else if (!hex && n > 0 && (p[n - 1] == 'e' ||
		    p[n - 1] == 'E') && (p[n] == '+' || p[n] == '-'))
			n++;
		else
			return n;
	}
}

/*
 * 1 when libconfig 1.5 would squeeze this literal into a 32-bit int and
 * silently wrap it: a decimal beyond INT_MAX or a hex literal beyond 32
 * bits, without the L suffix (with it the value is clamped, and any
 * clamped value is outside every range we accept).
 */
static int
literal_wraps(const char *p, size_t len)
{
	int hex = len > 1 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	size_t i = hex ? 2 : 0;

	if (len > 0 && (p[len - 1] == 'L' || p[len - 1] == 'l'))
		return 0;
	for (; i < len; i++)
		if (hex ? !isxdigit((unsigned char)p[i]) :
		    !isdigit((unsigned char)p[i]))
			return 0;	/* a float, or not a number at all */
	for (i = hex ? 2 : 0; i < len && p[i] == '0'; i++)
		;
	if (hex)
		return len - i > 8;
	return len - i > 10 ||
	    (len - i == 10 && memcmp(p + i, "2147483647", 10) > 0);
}

static int
wrapped_err(const char *key, unsigned line, const char *lit, size_t len,
    const struct ctx *ctx)
{
	const struct key *k = find_key(key);
	int shown = len > LITERAL_SHOWN ? LITERAL_SHOWN : (int)len;

	/* Unknown keys and wrong types are reported by apply_settings. */
	if (k == NULL || k->parse != parse_uint)
		return 0;
	return key_err(ctx, key, line, "%.*s%s is out of range %lld..%lld",
	    shown, lit, shown < (int)len ? "..." : "", k->min, k->max);
}

struct scan {
	const char	*text;
	const char	*p;
	unsigned	 line;
	int		 check_literals;
	char		 ident[64];	/* the last name seen */
	char		 key[64];	/* the last name assigned to */
	char		 prev;		/* the last token: punctuation, 's'tring */
	char		 open[MAX_NESTING];
	int		 depth;
};

/*
 * Where libconfig's grammar takes a string: as a value, as an element of a
 * list or array, or glued to the string before it.  Anywhere else it stops
 * with a syntax error and, in 1.5, leaks the string it had just read.
 */
static int
string_expected(const struct scan *sc)
{
	char top = '{';

	if (sc->depth > 0)
		top = sc->open[sc->depth - 1];

	return sc->prev == '=' || sc->prev == ':' || sc->prev == '[' ||
	    sc->prev == '(' || sc->prev == 's' ||
	    (sc->prev == ',' && top != '{');
}

static int
scan_string(struct scan *sc, const struct ctx *ctx)
{
	unsigned start = sc->line;

	if (!string_expected(sc)) {
		set_err(ctx, "%s:%u: syntax error", ctx->name, start);
		return -1;
	}
	if ((sc->p = skip_string(sc->p + 1, &sc->line)) == NULL) {
		set_err(ctx, "%s:%u: syntax error: unterminated string",
		    ctx->name, start);
		return -1;
	}
	sc->prev = 's';
	return 0;
}

static int
scan_number(struct scan *sc, const struct ctx *ctx)
{
	const char *p = sc->p, *lit = p;
	size_t n = number_len(p);

	if (p > sc->text && (p[-1] == '-' || p[-1] == '+'))
		lit = p - 1;
	sc->p += n;
	sc->prev = '0';
	if (sc->check_literals && literal_wraps(p, n))
		return wrapped_err(sc->key, sc->line, lit,
		    n + (size_t)(p - lit), ctx);
	return 0;
}

static void
scan_name(struct scan *sc)
{
	size_t n;

	for (n = 0; isalnum((unsigned char)sc->p[n]) || sc->p[n] == '-' ||
	    sc->p[n] == '_' || sc->p[n] == '*'; n++)
		;
	snprintf(sc->ident, sizeof(sc->ident), "%.*s", (int)n, sc->p);
	sc->p += n;
	sc->prev = 'n';
}

static int
scan_punct(struct scan *sc, const struct ctx *ctx)
{
	char c = *sc->p++;

	if (c == '=' || c == ':')
		memcpy(sc->key, sc->ident, sizeof(sc->key));
	if (c == '{' || c == '[' || c == '(') {
		if (sc->depth == MAX_NESTING) {
			set_err(ctx, "%s:%u: syntax error: nested too deeply",
			    ctx->name, sc->line);
			return -1;
		}
		sc->open[sc->depth++] = c;
	} else if ((c == '}' || c == ']' || c == ')') && sc->depth > 0)
		sc->depth--;
	sc->prev = c;
	return 0;
}

/*
 * Two defects of libconfig 1.5 are caught by scanning the text ourselves.
 * It leaks memory on a syntax error at a string, so text with a string
 * where none belongs, or no closing quote, is refused before libconfig
 * reads it (check_literals 0).  And it reads "lockout_seconds =
 * 4294967296;" as 0, which the parsed tree cannot show, so after parsing
 * each integer literal is checked and charged to the name most recently
 * assigned (check_literals 1).
 */
static int
scan_text(const char *text, int check_literals, const struct ctx *ctx)
{
	struct scan sc;
	int r = 0;

	memset(&sc, 0, sizeof(sc));
	sc.text = sc.p = text;
	sc.line = 1;
	sc.check_literals = check_literals;
	while (r == 0 && *sc.p != '\0') {
		if (*sc.p == '\n') {
			sc.line++;
			sc.p++;
		} else if (*sc.p == '#' || (sc.p[0] == '/' &&
		    (sc.p[1] == '/' || sc.p[1] == '*')))
			sc.p = skip_comment(sc.p, &sc.line);
		else if (isspace((unsigned char)*sc.p))
			sc.p++;
		else if (*sc.p == '"')
			r = scan_string(&sc, ctx);
		else if (isalpha((unsigned char)*sc.p) || *sc.p == '*')
			scan_name(&sc);
		else if (isdigit((unsigned char)*sc.p) || (*sc.p == '.' &&
		    isdigit((unsigned char)sc.p[1])))
			r = scan_number(&sc, ctx);
		else
			r = scan_punct(&sc, ctx);
	}
	return r;
}

int
config_parse_text(const char *text, const char *name,
    struct awsmfa_config *cfg, char *err, size_t errlen)
{
	struct ctx ctx = { name != NULL ? name : "(config)", err, errlen };
	config_t lc;
	int r;

	config_defaults(cfg);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (text == NULL) {
		set_err(&ctx, "%s: no text", ctx.name);
		return -1;
	}
	if (refuse_include(text, &ctx) == -1 ||
	    scan_text(text, 0, &ctx) == -1)
		return -1;
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE)
		r = syntax_err(&lc, &ctx);
	else if (scan_text(text, 1, &ctx) == -1)
		r = -1;
	else
		r = apply_settings(config_root_setting(&lc), cfg, &ctx);
	config_destroy(&lc);
	if (r == -1) {
		config_free(cfg);
		config_defaults(cfg);
	}
	return r;
}

/*
 * The folder holding path, as an absolute path in dir (a relative path,
 * from mfa-enroll --conf, is taken from the working directory), and the
 * file's own name in name.
 */
static int
split_path(const char *path, char dir[PATH_MAX], char name[NAME_MAX + 1],
    const struct ctx *ctx)
{
	char *slash;
	size_t len = 0;

	if (path[0] != '/') {
		if (getcwd(dir, PATH_MAX) == NULL) {
			set_err(ctx, "%s: cannot find the working directory: "
			    "%s", path, strerror(errno));
			return -1;
		}
		len = strlen(dir);
		if (len > 0 && dir[len - 1] != '/' && len + 1 < PATH_MAX)
			dir[len++] = '/';
	}
	if (len + strlen(path) >= PATH_MAX) {
		set_err(ctx, "%s: path too long", path);
		return -1;
	}
	memcpy(dir + len, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (strlen(slash + 1) > NAME_MAX) {
		set_err(ctx, "%s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(name, slash + 1, strlen(slash + 1) + 1);
	if (slash == dir)	/* the file is in "/" */
		slash++;
	*slash = '\0';
	return 0;
}

/*
 * The folder the file is in, and every folder above it, must be ones
 * only root can change (lib/safepath.c): whoever can write to one of them
 * can rename another file, or another folder, in place of this one.
 * Each is opened from the one checked before it, so the descriptor
 * returned is the folder that was checked.
 */
static int
open_folder(const char *path, char name[NAME_MAX + 1],
    const struct ctx *ctx)
{
	char dir[PATH_MAX], why[CONFIG_ERRLEN];
	int dfd;

	if (split_path(path, dir, name, ctx) == -1)
		return -1;
	if (safepath_walk(dir, &dfd, why, sizeof(why)) != SAFEPATH_OK) {
		set_err(ctx, "%s: folder %s", path, why);
		return -1;
	}
	if (safepath_check_ancestor(dfd, dir, why, sizeof(why)) !=
	    SAFEPATH_OK) {
		set_err(ctx, "%s: folder %s", path, why);
		close(dfd);
		return -1;
	}
	return dfd;
}

/*
 * O_NOFOLLOW refuses a symlink in the last component; O_NONBLOCK keeps a
 * FIFO planted at the path from hanging the login before fstat sees it.
 */
static int
open_checked(const char *path, const struct ctx *ctx)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int dfd, fd;

	if ((dfd = open_folder(path, name, ctx)) == -1)
		return -1;
	/* "DIR/" names a folder, not a file. */
	if (name[0] == '\0') {
		set_err(ctx, "%s: not a regular file", path);
		close(dfd);
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY);
	close(dfd);
	if (fd == -1) {
		if (errno == ELOOP)
			set_err(ctx, "%s: is a symbolic link", path);
		else
			set_err(ctx, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1)
		set_err(ctx, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		set_err(ctx, "%s: not a regular file", path);
	else if (st.st_uid != 0)
		set_err(ctx, "%s: not owned by root (uid %lu)", path,
		    (unsigned long)st.st_uid);
	else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		set_err(ctx, "%s: writable by group or others (mode %04o)",
		    path, (unsigned)(st.st_mode & 07777));
	else
		return fd;
	close(fd);
	return -1;
}

/* The whole file from fd as a NUL-terminated string, or NULL. */
static char *
read_text(int fd, const char *path, const struct ctx *ctx)
{
	char *buf;
	size_t len = 0, want;
	ssize_t r;

	if ((buf = malloc(CONFIG_MAX_SIZE + 1)) == NULL) {
		set_err(ctx, "%s: out of memory", path);
		return NULL;
	}
	while (len <= CONFIG_MAX_SIZE) {
		want = CONFIG_MAX_SIZE + 1 - len;
		r = read(fd, buf + len, want);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			set_err(ctx, "%s: %s", path, strerror(errno));
			goto fail;
		}
		len += (size_t)r;
		/* A regular file reads short only at its end: no second
		 * read just to hear it say so. */
		if ((size_t)r < want)
			break;
	}
	if (len > CONFIG_MAX_SIZE) {
		set_err(ctx, "%s: larger than %d bytes", path, CONFIG_MAX_SIZE);
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		set_err(ctx, "%s: contains a NUL byte", path);
		goto fail;
	}
	buf[len] = '\0';
	return buf;
fail:
	free(buf);
	return NULL;
}

int
config_load(const char *path, struct awsmfa_config *cfg, char *err,
    size_t errlen)
{
	struct ctx ctx;
	char *text;
	int fd, r;

	if (path == NULL)
		path = AWSMFA_DEFAULT_CONF;
	ctx.name = path;
	ctx.err = err;
	ctx.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/* config_parse_text sets the defaults itself: only the early
	 * failures need them here (each costs a gethostname on the login
	 * path). */
	if ((fd = open_checked(path, &ctx)) == -1) {
		config_defaults(cfg);
		return -1;
	}
	text = read_text(fd, path, &ctx);
	close(fd);
	if (text == NULL) {
		config_defaults(cfg);
		return -1;
	}
	r = config_parse_text(text, path, cfg, err, errlen);
	free(text);
	return r;
}
