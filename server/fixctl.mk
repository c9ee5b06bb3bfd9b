# server/fixctl.mk: fixctl, the administration tool (glibc).
#
# server/build.mk is included before this file and may already have added
# the admin commands' sources to FIXCTL_SRCS and their link flags to
# FIXCTL_LDLIBS; the prerequisite list below is expanded when this rule is
# read, so it sees them.  fixctl shares the agent's bundle reader
# (fixd/bundle*.c), so that `bundle create` checks exactly what fixd checks.

FIXCTL_SRCS += server/fixctl.c server/fixctl_util.c server/fixctl_key.c \
	server/fixctl_bundle.c server/fixctl_archive.c server/fixctl_sign.c \
	server/fixctl_show.c fixd/bundle.c fixd/bundle_paths.c \
	fixd/sha.c
FIXCTL_LDLIBS += $(shell pkg-config --libs libarchive nettle) $(COMMON_LDLIBS)

$(B)/bin/fixctl: $(sort $(FIXCTL_SRCS:%.c=$(B)/host/%.o)) $(COMMON_HOST_LIB)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(filter %.o,$^) $(COMMON_HOST_LIB) \
		$(FIXCTL_LDLIBS)

PROGRAMS += $(B)/bin/fixctl
