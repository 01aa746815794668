/* QR codes of the otpauth:// URI: on the terminal, or to a PNG or SVG
 * file, always with the 4-module quiet zone cameras need. */
#ifndef AWSMFA_QR_H
#define AWSMFA_QR_H

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
/* Creates path with mode 0600; refuses an existing file or a symlink.
 * Returns the descriptor or -1 with err set. */
int	qr_file_open(const char *path, char *err, size_t errlen);
/* Writes the code to fd (closed in any case). */
int	qr_file_write(int fd, enum qr_format fmt, const char *text, char *err,
	    size_t errlen);

#endif
