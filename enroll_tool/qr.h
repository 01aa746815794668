/* SPDX-License-Identifier: BSD-2-Clause */
/* QR codes of the otpauth:// URI: on the terminal, or to a PNG or SVG
 * file, always with the 4-module quiet zone cameras need. */
#ifndef AWSMFA_QR_H
#define AWSMFA_QR_H

#include <sys/types.h>

#include <limits.h>
#include <stdio.h>

enum qr_style {
	QR_NONE = 0,
	QR_UTF8,	/* half blocks: two rows of modules per line */
	QR_ANSI		/* background colours: works on light and dark */
};

enum qr_format {
	QR_FILE_PNG,
	QR_FILE_SVG
};

/* 0 with *style set, -1 for an unknown name. */
int	qr_style_parse(const char *s, enum qr_style *style);
/* From the file name's extension (.png or .svg, any case); 0 or -1. */
int	qr_file_format(const char *path, enum qr_format *fmt);

/* 0, or -1 with a one-line reason in err. */
int	qr_print(FILE *out, const char *text, enum qr_style style, char *err,
	    size_t errlen);
/*
 * A QR file being made.  The folder's descriptor and the file's identity
 * are kept from its creation, so that a create that fails afterwards
 * removes that file, in that folder, and nothing another user may have
 * put at the path since.
 */
struct qr_file {
	const char	*path;		/* as given, for messages */
	int		 dirfd;		/* the folder it was created in, or -1 */
	int		 fd;		/* until written, or -1 */
	char		 name[NAME_MAX + 1];
	dev_t		 dev;
	ino_t		 ino;
};

/* An empty qr_file (no file): qr_file_keep and qr_file_remove do
 * nothing with it. */
void	qr_file_none(struct qr_file *f);
/* Creates path with mode 0600; refuses an existing file or a symlink.
 * 0, or -1 with err set and f empty. */
int	qr_file_open(struct qr_file *f, const char *path, char *err,
	    size_t errlen);
/* Writes the code to f's descriptor (closed in any case). */
int	qr_file_write(struct qr_file *f, enum qr_format fmt, const char *text,
	    char *err, size_t errlen);
/* Done: leaves the file and closes what f holds. */
void	qr_file_keep(struct qr_file *f);
/* Failed: removes the file if the path still names the one created, and
 * closes what f holds.  0, or -1 with err set when another file is there
 * now and was left alone. */
int	qr_file_remove(struct qr_file *f, char *err, size_t errlen);

#endif
