/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QR rendering through libqrencode.  Files get error correction M and
 * the standard quiet zone of 4; the terminal gets L and 2, as
 * google-authenticator does: a lit screen is not a creased printout, and
 * the code, the secret and the prompts then fit 80x24 with a typical
 * issuer and user.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <png.h>
#include <qrencode.h>

#include "qr.h"

#define QUIET		4	/* modules of white around the code */
#define QUIET_TERM	2	/* the same on a terminal */
/* Dark modules black, light ones white, whatever the terminal's theme. */
#define TERM_COLOURS	"\033[30;47m"
#define TERM_RESET	"\033[0m"
#define PNG_SCALE	8	/* pixels per module */

static QRcode *
encode(const char *text, QRecLevel level, char *err, size_t errlen)
{
	QRcode	*q;

	q = QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
	if (q == NULL)
		snprintf(err, errlen, "cannot encode the QR code: %s",
		    strerror(errno));
	return q;
}

/* 1 for a dark module; the quiet zone around the code is light. */
static int
dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

int
qr_style_parse(const char *s, enum qr_style *style)
{
	if (strcmp(s, "utf8") == 0)
		*style = QR_UTF8;
	else if (strcmp(s, "ansi") == 0)
		*style = QR_ANSI;
	else if (strcmp(s, "none") == 0)
		*style = QR_NONE;
	else
		return -1;
	return 0;
}

int
qr_file_format(const char *path, enum qr_format *fmt)
{
	size_t	n = strlen(path);

	if (n > 4 && strcasecmp(path + n - 4, ".png") == 0)
		*fmt = QR_FILE_PNG;
	else if (n > 4 && strcasecmp(path + n - 4, ".svg") == 0)
		*fmt = QR_FILE_SVG;
	else
		return -1;
	return 0;
}

/* Two rows of modules per line in half blocks, drawn in the foreground
 * colour (black) on the background (white), both set on every line: on a
 * dark-on-light and a light-on-dark terminal alike the code reads dark on
 * light, as cameras expect. */
static void
print_utf8(FILE *out, const QRcode *q)
{
	static const char *glyph[4] = {
		" ",		/* both light */
		"\u2584",	/* upper light, lower dark */
		"\u2580",	/* upper dark, lower light */
		"\u2588"	/* both dark */
	};
	int x, y;

	for (y = -QUIET_TERM; y < q->width + QUIET_TERM; y += 2) {
		fputs(TERM_COLOURS, out);
		for (x = -QUIET_TERM; x < q->width + QUIET_TERM; x++)
			fputs(glyph[dark(q, x, y) << 1 | dark(q, x, y + 1)],
			    out);
		fputs(TERM_RESET "\n", out);
	}
}

/* For terminals without block glyphs: two spaces per module, coloured. */
static void
print_ansi(FILE *out, const QRcode *q)
{
	int	x, y;

	for (y = -QUIET_TERM; y < q->width + QUIET_TERM; y++) {
		for (x = -QUIET_TERM; x < q->width + QUIET_TERM; x++)
			fputs(dark(q, x, y) ? "\033[40m  " : "\033[47m  ",
			    out);
		fputs(TERM_RESET "\n", out);
	}
}

/* The modules spell out the URI, secret included: wipe them like it. */
static void
qr_free(QRcode *q)
{
	OPENSSL_cleanse(q->data, (size_t)q->width * (size_t)q->width);
	QRcode_free(q);
}

int
qr_print(FILE *out, const char *text, enum qr_style style, char *err,
    size_t errlen)
{
	QRcode	*q;

	if (style == QR_NONE)
		return 0;
	if ((q = encode(text, QR_ECLEVEL_L, err, errlen)) == NULL)
		return -1;
	if (style == QR_ANSI)
		print_ansi(out, q);
	else
		print_utf8(out, q);
	qr_free(q);
	return 0;
}

void
qr_file_none(struct qr_file *f)
{
	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	f->fd = -1;
}

/* The folder named by path (the working directory when path names none),
 * opened, and the file's own name in f->name. */
static int
open_folder(struct qr_file *f, const char *path)
{
	const char	*slash = strrchr(path, '/');
	const char	*base = slash != NULL ? slash + 1 : path;
	char		*dir;
	int		 fd;

	if (strlen(base) > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(f->name, base, strlen(base) + 1);
	if (slash == NULL)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (slash == path)
		return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

int
qr_file_open(struct qr_file *f, const char *path, char *err, size_t errlen)
{
	struct stat	sb;

	qr_file_none(f);
	f->path = path;
	if ((f->dirfd = open_folder(f, path)) == -1)
		goto fail;
	f->fd = openat(f->dirfd, f->name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f->fd == -1)
		goto fail;
	if (fstat(f->fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		qr_file_keep(f);	/* unknown inode: cannot tell it is ours */
		return -1;
	}
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	if (fchmod(f->fd, 0600) == -1) {	/* whatever the umask */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		(void)qr_file_remove(f, NULL, 0);
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (f->dirfd >= 0)
		close(f->dirfd);
	qr_file_none(f);
	return -1;
}

void
qr_file_keep(struct qr_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->dirfd >= 0)
		close(f->dirfd);
	qr_file_none(f);
}

/*
 * Whoever can write to the folder may have renamed another file to the
 * path since it was created: root must not remove that one.  The name is
 * removed relative to the folder it was created in, and only while it
 * still names the inode created.  Between the fstatat and the unlinkat a
 * swap is still possible (there is no unlink by descriptor), but then
 * only by racing a window of two system calls, and not at all in a
 * sticky folder such as /tmp, where nobody else may rename over root's
 * file.
 */
int
qr_file_remove(struct qr_file *f, char *err, size_t errlen)
{
	struct stat	sb;
	int		r = 0;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->dirfd >= 0 &&
	    fstatat(f->dirfd, f->name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (sb.st_dev == f->dev && sb.st_ino == f->ino)
			(void)unlinkat(f->dirfd, f->name, 0);
		else {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s: not removed: it is "
				    "no longer the file written", f->path);
			r = -1;
		}
	}
	qr_file_keep(f);
	return r;
}

static int
write_png(FILE *fp, const QRcode *q)
{
	png_image	img;
	png_bytep	px;
	int		side = (q->width + 2 * QUIET) * PNG_SCALE, x, y, ok;

	if ((px = malloc((size_t)side * (size_t)side)) == NULL)
		return -1;
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			px[(size_t)y * (size_t)side + (size_t)x] =
			    dark(q, x / PNG_SCALE - QUIET,
			    y / PNG_SCALE - QUIET) ? 0 : 255;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)side;
	img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	ok = png_image_write_to_stdio(&img, fp, 0, px, 0, NULL);
	png_image_free(&img);
	OPENSSL_cleanse(px, (size_t)side * (size_t)side);
	free(px);
	return ok ? 0 : -1;
}

static int
write_svg(FILE *fp, const QRcode *q)
{
	int	side = q->width + 2 * QUIET, x, y;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "shape-rendering=\"crispEdges\">\n"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
	    "<path fill=\"#000000\" d=\"", side, side, side * PNG_SCALE,
	    side * PNG_SCALE, side, side);
	for (y = 0; y < q->width; y++)
		for (x = 0; x < q->width; x++)
			if (dark(q, x, y))
				fprintf(fp, "M%d %dh1v1h-1z", x + QUIET,
				    y + QUIET);
	fprintf(fp, "\"/>\n</svg>\n");
	return ferror(fp) ? -1 : 0;
}

int
qr_file_write(struct qr_file *f, enum qr_format fmt, const char *text,
    char *err, size_t errlen)
{
	QRcode	*q;
	FILE	*fp;
	int	 r;

	fp = fdopen(f->fd, "w");
	if (fp == NULL) {
		snprintf(err, errlen, "cannot write the QR file: %s",
		    strerror(errno));
		close(f->fd);
		f->fd = -1;
		return -1;
	}
	f->fd = -1;	/* fp owns it now */
	if ((q = encode(text, QR_ECLEVEL_M, err, errlen)) == NULL) {
		(void)fclose(fp);	/* failing already */
		return -1;
	}
	r = fmt == QR_FILE_PNG ? write_png(fp, q) : write_svg(fp, q);
	qr_free(q);
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1)
		r = -1;
	if (fclose(fp) == EOF)
		r = -1;
	if (r == -1)
		snprintf(err, errlen, "cannot write the QR file");
	return r;
}
