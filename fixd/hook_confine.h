/* SPDX-License-Identifier: MIT */
#ifndef FIXD_HOOK_CONFINE_H
#define FIXD_HOOK_CONFINE_H

/*
 * What a hook may not do, even as root.  The quarantine's isolation (host
 * route, nftables) holds only against processes that cannot change the
 * network setup, and a hook may run programs from the target disk, which
 * may be infected.  So, in the hook's process before it executes the
 * shell, when fixd runs as root:
 *
 *  - capabilities that reach the network setup or the kernel itself are
 *    removed from every set and from the bounding set: CAP_NET_ADMIN
 *    (routes, addresses, nftables), CAP_NET_RAW (packets of its own
 *    making), CAP_NET_BIND_SERVICE (port 68, from which the ruleset lets
 *    DHCP broadcasts out), CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_PTRACE
 *    (of /init or fixd), CAP_SYS_ADMIN (mounts), CAP_SYS_BOOT (kexec),
 *    CAP_BPF, CAP_PERFMON;
 *  - /proc/sys and /sys are read-only in a mount namespace of its own: a
 *    root process needs no capability to write a sysctl, and
 *    kernel.modprobe or kernel.core_pattern would make the kernel run a
 *    program of its choosing with every capability;
 *  - no_new_privs, so that nothing it executes (setuid, file
 *    capabilities) gets any of it back.
 *
 * What stays: uid 0 and the file capabilities (DAC_OVERRIDE, CHOWN,
 * FOWNER...), so that a hook still reads and writes the whole target.
 */

/**
 * Confine the calling process (the hook's child, before execve).  Does
 * nothing when not root: such a process has none of it to lose.
 * @ret 0, or -errno (the hook must then not run)
 */
int hook_confine(void);

#endif
