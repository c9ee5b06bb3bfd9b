/* SPDX-License-Identifier: MIT */
/*
 * fixctl's HTTP client for fixsrv's admin API: libcurl over the Unix
 * socket (CURLOPT_UNIX_SOCKET_PATH).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>

#include "common/buf.h"
#include "server/fixctl_admin.h"

#define FIXCTL_TIMEOUT_S 600

/** Collect the reply body, up to its cap. */
static size_t fixctl_write(char *p, size_t size, size_t n, void *ctx)
{
	return buf_append(ctx, p, size * n) == 0 ? size * n : 0;
}

/**
 * Escape a URL component.
 *
 * @v s		text
 * @ret esc	escaped copy (free()), or NULL
 */
char *fixctl_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *copy;

	if (!e)
		return NULL;
	copy = strdup(e);
	curl_free(e);
	return copy;
}

/**
 * Pretty-print JSON on stdout.
 *
 * @v j		value
 */
void fixctl_print_json(const json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
}

/**
 * A string member.
 *
 * @v obj	object
 * @v key	member
 * @ret s	its value, or "-"
 */
const char *fixctl_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && *s ? s : "-";
}

/**
 * Print a time member.
 *
 * @v obj	object
 * @v key	member holding a Unix time
 * @v after	printed after it
 */
void fixctl_print_time(const json_t *obj, const char *key, const char *after)
{
	json_t *v = json_object_get(obj, key);
	char out[32] = "-";
	time_t t;
	struct tm tm;

	if (json_is_integer(v)) {
		t = (time_t)json_integer_value(v);
		gmtime_r(&t, &tm);
		strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S", &tm);
	}
	printf("%-19s%s", out, after);
}

/** Set up the body of a request; @ret 0, or an exit code */
static int fixctl_body(CURL *c, const struct fixctl_req *req, char **text,
		       FILE **f, struct curl_slist **hdrs)
{
	struct stat sb;

	if (req->body) {
		*text = json_dumps(req->body, JSON_COMPACT);
		if (!*text)
			return FIXCTL_EXIT_PERMANENT;
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, *text);
		*hdrs = curl_slist_append(*hdrs, "Content-Type: application/json");
	} else if (req->file) {
		*f = fopen(req->file, "rb");
		if (!*f || fstat(fileno(*f), &sb) < 0) {
			fprintf(stderr, "fixctl: %s: %s\n", req->file,
				strerror(errno));
			return FIXCTL_EXIT_PERMANENT;
		}
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READDATA, *f);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)sb.st_size);
		*hdrs = curl_slist_append(*hdrs, "Content-Type: "
					  "application/octet-stream");
		*hdrs = curl_slist_append(*hdrs, "Expect:");
	}
	if (req->header)
		*hdrs = curl_slist_append(*hdrs, req->header);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	return 0;
}

/** Read the answer: JSON, or an error to print.  @ret an exit code */
static int fixctl_answer(const struct fixctl_ctx *ctx, long status,
			 const struct buf *b, json_t **reply)
{
	json_t *j = NULL;

	if (b->len)
		j = json_loadb(b->data, b->len, 0, NULL);
	if (status >= 200 && status < 300) {
		if (b->len && !j) {
			fprintf(stderr, "fixctl: fixsrv at %s sent a reply that "
				"is not JSON\n", ctx->socket);
			return FIXCTL_EXIT_PERMANENT;
		}
		if (json_is_string(json_object_get(j, "warning")))
			fprintf(stderr, "fixctl: warning: %s\n",
				json_string_value(json_object_get(j, "warning")));
		*reply = j;
		return FIXCTL_EXIT_OK;
	}
	fprintf(stderr, "fixctl: %s (HTTP %ld)\n",
		j && json_string_value(json_object_get(j, "error")) ?
		json_string_value(json_object_get(j, "error")) : "refused",
		status);
	json_decref(j);
	return status >= 500 ? FIXCTL_EXIT_TEMPORARY : FIXCTL_EXIT_PERMANENT;
}

/**
 * Call the admin API.
 *
 * @v ctx	fixctl context (socket)
 * @v req	the request
 * @v reply	the JSON answer (NULL if none)
 * @ret code	exit code
 */
int fixctl_call(const struct fixctl_ctx *ctx, const struct fixctl_req *req,
		json_t **reply)
{
	char url[4096], errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	char *text = NULL;
	FILE *f = NULL;
	struct buf b;
	long status = 0;
	CURLcode cc;
	CURL *c;
	int code;

	*reply = NULL;
	c = curl_easy_init();
	if (!c)
		return FIXCTL_EXIT_TEMPORARY;
	buf_init(&b, FIXCTL_REPLY_MAX);
	snprintf(url, sizeof(url), "http://fixsrv%s", req->path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, ctx->socket);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fixctl_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FIXCTL_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	code = fixctl_body(c, req, &text, &f, &hdrs);
	if (code)
		goto out;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		fprintf(stderr, "fixctl: cannot reach fixsrv at %s: %s (is "
			"fixsrv running? --socket or $%s chooses the socket)\n",
			ctx->socket, errbuf[0] ? errbuf : curl_easy_strerror(cc),
			FIXCTL_SOCKET_ENV);
		code = FIXCTL_EXIT_TEMPORARY;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	code = fixctl_answer(ctx, status, &b, reply);
out:
	if (f)
		fclose(f);
	free(text);
	curl_slist_free_all(hdrs);
	buf_free(&b);
	curl_easy_cleanup(c);
	return code;
}

/**
 * Parse the options every command has (--json, --help) and the given
 * extra ones.
 *
 * @v argc, argv	the command's arguments (argv[0] its name)
 * @v extra		extra long options, terminated by a zeroed entry
 * @v set		called for each extra option with its value
 * @v json		set by --json
 * @v help		set by --help
 * @ret 0, or -EINVAL (usage error, already printed)
 */
int fixctl_opts(int argc, char **argv, const struct option *extra,
		int (*set)(void *ctx, int opt, const char *val), void *ctx,
		bool *json, bool *help)
{
	struct option all[16] = {
		{ "json", no_argument, NULL, FIXCTL_OPT_JSON },
		{ "help", no_argument, NULL, FIXCTL_OPT_HELP },
	};
	size_t n = 2;
	int c;

	for (; extra && extra->name && n < 15; extra++)
		all[n++] = *extra;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "", all, NULL)) != -1) {
		if (c == FIXCTL_OPT_JSON)
			*json = true;
		else if (c == FIXCTL_OPT_HELP)
			*help = true;
		else if (c == '?' || !set || set(ctx, c, optarg) < 0)
			return -EINVAL;
	}
	return 0;
}

/**
 * Print events as a table.
 *
 * @v arr	JSON array of events
 */
void fixctl_print_events(const json_t *arr)
{
	size_t i;
	json_t *e;

	printf("%-19s  %-17s  %-16s  %-14s  %-24s  %s\n", "TIME (UTC)", "CLIENT",
	       "FIX", "EVENT", "STATE", "MESSAGE");
	json_array_foreach(arr, i, e) {
		char st[64];

		snprintf(st, sizeof(st), "%s%s%s",
			 json_is_string(json_object_get(e, "from")) ?
			 fixctl_str(e, "from") : "",
			 json_is_string(json_object_get(e, "from")) ? " -> " : "",
			 fixctl_str(e, "to"));
		fixctl_print_time(e, "time", "  ");
		printf("%-17s  %-16s  %-14s  %-24s  %s\n", fixctl_str(e, "client"),
		       fixctl_str(e, "fix"), fixctl_str(e, "kind"), st,
		       json_is_string(json_object_get(e, "message")) ?
		       fixctl_str(e, "message") : "");
	}
}

