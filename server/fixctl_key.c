/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/buf.h"
#include "common/minisign.h"
#include "server/fixctl.h"

#define KEY_COMMENT_PREFIX "untrusted comment: "

struct key_opts {
	const char *out, *password_file, *comment;
	bool no_password;
};

/**
 * Replace the first line (the untrusted comment) of a key file's text.
 * @ret 0, -EINVAL (bad comment), -ENOMEM, -EFBIG
 */
static int key_set_comment(struct buf *text, const char *comment,
			   struct err *err)
{
	const char *nl = memchr(text->data, '\n', text->len);
	struct buf out;
	int rc;

	if (strpbrk(comment, "\r\n") || strlen(comment) > MINISIGN_COMMENT_MAX)
		return err_set(err, -EINVAL, "--comment: one line of at most %d bytes",
			       MINISIGN_COMMENT_MAX);
	if (!nl)
		return err_set(err, -EINVAL, "key text has no comment line");
	buf_init(&out, MINISIGN_FILE_MAX);
	rc = buf_printf(&out, "%s%s", KEY_COMMENT_PREFIX, comment);
	if (rc == 0)
		rc = buf_append(&out, nl, text->len - (size_t)(nl - text->data));
	if (rc < 0) {
		buf_free(&out);
		return err_set(err, rc, "--comment: too long");
	}
	buf_free(text);
	*text = out;
	return 0;
}

/**
 * The password for a new key: from a file, the terminal, or none.
 * @ret 0 (*pw NULL for none), or a negative errno
 */
static int key_password(const struct key_opts *o, char *buf, size_t max,
			const char **pw, struct err *err)
{
	int rc;

	*pw = NULL;
	if (o->no_password)
		return 0;
	if (o->password_file)
		rc = fixctl_password_file(o->password_file, buf, max, err);
	else
		rc = fixctl_password_tty("Password for the new key: ", true, buf, max,
					 err);
	if (rc == -ENXIO)
		return err_set(err, rc, "no terminal to ask for a password: give "
			       "--password-file FILE, or --no-password for an "
			       "unencrypted key");
	if (rc == 0)
		*pw = buf;
	return rc;
}

/**
 * Generate the key pair and write both files.
 * @ret 0 or a negative errno
 */
static int key_write(const struct key_opts *o, const char *pw, struct err *err)
{
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	struct buf sec, pub;
	char pubname[PATH_MAX];
	int rc;

	snprintf(pubname, sizeof(pubname), "%s.pub", o->out);
	buf_init(&sec, MINISIGN_FILE_MAX);
	buf_init(&pub, MINISIGN_FILE_MAX);
	rc = minisign_keypair_generate(&sk, &pk);
	if (rc == 0)
		rc = minisign_seckey_format(&sk, pw, &sec);
	if (rc == 0)
		rc = minisign_pubkey_format(&pk, &pub);
	sodium_memzero(&sk, sizeof(sk));
	if (rc < 0) {
		err_set(err, rc, "cannot make the key: %s", strerror(-rc));
		goto out;
	}
	if (o->comment && ((rc = key_set_comment(&sec, o->comment, err)) < 0 ||
			   (rc = key_set_comment(&pub, o->comment, err)) < 0))
		goto out;
	rc = fixctl_write_file(o->out, sec.data, sec.len, 0600, false, err);
	if (rc == 0) {
		rc = fixctl_write_file(pubname, pub.data, pub.len, 0644, false, err);
		if (rc < 0)
			unlink(o->out);
	}
	if (rc == 0) {
		char id[MINISIGN_KEYID_STR_LEN];

		minisign_keyid_format(pk.keyid, id);
		printf("key %s: secret key %s (%s), public key %s\n", id, o->out,
		       pw ? "encrypted" : "NOT encrypted", pubname);
	}
out:
	if (sec.data)
		sodium_memzero(sec.data, sec.len);
	buf_free(&sec);
	buf_free(&pub);
	return rc;
}

/**
 * `fixctl key gen -o NAME [--no-password | --password-file F] [--comment C]`.
 * @ret exit code
 */
int fixctl_key_gen(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-password", no_argument, NULL, 'n' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "comment", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct key_opts o = { 0 };
	char password[FIXCTL_PASSWORD_MAX], pubname[PATH_MAX];
	struct err err = { "" };
	const char *pw;
	int c, rc;

	(void)ctx;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 'n': o.no_password = true; break;
		case 'p': o.password_file = optarg; break;
		case 'c': o.comment = optarg; break;
		case 'h': return fixctl_usage("key", "gen", true);
		default: return fixctl_usage("key", "gen", false);
		}
	}
	if (!o.out || optind != argc || (o.no_password && o.password_file))
		return fixctl_usage("key", "gen", false);
	snprintf(pubname, sizeof(pubname), "%s.pub", o.out);
	if (access(o.out, F_OK) == 0 || access(pubname, F_OK) == 0) {
		fprintf(stderr, "fixctl key gen: %s or %s exists; refusing to "
			"overwrite a key\n", o.out, pubname);
		return FIXCTL_EXIT_PERMANENT;
	}
	rc = key_password(&o, password, sizeof(password), &pw, &err);
	if (rc == 0)
		rc = key_write(&o, pw, &err);
	sodium_memzero(password, sizeof(password));
	if (rc < 0) {
		fprintf(stderr, "fixctl key gen: %s\n", err.msg);
		return FIXCTL_EXIT_PERMANENT;
	}
	return FIXCTL_EXIT_OK;
}
