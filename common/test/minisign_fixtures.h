/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_TEST_MINISIGN_FIXTURES_H
#define FIXNET_COMMON_TEST_MINISIGN_FIXTURES_H

/* Each test file uses some of the fixtures. */
#define FIXTURE static const char __attribute__((unused))

/*
 * Test data for the minisign and keyring tests, made by Debian's minisign 0.11:
 *   printf 'fixnet test message\n' > msg
 *   minisign -G -W -p a.pub -s a.key
 *   minisign -S -s a.key -m msg -x a.sig -c fixture -t "fixnet fixture"
 *   minisign -S -l -s a.key -m msg -x legacy.sig -c fixture -t "fixnet fixture"
 *   (ulimit -v 100000; minisign -G -p b.pub -s b.key -c "fixture encrypted key")
 *	with the password "fixnet-test-pw" (the ulimit makes minisign lower
 *	its scrypt limits to 64 MiB, so that the test runs fast)
 *   minisign -G -W -p c.pub -s c.key
 */
FIXTURE msg[] = "fixnet test message\n";

FIXTURE a_pub[] =
	"untrusted comment: minisign public key D0A939E6FEA9F93\n"
	"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YG\n";
FIXTURE a_key[] =
	"untrusted comment: minisign encrypted secret key\n"
	"RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	"k5/qb56TCg25u3DaadUFi76M5tnSVNE5LRDN+1ZDGfGM9HueMlTq1A1qbgMBejw89VK0jq1f"
	"C/X2EuSpAOdGhmZ+G9kOD5YGAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
FIXTURE a_sig[] =
	"untrusted comment: fixture\n"
	"RUSTn+pvnpMKDUpaO0mzuS9gTO++s1kPActNZ+S2Pqz+O1RKuD1oZENhnjD9eYpImZ+zn3T2"
	"ctVpMta8UK5vtuOyHZNohnB/8wk=\n"
	"trusted comment: fixnet fixture\n"
	"acBOE1oqaaGUcBa4uAGNtv5uu8PAa5udIZoMODWDbiWlSBqhWxxwPgCHrodpx9EBKiZ1VP1O"
	"BYaeoPsYqGmBAg==\n";
FIXTURE legacy_sig[] =
	"untrusted comment: fixture\n"
	"RWSTn+pvnpMKDYsKP8XloQ8xQoSeP3W6J4c1yWzjaaU7/rCXqR2sIBdo9DFtPn098AR3ew0l"
	"2s3ltT9yhOwg8wu79mVxZTAueQQ=\n"
	"trusted comment: fixnet fixture\n"
	"2uux5ht11qNVUFrRoLwMaFPo2ii8zYoP9cl9TzrVCfS0Hr40IVEgzdCY5x/YwRcSeK0L0W7/"
	"uO5juWmPCBO2BQ==\n";
FIXTURE b_pub[] =
	"untrusted comment: minisign public key 52F4AFA4E01EC440\n"
	"RWRAxB7gpK/0UreAMH4b7EpCalAVtL5A+6NlquZCHE1mB7eoh8XOZ+hs\n";
FIXTURE b_key[] =
	"untrusted comment: fixture encrypted key\n"
	"RWRTY0IygcnbNpATmvLTyTrO7mtiDL8cGMXKCK5jbEBqOv6yr3oAACAAAAAAAAAAAAQAAAAA"
	"oW+QIy383Ps4VESBgAHetLQDooxftF9B6AYl4LRnB21fXwTT88ByHdMrtl/FZxYEIWdKjuQ/"
	"ML6M8ElWKB8qZthC0YBjqmWq+us9/PyBESqlqHMFmrkA7C4EZUdUZrUb3ZK++mnBtS4=\n";
FIXTURE b_password[] = "fixnet-test-pw";
FIXTURE c_pub[] =
	"untrusted comment: minisign public key AED1E3BB4AEF4769\n"
	"RWRpR+9Ku+PRrqlWW30qmeblhEDXRcJOcgmx/sQAt7yo58j5dbSrio8R\n";

#endif
