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
 * @flags: APPARMOR_DBUS_QUERY_* flags
 * @subject_pid: pid of the subject as the daemon gave it, 0 if unknown
 * @peer_pid: pid of the peer as the daemon gave it, 0 if unknown
 * @field: the strings, in &enum apparmor_dbus_field order, NUL-terminated
 * @len: length of each string without its NUL
 */
struct aa_dbus_query {
	u32 op;
	u32 request;
	u32 flags;
	u32 subject_pid;
	u32 peer_pid;
	const char *field[APPARMOR_DBUS_FIELD_COUNT];
	u16 len[APPARMOR_DBUS_FIELD_COUNT];
};

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

#define AA_DBUS_LABEL_CACHE_SLOTS 8
#define AA_DBUS_LABEL_CACHE_NAME 128

/**
 * struct aa_dbus_cached_label - one label name and what it resolved to
 * @label: the label (a reference), NULL for an empty slot
 * @settled: sum of the revisions of @label's namespaces at which every
 *           policy change to them was seen complete, or 0 if never checked
 * @len: length of @name
 * @name: the name as the query gave it, without NUL
 */
struct aa_dbus_cached_label {
	struct aa_label *label;
	u64 settled;
	u16 len;
	char name[AA_DBUS_LABEL_CACHE_NAME];
};

/**
 * struct aa_dbus_label_cache - labels one open .dbus file resolved lately
 * @base: the opener's label the names were resolved against (a reference)
 * @next: the slot to reuse next
 * @slot: the cached labels
 *
 * A bus daemon asks about the same few labels over and over; resolving a
 * label walks the namespace's profile list, so it is done once per name
 * until the label goes stale or the opener's own label is replaced.
 */
struct aa_dbus_label_cache {
	struct aa_label *base;
	unsigned int next;
	struct aa_dbus_cached_label slot[AA_DBUS_LABEL_CACHE_SLOTS];
};

void aa_dbus_label_cache_reset(struct aa_dbus_label_cache *cache,
			       struct aa_label *base);

#if IS_ENABLED(CONFIG_KUNIT)
int aa_dbus_request_count(const void *buf, size_t size);

int aa_dbus_parse_request(const void *buf, size_t size,
			  struct aa_dbus_request *req);

aa_state_t aa_dbus_match_fields(struct aa_dfa *dfa, aa_state_t state,
				const struct aa_dbus_query *q,
				const u8 *fields, unsigned int nfields);
#endif

int aa_dbus_answer(struct aa_label *base, struct aa_dbus_label_cache *cache,
		   const struct aa_dbus_query *q, struct apparmor_dbus_answer *ans);

void aa_dbus_audit(struct aa_label *base, struct aa_dbus_label_cache *cache,
		   const struct aa_dbus_query *q,
		   const struct apparmor_dbus_answer *ans);

extern const struct file_operations aa_dbus_query_fops;

#endif /* _SECURITY_APPARMOR_DBUS_H */
