/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_DHCPHOSTS_H
#define FIXNET_SERVER_DHCPHOSTS_H

#include "server/inventory.h"

/*
 * The clients an administrator added, as a dnsmasq hosts file, so that the
 * boot network answers only them (fixsrv.conf dhcp_hosts_dir; dnsmasq:
 * dhcp-hostsdir=DIR and dhcp-ignore=tag:!known, which `fixctl dnsmasq-conf
 * --hosts-dir DIR` writes).  DIR/DHCPHOSTS_FILE holds one MAC a line and is
 * replaced whole (a dot-named temporary file, which dnsmasq ignores, then
 * fsync and rename) after every change of the client list; dnsmasq reads a
 * new file of its hosts directory by itself (inotify), no signal needed.
 */

#define DHCPHOSTS_FILE "fixnet-clients.hosts"
#define DHCPHOSTS_MAX (32 * 1024 * 1024)	/* bytes: 1.7 million MACs */

/**
 * Rewrite the hosts file from the inventory.  Calls are serialised, each
 * reads the list when its turn comes, so the last file written holds the
 * last list committed.
 *
 * @v inv	inventory (no transaction open)
 * @v dir	the hosts directory
 * @ret 0 or a negative errno (logged, with what to do)
 */
int dhcphosts_write(struct inv *inv, const char *dir);

#endif
