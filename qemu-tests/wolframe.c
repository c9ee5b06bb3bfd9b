/* SPDX-License-Identifier: MIT */
/*
 * Find a Wake-on-LAN magic packet in an Ethernet frame (see wolframe.h).
 */
#include <errno.h>

#include "qemu-tests/wolframe.h"

#define ETH_HLEN_ 14
#define VLAN_TAG_LEN 4
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV4_MIN_HLEN 20
#define IPV6_HLEN 40
#define IP_PROTO_UDP 17
#define UDP_HLEN 8
#define IPV4_FRAG_MASK 0x3fff	/* MF flag and fragment offset */

/** Big-endian 16-bit value at p. */
static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

/**
 * The payload of a UDP datagram to the echo or discard port.
 *
 * @v udp	UDP header
 * @v len	bytes from udp to the end of the IP payload
 * @ret 0, -ENOMSG (another port), -EINVAL (bad length)
 */
static int wolframe_udp(const uint8_t *udp, size_t len,
			const uint8_t **payload, size_t *plen)
{
	unsigned int dport, ulen;

	if (len < UDP_HLEN)
		return -EINVAL;
	dport = be16(udp + 2);
	if (dport != WOLFRAME_UDP_PORT_ECHO && dport != WOLFRAME_UDP_PORT_DISCARD)
		return -ENOMSG;
	ulen = be16(udp + 4);
	if (ulen < UDP_HLEN || ulen > len)
		return -EINVAL;
	*payload = udp + UDP_HLEN;
	*plen = ulen - UDP_HLEN;
	return 0;
}

/**
 * An IPv4 packet: unfragmented UDP only.
 *
 * @v ip	IPv4 header
 * @v len	bytes from ip to the end of the frame
 */
static int wolframe_ipv4(const uint8_t *ip, size_t len,
			 const uint8_t **payload, size_t *plen)
{
	size_t hlen, total;

	if (len < IPV4_MIN_HLEN || ip[0] >> 4 != 4)
		return -EINVAL;
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	total = be16(ip + 2);
	if (hlen < IPV4_MIN_HLEN || total < hlen || total > len)
		return -EINVAL;
	if (ip[9] != IP_PROTO_UDP || (be16(ip + 6) & IPV4_FRAG_MASK))
		return -ENOMSG;
	return wolframe_udp(ip + hlen, total - hlen, payload, plen);
}

/**
 * An IPv6 packet whose next header is UDP (no extension headers).
 *
 * @v ip	IPv6 header
 * @v len	bytes from ip to the end of the frame
 */
static int wolframe_ipv6(const uint8_t *ip, size_t len,
			 const uint8_t **payload, size_t *plen)
{
	size_t plen6;

	if (len < IPV6_HLEN || ip[0] >> 4 != 6)
		return -EINVAL;
	plen6 = be16(ip + 4);
	if (plen6 > len - IPV6_HLEN)
		return -EINVAL;
	if (ip[6] != IP_PROTO_UDP)
		return -ENOMSG;
	return wolframe_udp(ip + IPV6_HLEN, plen6, payload, plen);
}

/**
 * Find the magic packet candidate in a frame.
 *
 * @v frame	the frame
 * @v len	its length
 * @v payload	set to the candidate
 * @v plen	set to its length
 * @ret 0, -ENOMSG, -EINVAL
 */
int wolframe_payload(const uint8_t *frame, size_t len,
		     const uint8_t **payload, size_t *plen)
{
	size_t off = ETH_HLEN_;
	unsigned int type;

	if (len < ETH_HLEN_)
		return -EINVAL;
	type = be16(frame + 12);
	if (type == ETHERTYPE_VLAN) {
		if (len < ETH_HLEN_ + VLAN_TAG_LEN)
			return -EINVAL;
		type = be16(frame + 16);
		off += VLAN_TAG_LEN;
	}
	switch (type) {
	case WOLFRAME_ETHERTYPE_WOL:
		*payload = frame + off;
		*plen = len - off;
		return 0;
	case ETHERTYPE_IPV4:
		return wolframe_ipv4(frame + off, len - off, payload, plen);
	case ETHERTYPE_IPV6:
		return wolframe_ipv6(frame + off, len - off, payload, plen);
	default:
		return -ENOMSG;
	}
}
