/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_MAC_H
#define FIXNET_COMMON_MAC_H

#include <stdbool.h>
#include <stdint.h>

#define MAC_LEN 6
#define MAC_STR_LEN 18		/* "aa:bb:cc:dd:ee:ff" and the NUL */

struct mac {
	uint8_t b[MAC_LEN];
};

/**
 * Parse a MAC address: six pairs of hex digits separated by ':' or '-'
 * (one separator kind throughout), or 12 hex digits with no separator.
 * Either case.  Nothing before or after.
 *
 * @ret 0, or -EINVAL
 */
int mac_parse(const char *s, struct mac *out);

/**
 * Parse the BOOTIF form that PXELINUX and iPXE put on the kernel command
 * line: "01-aa-bb-cc-dd-ee-ff" (the 01 is the ARP hardware type, Ethernet).
 *
 * @ret 0, or -EINVAL
 */
int mac_parse_bootif(const char *s, struct mac *out);

/** Canonical form: lower case, colons. */
void mac_format(const struct mac *m, char out[MAC_STR_LEN]);

/** True for a MAC a host can own: not multicast/broadcast, not all zero. */
bool mac_is_unicast(const struct mac *m);

#endif
