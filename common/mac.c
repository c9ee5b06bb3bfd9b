/* SPDX-License-Identifier: MIT */
/*
 * MAC addresses: parse, BOOTIF form, canonical text (see mac.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/mac.h"

#define MAC_HEX_LEN (2 * MAC_LEN)
#define MAC_SEP_LEN (3 * MAC_LEN - 1)	/* "aa:bb:cc:dd:ee:ff" */
#define BOOTIF_PREFIX "01-"

/**
 * Parse "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff" or "aabbccddeeff".
 *
 * @v s		text, nothing before or after the address
 * @v out	the address, set only on success
 * @ret 0, or -EINVAL
 */
int mac_parse(const char *s, struct mac *out)
{
	char digits[MAC_HEX_LEN + 1];
	size_t len = strnlen(s, MAC_SEP_LEN + 1);
	char sep;
	int i;

	if (len == MAC_HEX_LEN)
		return hex_decode(s, out->b, MAC_LEN);
	if (len != MAC_SEP_LEN)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (i = 0; i < MAC_LEN; i++) {
		if (i > 0 && s[3 * i - 1] != sep)
			return -EINVAL;
		digits[2 * i] = s[3 * i];
		digits[2 * i + 1] = s[3 * i + 1];
	}
	digits[MAC_HEX_LEN] = '\0';
	return hex_decode(digits, out->b, MAC_LEN);
}

/**
 * Parse the BOOTIF form "01-aa-bb-cc-dd-ee-ff" (ARP type 1, Ethernet).
 *
 * @v s		text
 * @v out	the address, set only on success
 * @ret 0, or -EINVAL
 */
int mac_parse_bootif(const char *s, struct mac *out)
{
	const char *mac = s + strlen(BOOTIF_PREFIX);

	if (strncmp(s, BOOTIF_PREFIX, strlen(BOOTIF_PREFIX)) != 0)
		return -EINVAL;
	if (strnlen(mac, MAC_SEP_LEN + 1) != MAC_SEP_LEN || mac[2] != '-')
		return -EINVAL;
	return mac_parse(mac, out);
}

/**
 * Canonical text: lower case, colons.
 *
 * @v m		address
 * @v out	MAC_STR_LEN bytes
 */
void mac_format(const struct mac *m, char out[MAC_STR_LEN])
{
	snprintf(out, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m->b[0], m->b[1], m->b[2], m->b[3], m->b[4], m->b[5]);
}

/**
 * True for an address a host can own.
 *
 * @v m		address
 * @ret false for multicast, broadcast and all zero
 */
bool mac_is_unicast(const struct mac *m)
{
	static const uint8_t zero[MAC_LEN];

	if (m->b[0] & 0x01)
		return false;
	return memcmp(m->b, zero, MAC_LEN) != 0;
}
