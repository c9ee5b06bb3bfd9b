/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/import.h"

/**
 * Parse a format name.
 *
 * @v s		"ethers" or "csv"
 * @v out	the format
 * @ret rc	0 or -EINVAL
 */
int import_format_parse(const char *s, enum import_format *out)
{
	if (strcmp(s, "ethers") == 0)
		*out = IMPORT_ETHERS;
	else if (strcmp(s, "csv") == 0)
		*out = IMPORT_CSV;
	else
		return -EINVAL;
	return 0;
}

/** Copy a field into a name slot, checking it ("" allowed). */
static int import_name(const char *field, size_t n, char out[INV_NAME_MAX + 1])
{
	if (n > INV_NAME_MAX)
		return -EINVAL;
	memcpy(out, field, n);
	out[n] = '\0';
	return n == 0 || inv_name_check(out) == 0 ? 0 : -EINVAL;
}

/** Parse the MAC field. */
static int import_mac(const char *field, size_t n, char out[MAC_STR_LEN])
{
	char tmp[32];
	struct mac m;

	if (n == 0 || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, field, n);
	tmp[n] = '\0';
	if (mac_parse(tmp, &m) < 0 || !mac_is_unicast(&m))
		return -EINVAL;
	mac_format(&m, out);
	return 0;
}

/** One ethers line: MAC, blanks, name, then nothing but blanks. */
static int import_ethers_line(char *line, struct import_row *r,
			      struct err *err)
{
	char *save = NULL;
	char *mac = strtok_r(line, " \t", &save);
	char *name = mac ? strtok_r(NULL, " \t", &save) : NULL;

	if (!mac || !name || strtok_r(NULL, " \t", &save))
		return err_set(err, -EINVAL, "line %u: expected MAC NAME",
			       r->line);
	if (import_mac(mac, strlen(mac), r->mac) < 0)
		return err_set(err, -EINVAL, "line %u: invalid MAC %.32s",
			       r->line, mac);
	if (import_name(name, strlen(name), r->name) < 0 || !r->name[0])
		return err_set(err, -EINVAL, "line %u: invalid name (1-64 of "
			       "A-Z a-z 0-9 . _ -)", r->line);
	return 0;
}

/** One CSV line: mac,name,group,power_group (trailing fields optional). */
static int import_csv_line(char *line, struct import_row *r, struct err *err)
{
	char *field[4] = { line, NULL, NULL, NULL };
	size_t nf = 1;
	char *p;

	for (p = line; *p && nf <= 4; p++) {
		if (*p != ',')
			continue;
		if (nf == 4)
			return err_set(err, -EINVAL, "line %u: more than 4 "
				       "fields (mac,name,group,power_group)",
				       r->line);
		*p = '\0';
		field[nf++] = p + 1;
	}
	if (import_mac(field[0], strlen(field[0]), r->mac) < 0)
		return err_set(err, -EINVAL, "line %u: invalid MAC %.32s",
			       r->line, field[0]);
	if ((field[1] && import_name(field[1], strlen(field[1]), r->name) < 0) ||
	    (field[2] && import_name(field[2], strlen(field[2]), r->group) < 0) ||
	    (field[3] && import_name(field[3], strlen(field[3]),
				     r->power_group) < 0))
		return err_set(err, -EINVAL, "line %u: invalid name, group or "
			       "power group (1-64 of A-Z a-z 0-9 . _ -)",
			       r->line);
	return 0;
}

/** Strip a comment and blanks; @ret the line, "" if nothing is left. */
static char *import_clean(char *line, enum import_format fmt)
{
	char *hash = fmt == IMPORT_ETHERS ? strchr(line, '#') : NULL;
	char *end;

	if (hash)
		*hash = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && strchr(" \t\r", end[-1]))
		*--end = '\0';
	if (fmt == IMPORT_CSV && *line == '#')
		*line = '\0';
	return line;
}

/**
 * Parse a client list.
 *
 * @v text	the file's content
 * @v len	its length
 * @v fmt	format
 * @v rows	the rows
 * @v n		how many
 * @v err	the first error, with its line
 * @ret rc	0, -EINVAL, -E2BIG, -ENOMEM
 */
int import_parse(const char *text, size_t len, enum import_format fmt,
		 struct import_row **rows, size_t *n, struct err *err)
{
	struct import_row *out = NULL, *grown;
	char line[IMPORT_LINE_MAX + 1];
	size_t cap = 0, pos = 0;
	unsigned lineno = 0;
	int rc = 0;

	*n = 0;
	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *l;

		lineno++;
		if (ll > IMPORT_LINE_MAX || memchr(text + pos, '\0', ll)) {
			rc = err_set(err, -EINVAL, "line %u: too long or "
				     "binary", lineno);
			break;
		}
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		pos += ll + 1;
		l = import_clean(line, fmt);
		if (!*l || (fmt == IMPORT_CSV && lineno == 1 &&
			    strncmp(l, "mac", 3) == 0))
			continue;
		if (*n == IMPORT_ROWS_MAX) {
			rc = err_set(err, -E2BIG, "more than %d clients",
				     IMPORT_ROWS_MAX);
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(out, cap * sizeof(*out));
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			out = grown;
		}
		memset(&out[*n], 0, sizeof(out[*n]));
		out[*n].line = lineno;
		rc = fmt == IMPORT_ETHERS ?
			import_ethers_line(l, &out[*n], err) :
			import_csv_line(l, &out[*n], err);
		if (rc == 0)
			(*n)++;
	}
	if (rc < 0) {
		free(out);
		*n = 0;
		return rc;
	}
	*rows = out;
	return 0;
}
