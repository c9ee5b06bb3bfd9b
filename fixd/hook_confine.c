/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "fixd/hook_confine.h"

/* The capabilities a hook loses (see hook_confine.h). */
static const int hook_caps_dropped[] = {
	CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_SYS_MODULE,
	CAP_SYS_RAWIO, CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_SYS_BOOT, CAP_BPF,
	CAP_PERFMON,
};

/* Made read-only for the hook. */
static const char *const hook_ro_paths[] = { "/proc/sys", "/sys" };

/**
 * Bind a path onto itself, read-only, in the current mount namespace.
 * @ret 0 or -errno
 */
static int hook_ro_bind(const char *path)
{
	if (mount(path, path, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
		  MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

/**
 * Remove the dropped capabilities from the bounding set, then from the
 * effective, permitted, inheritable and ambient sets.
 * @ret 0 or -errno
 */
static int hook_caps_drop(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	for (size_t i = 0; i < sizeof(hook_caps_dropped) / sizeof(int); i++) {
		/* EINVAL: a capability this kernel does not have */
		if (prctl(PR_CAPBSET_DROP, hook_caps_dropped[i], 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(hook_caps_dropped) / sizeof(int); i++) {
		int c = hook_caps_dropped[i];
		uint32_t bit = UINT32_C(1) << (c % 32);

		d[c / 32].effective &= ~bit;
		d[c / 32].permitted &= ~bit;
		d[c / 32].inheritable &= ~bit;
	}
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/**
 * Confine the calling process.
 * @ret 0 or -errno
 */
int hook_confine(void)
{
	int rc;

	if (geteuid() != 0)
		return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(hook_ro_paths) / sizeof(char *); i++) {
		rc = hook_ro_bind(hook_ro_paths[i]);
		if (rc < 0)
			return rc;
	}
	rc = hook_caps_drop();
	if (rc < 0)
		return rc;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}
