/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fixd/cmdline.h"

/** Longest parameter value considered (a URL is the longest). */
#define CMDLINE_VALUE_MAX PROTO_URL_MAX

/**
 * Check and clean a server base URL.
 *
 * @v url	the URL
 * @v out	PROTO_URL_MAX + 1 bytes
 * @ret 0 or -EINVAL
 */
int cmdline_server_check(const char *url, char *out, struct err *err)
{
	size_t n = strlen(url);
	const char *host;

	if (n > PROTO_URL_MAX)
		return err_set(err, -EINVAL, "server URL longer than %d bytes",
			       PROTO_URL_MAX);
	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return err_set(err, -EINVAL,
			       "server URL must start with http:// or https://");
	if (*host == '\0' || *host == '/')
		return err_set(err, -EINVAL, "server URL has no host");
	for (const char *p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f)
			return err_set(err, -EINVAL, "server URL contains a space, "
				       "a control or a non-ASCII character");
		/* RFC 3986 never allows these; a '"' would also break the
		 * kernel command line the URL is written back to. */
		if (strchr("\"<>\\^`{|}", c))
			return err_set(err, -EINVAL, "server URL contains '%c'; "
				       "percent-encode it", c);
	}
	memcpy(out, url, n + 1);
	if (n > 0 && out[n - 1] == '/')
		out[n - 1] = '\0';
	return 0;
}

/**
 * Handle one "key=value" word; other words are ignored.
 *
 * @v key	parameter name
 * @v val	its value (quotes removed), NUL-terminated
 * @v out	command line being filled
 * @ret 0 or -EINVAL
 */
static int cmdline_param(const char *key, const char *val, struct cmdline *out,
			 struct err *err)
{
	if (strcmp(key, "fixsrv") == 0) {
		if (out->has_server)
			return err_set(err, -EINVAL, "fixsrv= given twice");
		out->has_server = true;
		return cmdline_server_check(val, out->server, err);
	}
	if (strcmp(key, "fixtoken") == 0) {
		if (out->has_token)
			return err_set(err, -EINVAL, "fixtoken= given twice");
		if (token_check(val) < 0)
			return err_set(err, -EINVAL,
				       "fixtoken= is not 64 lower-case hex digits");
		out->has_token = true;
		memcpy(out->token, val, TOKEN_STR_LEN);
		return 0;
	}
	if (strcmp(key, "BOOTIF") == 0) {
		if (out->has_mac)
			return err_set(err, -EINVAL, "BOOTIF= given twice");
		if (mac_parse_bootif(val, &out->mac) < 0)
			return err_set(err, -EINVAL,
				       "BOOTIF= is not 01-aa-bb-cc-dd-ee-ff");
		out->has_mac = true;
		return 0;
	}
	return 0;
}

/**
 * Split one word at its '=' and hand it to cmdline_param().  A value may be
 * quoted as the kernel allows (key="value").
 *
 * @v w		the word, NUL-terminated, changed in place
 * @ret 0 or -EINVAL
 */
static int cmdline_word(char *w, struct cmdline *out, struct err *err)
{
	char *eq = strchr(w, '=');
	char *val;
	size_t n;

	if (!eq)
		return 0;
	*eq = '\0';
	val = eq + 1;
	n = strlen(val);
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
		val[n - 1] = '\0';
		val++;
	}
	return cmdline_param(w, val, out, err);
}

/**
 * Parse command-line text.
 *
 * @v text	the text
 * @v len	its length
 * @v out	filled
 * @ret 0, -EINVAL, -EFBIG
 */
int cmdline_parse(const char *text, size_t len, struct cmdline *out,
		  struct err *err)
{
	char word[CMDLINE_VALUE_MAX + 64];
	size_t i = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > CMDLINE_MAX)
		return err_set(err, -EFBIG, "kernel command line longer than %d bytes",
			       CMDLINE_MAX);
	while (i < len) {
		size_t n = 0;
		int quoted = 0;

		while (i < len && (text[i] == ' ' || text[i] == '\t' ||
				   text[i] == '\n'))
			i++;
		if (i == len)
			break;
		while (i < len && (quoted || (text[i] != ' ' && text[i] != '\t' &&
					       text[i] != '\n'))) {
			if (text[i] == '\0')
				return err_set(err, -EINVAL,
					       "NUL byte in the kernel command line");
			if (text[i] == '"')
				quoted = !quoted;
			if (n + 1 >= sizeof(word))
				return err_set(err, -EINVAL,
					       "kernel command line word longer than %zu bytes",
					       sizeof(word) - 1);
			word[n++] = text[i++];
		}
		word[n] = '\0';
		rc = cmdline_word(word, out, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/**
 * Read and parse a file such as /proc/cmdline.
 *
 * @v path	file to read
 * @v out	filled
 * @ret 0, -errno, or what cmdline_parse() returns
 */
int cmdline_read(const char *path, struct cmdline *out, struct err *err)
{
	char text[CMDLINE_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return err_set(err, rc, "%s: %s", path, strerror(-rc));
	}
	while (len < sizeof(text)) {
		n = read(fd, text + len, sizeof(text) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			return err_set(err, rc, "%s: %s", path, strerror(-rc));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return cmdline_parse(text, len, out, err);
}
