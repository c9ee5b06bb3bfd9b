/*
 * check-static: proves that the static musl libraries of deps/ link into one
 * program and work there.
 *
 *   check-static IMAGE TYPE LABEL
 *
 * libcurl fetches a page from a loopback HTTP server of its own; libarchive
 * writes a tar with zstd, xz and gzip into memory and reads each back;
 * libsodium hashes a known vector and signs; jansson round-trips a document;
 * libblkid probes IMAGE and must find filesystem TYPE labelled LABEL.
 * Prints one line per check; exits 0 when all pass, 1 otherwise.
 */
#include <archive.h>
#include <archive_entry.h>
#include <blkid/blkid.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_BODY 64		/* bytes kept of the HTTP body */
#define MAX_REQUEST 4096	/* bytes read of the HTTP request */
#define ARCHIVE_BUF 65536	/* in-memory archive capacity */

static const char page[] = "hello from fixnet";
static const char payload[] = "payload of the check archive\n";

/** A bounded body buffer for curl. */
struct body {
	char data[MAX_BODY + 1];
	size_t len;
};

/**
 * Serve one HTTP request with @c page and close.
 *
 * @v arg	listening socket (int *)
 * @ret NULL
 */
static void *check_serve(void *arg)
{
	char req[MAX_REQUEST + 1], resp[256];
	size_t got = 0;
	ssize_t n;
	int fd, len;

	fd = accept(*(int *)arg, NULL, NULL);
	if (fd < 0)
		return NULL;
	while (got < MAX_REQUEST &&
	       (n = read(fd, req + got, MAX_REQUEST - got)) > 0) {
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	len = snprintf(resp, sizeof(resp),
		       "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		       "Connection: close\r\n\r\n%s", strlen(page), page);
	if (write(fd, resp, (size_t)len) != len)
		perror("check-static: write");
	close(fd);
	return NULL;
}

/**
 * curl write callback: keep up to MAX_BODY bytes.
 *
 * @v ptr, size, nmemb	received data
 * @v arg		struct body
 * @ret bytes taken, or 0 (abort) past the limit
 */
static size_t check_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (n > MAX_BODY - b->len)
		return 0;
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/**
 * Open a listening TCP socket on 127.0.0.1, any port.
 *
 * @v port	the port chosen (out)
 * @ret fd, or negative errno
 */
static int check_listen(unsigned *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/**
 * libcurl: HTTP only, threaded resolver, and a real transfer on loopback.
 *
 * @ret 0 or negative errno
 */
static int check_curl(void)
{
	const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
	const char *const *p;
	struct body body = { .len = 0 };
	char url[64];
	pthread_t tid;
	unsigned port = 0;
	long status = 0;
	CURLcode cc;
	CURL *curl;
	int fd;

	for (p = vi->protocols; *p; p++) {
		if (strcmp(*p, "http") && strcmp(*p, "https")) {
			printf("FAIL curl: protocol %s is built in\n", *p);
			return -EINVAL;
		}
	}
	if (!(vi->features & CURL_VERSION_ASYNCHDNS)) {
		printf("FAIL curl: no threaded resolver\n");
		return -EINVAL;
	}
	fd = check_listen(&port);
	if (fd < 0) {
		printf("FAIL curl: loopback listener: %s\n", strerror(-fd));
		return fd;
	}
	if (pthread_create(&tid, NULL, check_serve, &fd)) {
		close(fd);
		return -EAGAIN;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/check", port);
	curl = curl_easy_init();
	if (!curl) {
		cc = CURLE_OUT_OF_MEMORY;
	} else {
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, check_body);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
		cc = curl_easy_perform(curl);
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(curl);
	}
	if (cc != CURLE_OK)
		shutdown(fd, SHUT_RDWR);	/* unblock accept() */
	pthread_join(tid, NULL);
	close(fd);
	if (cc != CURLE_OK || status != 200 || strcmp(body.data, page)) {
		printf("FAIL curl: %s, HTTP %ld, body \"%s\"\n",
		       curl_easy_strerror(cc), status, body.data);
		return -EIO;
	}
	printf("ok   curl %s: HTTP 200 from %s\n", vi->version, url);
	return 0;
}

/**
 * Write a one-file tar through a filter into memory.
 *
 * @v filter	ARCHIVE_FILTER_* code
 * @v buf, cap	output buffer
 * @v used	bytes written (out)
 * @ret 0 or negative errno
 */
static int check_archive_write(int filter, char *buf, size_t cap, size_t *used)
{
	struct archive_entry *e = archive_entry_new();
	struct archive *a = archive_write_new();
	int rc = -EIO;

	if (!a || !e)
		goto out;
	if (archive_write_add_filter(a, filter) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_memory(a, buf, cap, used) != ARCHIVE_OK)
		goto err;
	archive_entry_set_pathname(e, "fix/payload.txt");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, sizeof(payload) - 1);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, payload, sizeof(payload) - 1) < 0 ||
	    archive_write_close(a) != ARCHIVE_OK)
		goto err;
	rc = 0;
err:
	if (rc)
		printf("FAIL archive write: %s\n", archive_error_string(a));
out:
	archive_write_free(a);
	archive_entry_free(e);
	return rc;
}

/**
 * Read the one-file tar back from memory and compare.
 *
 * @v buf, len	the archive
 * @v name	filter name expected by libarchive
 * @ret 0 or negative errno
 */
static int check_archive_read(const char *buf, size_t len, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char data[sizeof(payload)];
	la_ssize_t n;
	int rc = -EIO;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		goto err;
	n = archive_read_data(a, data, sizeof(data));
	if (n != (la_ssize_t)sizeof(payload) - 1 || memcmp(data, payload, (size_t)n) ||
	    strcmp(archive_entry_pathname(e), "fix/payload.txt") ||
	    strcmp(archive_filter_name(a, 0), name))
		goto err;
	rc = 0;
err:
	if (rc)
		printf("FAIL archive read %s: %s\n", name,
		       archive_error_string(a) ? archive_error_string(a) : "wrong content");
	archive_read_free(a);
	return rc;
}

/**
 * libarchive: tar.zst, tar.xz and tar.gz through memory.
 *
 * @ret 0 or negative errno
 */
static int check_archive(void)
{
	static const struct { int code; const char *name; } filters[] = {
		{ ARCHIVE_FILTER_ZSTD, "zstd" },
		{ ARCHIVE_FILTER_XZ, "xz" },
		{ ARCHIVE_FILTER_GZIP, "gzip" },
	};
	static char buf[ARCHIVE_BUF];
	size_t i, used;
	int rc;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		rc = check_archive_write(filters[i].code, buf, sizeof(buf), &used);
		if (!rc)
			rc = check_archive_read(buf, used, filters[i].name);
		if (rc)
			return rc;
	}
	printf("ok   %s: tar.zst, tar.xz, tar.gz from memory\n", archive_version_details());
	return 0;
}

/**
 * libsodium: SHA-256 known answer, Ed25519 sign, verify, reject a forgery.
 *
 * @ret 0 or negative errno
 */
static int check_sodium(void)
{
	static const unsigned char abc_sha256[] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES], hash[crypto_hash_sha256_BYTES];
	unsigned char msg[] = "fix";

	if (sodium_init() < 0 ||
	    crypto_hash_sha256(hash, (const unsigned char *)"abc", 3) ||
	    memcmp(hash, abc_sha256, sizeof(hash)) ||
	    crypto_sign_keypair(pk, sk) ||
	    crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk) ||
	    crypto_sign_verify_detached(sig, msg, sizeof(msg), pk)) {
		printf("FAIL sodium: known answer or signature\n");
		return -EIO;
	}
	msg[0] ^= 1;
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) == 0) {
		printf("FAIL sodium: forged message verified\n");
		return -EIO;
	}
	printf("ok   libsodium %s: sha256, ed25519\n", sodium_version_string());
	return 0;
}

/**
 * jansson: parse and dump a document unchanged.
 *
 * @ret 0 or negative errno
 */
static int check_jansson(void)
{
	static const char doc[] = "{\"fix\":\"av-2026-11\",\"ops\":[1,2,3],\"serial\":7}";
	json_error_t err;
	json_t *j = json_loads(doc, 0, &err);
	char *out = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = out && !strcmp(out, doc) ? 0 : -EIO;

	if (rc)
		printf("FAIL jansson: %s\n", !j ? err.text : out ? out : "cannot dump");
	else
		printf("ok   jansson %s: round trip\n", jansson_version_str());
	free(out);
	json_decref(j);
	return rc;
}

/**
 * libblkid: probe an image for its filesystem type and label.
 *
 * @v image, type, label	what to probe, and what must be found
 * @ret 0 or negative errno
 */
static int check_blkid(const char *image, const char *type, const char *label)
{
	blkid_probe pr = blkid_new_probe_from_filename(image);
	const char *t = NULL, *l = NULL;
	int rc = -EIO;

	if (!pr) {
		printf("FAIL blkid: cannot open %s\n", image);
		return -ENOENT;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL);
	if (blkid_do_safeprobe(pr) == 0 &&
	    blkid_probe_lookup_value(pr, "TYPE", &t, NULL) == 0 &&
	    blkid_probe_lookup_value(pr, "LABEL", &l, NULL) == 0 &&
	    !strcmp(t, type) && !strcmp(l, label))
		rc = 0;
	if (rc)
		printf("FAIL blkid: %s: type %s label %s, expected %s %s\n", image,
		       t ? t : "none", l ? l : "none", type, label);
	else
		printf("ok   libblkid: %s is %s labelled %s\n", image, t, l);
	blkid_free_probe(pr);
	return rc;
}

int main(int argc, char **argv)
{
	int fails = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: check-static IMAGE TYPE LABEL\n");
		return 100;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	fails += check_curl() != 0;
	fails += check_archive() != 0;
	fails += check_sodium() != 0;
	fails += check_jansson() != 0;
	fails += check_blkid(argv[1], argv[2], argv[3]) != 0;
	curl_global_cleanup();
	return fails ? 1 : 0;
}
