# initramfs/: the secondary OS (Debian 6.12 kernel + a BusyBox initramfs with
# fixd, nft, the publisher keys and the modules of modules.list).
#
#   make initramfs                          -> $(B)/os/vmlinuz, $(B)/os/initramfs
#   make initramfs FIXNET_KEYS_DIR=DIR      publisher keys: DIR/*.pub (+ revoked)
#   make initramfs FIXNET_CA=FILE           the CA of fixsrv's https listener
#
# Debian packages are downloaded and unpacked into $(FIXNET_CACHE)/debian,
# never installed.  The build prints the sizes and fails if kernel +
# initramfs reach 20 MB.

FIXNET_KEYS_DIR ?= /etc/fixnet/keys
# The CA (PEM) that signs fixsrv's tls_cert, for an https agent_url.
FIXNET_CA ?=
# Firmware files for /lib/firmware of the secondary OS (docs/hardware.md).
FIXNET_FIRMWARE_DIR ?=

INITRAMFS_SRCS := initramfs/build-initramfs initramfs/deb-unpack \
	initramfs/add-modules initramfs/mkcpio initramfs/init \
	initramfs/udhcpc.script initramfs/egress.nft initramfs/modules.list \
	initramfs/nft-from-debian initramfs/nft-debian.list initramfs/stage-keys

# The inputs that are not files of the tree.
INITRAMFS_INPUTS := $(B)/bin/fixd $(MUSL_STAMP) $(PKG_STAMP)

.PHONY: initramfs

## initramfs: the secondary OS: build/os/vmlinuz and initramfs (keys: FIXNET_KEYS_DIR)
initramfs: $(B)/os/initramfs

$(B)/os/vmlinuz $(B)/os/initramfs &: $(INITRAMFS_SRCS) $(INITRAMFS_INPUTS) \
		$(wildcard $(FIXNET_KEYS_DIR)/*.pub $(FIXNET_KEYS_DIR)/revoked) \
		$(if $(FIXNET_FIRMWARE_DIR),$(shell find $(FIXNET_FIRMWARE_DIR) -type f)) \
		$(FIXNET_CA)
	FIXNET_CACHE=$(FIXNET_CACHE) initramfs/build-initramfs --out $(B)/os \
		--fixd $(B)/bin/fixd --nft $(MUSL_NFT) --keys $(FIXNET_KEYS_DIR) \
		$(if $(FIXNET_FIRMWARE_DIR),--firmware $(FIXNET_FIRMWARE_DIR)) \
		$(if $(FIXNET_CA),--ca $(FIXNET_CA))

# The keys staging step alone (stage-keys + mkcpio): no kernel, no QEMU.
INTEG_TESTS += initramfs/test/integ-stage-keys.sh
INTEG_DEPS  += $(B)/bin/fixd $(B)/bin/fixctl

# The egress ruleset loaded with Debian's nft into namespaces made by the
# test and probed from a client (root; SKIPPED otherwise).
INTEG_TESTS += initramfs/test/integ-egress-nft.sh
