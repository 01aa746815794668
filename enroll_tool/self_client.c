/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfa-enroll run by a user who is not root: the verbs act on that user
 * alone, through awsmfa-self on /run/awsmfa/self.sock (--socket PATH for
 * another).  This side decides nothing and holds no privilege: it sends
 * the request, relays prompts and messages between the helper and the
 * terminal, and draws the QR code of the URI the helper sends.  Who the
 * user is, the helper learns from the kernel; a USER argument is only
 * checked here so that a mistake gets a clear line.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "enroll.h"
#include "qr.h"
#include "selfproto.h"
#include "wipe.h"

/* The helper waits on PAM and on the person at most 5 minutes a prompt. */
#define CLIENT_FRAME_MS	(6 * 60 * 1000)
#define GOING_ON	(-2)

struct self_args {
	struct self_request	req;
	enum qr_style		style;
	int			style_given;
};

static const char *
me(void)
{
	struct passwd	*pw = getpwuid(getuid());

	if (pw == NULL || pw->pw_name == NULL) {
		warnx_("uid %lu has no account name", (unsigned long)getuid());
		exit(EXIT_FAIL);
	}
	return pw->pw_name;
}

static void
copy_field(char *dst, const char *v, const char *what)
{
	if (strlen(v) > SELFREQ_FIELD_MAX)
		usage_error("%s longer than %d bytes", what,
		    SELFREQ_FIELD_MAX);
	memcpy(dst, v, strlen(v) + 1);
}

/* The positional arguments of the verb with the USER argument optional:
 * want is their number without it. */
static char **
own_args(struct ctx *c, int argc, char **argv, int want, const char *usage)
{
	int	n = argc - optind;

	if (n == want + 1) {
		if (strcmp(argv[optind], me()) != 0) {
			warnx_("%s: you may only manage your own MFA devices "
			    "(you are %s, not %s)", c->verb, me(),
			    argv[optind]);
			exit(EXIT_FAIL);
		}
		return argv + optind + 1;
	}
	if (n != want)
		usage_error("%s: expected %s (see 'mfa-enroll %s --help')",
		    c->verb, usage, c->verb);
	return argv + optind;
}

static void
parse(struct ctx *c, int argc, char **argv, struct self_args *a)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "qr", required_argument, NULL, 'q' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char	**p;
	int	  ch;

	memset(a, 0, sizeof(*a));
	a->style = QR_UTF8;
	if (selfproto_verb_parse(c->verb, &a->req.verb) == -1)
		usage_error("%s: only root may use this verb", c->verb);
	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1) {
		if (ch == 'd' && a->req.verb == SELF_CREATE)
			copy_field(a->req.device, optarg, "--device");
		else if (ch == 'q' && a->req.verb == SELF_CREATE &&
		    qr_style_parse(optarg, &a->style) == 0)
			a->style_given = 1;
		else
			usage_error("%s: bad option %s for a user's own "
			    "devices (see '%s --help')", c->verb,
			    argv[optind - 1], c->verb);
	}
	switch (a->req.verb) {
	case SELF_LIST:
	case SELF_RECOVERY:
	case SELF_CREATE:
		(void)own_args(c, argc, argv, 0, "no arguments");
		break;
	case SELF_DEACTIVATE:
		p = own_args(c, argc, argv, 1, "DEVICE");
		copy_field(a->req.device, p[0], "DEVICE");
		break;
	case SELF_ENABLE:
	case SELF_RESYNC:
		p = own_args(c, argc, argv, 3, "DEVICE CODE1 CODE2");
		copy_field(a->req.device, p[0], "DEVICE");
		copy_field(a->req.code1, p[1], "CODE1");
		copy_field(a->req.code2, p[2], "CODE2");
		break;
	}
	if (!a->style_given && !isatty(STDOUT_FILENO))
		a->style = QR_NONE;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		warnx_("%s: socket path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		warnx_("cannot reach the self-service helper at %s: %s "
		    "(is awsmfa-self.socket enabled?)", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* One line from standard input, echo off on a terminal when asked. */
static char *
read_answer(const char *prompt, int echo)
{
	struct termios	 old, quiet;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 tty = !echo && tcgetattr(STDIN_FILENO, &old) == 0;

	printf("%s", prompt);
	fflush(stdout);
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		putchar('\n');
	}
	if (n <= 0) {
		wipe_free(line, cap);
		return NULL;
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* One frame from the helper; GOING_ON while the conversation goes on,
 * 0 or EXIT_FAIL at DONE, -1 on a broken connection. */
static int
one_frame(int fd, const struct self_args *a, struct self_frame *f)
{
	char	err[MFA_ERRLEN], *ans;
	int	r;

	if (selfproto_read(fd, CLIENT_FRAME_MS, f, err, sizeof(err)) !=
	    MFA_OK) {
		warnx_("self-service helper: %s", err);
		return -1;
	}
	switch (f->type) {
	case SELF_PROMPT:
	case SELF_PROMPT_ECHO:
		ans = read_answer(f->data, f->type == SELF_PROMPT_ECHO);
		r = selfproto_write(fd, SELF_ANSWER, ans != NULL ? ans : "",
		    ans != NULL ? strlen(ans) : 0, err, sizeof(err));
		wipe_free_str(ans);
		return r == MFA_OK ? GOING_ON : -1;
	case SELF_INFO:
		printf("%s\n", f->data);
		return GOING_ON;
	case SELF_ERROR:
		fflush(stdout);
		warnx_("%s", f->data);
		return GOING_ON;
	case SELF_URI:
		printf("%s\n", f->data);
		if (qr_print(stdout, f->data, a->style, err, sizeof(err)) ==
		    -1)
			warnx_("%s", err);
		return GOING_ON;
	case SELF_DONE:
		return f->len == 1 && f->data[0] == '0' ? 0 : EXIT_FAIL;
	default:
		warnx_("self-service helper: an unexpected message");
		return -1;
	}
}

int
self_client(struct ctx *c, int argc, char **argv)
{
	struct self_args	 a;
	struct self_frame	*f;
	char			 buf[SELFPROTO_MAX], err[MFA_ERRLEN];
	size_t			 len;
	int			 fd, r;

	parse(c, argc, argv, &a);
	r = selfproto_build_request(&a.req, buf, sizeof(buf), &len, err,
	    sizeof(err));
	OPENSSL_cleanse(&a.req.code1, sizeof(a.req.code1));
	OPENSSL_cleanse(&a.req.code2, sizeof(a.req.code2));
	if (r != MFA_OK)
		usage_error("%s: %s", c->verb, err);
	if ((fd = connect_to(c->socket)) == -1) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return EXIT_FAIL;
	}
	r = selfproto_write(fd, SELF_REQUEST, buf, len, err, sizeof(err));
	OPENSSL_cleanse(buf, sizeof(buf));
	if (r != MFA_OK || (f = calloc(1, sizeof(*f))) == NULL) {
		warnx_("%s", r != MFA_OK ? err : "out of memory");
		close(fd);
		return EXIT_FAIL;
	}
	while ((r = one_frame(fd, &a, f)) == GOING_ON)
		continue;
	wipe_free(f, sizeof(*f));
	close(fd);
	fflush(stdout);
	return r == -1 ? EXIT_FAIL : r;
}
