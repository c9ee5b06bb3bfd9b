# qemu-tests/: the netboot lab and its end-to-end scenarios.
#
#   make check-e2e   runs E2E_TESTS (root, QEMU, network namespaces;
#                    each scenario prints SKIPPED and exits 77 without them)
#   make demo        scenario (a) for one client, narrated
#
# FIXNET_QEMU_ACCEL=kvm runs the clients under KVM instead of TCG (TCG is
# the default: under a nested hypervisor KVM cannot run the firmware).
# Serial logs of failed runs stay in $(B)/e2e/failed/.

WOL_LISTEN := $(B)/host/qemu-tests/wol-listen
WOLFRAME_TEST := $(B)/host/qemu-tests/test/test_wolframe
CFLAGS_qemu-tests/test := $(shell pkg-config --cflags cmocka)

$(WOL_LISTEN): $(B)/host/qemu-tests/wol-listen.o $(B)/host/qemu-tests/wolframe.o $(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(COMMON_LDLIBS)

$(WOLFRAME_TEST): $(B)/host/qemu-tests/test/test_wolframe.o $(B)/host/qemu-tests/wolframe.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka

UNIT_TESTS += $(WOLFRAME_TEST)

# --- the lab's inputs: a publisher key of its own (the secret key, the .pub
# beside it, and a keys directory holding the .pub that fixsrv and fixd
# trust), the secondary OS built with it, the clients' primary OS.
E2E_DIR := $(B)/e2e
E2E_PUBLISHER := $(E2E_DIR)/publisher/fixnet-e2e
E2E_KEYS_DIR := $(E2E_DIR)/keys
E2E_TLS := $(E2E_DIR)/tls
E2E_OS := $(E2E_DIR)/os/vmlinuz $(E2E_DIR)/os/initramfs
E2E_PRIMARY := $(E2E_DIR)/primary/vmlinuz $(E2E_DIR)/primary/initrd \
	$(E2E_DIR)/primary/BOOTX64.EFI

# Order-only on fixctl: a rebuilt fixctl must not make a new key (and with
# it a new initramfs).
$(E2E_KEYS_DIR)/fixnet-e2e.pub: | $(B)/bin/fixctl
	@mkdir -p $(dir $(E2E_PUBLISHER)) $(@D)
	rm -f $(E2E_PUBLISHER) $(E2E_PUBLISHER).pub
	$(B)/bin/fixctl key gen -o $(E2E_PUBLISHER) --no-password
	cp $(E2E_PUBLISHER).pub $@

# The lab's https: a test CA, baked into its secondary OS, and the fix
# server's certificate (for the lab's address) that fixsrv's tls_listen uses.
$(E2E_TLS)/ca.pem: server/test/make-test-ca
	rm -rf $(E2E_TLS)
	server/test/make-test-ca $(E2E_TLS) 10.77.0.1

$(E2E_OS) &: $(INITRAMFS_SRCS) $(INITRAMFS_INPUTS) $(E2E_KEYS_DIR)/fixnet-e2e.pub \
		$(E2E_TLS)/ca.pem
	FIXNET_CACHE=$(FIXNET_CACHE) initramfs/build-initramfs --out $(E2E_DIR)/os \
		--fixd $(B)/bin/fixd --nft $(MUSL_NFT) --keys $(E2E_KEYS_DIR) \
		--ca $(E2E_TLS)/ca.pem

$(E2E_PRIMARY) &: qemu-tests/build-primary-os qemu-tests/primary-init \
		qemu-tests/primary-modules.list initramfs/deb-unpack \
		initramfs/add-modules initramfs/mkcpio | $(PKG_STAMP)
	FIXNET_CACHE=$(FIXNET_CACHE) qemu-tests/build-primary-os $(E2E_DIR)/primary

E2E_TESTS += qemu-tests/e2e-full-cycle qemu-tests/e2e-already-fixed \
	qemu-tests/e2e-server-down qemu-tests/e2e-uefi-cycle
# proxyDHCP beside the site's DHCP server (BIOS and UEFI); the CrowdStrike
# case on NTFS, applied and refused (lab-proxy.sh, lab-ntfs.sh)
E2E_TESTS += qemu-tests/e2e-proxydhcp-cycle qemu-tests/e2e-ntfs-crowdstrike \
	qemu-tests/e2e-ntfs-refused
# The quarantine against a rogue host; a power cut mid-apply; hooks that
# fail and the boot-loop cap (lab-rogue.sh, lab-powercut.sh)
E2E_TESTS += qemu-tests/e2e-isolation-rogue qemu-tests/e2e-powercut-apply \
	qemu-tests/e2e-bootloop-cap

# Only root can run the lab: elsewhere the scenarios print SKIPPED, and the
# inputs (which need apt and root) are not built.
ifeq ($(shell id -u),0)
E2E_DEPS += $(WOL_LISTEN) $(E2E_OS) $(E2E_PRIMARY) $(B)/bin/fixsrv $(B)/bin/fixctl
endif

.PHONY: demo

## demo: one QEMU client woken, quarantined, fixed, back in its primary OS
demo: all $(E2E_DEPS)
	@FIXNET_DEMO=1 qemu-tests/e2e-full-cycle
