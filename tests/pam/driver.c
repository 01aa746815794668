/* SPDX-License-Identifier: BSD-2-Clause */
/* Test driver: pam_authenticate through the real libpam with a scripted
 * conversation that can send what pamtester cannot: no
 * answer at all, a NULL answer, a megabyte, embedded NUL bytes, or an
 * answer that only comes when the test sends it.
 *
 *   driver [-s SERVICE] [-u USER] [-r RHOST] [-t TTY] [-n COUNT] [-d]
 *	  [-e NAME] [ANSWER...]
 *
 * Each prompt takes the next ANSWER; when none is left the conversation
 * fails as on EOF.  Special answers: @eof (conversation error), @null
 * (success with no answer), @big (1 MiB of digits), @stdin (the next line
 * of standard input, read when the prompt comes: the login waits at its
 * prompt until the test writes it), and "\0" inside an answer stands for
 * a NUL byte.  Messages are printed as "prompt: ",
 * "error: ", "info: "; each authentication prints "result: PAM_...".
 * The fail delay is skipped unless -d is given, to keep the tests fast.
 * -e NAME prints the PAM environment variable NAME afterwards ("env:
 * NAME=value"): pam_get_items.so exports the items, PAM_AUTHTOK included.
 *
 * With AWSMFA_PAM_CONFDIR set, services are read from that folder through
 * pam_start_confdir() and pam_wrapper is not needed.  pam_wrapper keeps
 * its copy of the services in /tmp/pam.X, one character chosen at random,
 * so tests running side by side could read each other's "mfa" service.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>

#define BIG_ANSWER	(1024 * 1024)

struct script {
	char	**answers;
	int	  n;
	int	  next;
};

static char *
decode(const char *a)
{
	char	*out, *o;

	if (strcmp(a, "@big") == 0) {
		if ((out = malloc(BIG_ANSWER + 1)) == NULL)
			return NULL;
		memset(out, '1', BIG_ANSWER);
		out[BIG_ANSWER] = '\0';
		return out;
	}
	/* The result is a C string: bytes after a NUL are still sent, but
	 * only a reader ignoring the terminator could see them. */
	if ((out = malloc(strlen(a) + 2)) == NULL)
		return NULL;
	for (o = out; *a != '\0'; a++) {
		if (a[0] == '\\' && a[1] == '0') {
			*o++ = '\0';
			a++;
		} else
			*o++ = *a;
	}
	*o++ = '\0';
	*o = '\0';
	return out;
}

/* @stdin: one line, without its newline; NULL at end of input. */
static char *
read_line(void)
{
	char	buf[4096];

	fflush(stdout);
	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

static int
answer(struct script *s, struct pam_response *r)
{
	const char	*a;

	if (s->next >= s->n)
		return PAM_CONV_ERR;
	a = s->answers[s->next++];
	if (strcmp(a, "@eof") == 0)
		return PAM_CONV_ERR;
	if (strcmp(a, "@null") == 0)
		return PAM_SUCCESS;
	if (strcmp(a, "@stdin") == 0)
		return (r->resp = read_line()) == NULL ? PAM_CONV_ERR :
		    PAM_SUCCESS;
	if ((r->resp = decode(a)) == NULL)
		return PAM_BUF_ERR;
	return PAM_SUCCESS;
}

static int
conv(int num, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct script		*s = data;
	struct pam_response	*r;
	int			 i, j, rc = PAM_SUCCESS;

	if ((r = calloc((size_t)num, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num && rc == PAM_SUCCESS; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			printf("prompt: %s\n", msg[i]->msg);
			rc = answer(s, &r[i]);
			break;
		case PAM_ERROR_MSG:
			printf("error: %s\n", msg[i]->msg);
			break;
		default:
			printf("info: %s\n", msg[i]->msg);
			break;
		}
	}
	fflush(stdout);
	if (rc != PAM_SUCCESS) {
		for (j = 0; j < num; j++)
			free(r[j].resp);
		free(r);
		return rc;
	}
	*resp = r;
	return PAM_SUCCESS;
}

static void
no_delay(int status, unsigned delay, void *data)
{
	(void)status;
	(void)delay;
	(void)data;
}

static const char *
result_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:		return "PAM_SUCCESS";
	case PAM_AUTH_ERR:		return "PAM_AUTH_ERR";
	case PAM_MAXTRIES:		return "PAM_MAXTRIES";
	case PAM_IGNORE:		return "PAM_IGNORE";
	case PAM_AUTHINFO_UNAVAIL:	return "PAM_AUTHINFO_UNAVAIL";
	case PAM_SERVICE_ERR:		return "PAM_SERVICE_ERR";
	case PAM_CONV_ERR:		return "PAM_CONV_ERR";
	case PAM_USER_UNKNOWN:		return "PAM_USER_UNKNOWN";
	case PAM_PERM_DENIED:		return "PAM_PERM_DENIED";
	case PAM_CRED_INSUFFICIENT:	return "PAM_CRED_INSUFFICIENT";
	case PAM_BUF_ERR:		return "PAM_BUF_ERR";
	case PAM_SYSTEM_ERR:		return "PAM_SYSTEM_ERR";
	default:			return "PAM_OTHER";
	}
}

static const char	*show_env;

/* The module's pam_syslog lines go to stderr, as under pam_wrapper, so a
 * test never writes into the machine's log; PAM_WRAPPER_USE_SYSLOG=1 (a
 * test with its own /dev/log) sends them on to the real pam_vsyslog.
 * The driver is linked with -export-dynamic so that these come first. */
void
pam_vsyslog(const pam_handle_t *pamh, int prio, const char *fmt, va_list ap)
{
	void		(*real)(const pam_handle_t *, int, const char *,
			    va_list);
	const char	*env = getenv("PAM_WRAPPER_USE_SYSLOG");

	if (env != NULL && strcmp(env, "1") == 0) {
		*(void **)&real = dlsym(RTLD_NEXT, "pam_vsyslog");
		if (real != NULL)
			real(pamh, prio, fmt, ap);
		return;
	}
	fputs("SYSLOG: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
pam_syslog(const pam_handle_t *pamh, int prio, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	pam_vsyslog(pamh, prio, fmt, ap);
	va_end(ap);
}

static int
start(const char *service, const char *user, const struct pam_conv *pc,
    pam_handle_t **pamh)
{
	const char	*dir = getenv("AWSMFA_PAM_CONFDIR");

	if (dir != NULL && *dir != '\0')
		return pam_start_confdir(service, user, pc, dir, pamh);
	return pam_start(service, user, pc, pamh);
}

static int
run_once(const char *service, const char *user, const char *rhost,
    const char *tty, int delay, struct script *s)
{
	const char	*v;
	struct pam_conv	 pc = { conv, s };
	pam_handle_t	*pamh = NULL;
	int		 rc;

	if ((rc = start(service, user, &pc, &pamh)) != PAM_SUCCESS) {
		printf("result: pam_start %s\n", result_name(rc));
		return rc;
	}
	if (rhost != NULL)
		pam_set_item(pamh, PAM_RHOST, rhost);
	if (tty != NULL)
		pam_set_item(pamh, PAM_TTY, tty);
	if (!delay)
		pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
	rc = pam_authenticate(pamh, 0);
	if (show_env != NULL && (v = pam_getenv(pamh, show_env)) != NULL)
		printf("env: %s=%s\n", show_env, v);
	printf("result: %s\n", result_name(rc));
	fflush(stdout);
	pam_end(pamh, rc);
	return rc;
}

int
main(int argc, char **argv)
{
	struct script	 s;
	const char	*service = "mfa", *user = "alice";
	const char	*rhost = NULL, *tty = NULL;
	int		 ch, count = 1, delay = 0, i;

	while ((ch = getopt(argc, argv, "s:u:r:t:n:de:")) != -1) {
		switch (ch) {
		case 's': service = optarg; break;
		case 'u': user = optarg; break;
		case 'r': rhost = optarg; break;
		case 't': tty = optarg; break;
		case 'n': count = atoi(optarg); break;
		case 'd': delay = 1; break;
		case 'e': show_env = optarg; break;
		default:
			fprintf(stderr, "usage: driver [-s svc] [-u user] "
			    "[-r rhost] [-t tty] [-n count] [-d] answer...\n");
			return 2;
		}
	}
	s.answers = argv + optind;
	s.n = argc - optind;
	for (i = 0; i < count; i++) {
		s.next = 0;
		run_once(service, user, rhost, tty, delay, &s);
	}
	return 0;
}
