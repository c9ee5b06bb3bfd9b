/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixd/target.h"

#define TARGET_DESC_MAX 1024

/**
 * Describe a selector for messages: "label=X,fstype=Y" or "auto".
 */
static void target_describe(const struct manifest_target *sel, char *out,
			    size_t outlen)
{
	const char *names[] = { "label", "uuid", "fstype", "path" };
	const char *vals[] = { sel->label, sel->uuid, sel->fstype, sel->path };
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < 4; i++) {
		if (!vals[i] || len >= outlen)
			continue;
		len += (size_t)snprintf(out + len, outlen - len, "%s%s=%s",
					len ? "," : "", names[i], vals[i]);
	}
	if (!out[0])
		snprintf(out, outlen, "auto");
}

/**
 * Check the selector's path on an open target; close it if absent.
 * @ret 0 or -ENODEV
 */
static int target_check_path(const struct manifest_target *sel,
			     struct target *t, struct err *err)
{
	if (!sel->path || target_path_exists(t, sel->path))
		return 0;
	target_close(t);
	return err_set(err, -ENODEV, "%s does not exist on the target; "
		       "the fix does not apply here", sel->path);
}

/**
 * Use the device or directory given on the command line.
 * @ret 0, -ENODEV, -errno
 */
static int target_given(const struct target_ctx *ctx,
			const struct manifest_target *sel, struct target *t,
			struct err *err)
{
	char desc[TARGET_DESC_MAX];
	struct target_dev d;
	struct stat st;
	int rc;

	if (stat(ctx->given, &st) < 0)
		return err_set(err, -errno, "%s: %s", ctx->given, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (sel->label || sel->uuid || sel->fstype)
			log_info(ctx->log, "target directory %s: label, uuid and "
				 "fstype of the selector not checked", ctx->given);
		rc = target_open_dir(ctx->given, t, err);
	} else if (S_ISBLK(st.st_mode)) {
		rc = target_probe(ctx->given, &d, err);
		if (rc < 0)
			return rc == -ENODEV ? -ENXIO : rc;
		target_describe(sel, desc, sizeof(desc));
		if (!target_match(sel, &d))
			return err_set(err, -ENODEV, "%s (%s label \"%s\") does not "
				       "match the fix's target %s", d.device,
				       d.fstype, d.label, desc);
		rc = target_mount(&d, ctx->work_dir, true, t, err);
	} else {
		return err_set(err, -EINVAL, "%s is neither a directory nor a block "
			       "device", ctx->given);
	}
	if (rc < 0)
		return rc;
	t->log = ctx->log;
	return target_check_path(sel, t, err);
}

/**
 * Whether the selector's path exists on d (mounted read-only to look).
 * @ret 1 yes, 0 no, or the negative errno of the mount
 */
static int target_has_path(const struct target_ctx *ctx,
			   const struct manifest_target *sel,
			   const struct target_dev *d, struct err *err)
{
	struct target t;
	int rc;

	if (!sel->path)
		return 1;
	rc = target_mount(d, ctx->work_dir, true, &t, err);
	if (rc < 0)
		return rc;
	t.log = ctx->log;
	rc = target_path_exists(&t, sel->path);
	target_close(&t);
	return rc;
}

/**
 * Find, mount and check the target for a selector.
 * @ret 0, -ENODEV, -ENOTUNIQ, -errno
 */
int target_select(const struct target_ctx *ctx,
		  const struct manifest_target *sel, struct target *t,
		  struct err *err)
{
	char desc[TARGET_DESC_MAX], names[TARGET_DESC_MAX] = "";
	struct target_dev *devs;
	size_t n, nfound = 0, found = 0;
	int rc;

	if (ctx->given)
		return target_given(ctx, sel, t, err);
	target_describe(sel, desc, sizeof(desc));
	devs = calloc(TARGET_DEVICES_MAX, sizeof(*devs));
	if (!devs)
		return err_set(err, -ENOMEM, "out of memory");
	rc = target_scan(ctx, devs, TARGET_DEVICES_MAX, &n, err);
	if (rc < 0)
		goto out;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!target_match(sel, &devs[i]))
			continue;
		rc = target_has_path(ctx, sel, &devs[i], err);
		if (rc <= 0)
			continue;
		rc = 0;
		if (nfound++ == 0)
			found = i;
		if (strlen(names) + strlen(devs[i].device) + 2 < sizeof(names))
			strcat(strcat(names, " "), devs[i].device);
	}
	if (rc < 0) {
		goto out;
	} else if (nfound == 0) {
		rc = err_set(err, -ENODEV, "no filesystem matches the fix's target %s",
			     desc);
	} else if (nfound > 1) {
		rc = err_set(err, -ENOTUNIQ, "%zu filesystems match the fix's target "
			     "%s:%s; give the fix a label or uuid", nfound, desc, names);
	} else {
		log_info(ctx->log, "target %s: %s", desc, devs[found].device);
		rc = target_mount(&devs[found], ctx->work_dir, true, t, err);
		if (rc == 0) {
			t->log = ctx->log;
			rc = target_check_path(sel, t, err);
		}
	}
out:
	free(devs);
	return rc;
}
