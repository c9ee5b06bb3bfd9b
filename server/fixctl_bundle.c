/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "common/manifest.h"
#include "common/protocol.h"
#include "common/strnum.h"
#include "fixd/bundle.h"
#include "fixd/sha.h"
#include "server/fixctl.h"
#include "server/fixctl_archive.h"

#define CREATE_MEMBER_NAME_MAX 32

static const char create_help[] =
"\n"
"  --target SELECTOR   which filesystem the fix applies to: any of label=L,\n"
"                      uuid=U, fstype=ext4|vfat, path=P (P must exist there),\n"
"                      comma-separated; every one given must match.  Without\n"
"                      it: the only filesystem fixd can mount on the client.\n"
"  --put SRC=DEST[:MODE]  install file SRC at DEST (relative to the target's\n"
"                      root) with octal MODE (default 0644, 0755 if SRC is\n"
"                      executable; setuid and setgid are refused)\n"
"  --delete GLOB[:MAX] delete the regular files matching GLOB; wildcards only in\n"
"                      its last component, which starts with a literal\n"
"                      character; more than MAX matches (default 64) refuse\n"
"                      the whole fix\n"
"  --hook SCRIPT[:TIMEOUT]  run SCRIPT with /bin/sh after the files, in the\n"
"                      target's root, FIXNET_TARGET, FIXNET_FIX_ID and\n"
"                      FIXNET_SERIAL set; killed after TIMEOUT s (default 300)\n"
"  --serial N          above the serial of any earlier bundle of this --id\n"
"  -o OUT.fix          written atomically, never over an existing file\n"
"Operations are applied in the order given (hooks after every file).\n";

/* An op as given on the command line, in order. */
struct create_arg {
	enum manifest_op_kind kind;
	char *spec;
};

struct create {
	struct manifest m;
	struct create_arg *args;	/* one per op */
	struct buf *data;		/* contents of puts and hooks */
	char (*names)[CREATE_MEMBER_NAME_MAX];
	struct fixctl_member *members;
	size_t nmembers;
	uint64_t unpacked;		/* bytes of all members */
	const char *target, *out;
};

/**
 * Split "TEXT:NUMBER" at its last ':' when what follows is digits only.
 * @ret the digits (arg is cut before them), or NULL if there are none
 */
static char *create_suffix(char *arg)
{
	char *colon = strrchr(arg, ':');

	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return NULL;
	*colon = '\0';
	return colon + 1;
}

/**
 * Read a source file (regular, within the bundle's limits) for op i.
 * @ret 0 or a negative errno
 */
static int create_read(struct create *c, size_t i, const char *src,
		       struct err *err)
{
	struct manifest_op *op = &c->m.ops[i];
	uint64_t room = BUNDLE_UNPACKED_MAX - c->unpacked;
	struct stat st;
	int rc;

	if (stat(src, &st) < 0)
		return err_set(err, -errno, "%s: %s", src, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(err, -EINVAL, "%s is not a regular file", src);
	rc = file_read(src, room < MANIFEST_FILE_MAX ? room : MANIFEST_FILE_MAX,
		       &c->data[i], err);
	if (rc < 0)
		return rc;
	op->size = c->data[i].len;
	sha_buf(c->data[i].data, c->data[i].len, op->sha256);
	c->unpacked += op->size;
	snprintf(c->names[i], CREATE_MEMBER_NAME_MAX, "%s/%zu",
		 op->kind == MANIFEST_OP_PUT ? "payload" : "hooks", i);
	op->member = c->names[i];
	c->members[c->nmembers++] = (struct fixctl_member){ c->names[i],
		c->data[i].data, c->data[i].len };
	if (op->kind == MANIFEST_OP_PUT && !op->mode)
		op->mode = (st.st_mode & 0111) ? 0755 : 0644;
	return 0;
}

/**
 * --put SRC=DEST[:MODE]
 * @ret 0 or a negative errno
 */
static int create_put(struct create *c, size_t i, char *spec, struct err *err)
{
	struct manifest_op *op = &c->m.ops[i];
	char *eq = strchr(spec, '='), *mode;
	int rc;

	if (!eq || eq == spec || !eq[1])
		return err_set(err, -EINVAL, "--put %s: give SRC=DEST[:MODE]", spec);
	*eq = '\0';
	op->path = eq + 1;
	mode = create_suffix(op->path);
	if (mode && strnum_mode(mode, &op->mode) < 0)
		return err_set(err, -EINVAL, "--put %s: bad mode %s", spec, mode);
	if (op->mode & 06000)
		return err_set(err, -EINVAL, "--put %s: mode %04o: setuid and setgid "
			       "are not allowed", spec, (unsigned)op->mode);
	rc = manifest_path_check(op->path, err);
	if (rc < 0)
		return rc;
	if (!op->mode && mode)
		return err_set(err, -EINVAL, "--put %s: mode 0 leaves the file "
			       "unreadable", spec);
	return create_read(c, i, spec, err);
}

/**
 * --delete GLOB[:MAX]
 * @ret 0 or -EINVAL
 */
static int create_delete(struct create *c, size_t i, char *spec,
			 struct err *err)
{
	struct manifest_op *op = &c->m.ops[i];
	char *max = create_suffix(spec);
	uint64_t n = MANIFEST_DELETE_MAX_DEFAULT;

	if (max && strnum_u64(max, 1, MANIFEST_DELETE_MAX_LIMIT, &n) < 0)
		return err_set(err, -EINVAL, "--delete %s: MAX must be 1 to %d", spec,
			       MANIFEST_DELETE_MAX_LIMIT);
	op->path = spec;
	op->max_matches = (uint32_t)n;
	return manifest_glob_check(spec, err);
}

/**
 * --hook SCRIPT[:TIMEOUT]
 * @ret 0 or a negative errno
 */
static int create_hook(struct create *c, size_t i, char *spec, struct err *err)
{
	struct manifest_op *op = &c->m.ops[i];
	char *timeout = create_suffix(spec);
	uint64_t n = MANIFEST_HOOK_TIMEOUT_DEFAULT;

	if (timeout && strnum_u64(timeout, 1, MANIFEST_HOOK_TIMEOUT_MAX, &n) < 0)
		return err_set(err, -EINVAL, "--hook %s: TIMEOUT must be 1 to %d "
			       "seconds", spec, MANIFEST_HOOK_TIMEOUT_MAX);
	op->timeout_s = (uint32_t)n;
	return create_read(c, i, spec, err);
}

/**
 * --target label=L,uuid=U,fstype=T,path=P (any of them)
 * @ret 0 or -EINVAL
 */
static int create_target(struct manifest_target *t, char *spec, struct err *err)
{
	char *save = NULL;

	for (char *kv = strtok_r(spec, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '='), **field = NULL;

		if (eq)
			*eq = '\0';
		if (strcmp(kv, "label") == 0)
			field = &t->label;
		else if (strcmp(kv, "uuid") == 0)
			field = &t->uuid;
		else if (strcmp(kv, "fstype") == 0)
			field = &t->fstype;
		else if (strcmp(kv, "path") == 0)
			field = &t->path;
		if (!eq || !eq[1] || !field)
			return err_set(err, -EINVAL, "--target: \"%s\" is not one of "
				       "label=, uuid=, fstype=, path=", kv);
		if (*field)
			return err_set(err, -EINVAL, "--target: %s given twice", kv);
		*field = eq + 1;
	}
	if (t->path)
		return manifest_path_check(t->path, err);
	return 0;
}

/**
 * Fill the manifest from the options.
 * @ret 0 or a negative errno
 */
static int create_manifest(struct create *c, const char *id, const char *serial,
			   struct err *err)
{
	int rc;

	c->m.format = MANIFEST_FORMAT;
	c->m.id = (char *)id;
	rc = manifest_id_check(id, err);
	if (rc < 0)
		return rc;
	if (strnum_u64(serial, 1, MANIFEST_SERIAL_MAX, &c->m.serial) < 0)
		return err_set(err, -EINVAL, "--serial must be a number from 1 to %llu",
			       (unsigned long long)MANIFEST_SERIAL_MAX);
	if (c->m.description && strlen(c->m.description) > MANIFEST_DESC_MAX)
		return err_set(err, -EINVAL, "--description: at most %d bytes",
			       MANIFEST_DESC_MAX);
	if (c->m.nops > MANIFEST_MAX_OPS)
		return err_set(err, -EINVAL, "more than %d operations", MANIFEST_MAX_OPS);
	if (c->target && (rc = create_target(&c->m.target, (char *)c->target, err)) < 0)
		return rc;
	for (size_t i = 0; i < c->m.nops; i++) {
		c->m.ops[i].kind = c->args[i].kind;
		if (c->args[i].kind == MANIFEST_OP_PUT)
			rc = create_put(c, i, c->args[i].spec, err);
		else if (c->args[i].kind == MANIFEST_OP_DELETE)
			rc = create_delete(c, i, c->args[i].spec, err);
		else
			rc = create_hook(c, i, c->args[i].spec, err);
		if (rc < 0)
			return rc;
	}
	return bundle_paths_check(&c->m, err);
}

/**
 * Write the bundle to a temporary file, read it back through the agent's
 * own reader, then move it into place.
 * @ret 0 or a negative errno
 */
static int create_write(struct create *c, struct err *err)
{
	char tmp[PATH_MAX], sha[SHA256_HEX_LEN];
	uint8_t digest[SHA256_LEN];
	struct bundle *check = NULL;
	struct buf json, back;
	int fd, rc;

	buf_init(&json, MANIFEST_MAX_BYTES);
	buf_init(&back, 0);
	rc = manifest_format(&c->m, &json);
	if (rc < 0) {
		err_set(err, rc, "the manifest breaks a rule of its format (%s)",
			strerror(-rc));
		goto out;
	}
	fd = fixctl_tmp_open(c->out, tmp, sizeof(tmp), 0644, err);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	rc = fixctl_archive_write(fd, &json, c->members, c->nmembers, err);
	if (rc == 0)
		rc = file_read(tmp, PROTO_BUNDLE_MAX, &back, err);
	if (rc == 0)
		rc = bundle_parse(back.data, back.len, &check, err);
	if (rc < 0) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	rc = fixctl_tmp_commit(fd, tmp, c->out, false, err);
	if (rc == 0) {
		sha_buf(back.data, back.len, digest);
		hex_encode(digest, SHA256_LEN, sha);
		printf("%s: fix %s serial %llu, %zu operation(s), %zu bytes\n"
		       "sha256 %s\nsign it with: fixctl bundle sign --key KEY %s\n",
		       c->out, c->m.id, (unsigned long long)c->m.serial, c->m.nops,
		       back.len, sha, c->out);
	}
out:
	bundle_free(check);
	buf_free(&back);
	buf_free(&json);
	return rc;
}

/** Free what create allocated. */
static void create_free(struct create *c)
{
	for (size_t i = 0; c->data && i < c->m.nops; i++)
		buf_free(&c->data[i]);
	free(c->data);
	free(c->names);
	free(c->members);
	free(c->args);
	free(c->m.ops);
}

/**
 * Room for every op the command line can hold.
 * @ret 0 or -ENOMEM
 */
static int create_alloc(struct create *c, int argc)
{
	size_t n = (size_t)argc;

	c->args = calloc(n, sizeof(*c->args));
	c->m.ops = calloc(n, sizeof(*c->m.ops));
	c->data = calloc(n, sizeof(*c->data));
	c->names = calloc(n, sizeof(*c->names));
	c->members = calloc(n, sizeof(*c->members));
	return c->args && c->m.ops && c->data && c->names && c->members ? 0 : -ENOMEM;
}

/**
 * `fixctl bundle create ...`.
 * @ret exit code
 */
int fixctl_bundle_create(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "serial", required_argument, NULL, 's' },
		{ "target", required_argument, NULL, 't' },
		{ "put", required_argument, NULL, 'p' },
		{ "delete", required_argument, NULL, 'd' },
		{ "hook", required_argument, NULL, 'k' },
		{ "description", required_argument, NULL, 'D' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct create c = { 0 };
	struct err err = { "" };
	const char *id = NULL, *serial = NULL;
	int ch, rc;

	(void)ctx;
	if (create_alloc(&c, argc) < 0) {
		create_free(&c);
		fprintf(stderr, "fixctl bundle create: out of memory\n");
		return FIXCTL_EXIT_TEMPORARY;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': id = optarg; break;
		case 's': serial = optarg; break;
		case 't': c.target = optarg; break;
		case 'D': c.m.description = optarg; break;
		case 'o': c.out = optarg; break;
		case 'p': c.args[c.m.nops++] = (struct create_arg){ MANIFEST_OP_PUT, optarg }; break;
		case 'd': c.args[c.m.nops++] = (struct create_arg){ MANIFEST_OP_DELETE, optarg }; break;
		case 'k': c.args[c.m.nops++] = (struct create_arg){ MANIFEST_OP_HOOK, optarg }; break;
		case 'h':
			create_free(&c);
			fixctl_usage("bundle", "create", true);
			fputs(create_help, stdout);
			return FIXCTL_EXIT_OK;
		default: create_free(&c); return fixctl_usage("bundle", "create", false);
		}
	}
	if (!id || !serial || !c.out || optind != argc) {
		create_free(&c);
		return fixctl_usage("bundle", "create", false);
	}
	rc = create_manifest(&c, id, serial, &err);
	if (rc == 0)
		rc = create_write(&c, &err);
	create_free(&c);
	if (rc < 0) {
		fprintf(stderr, "fixctl bundle create: %s\n", err.msg);
		return FIXCTL_EXIT_PERMANENT;
	}
	return FIXCTL_EXIT_OK;
}
