/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guard against two defects of libconfig 1.5, the version Debian 12
 * (bookworm) ships (1.5-0.4): the text is scanned by a lexer of our own
 * before libconfig reads it and after.  It can go once no supported
 * system ships 1.5; tests/unit/test_config.c shows both defects caught.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config_keys.h"

#define LITERAL_SHOWN	40		/* digits of a huge literal we echo */
#define MAX_NESTING	32		/* brackets; a valid file needs 1 */

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
	int	hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	size_t	n = 0;

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
	int	hex = len > 1 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	size_t	i = hex ? 2 : 0;

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
	long long	min, max;
	int		shown = len > LITERAL_SHOWN ? LITERAL_SHOWN : (int)len;

	/* Unknown keys and wrong types are reported by apply_settings. */
	if (!ctx->int_range(key, &min, &max))
		return MFA_OK;
	return key_err(ctx, key, line, "%.*s%s is out of range %lld..%lld",
	    shown, lit, shown < (int)len ? "..." : "", min, max);
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
	char	top = '{';

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

	if (!string_expected(sc))
		return config_err(ctx, start, "syntax error");
	if ((sc->p = skip_string(sc->p + 1, &sc->line)) == NULL)
		return config_err(ctx, start,
		    "syntax error: unterminated string");
	sc->prev = 's';
	return MFA_OK;
}

static int
scan_number(struct scan *sc, const struct ctx *ctx)
{
	const char	*p = sc->p, *lit = p;
	size_t		 n = number_len(p);

	if (p > sc->text && (p[-1] == '-' || p[-1] == '+'))
		lit = p - 1;
	sc->p += n;
	sc->prev = '0';
	if (sc->check_literals && literal_wraps(p, n))
		return wrapped_err(sc->key, sc->line, lit,
		    n + (size_t)(p - lit), ctx);
	return MFA_OK;
}

static void
scan_name(struct scan *sc)
{
	size_t	n;

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
	char	c = *sc->p++;

	if (c == '=' || c == ':')
		memcpy(sc->key, sc->ident, sizeof(sc->key));
	if (c == '{' || c == '[' || c == '(') {
		if (sc->depth == MAX_NESTING)
			return config_err(ctx, sc->line,
			    "syntax error: nested too deeply");
		sc->open[sc->depth++] = c;
	} else if ((c == '}' || c == ']' || c == ')') && sc->depth > 0)
		sc->depth--;
	sc->prev = c;
	return MFA_OK;
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
	struct scan	sc;
	int		r = MFA_OK;

	memset(&sc, 0, sizeof(sc));
	sc.text = sc.p = text;
	sc.line = 1;
	sc.check_literals = check_literals;
	while (r == MFA_OK && *sc.p != '\0') {
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
config_guard_before(const char *text, const struct ctx *ctx)
{
	return scan_text(text, 0, ctx);
}

int
config_guard_after(const char *text, const struct ctx *ctx)
{
	return scan_text(text, 1, ctx);
}
