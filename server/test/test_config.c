/* SPDX-License-Identifier: MIT */
/* fixsrv.conf parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/config.h"
#include "server/log.h"

/** Load text as a config file. */
static int load(const char *text, struct config *cfg)
{
	char path[] = "/tmp/fixnet-conf-XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	log_init("test", LOG_LVL_ERROR);
	assert_int_equal(config_defaults(cfg), 0);
	rc = config_load(cfg, path);
	unlink(path);
	return rc;
}

static void test_defaults_and_values(void **state)
{
	struct config cfg;

	(void)state;
	assert_int_equal(load("# fixsrv\npublic_url = http://10.77.0.1:8080\n"
			      "  max_boots=5  \nwol_broadcast = 10.77.0.255\n"
			      "wol_broadcast = iface:br0\nwol_trailer = yes\n",
			      &cfg), 0);
	assert_string_equal(cfg.public_url, "http://10.77.0.1:8080");
	assert_int_equal(cfg.max_boots, 5);
	assert_int_equal(cfg.token_ttl, 1800);
	assert_int_equal(cfg.boot_retries, 5);
	assert_int_equal(cfg.wol_group_interval_ms, 500);
	assert_string_equal(cfg.user, "fixnet");
	assert_int_equal(cfg.max_connections, 1024);
	assert_string_equal(cfg.admin_socket, "/run/fixnet/admin.sock");
	assert_int_equal(cfg.nwol, 2);
	assert_string_equal(cfg.wol_broadcast[1], "iface:br0");
	assert_true(cfg.wol_trailer);
	config_free(&cfg);
}

/*
 * The default kernel line reboots a panicking secondary OS (panic=10), so
 * that the next PXE boot counts against max_boots: panic=0 would hang the
 * client for good, out of the boot-loop breaker's reach.
 */
static void test_default_kernel_args_reboot_on_panic(void **state)
{
	struct config cfg;

	(void)state;
	assert_int_equal(load("public_url = http://10.77.0.1:8080\n", &cfg), 0);
	assert_string_equal(cfg.kernel_args,
			    "console=tty0 console=ttyS0,115200 panic=10");
	config_free(&cfg);
	assert_int_equal(load("public_url = http://10.77.0.1:8080\n"
			      "kernel_args = console=ttyS0 panic=0\n", &cfg), 0);
	assert_string_equal(cfg.kernel_args, "console=ttyS0 panic=0");
	config_free(&cfg);
}

static void test_max_connections(void **state)
{
	struct config cfg;

	(void)state;
	assert_int_equal(load("public_url = http://x\nmax_connections = 20000\n",
			      &cfg), 0);
	assert_int_equal(cfg.max_connections, 20000);
	config_free(&cfg);
}

static void test_errors_refused(void **state)
{
	static const char *const bad[] = {
		"public_url = http://x\nlisten = nohost\n",
		"public_url = http://x\nmax_boots = 0\n",
		"public_url = http://x\nmax_connections = 8\n",
		"public_url = http://x\ntoken_ttl = 1h\n",
		"public_url = http://x\nfrobnicate = 1\n",
		"public_url = http://x\nmax_boots = 3\nmax_boots = 4\n",
		"public_url = ftp://x\n",
		"public_url = http://x\nstate_dir = relative/path\n",
		"public_url = http://x\nwol_trailer = maybe\n",
		"public_url = http://x\nwol_broadcast = 10.0.0.256\n",
		"public_url = http://x\nkernel_args = a; reboot\n",
		"public_url = http://x\nadmin_listen = 127.0.0.1:9000\n",
		"public_url = http://x\nlog_level = loud\n",
		"public_url = http://x\nno equals sign\n",
		"listen = 0.0.0.0:8080\n",	/* public_url is required */
	};
	struct config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(bad[i], &cfg), -EINVAL);
		config_free(&cfg);
	}
}

static void test_missing_file(void **state)
{
	struct config cfg;

	(void)state;
	log_init("test", LOG_LVL_ERROR);
	assert_int_equal(config_defaults(&cfg), 0);
	assert_int_equal(config_load(&cfg, "/nonexistent/fixsrv.conf"),
			 -ENOENT);
	config_free(&cfg);
}

static void test_hostport(void **state)
{
	char host[64];
	uint16_t port;

	(void)state;
	assert_int_equal(config_split_hostport("[::1]:8080", host, sizeof(host),
					       &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 8080);
	assert_int_equal(config_split_hostport("0.0.0.0:80", host, sizeof(host),
					       &port), 0);
	assert_int_equal(config_split_hostport(":80", host, sizeof(host),
					       &port), -EINVAL);
	assert_int_equal(config_split_hostport("h:0", host, sizeof(host),
					       &port), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_default_kernel_args_reboot_on_panic),
		cmocka_unit_test(test_max_connections),
		cmocka_unit_test(test_errors_refused),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_hostport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
