/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/bootscript.h"
#include "server/log.h"

static const char *const bs_files[BS__COUNT] = {
	[BS_ENTRY] = "entry.ipxe",
	[BS_QUARANTINE] = "quarantine.ipxe",
	[BS_LOCAL_BIOS] = "local-bios.ipxe",
	[BS_LOCAL_EFI] = "local-efi.ipxe",
};

/**
 * Read one file whole, with a cap.
 *
 * @v path	file
 * @v out	NUL-terminated content (free())
 * @ret rc	0, -EFBIG, or a negative errno
 */
static int bs_read(const char *path, char **out)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf_init(&b, BOOTSCRIPT_FILE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		rc = buf_append(&b, chunk, (size_t)n);
		if (rc < 0)
			break;
	}
	if (n < 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && strncmp(b.data ? b.data : "", "#!ipxe", 6) != 0)
		rc = -EINVAL;
	if (rc == 0) {
		*out = buf_steal(&b, NULL);
		rc = *out ? 0 : -ENOMEM;
	}
	buf_free(&b);
	return rc;
}

/**
 * Read the templates.
 *
 * @v bs	templates
 * @v dir	script_dir
 * @ret rc	0 or a negative errno
 */
int bootscript_load(struct bootscripts *bs, const char *dir)
{
	char path[4096];
	int rc;

	memset(bs, 0, sizeof(*bs));
	for (int i = 0; i < BS__COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, bs_files[i]);
		rc = bs_read(path, &bs->text[i]);
		if (rc < 0) {
			log_err("boot", "%s: %s%s", path, strerror(-rc),
				rc == -EINVAL ? " (not an iPXE script: no "
				"#!ipxe first line)" : "");
			bootscript_free(bs);
			return rc;
		}
	}
	return 0;
}

/**
 * Free the templates.
 *
 * @v bs	templates, may be zeroed
 */
void bootscript_free(struct bootscripts *bs)
{
	for (int i = 0; i < BS__COUNT; i++) {
		free(bs->text[i]);
		bs->text[i] = NULL;
	}
}

/** The value of a placeholder name of n bytes; -EINVAL if unknown. */
static int bs_value(const struct bootscript_vars *v, const char *name,
		    size_t n, const char **out)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "SERVER", offsetof(struct bootscript_vars, server) },
		{ "AGENT_URL", offsetof(struct bootscript_vars, agent_url) },
		{ "TOKEN", offsetof(struct bootscript_vars, token) },
		{ "MAC", offsetof(struct bootscript_vars, mac) },
		{ "BOOTIF", offsetof(struct bootscript_vars, bootif) },
		{ "KERNEL_ARGS", offsetof(struct bootscript_vars, kernel_args) },
		{ "RETRIES", offsetof(struct bootscript_vars, retries) },
		{ "REASON", offsetof(struct bootscript_vars, reason) },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, name, n) == 0) {
			const char *val = *(const char *const *)(const void *)
				((const char *)v + names[i].off);

			*out = val ? val : "";
			for (const char *p = *out; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					return -EINVAL;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * Render a template.
 *
 * @v bs	templates
 * @v kind	which one
 * @v vars	placeholder values
 * @v out	the script (appended)
 * @ret rc	0 or a negative errno
 */
int bootscript_render(const struct bootscripts *bs, enum bootscript_kind kind,
		      const struct bootscript_vars *vars, struct buf *out)
{
	const char *p = bs->text[kind], *open, *close, *val;
	int rc;

	while ((open = strstr(p, "@@")) != NULL) {
		close = strstr(open + 2, "@@");
		if (!close)
			break;
		rc = buf_append(out, p, (size_t)(open - p));
		if (rc < 0)
			return rc;
		rc = bs_value(vars, open + 2, (size_t)(close - open - 2), &val);
		if (rc < 0)
			return rc;
		rc = buf_puts(out, val);
		if (rc < 0)
			return rc;
		p = close + 2;
	}
	return buf_puts(out, p);
}
