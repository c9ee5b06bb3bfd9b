/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: wol_parse(), a received Wake-on-LAN packet (untrusted: any
 * host on the segment can send one).  Invariant: a packet that parses is
 * rebuilt byte for byte by wol_build() from what was read, the trailer
 * included when one was found.
 */
#include <string.h>

#include "common/wol.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wol_trailer t;
	uint8_t out[WOL_MAX_LEN];
	bool has = false;
	struct mac mac;
	int n;

	if (wol_parse(data, size, &mac, &t, &has) < 0) {
		FUZZ_CHECK(!has);
		return 0;
	}
	FUZZ_CHECK(size >= WOL_PACKET_LEN);
	n = wol_build(&mac, has ? &t : NULL, out, sizeof(out));
	FUZZ_CHECK(n > 0);
	if (has) {
		FUZZ_CHECK(t.port != 0);
		FUZZ_CHECK((size_t)n == size);
	} else {
		FUZZ_CHECK(n == WOL_PACKET_LEN);
	}
	FUZZ_CHECK(memcmp(out, data, (size_t)n) == 0);
	return 0;
}
