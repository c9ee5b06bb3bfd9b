# server/: fixsrv (the daemon) and the server half of fixctl.
#
# server/fixctl.mk (fixctl's main, dispatch table, offline key/bundle
# commands) is included after this fragment and links FIXCTL_SRCS.

FIXSRV_LIB_MODULES := log config db db_stmt db_tx inv_client inv_fix inv_event inv_stats \
	state bootdecide boottoken bootscript bootserve wolpace waker wolsend \
	wake http http_file boot_http agent agent_report admin admin_fix \
	import fixstore listen
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
SERVER_TESTS := db state bootdecide boottoken wolpace wolpacket import config
SERVER_TEST_BINS := $(SERVER_TESTS:%=$(B)/host/server/test/test_%)

$(SERVER_TEST_BINS): $(B)/host/server/test/test_%: \
		$(B)/host/server/test/test_%.o $(B)/host/server/test/testinv.o \
		$(FIXSRV_LIB) $(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(FIXSRV_LDLIBS) \
		$(COMMON_LDLIBS)

UNIT_TESTS += $(SERVER_TEST_BINS)

# Integration tests: loopback fixsrv driven by fixctl, curl and fixd.
SERVER_INTEG := server/test/integ-fixsrv.sh server/test/integ-report-durable.sh server/test/integ-fixd-dir.sh \
	server/test/integ-fixd-ext4.sh server/test/integ-badinput.sh \
	server/test/integ-restart.sh server/test/integ-wol-netns.sh \
	server/test/integ-dnsmasq-conf.sh server/test/integ-conf-example.sh
INTEG_TESTS += $(SERVER_INTEG)
INTEG_DEPS += $(B)/bin/fixsrv $(B)/bin/fixctl $(B)/bin/fixd \
	$(B)/host/server/test/wolcap $(B)/host/server/test/agentload

$(B)/host/server/test/wolcap: $(B)/host/server/test/wolcap.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

# agentload: many simulated agents on loopback (integration tests, bench/).
$(B)/host/server/test/agentload: $(B)/host/server/test/agentload.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^
