/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_MANIFEST_INT_H
#define FIXNET_COMMON_MANIFEST_INT_H

/* Private to the manifest modules. */

#include <jansson.h>

#include "common/manifest.h"

/**
 * Parse the "ops" array into m->ops (allocated) and m->nops, and refuse
 * duplicate destination paths and members.
 * @ret 0, -EINVAL, -ENOMEM
 */
int manifest_ops_parse(json_t *ops, struct manifest *m, struct err *err);

#endif
