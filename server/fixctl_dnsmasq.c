/* SPDX-License-Identifier: MIT */
/*
 * fixctl dnsmasq-conf: a dnsmasq configuration for the boot network, full
 * DHCP or proxyDHCP beside an existing DHCP server (offline: fixsrv is not
 * needed).  Firmware PXE gets an iPXE binary by TFTP, chosen by client
 * architecture (option 93).  iPXE (user class "iPXE") gets the entry script
 * by TFTP, not fixsrv's URL: iPXE's own fetch of its DHCP boot file has no
 * timeout, and a fix server that accepts connections but never answers
 * would hold the client there forever.  dnsmasq keeps serving TFTP when
 * fixsrv hangs, and every fetch the entry script makes from fixsrv is
 * bounded and ends in a local boot.  UEFI HTTP boot (client-arch 16) gets
 * a URL that fails at once, in both modes, so that the firmware moves on
 * to the disk instead of waiting about 60 s for a boot URL.  Two waits of
 * iPXE are avoided (notes/netboot-lab.md): the IPv6 router solicitation
 * (answered by an RA with router lifetime 0) and, in full-DHCP mode, the
 * ProxyDHCP wait (option 175.176 no-pxedhcp).  The iPXE binaries are
 * copied into the TFTP root, and the entry script rendered there from the
 * script directory's entry.ipxe with the placeholders fixsrv fills in it.
 * With --hosts-dir (fixsrv's dhcp_hosts_dir), dnsmasq answers only the
 * MACs fixsrv writes there (server/dhcphosts.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/strnum.h"
#include "server/bootscript.h"
#include "server/dhcphosts.h"
#include "server/fixctl_admin.h"

#define DNSMASQ_CONF_MAX (16 * 1024)
#define IPXE_BIN_MAX (8 * 1024 * 1024)
#define URL_MAX 512

/* The entry script: its template in the script directory, and its name in
 * the TFTP root (the DHCP boot file name of iPXE clients). */
#define ENTRY_SCRIPT "entry.ipxe"
/* fixsrv.conf's defaults: boot_retries and its range (script_dir:
 * FIXNET_SCRIPT_DIR, set by the build where make install puts the
 * templates). */
#define RETRIES_DEFAULT 5
#define RETRIES_MAX 1000

enum { OPT_MODE = 1300, OPT_IFACE, OPT_URL, OPT_TFTP, OPT_RANGE, OPT_SUBNET,
       OPT_IPXE_DIR, OPT_OUT, OPT_SCRIPT_DIR, OPT_RETRIES, OPT_HOSTS_DIR };

struct dnsmasq_args {
	const char *mode, *iface, *url, *tftp, *range, *subnet, *ipxe_dir, *out;
	const char *script_dir, *retries;
	const char *hosts_dir;		/* NULL: answer every client */
	uint64_t nretries;		/* --boot-retries, checked */
	char base[URL_MAX + 1];		/* --server-url without trailing '/' */
};

/* The iPXE binaries served by TFTP. */
static const char *const ipxe_bins[] = {
	"undionly.kpxe", "snponly.efi", "ipxe.efi",
};

/** Store an option's value in its slot. */
static int dnsmasq_set(void *ctx, int opt, const char *val)
{
	struct dnsmasq_args *a = ctx;
	const char **slot[] = {
		[OPT_MODE - OPT_MODE] = &a->mode,
		[OPT_IFACE - OPT_MODE] = &a->iface,
		[OPT_URL - OPT_MODE] = &a->url,
		[OPT_TFTP - OPT_MODE] = &a->tftp,
		[OPT_RANGE - OPT_MODE] = &a->range,
		[OPT_SUBNET - OPT_MODE] = &a->subnet,
		[OPT_IPXE_DIR - OPT_MODE] = &a->ipxe_dir,
		[OPT_OUT - OPT_MODE] = &a->out,
		[OPT_SCRIPT_DIR - OPT_MODE] = &a->script_dir,
		[OPT_RETRIES - OPT_MODE] = &a->retries,
		[OPT_HOSTS_DIR - OPT_MODE] = &a->hosts_dir,
	};

	*slot[opt - OPT_MODE] = val;
	return 0;
}

/** True for a dotted IPv4 address. */
static bool is_ipv4(const char *s, struct in_addr *out)
{
	struct in_addr tmp;

	return inet_pton(AF_INET, s, out ? out : &tmp) == 1;
}

/** Check --range START,END,NETMASK. */
static int check_range(const char *r)
{
	char copy[64], *end, *mask;

	if (strlen(r) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, r);
	end = strchr(copy, ',');
	mask = end ? strchr(end + 1, ',') : NULL;
	if (!end || !mask)
		return -EINVAL;
	*end++ = '\0';
	*mask++ = '\0';
	return is_ipv4(copy, NULL) && is_ipv4(end, NULL) && is_ipv4(mask, NULL) ?
		0 : -EINVAL;
}

/**
 * Turn --subnet NET/LEN into the network and mask dnsmasq wants.
 *
 * @v s		"10.77.0.0/24"
 * @v net, mask	dotted quads (INET_ADDRSTRLEN)
 * @ret rc	0 or -EINVAL
 */
static int subnet_parse(const char *s, char *net, char *mask)
{
	char copy[64], *slash;
	struct in_addr a, m;
	uint64_t len;

	if (strlen(s) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, s);
	slash = strchr(copy, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (!is_ipv4(copy, &a) || strnum_u64(slash + 1, 1, 32, &len) < 0)
		return -EINVAL;
	m.s_addr = htonl((uint32_t)(0xffffffffull << (32 - len)));
	a.s_addr &= m.s_addr;
	inet_ntop(AF_INET, &a, net, INET_ADDRSTRLEN);
	inet_ntop(AF_INET, &m, mask, INET_ADDRSTRLEN);
	return 0;
}

/**
 * Check the values that end up in the files: one word each, no syntax.
 *
 * @v a		the arguments; sets nretries and base
 * @ret rc	0, or -EINVAL (the error printed)
 */
static int dnsmasq_check(struct dnsmasq_args *a)
{
	size_t n;

	if (!a->mode || !a->iface || !a->url || !a->tftp || !a->out)
		return fprintf(stderr, "fixctl: --mode, --interface, "
			       "--server-url, --tftp-root and -o are required\n"),
			-EINVAL;
	if (strcmp(a->mode, "full") != 0 && strcmp(a->mode, "proxy") != 0)
		return fprintf(stderr, "fixctl: --mode is full or proxy\n"),
			-EINVAL;
	for (const char *p = a->iface; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return fprintf(stderr, "fixctl: invalid interface "
				       "name\n"), -EINVAL;
	if (!*a->iface || strlen(a->iface) > 15)
		return fprintf(stderr, "fixctl: invalid interface name\n"),
			-EINVAL;
	if ((strncmp(a->url, "http://", 7) != 0 &&
	     strncmp(a->url, "https://", 8) != 0) ||
	    strpbrk(a->url, " \t\n\r,\"'#") || strlen(a->url) > URL_MAX)
		return fprintf(stderr, "fixctl: --server-url must be an http(s) "
			       "URL without blanks, commas or quotes\n"),
			-EINVAL;
	if (a->tftp[0] != '/' || strpbrk(a->tftp, " \t\n\r,\"'#"))
		return fprintf(stderr, "fixctl: --tftp-root must be an absolute "
			       "path without blanks or commas\n"), -EINVAL;
	if (a->hosts_dir && (a->hosts_dir[0] != '/' ||
			     strpbrk(a->hosts_dir, " \t\n\r,\"'#")))
		return fprintf(stderr, "fixctl: --hosts-dir must be an absolute "
			       "path without blanks or commas (fixsrv.conf's "
			       "dhcp_hosts_dir)\n"), -EINVAL;
	if (a->retries && strnum_u64(a->retries, 1, RETRIES_MAX,
				     &a->nretries) < 0)
		return fprintf(stderr, "fixctl: --boot-retries is a number from "
			       "1 to %d (fixsrv.conf's boot_retries)\n",
			       RETRIES_MAX), -EINVAL;
	/* As fixsrv trims public_url: no trailing '/'. */
	for (n = strlen(a->url); n > 8 && a->url[n - 1] == '/'; n--)
		;
	snprintf(a->base, sizeof(a->base), "%.*s", (int)n, a->url);
	return 0;
}

/** The lines both modes share: TFTP, architectures, firmware PXE, IPv6 RA. */
static int dnsmasq_common(struct buf *b, const struct dnsmasq_args *a)
{
	return buf_printf(b,
		"# No DNS: dnsmasq serves DHCP and TFTP only.\n"
		"port=0\n"
		"interface=%s\n"
		"bind-interfaces\n"
		"\n"
		"# TFTP carries the iPXE binaries and iPXE's entry script\n"
		"# (world-readable files), and keeps serving when fixsrv hangs.\n"
		"enable-tftp\n"
		"tftp-root=%s\n"
		"\n"
		"# Client architecture, DHCP option 93 (RFC 4578).\n"
		"dhcp-match=set:bios,option:client-arch,0\n"
		"dhcp-match=set:efi64,option:client-arch,7\n"
		"dhcp-match=set:efi64,option:client-arch,9\n"
		"dhcp-match=set:efihttp,option:client-arch,16\n"
		"# iPXE says so in its user class.\n"
		"dhcp-userclass=set:ipxe,iPXE\n"
		"\n"
		"# Firmware PXE: chain to iPXE by TFTP.\n"
		"dhcp-boot=tag:bios,tag:!ipxe,undionly.kpxe\n"
		"dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi\n"
		"\n"
		"# IPv6: iPXE waits about 13 s for a router advertisement.  Send\n"
		"# RAs at once, with router lifetime 0 (no default route given).\n"
		"enable-ra\n"
		"dhcp-range=::,constructor:%s,ra-only\n"
		"ra-param=%s,0,0\n",
		a->iface, a->tftp, a->iface, a->iface);
}

/** Full DHCP: addresses, HTTP boot refused fast, no ProxyDHCP wait. */
static int dnsmasq_full(struct buf *b, const struct dnsmasq_args *a)
{
	return buf_printf(b,
		"\n# Full DHCP: addresses from this range.\n"
		"dhcp-range=%s,1h\n"
		"\n"
		"# iPXE: the entry script by TFTP from this host (the next server\n"
		"# dnsmasq gives by default).  It asks fixsrv what the client\n"
		"# boots, every fetch bounded, and boots the local disk when\n"
		"# fixsrv does not answer.  Not fixsrv's URL: iPXE's fetch of a\n"
		"# DHCP boot file has no timeout, and a hung fixsrv would hold\n"
		"# the client there forever.\n"
		"dhcp-boot=tag:ipxe," ENTRY_SCRIPT "\n"
		"\n"
		"# UEFI HTTP boot (arch 16): a URL that fails at once, so that\n"
		"# the firmware moves on instead of waiting 60 s.\n"
		"dhcp-option-force=tag:efihttp,60,HTTPClient\n"
		"dhcp-boot=tag:efihttp,tag:!ipxe,%s/os/no-http-boot\n"
		"\n"
		"# No ProxyDHCP on this network: tell iPXE not to wait 3 s for\n"
		"# one (option 175.176, no-pxedhcp).\n"
		"dhcp-option=tag:ipxe,encap:175,176,1b\n",
		a->range, a->base);
}

/**
 * ProxyDHCP: the existing server gives addresses, dnsmasq the boot.
 *
 * @v net, mask	the existing server's network
 * @v url	fixsrv's base URL
 * @v srv	its IPv4 address: this host's, the TFTP server's (the next
 *		server iPXE insists on)
 */
static int dnsmasq_proxy(struct buf *b, const char *net, const char *mask,
			 const char *url, const char *srv)
{
	return buf_printf(b,
		"\n# ProxyDHCP: another server hands out addresses on %s; this\n"
		"# one never does.  It answers network-boot clients only (vendor\n"
		"# class PXEClient, and HTTPClient for UEFI HTTP boot), with the\n"
		"# boot part of the offer.\n"
		"dhcp-range=%s,proxy,%s\n"
		"dhcp-pxe-vendor=PXEClient,HTTPClient\n"
		"\n"
		"# Firmware PXE: a menu of one entry, taken at once: iPXE by TFTP.\n"
		"pxe-prompt=\"fixnet\",0\n"
		"pxe-service=tag:!ipxe,x86PC,\"fixnet: iPXE\",undionly.kpxe\n"
		"pxe-service=tag:!ipxe,BC_EFI,\"fixnet: iPXE\",snponly.efi\n"
		"pxe-service=tag:!ipxe,X86-64_EFI,\"fixnet: iPXE\",snponly.efi\n"
		"\n"
		"# iPXE: the entry script by TFTP, as in full mode (bounded\n"
		"# fetches from fixsrv, the local disk when it does not answer).\n"
		"# A ProxyDHCP offer carries no next-server address unless told,\n"
		"# and iPXE needs one (it ignores the offer without, and fetches\n"
		"# the file from it): this host's, the fix server's.\n"
		"dhcp-boot=tag:ipxe," ENTRY_SCRIPT ",,%s\n"
		"\n"
		"# UEFI HTTP boot (arch 16): a URL that fails at once, so that\n"
		"# the firmware moves on instead of waiting 60 s.\n"
		"dhcp-boot=tag:efihttp,tag:!ipxe,%s/os/no-http-boot\n",
		net, net, mask, srv, url);
}

/**
 * The IPv4 address in the host part of an http(s) URL.
 *
 * @v url	"http://10.77.0.1:8080/..."
 * @v out	the address (INET_ADDRSTRLEN)
 * @ret 0, or -EINVAL when the host is not an IPv4 address
 */
static int url_ipv4(const char *url, char *out)
{
	const char *host = strstr(url, "://");
	size_t n;

	if (!host)
		return -EINVAL;
	host += 3;
	n = strcspn(host, ":/");
	if (n == 0 || n >= INET_ADDRSTRLEN)
		return -EINVAL;
	memcpy(out, host, n);
	out[n] = '\0';
	return is_ipv4(out, NULL) ? 0 : -EINVAL;
}

/**
 * Write one world-readable file into the TFTP root (dnsmasq serves it as
 * nobody).
 *
 * @v a		the arguments (--tftp-root)
 * @v name	its name there
 * @v data, len	its content
 * @ret 0 or an exit code (the error printed)
 */
static int tftp_put(const struct dnsmasq_args *a, const char *name,
		    const void *data, size_t len)
{
	struct err err = { .msg = "" };
	char dst[4096];
	int rc;

	snprintf(dst, sizeof(dst), "%s/%s", a->tftp, name);
	rc = fixctl_write_file(dst, data, len, 0644, true, &err);
	if (rc < 0)
		fprintf(stderr, "fixctl: %s: %s\n", dst, err.msg[0] ? err.msg :
			strerror(-rc));
	return rc < 0 ? FIXCTL_EXIT_PERMANENT : 0;
}

/** Copy the iPXE binaries into the TFTP root.  @ret 0 or an exit code */
static int dnsmasq_copy_ipxe(const struct dnsmasq_args *a)
{
	struct err err = { .msg = "" };
	char src[4096];
	struct buf b;
	int code = 0;

	for (size_t i = 0; code == 0 &&
	     i < sizeof(ipxe_bins) / sizeof(ipxe_bins[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", a->ipxe_dir, ipxe_bins[i]);
		if (file_read(src, IPXE_BIN_MAX, &b, &err) < 0) {
			fprintf(stderr, "fixctl: %s (apt-get install ipxe, or "
				"name the directory with --ipxe-dir)\n", err.msg);
			code = FIXCTL_EXIT_PERMANENT;
		} else {
			code = tftp_put(a, ipxe_bins[i], b.data, b.len);
		}
		buf_free(&b);
	}
	return code;
}

/**
 * Render the entry script with what fixsrv puts in it when it answers
 * GET /boot.ipxe without a query: @@SERVER@@ and @@RETRIES@@.  Any other
 * placeholder is refused: a file served to every client holds no
 * client's values.
 *
 * @v a		the arguments (base URL, retries)
 * @v tmpl	the template, NUL-terminated
 * @v out	the script (appended)
 * @v err	what is wrong with the template
 * @ret rc	0, -EINVAL (err set), -EFBIG, -ENOMEM
 */
static int entry_render(const struct dnsmasq_args *a, const char *tmpl,
			struct buf *out, struct err *err)
{
	const char *p = tmpl, *open, *close;
	size_t n;
	int rc = 0;

	while (rc == 0 && (open = strstr(p, "@@")) != NULL &&
	       (close = strstr(open + 2, "@@")) != NULL) {
		n = (size_t)(close - open - 2);
		rc = buf_append(out, p, (size_t)(open - p));
		if (rc < 0)
			break;
		if (n == 6 && memcmp(open + 2, "SERVER", n) == 0)
			rc = buf_puts(out, a->base);
		else if (n == 7 && memcmp(open + 2, "RETRIES", n) == 0)
			rc = buf_printf(out, "%" PRIu64, a->nretries);
		else
			rc = err_set(err, -EINVAL, "placeholder @@%.*s@@: the "
				     "entry script may hold only @@SERVER@@ and "
				     "@@RETRIES@@", (int)(n > 32 ? 32 : n),
				     open + 2);
		p = close + 2;
	}
	return rc < 0 ? rc : buf_puts(out, p);
}

/**
 * Render the script directory's entry.ipxe into the TFTP root.
 * @ret 0 or an exit code (the error printed)
 */
static int dnsmasq_write_entry(const struct dnsmasq_args *a)
{
	struct err err = { .msg = "" };
	struct buf tmpl, out;
	char src[4096];
	int code = FIXCTL_EXIT_PERMANENT, rc;

	snprintf(src, sizeof(src), "%s/%s", a->script_dir, ENTRY_SCRIPT);
	buf_init(&out, BOOTSCRIPT_OUT_MAX);
	if (file_read(src, BOOTSCRIPT_FILE_MAX, &tmpl, &err) < 0) {
		fprintf(stderr, "fixctl: %s (name fixsrv's script_dir with "
			"--script-dir)\n", err.msg);
	} else if (strncmp(tmpl.data ? tmpl.data : "", "#!ipxe", 6) != 0) {
		fprintf(stderr, "fixctl: %s: not an iPXE script (no #!ipxe "
			"first line)\n", src);
	} else if ((rc = entry_render(a, tmpl.data, &out, &err)) < 0) {
		fprintf(stderr, "fixctl: %s: %s\n", src, err.msg[0] ? err.msg :
			strerror(-rc));
	} else {
		code = tftp_put(a, ENTRY_SCRIPT, out.data, out.len);
	}
	buf_free(&out);
	buf_free(&tmpl);
	return code;
}

/**
 * Fill the TFTP root: the iPXE binaries and the entry script.
 * @ret 0 or an exit code (the error printed)
 */
static int dnsmasq_fill_tftp(const struct dnsmasq_args *a)
{
	int code;

	if (mkdir(a->tftp, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "fixctl: %s: %s\n", a->tftp, strerror(errno));
		return FIXCTL_EXIT_PERMANENT;
	}
	code = dnsmasq_copy_ipxe(a);
	return code ? code : dnsmasq_write_entry(a);
}

/** Build the whole file. */
static int dnsmasq_build(const struct dnsmasq_args *a, struct buf *b)
{
	char net[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN];
	int rc;

	rc = buf_printf(b, "# fixnet: dnsmasq configuration written by "
			"`fixctl dnsmasq-conf --mode %s`.\n# Boot network on "
			"%s, fix server %s.\n\n", a->mode, a->iface, a->base);
	if (rc == 0)
		rc = dnsmasq_common(b, a);
	if (rc == 0 && strcmp(a->mode, "full") == 0)
		rc = dnsmasq_full(b, a);
	if (rc == 0 && strcmp(a->mode, "proxy") == 0) {
		if (subnet_parse(a->subnet, net, mask) < 0 ||
		    url_ipv4(a->base, srv) < 0)
			return -EINVAL;
		rc = dnsmasq_proxy(b, net, mask, a->base, srv);
	}
	if (rc == 0 && a->hosts_dir)
		rc = buf_printf(b,
			"\n# Answer only the clients added to fixsrv's inventory:\n"
			"# fixsrv keeps their MACs in %s/%s\n"
			"# (its dhcp_hosts_dir), which dnsmasq reads by itself when\n"
			"# it changes.  Any other MAC gets no answer at all.\n"
			"dhcp-hostsdir=%s\n"
			"dhcp-ignore=tag:!known\n", a->hosts_dir, DHCPHOSTS_FILE,
			a->hosts_dir);
	return rc;
}

/**
 * fixctl dnsmasq-conf
 *
 * @v ctx	fixctl context (unused: offline)
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_dnsmasq_conf(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "interface", required_argument, NULL, OPT_IFACE },
		{ "server-url", required_argument, NULL, OPT_URL },
		{ "tftp-root", required_argument, NULL, OPT_TFTP },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "ipxe-dir", required_argument, NULL, OPT_IPXE_DIR },
		{ "output", required_argument, NULL, OPT_OUT },
		{ "script-dir", required_argument, NULL, OPT_SCRIPT_DIR },
		{ "boot-retries", required_argument, NULL, OPT_RETRIES },
		{ "hosts-dir", required_argument, NULL, OPT_HOSTS_DIR },
		{ NULL, 0, NULL, 0 },
	};
	struct dnsmasq_args a = { .ipxe_dir = "/usr/lib/ipxe",
				  .script_dir = FIXNET_SCRIPT_DIR,
				  .nretries = RETRIES_DEFAULT };
	struct err err = { .msg = "" };
	bool json = false, help = false;
	char net[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN];
	struct buf b;
	int code;

	(void)ctx;
	for (int i = 1; i + 1 < argc; i++)	/* -o FILE, as --output */
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = (char *)"--output";
	if (fixctl_opts(argc, argv, extra, dnsmasq_set, &a, &json, &help) < 0 ||
	    (!help && optind != argc))
		goto usage;
	if (help)
		return fixctl_usage("dnsmasq-conf", NULL, true);
	if (dnsmasq_check(&a) < 0)
		goto usage;
	if (strcmp(a.mode, "full") == 0 && (!a.range || check_range(a.range))) {
		fprintf(stderr, "fixctl: full mode needs --range START,END,"
			"NETMASK (IPv4)\n");
		goto usage;
	}
	if (strcmp(a.mode, "proxy") == 0 &&
	    (!a.subnet || subnet_parse(a.subnet, net, mask) < 0)) {
		fprintf(stderr, "fixctl: proxy mode needs --subnet NET/LEN "
			"(IPv4), the network the main DHCP server serves\n");
		goto usage;
	}
	if (strcmp(a.mode, "proxy") == 0 && url_ipv4(a.url, srv) < 0) {
		fprintf(stderr, "fixctl: proxy mode needs the fix server's IPv4 "
			"address in --server-url (iPXE wants it as the next "
			"server, and fetches the entry script from it by "
			"TFTP)\n");
		goto usage;
	}
	code = dnsmasq_fill_tftp(&a);
	if (code)
		return code;
	buf_init(&b, DNSMASQ_CONF_MAX);
	code = dnsmasq_build(&a, &b) < 0 ||
		fixctl_write_file(a.out, b.data, b.len, 0644, true, &err) < 0 ?
		FIXCTL_EXIT_PERMANENT : FIXCTL_EXIT_OK;
	if (code)
		fprintf(stderr, "fixctl: %s: %s\n", a.out, err.msg[0] ? err.msg :
			"cannot write the configuration");
	buf_free(&b);
	return code;
usage:
	fixctl_usage("dnsmasq-conf", NULL, false);
	return FIXCTL_EXIT_USAGE;
}
