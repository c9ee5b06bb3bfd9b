/* SPDX-License-Identifier: MIT */
/*
 * Wake-on-LAN magic packets with fixnet's optional trailer (see wol.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/wol.h"

#define WOL_SYNC_LEN 6
#define WOL_MAC_REPEAT 16
#define WOL_MAGIC_LEN (sizeof(WOL_TRAILER_MAGIC) - 1)
#define WOL_FAMILY_V4 4
#define WOL_FAMILY_V6 6

/**
 * Length of the trailer for an address family.
 *
 * @v family	AF_INET or AF_INET6
 * @ret length, or 0 for another family
 */
static size_t wol_trailer_len(int family)
{
	if (family == AF_INET)
		return WOL_TRAILER_V4_LEN;
	if (family == AF_INET6)
		return WOL_TRAILER_V6_LEN;
	return 0;
}

/**
 * Write the trailer.
 *
 * @v t		server address
 * @v p		WOL_TRAILER_V4_LEN or _V6_LEN bytes, as the family needs
 */
static void wol_trailer_write(const struct wol_trailer *t, uint8_t *p)
{
	memcpy(p, WOL_TRAILER_MAGIC, WOL_MAGIC_LEN);
	p += WOL_MAGIC_LEN;
	*p++ = t->family == AF_INET ? WOL_FAMILY_V4 : WOL_FAMILY_V6;
	*p++ = (uint8_t)(t->port >> 8);
	*p++ = (uint8_t)(t->port & 0xff);
	if (t->family == AF_INET)
		memcpy(p, &t->addr.v4, 4);
	else
		memcpy(p, &t->addr.v6, 16);
}

/**
 * Build a magic packet.
 *
 * @v mac	target MAC
 * @v trailer	server address to append, or NULL
 * @v out	output buffer
 * @v outlen	its size
 * @ret length written, or -EINVAL (bad family) / -ENOSPC
 */
int wol_build(const struct mac *mac, const struct wol_trailer *trailer,
	      uint8_t *out, size_t outlen)
{
	size_t len = WOL_PACKET_LEN;
	int i;

	if (trailer) {
		size_t tlen = wol_trailer_len(trailer->family);

		if (!tlen)
			return -EINVAL;
		len += tlen;
	}
	if (outlen < len)
		return -ENOSPC;
	memset(out, 0xff, WOL_SYNC_LEN);
	for (i = 0; i < WOL_MAC_REPEAT; i++)
		memcpy(out + WOL_SYNC_LEN + i * MAC_LEN, mac->b, MAC_LEN);
	if (trailer)
		wol_trailer_write(trailer, out + WOL_PACKET_LEN);
	return (int)len;
}

/**
 * Read a trailer: it must be exactly one valid fixnet trailer.
 *
 * @v p		bytes after the magic packet
 * @v n		how many
 * @v t		filled on success
 * @ret 0, or -EINVAL if these bytes are not a fixnet trailer
 */
static int wol_trailer_read(const uint8_t *p, size_t n, struct wol_trailer *t)
{
	uint16_t port;

	if (n < WOL_MAGIC_LEN + 3 || memcmp(p, WOL_TRAILER_MAGIC, WOL_MAGIC_LEN))
		return -EINVAL;
	port = (uint16_t)(p[WOL_MAGIC_LEN + 1] << 8 | p[WOL_MAGIC_LEN + 2]);
	if (port == 0)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->port = port;
	if (p[WOL_MAGIC_LEN] == WOL_FAMILY_V4 && n == WOL_TRAILER_V4_LEN) {
		t->family = AF_INET;
		memcpy(&t->addr.v4, p + WOL_MAGIC_LEN + 3, 4);
		return 0;
	}
	if (p[WOL_MAGIC_LEN] == WOL_FAMILY_V6 && n == WOL_TRAILER_V6_LEN) {
		t->family = AF_INET6;
		memcpy(&t->addr.v6, p + WOL_MAGIC_LEN + 3, 16);
		return 0;
	}
	return -EINVAL;
}

/**
 * Parse a received magic packet (untrusted).
 *
 * @v p			packet bytes
 * @v n			how many
 * @v mac		the target MAC, set on success
 * @v trailer		filled if has_trailer, may be NULL
 * @v has_trailer	may be NULL
 * @ret 0, or -EINVAL if the first 102 bytes are not a magic packet
 */
int wol_parse(const uint8_t *p, size_t n, struct mac *mac,
	      struct wol_trailer *trailer, bool *has_trailer)
{
	struct wol_trailer t;
	bool found;
	int i;

	if (n < WOL_PACKET_LEN)
		return -EINVAL;
	for (i = 0; i < WOL_SYNC_LEN; i++)
		if (p[i] != 0xff)
			return -EINVAL;
	for (i = 1; i < WOL_MAC_REPEAT; i++)
		if (memcmp(p + WOL_SYNC_LEN, p + WOL_SYNC_LEN + i * MAC_LEN,
			   MAC_LEN))
			return -EINVAL;
	memcpy(mac->b, p + WOL_SYNC_LEN, MAC_LEN);
	found = wol_trailer_read(p + WOL_PACKET_LEN, n - WOL_PACKET_LEN,
				 &t) == 0;
	if (found && trailer)
		*trailer = t;
	if (has_trailer)
		*has_trailer = found;
	return 0;
}
