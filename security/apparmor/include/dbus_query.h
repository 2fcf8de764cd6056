/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AppArmor security module
 *
 * The D-Bus query file of apparmorfs: request parsing and file operations
 */

#ifndef _SECURITY_APPARMOR_DBUS_QUERY_H
#define _SECURITY_APPARMOR_DBUS_QUERY_H

#include <linux/fs.h>
#include <linux/types.h>
#include <uapi/linux/apparmor.h>

#include "dbus.h"
#include "label.h"

/* The highest ABI of <linux/apparmor.h> this kernel answers. */
#define AA_DBUS_ABI 2

/**
 * struct aa_dbus_request - a validated write: all its queries
 * @audit: some query asks for its decision to be logged
 * @count: number of queries in @query
 * @query: the queries, in the order they were written; room for as many
 *         as the header's count, allocated to fit
 */
struct aa_dbus_request {
	bool audit;
	u32 count;
	struct aa_dbus_query query[] __counted_by(count);
};

struct aa_dbus_file;
struct ratelimit_state;

extern const struct file_operations aa_dbus_query_fops;

int aa_dbus_request_count(const void *buf, size_t size);
int aa_dbus_parse_request(const void *buf, size_t size,
			  struct aa_dbus_request *req);

#if IS_ENABLED(CONFIG_KUNIT)
void aa_dbus_answer(struct aa_dbus_file *df, struct aa_label *base,
		    struct aa_dbus_query *q,
		    struct ratelimit_state *budget,
		    struct apparmor_dbus_answer *ans);

void aa_dbus_answer_as_current(struct aa_dbus_query *q,
			       struct apparmor_dbus_answer *ans);
#endif

#endif /* _SECURITY_APPARMOR_DBUS_QUERY_H */
