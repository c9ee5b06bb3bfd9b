/* SPDX-License-Identifier: MIT */
/*
 * fixctl dnsmasq-conf: a dnsmasq configuration for the boot network, full
 * DHCP or proxyDHCP beside an existing DHCP server (offline: fixsrv is not
 * needed).  Firmware PXE gets an iPXE binary by TFTP, chosen by client
 * architecture (option 93); iPXE (user class "iPXE") gets the URL of
 * fixsrv's /boot.ipxe; UEFI HTTP boot (client-arch 16) gets a URL that
 * fails at once, in both modes, so that the firmware moves on to the disk
 * instead of waiting about 60 s for a boot URL.  Two waits of iPXE are
 * avoided (notes/netboot-lab.md): the IPv6 router solicitation (answered
 * by an RA with router lifetime 0) and, in full-DHCP mode, the ProxyDHCP
 * wait (option 175.176 no-pxedhcp).  The iPXE binaries are copied into the
 * TFTP root.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/strnum.h"
#include "server/fixctl_admin.h"

#define DNSMASQ_CONF_MAX (16 * 1024)
#define IPXE_BIN_MAX (8 * 1024 * 1024)

enum { OPT_MODE = 1300, OPT_IFACE, OPT_URL, OPT_TFTP, OPT_RANGE, OPT_SUBNET,
       OPT_IPXE_DIR, OPT_OUT };

struct dnsmasq_args {
	const char *mode, *iface, *url, *tftp, *range, *subnet, *ipxe_dir, *out;
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

/** Check the values that end up in the file: one word each, no syntax. */
static int dnsmasq_check(const struct dnsmasq_args *a)
{
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
	    strpbrk(a->url, " \t\n\r,\"'#") || strlen(a->url) > 512)
		return fprintf(stderr, "fixctl: --server-url must be an http(s) "
			       "URL without blanks, commas or quotes\n"),
			-EINVAL;
	if (a->tftp[0] != '/' || strpbrk(a->tftp, " \t\n\r,\"'#"))
		return fprintf(stderr, "fixctl: --tftp-root must be an absolute "
			       "path without blanks or commas\n"), -EINVAL;
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
		"# TFTP carries only the iPXE binaries (world-readable files).\n"
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
static int dnsmasq_full(struct buf *b, const struct dnsmasq_args *a,
			const char *url)
{
	return buf_printf(b,
		"\n# Full DHCP: addresses from this range.\n"
		"dhcp-range=%s,1h\n"
		"\n"
		"# iPXE: fixsrv decides what the client boots.\n"
		"dhcp-boot=tag:ipxe,%s/boot.ipxe\n"
		"\n"
		"# UEFI HTTP boot (arch 16): a URL that fails at once, so that\n"
		"# the firmware moves on instead of waiting 60 s.\n"
		"dhcp-option-force=tag:efihttp,60,HTTPClient\n"
		"dhcp-boot=tag:efihttp,tag:!ipxe,%s/os/no-http-boot\n"
		"\n"
		"# No ProxyDHCP on this network: tell iPXE not to wait 3 s for\n"
		"# one (option 175.176, no-pxedhcp).\n"
		"dhcp-option=tag:ipxe,encap:175,176,1b\n",
		a->range, url, url);
}

/**
 * ProxyDHCP: the existing server gives addresses, dnsmasq the boot.
 *
 * @v net, mask	the existing server's network
 * @v url	fixsrv's base URL
 * @v srv	its IPv4 address (the next server iPXE insists on)
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
		"# iPXE: fixsrv decides what the client boots.  iPXE ignores a\n"
		"# ProxyDHCP offer without a next-server address: the fix server's.\n"
		"dhcp-boot=tag:ipxe,%s/boot.ipxe,,%s\n"
		"\n"
		"# UEFI HTTP boot (arch 16): a URL that fails at once, so that\n"
		"# the firmware moves on instead of waiting 60 s.\n"
		"dhcp-boot=tag:efihttp,tag:!ipxe,%s/os/no-http-boot\n",
		net, net, mask, url, srv, url);
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

/** Copy the iPXE binaries into the TFTP root.  @ret 0 or an exit code */
static int dnsmasq_copy_ipxe(const struct dnsmasq_args *a)
{
	char src[4096], dst[4096], chunk[65536];
	struct err err = { .msg = "" };
	struct buf b;
	size_t n;
	FILE *f;
	int rc;

	if (mkdir(a->tftp, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "fixctl: %s: %s\n", a->tftp, strerror(errno));
		return FIXCTL_EXIT_PERMANENT;
	}
	for (size_t i = 0; i < sizeof(ipxe_bins) / sizeof(ipxe_bins[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", a->ipxe_dir, ipxe_bins[i]);
		snprintf(dst, sizeof(dst), "%s/%s", a->tftp, ipxe_bins[i]);
		f = fopen(src, "rb");
		if (!f) {
			fprintf(stderr, "fixctl: %s: %s (apt-get install ipxe, "
				"or name the directory with --ipxe-dir)\n", src,
				strerror(errno));
			return FIXCTL_EXIT_PERMANENT;
		}
		buf_init(&b, IPXE_BIN_MAX);
		rc = 0;
		while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			rc = buf_append(&b, chunk, n);
		fclose(f);
		if (rc == 0)
			rc = fixctl_write_file(dst, b.data, b.len, 0644, true,
					       &err);
		buf_free(&b);
		if (rc < 0) {
			fprintf(stderr, "fixctl: %s: %s\n", dst, err.msg[0] ?
				err.msg : strerror(-rc));
			return FIXCTL_EXIT_PERMANENT;
		}
	}
	return 0;
}

/** Build the whole file. */
static int dnsmasq_build(const struct dnsmasq_args *a, struct buf *b)
{
	char net[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN];
	char url[520];
	size_t n = strlen(a->url);
	int rc;

	snprintf(url, sizeof(url), "%.*s", (int)(n && a->url[n - 1] == '/' ?
						 n - 1 : n), a->url);
	rc = buf_printf(b, "# fixnet: dnsmasq configuration written by "
			"`fixctl dnsmasq-conf --mode %s`.\n# Boot network on "
			"%s, fix server %s.\n\n", a->mode, a->iface, url);
	if (rc == 0)
		rc = dnsmasq_common(b, a);
	if (rc == 0 && strcmp(a->mode, "full") == 0)
		rc = dnsmasq_full(b, a, url);
	if (rc == 0 && strcmp(a->mode, "proxy") == 0) {
		if (subnet_parse(a->subnet, net, mask) < 0 || url_ipv4(url, srv) < 0)
			return -EINVAL;
		rc = dnsmasq_proxy(b, net, mask, url, srv);
	}
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
		{ NULL, 0, NULL, 0 },
	};
	struct dnsmasq_args a = { .ipxe_dir = "/usr/lib/ipxe" };
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
			"server)\n");
		goto usage;
	}
	code = dnsmasq_copy_ipxe(&a);
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
