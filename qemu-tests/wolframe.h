/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_QEMU_TESTS_WOLFRAME_H
#define FIXNET_QEMU_TESTS_WOLFRAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where a Wake-on-LAN magic packet sits in an Ethernet frame, as a NIC in
 * standby (and libvirt-wakeonlan) finds it: the payload of EtherType 0x0842
 * (ether-wake), or of a UDP datagram to port 7 or 9 over IPv4 or IPv6, with
 * at most one 802.1Q tag.  The frame is untrusted: every step is checked
 * against its end.
 */

#define WOLFRAME_MAX 2048		/* bytes of a frame worth reading */
#define WOLFRAME_ETHERTYPE_WOL 0x0842
#define WOLFRAME_UDP_PORT_ECHO 7
#define WOLFRAME_UDP_PORT_DISCARD 9

/**
 * Find the magic packet candidate in a frame.
 *
 * @v frame	the frame, from the destination MAC on
 * @v len	its length
 * @v payload	set to the first byte of the candidate
 * @v plen	set to its length
 * @ret 0, or -ENOMSG (not a frame that carries a magic packet), -EINVAL
 *	(truncated or malformed headers)
 */
int wolframe_payload(const uint8_t *frame, size_t len,
		     const uint8_t **payload, size_t *plen);

#endif
