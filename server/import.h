/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_IMPORT_H
#define FIXNET_SERVER_IMPORT_H

#include <stddef.h>

#include "common/err.h"
#include "common/mac.h"
#include "server/inventory.h"

/*
 * Client lists to import: /etc/ethers ("MAC name" per line, '#' comments)
 * or CSV "mac,name,group,power_group" (empty fields allowed, an optional
 * header line starting with "mac").  Every row is checked before any is
 * added; an error names its line.
 */

#define IMPORT_ROWS_MAX 100000
#define IMPORT_LINE_MAX 1024

enum import_format { IMPORT_ETHERS, IMPORT_CSV };

struct import_row {
	unsigned line;
	char mac[MAC_STR_LEN];		/* canonical */
	char name[INV_NAME_MAX + 1];	/* "" if none */
	char group[INV_NAME_MAX + 1];
	char power_group[INV_NAME_MAX + 1];
};

/** @ret 0 and *out for "ethers" or "csv", else -EINVAL */
int import_format_parse(const char *s, enum import_format *out);

/**
 * Parse a list.
 * @ret 0 and *rows (free()), or -EINVAL / -E2BIG with err naming the line
 */
int import_parse(const char *text, size_t len, enum import_format fmt,
		 struct import_row **rows, size_t *n, struct err *err);

#endif
