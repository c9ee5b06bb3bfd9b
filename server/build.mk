# server/: fixsrv (the daemon) and the server half of fixctl.
#
# server/fixctl.mk (fixctl's main, dispatch table, offline key/bundle
# commands) is included after this fragment and links FIXCTL_SRCS.

# make install [PREFIX=/usr/local] [DESTDIR=]: fixsrv, fixctl, the systemd
# unit (server/fixsrv.service.in with the paths filled in), the iPXE
# templates, the docs, the manual pages and the example config (its
# script_dir pointing at the installed templates).  The secondary OS is not installed: copy
# build/os/vmlinuz and build/os/initramfs (make initramfs) to boot_dir.
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/fixnet
DOCDIR  ?= $(PREFIX)/share/doc/fixnet
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR  ?= $(PREFIX)/share/man

# The installed templates are the default script_dir of fixsrv and the
# default --script-dir of fixctl dnsmasq-conf, compiled in; the stamp holds
# the value, so that a change of PREFIX or DATADIR rebuilds what uses it.
SCRIPT_DIR := $(DATADIR)/ipxe-scripts
SCRIPT_DIR_STAMP := $(B)/host/server/script-dir.stamp
SCRIPT_DIR_USERS := $(B)/host/server/config.o $(B)/host/server/fixctl.o \
	$(B)/host/server/fixctl_dnsmasq.o
$(SCRIPT_DIR_USERS): $(SCRIPT_DIR_STAMP)
$(SCRIPT_DIR_USERS): HOST_CFLAGS += -DFIXNET_SCRIPT_DIR='"$(SCRIPT_DIR)"'
$(SCRIPT_DIR_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(SCRIPT_DIR)' | cmp -s - $@ || echo '$(SCRIPT_DIR)' > $@
.PHONY: FORCE
FORCE:

FIXSRV_LIB_MODULES := log config db db_stmt db_tx db_reader inv_client inv_fix inv_event inv_stats \
	state bootdecide boottoken bootscript bootlog bootserve wolpace waker wolsend \
	wake http http_file boot_http agent agent_report admin admin_fix \
	import fixstore fixmanifest evidence listen dhcphosts
FIXSRV_LIB := $(B)/host/server/libfixsrv.a
FIXSRV_LDLIBS := $(shell pkg-config --libs libmicrohttpd sqlite3 jansson \
	libsodium libarchive) -lpthread

CFLAGS_server := $(shell pkg-config --cflags libmicrohttpd sqlite3 jansson \
	libsodium libarchive libcurl)
CFLAGS_server/test := $(CFLAGS_server) $(shell pkg-config --cflags cmocka)

$(FIXSRV_LIB): $(FIXSRV_LIB_MODULES:%=$(B)/host/server/%.o)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/bin/fixsrv: $(B)/host/server/fixsrv.o $(FIXSRV_LIB) $(COMMON_HOST_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(FIXSRV_LDLIBS) $(COMMON_LDLIBS)

PROGRAMS += $(B)/bin/fixsrv

# fixctl: the commands that talk to fixsrv, and dnsmasq-conf (offline).
FIXCTL_SRCS += server/fixctl_http.c server/fixctl_client.c \
	server/fixctl_admin.c server/fixctl_dnsmasq.c
FIXCTL_LDLIBS += $(shell pkg-config --libs libcurl jansson)

# Unit tests: server/test/test_<unit>.c, linked with the server library.
SERVER_TESTS := db bootlog state bootdecide boottoken wolpace wolpacket import config \
	evidence
SERVER_TEST_BINS := $(SERVER_TESTS:%=$(B)/host/server/test/test_%)

$(SERVER_TEST_BINS): $(B)/host/server/test/test_%: \
		$(B)/host/server/test/test_%.o $(B)/host/server/test/testinv.o \
		$(FIXSRV_LIB) $(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(FIXSRV_LDLIBS) \
		$(COMMON_LDLIBS)

UNIT_TESTS += $(SERVER_TEST_BINS)

# Integration tests: loopback fixsrv driven by fixctl, curl and fixd.
SERVER_INTEG := server/test/integ-fixsrv.sh server/test/integ-boot-records.sh \
	server/test/integ-conn-limit.sh server/test/integ-report-durable.sh \
	server/test/integ-fixd-dir.sh \
	server/test/integ-fixd-ext4.sh server/test/integ-badinput.sh \
	server/test/integ-restart.sh server/test/integ-wol-netns.sh \
	server/test/integ-evidence.sh server/test/integ-stale-boot.sh server/test/integ-https.sh \
	server/test/integ-dnsmasq-conf.sh server/test/integ-conf-example.sh \
	server/test/integ-hold.sh server/test/integ-dhcp-known.sh server/test/integ-client-set.sh \
	server/test/integ-client-remove.sh
# the manual pages against the programs' --help
SERVER_INTEG += docs/test/check-man-pages.sh
# trust and hardening (issue 5)
SERVER_INTEG += server/test/integ-serial-rollback.sh server/test/integ-key-rotation.sh \
	server/test/integ-fixd-hook-output.sh server/test/integ-privdrop.sh \
	server/test/integ-systemd-unit.sh
INTEG_TESTS += $(SERVER_INTEG)
INTEG_DEPS += $(B)/bin/fixsrv $(B)/bin/fixctl $(B)/bin/fixd \
	$(B)/host/server/test/wolcap $(B)/host/server/test/agentload

$(B)/host/server/test/wolcap: $(B)/host/server/test/wolcap.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

# agentload: many simulated agents on loopback (integration tests, bench/).
$(B)/host/server/test/agentload: $(B)/host/server/test/agentload.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

.PHONY: install
## install: fixsrv, fixctl, systemd unit, iPXE templates, docs, man pages (PREFIX, DESTDIR)
install: $(B)/bin/fixsrv $(B)/bin/fixctl server/fixsrv.service.in
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DATADIR)/ipxe-scripts $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0644 docs/fixsrv.8 docs/fixctl.8 docs/fixd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0755 $(B)/bin/fixsrv $(DESTDIR)$(SBINDIR)/fixsrv
	install -m 0755 $(B)/bin/fixctl $(DESTDIR)$(BINDIR)/fixctl
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
		server/fixsrv.service.in > $(DESTDIR)$(UNITDIR)/fixsrv.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/fixsrv.service
	install -m 0644 ipxe-scripts/*.ipxe $(DESTDIR)$(DATADIR)/ipxe-scripts/
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/
	sed 's|^script_dir = .*|script_dir = $(SCRIPT_DIR)|' \
		docs/fixsrv.conf.example > $(DESTDIR)$(DOCDIR)/fixsrv.conf.example
	chmod 0644 $(DESTDIR)$(DOCDIR)/fixsrv.conf.example
