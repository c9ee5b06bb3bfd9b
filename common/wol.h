/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_WOL_H
#define FIXNET_COMMON_WOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "common/mac.h"

/*
 * The Wake-on-LAN magic packet: 6 bytes 0xff, then the target MAC 16 times:
 * exactly WOL_PACKET_LEN bytes.  fixnet may append a trailer that tells an
 * agent running in a primary OS where the fix server is:
 *
 *   "FXN1"  family(1: 4 or 6)  port(2, big endian)  address(4 or 16)
 *
 * A NIC's wake filter only looks at the first 102 bytes, so the trailer never
 * stops a machine from waking.
 */

#define WOL_PACKET_LEN 102
#define WOL_TRAILER_MAGIC "FXN1"
#define WOL_TRAILER_V4_LEN (4 + 1 + 2 + 4)
#define WOL_TRAILER_V6_LEN (4 + 1 + 2 + 16)
#define WOL_MAX_LEN (WOL_PACKET_LEN + WOL_TRAILER_V6_LEN)
#define WOL_PORT 9

struct wol_trailer {
	int family;			/* AF_INET or AF_INET6 */
	uint16_t port;			/* host byte order */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
};

/**
 * Build a magic packet for mac into out.
 *
 * @v trailer	server address to append, or NULL for the bare 102 bytes
 * @v out	buffer of at least outlen bytes (WOL_MAX_LEN is always enough)
 * @ret length written (> 0), or -EINVAL (bad family) / -ENOSPC
 */
int wol_build(const struct mac *mac, const struct wol_trailer *trailer,
	      uint8_t *out, size_t outlen);

/**
 * Parse a received magic packet (untrusted).  Bytes after the 102 are
 * accepted as a trailer only if they are exactly a valid fixnet trailer;
 * other trailing bytes (a SecureOn password, padding) are ignored and
 * has_trailer is false.
 *
 * @v trailer		filled if has_trailer, may be NULL
 * @v has_trailer	may be NULL
 * @ret 0, or -EINVAL if the first 102 bytes are not a magic packet
 */
int wol_parse(const uint8_t *p, size_t n, struct mac *mac,
	      struct wol_trailer *trailer, bool *has_trailer);

#endif
