/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Arbitrary bytes as the text of awsmfa.conf: parsing must return 0 or -1
 * with a one-line message, and never crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct awsmfa_config cfg;
	char err[MFA_ERRLEN];
	char *text;
	size_t i;

	/* config_load refuses NUL bytes; the text is a C string here. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse_text(text, "fuzz.conf", &cfg, err,
	    sizeof(err)) == -1) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		if (cfg.ngroups != 0)
			abort();
	} else {
		if (cfg.ngroups > CONFIG_MAX_GROUPS || cfg.store_dir[0] != '/')
			abort();
		for (i = 0; i < cfg.ngroups; i++)
			(void)config_requires_group(&cfg, cfg.require_groups[i]);
	}
	config_free(&cfg);
	free(text);
	return 0;
}
