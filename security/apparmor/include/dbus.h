/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AppArmor security module
 *
 * D-Bus query service: request parsing, policy matching and the .dbus file
 */

#ifndef _SECURITY_APPARMOR_DBUS_H
#define _SECURITY_APPARMOR_DBUS_H

#include <linux/fs.h>
#include <linux/types.h>
#include <uapi/linux/apparmor.h>

#include "label.h"
#include "match.h"

/**
 * struct aa_dbus_query - one validated query, pointing into the request
 * @op: the &enum apparmor_dbus_op
 * @request: the permissions asked
 * @subject_pid: pid of the subject as the daemon gave it, 0 if unknown
 * @peer_pid: pid of the peer as the daemon gave it, 0 if unknown
 * @field: the strings, in &enum apparmor_dbus_field order, NUL-terminated
 * @len: length of each string without its NUL
 */
struct aa_dbus_query {
	u32 op;
	u32 request;
	u32 subject_pid;
	u32 peer_pid;
	const char *field[APPARMOR_DBUS_FIELD_COUNT];
	u16 len[APPARMOR_DBUS_FIELD_COUNT];
};

/**
 * struct aa_dbus_request - a validated write: all its queries
 * @flags: the header flags
 * @count: number of queries in @query
 * @query: the queries, in the order they were written
 */
struct aa_dbus_request {
	u32 flags;
	u32 count;
	struct aa_dbus_query query[APPARMOR_DBUS_QUERY_MAX_BATCH];
};

#if IS_ENABLED(CONFIG_KUNIT)
int aa_dbus_parse_request(const void *buf, size_t size,
			  struct aa_dbus_request *req);

aa_state_t aa_dbus_match_fields(struct aa_dfa *dfa, aa_state_t state,
				const struct aa_dbus_query *q,
				const u8 *fields, unsigned int nfields);
#endif

int aa_dbus_answer(struct aa_label *base, const struct aa_dbus_query *q,
		   struct apparmor_dbus_answer *ans);

extern const struct file_operations aa_dbus_query_fops;

#endif /* _SECURITY_APPARMOR_DBUS_H */
