/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AppArmor security module
 *
 * D-Bus mediation: what the dbus rules of a label's profiles say about a
 * message, a name acquisition or eavesdropping a bus daemon asks about.
 */

#ifndef _SECURITY_APPARMOR_DBUS_H
#define _SECURITY_APPARMOR_DBUS_H

#include <linux/types.h>
#include <uapi/linux/apparmor.h>

#include "label.h"
#include "match.h"

/**
 * struct aa_dbus_query - one validated query, pointing into the request
 * @op: the &enum apparmor_dbus_op
 * @request: the permissions asked
 * @flags: APPARMOR_DBUS_QUERY_* flags
 * @subject_pid: pid of the subject as the writer gave it, 0 if unknown
 * @peer_pid: pid of the peer as the writer gave it, 0 if unknown
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
 * aa_dbus_subject_decides - is the subject's label asked about
 * @q: a validated query
 *
 * Returns: true for a send, a bind or eavesdropping
 */
static inline bool aa_dbus_subject_decides(const struct aa_dbus_query *q)
{
	return q->request & (APPARMOR_DBUS_SEND | APPARMOR_DBUS_BIND |
			     APPARMOR_DBUS_EAVESDROP);
}

/**
 * aa_dbus_peer_decides - is the peer's label asked about
 * @q: a validated query
 *
 * Returns: true for a receive
 */
static inline bool aa_dbus_peer_decides(const struct aa_dbus_query *q)
{
	return q->request & APPARMOR_DBUS_RECEIVE;
}

aa_state_t aa_dbus_match_fields(struct aa_dfa *dfa, aa_state_t state,
				const struct aa_dbus_query *q,
				const u8 *fields, unsigned int nfields);

void aa_dbus_decide(const struct aa_dbus_query *q, struct aa_label *subj,
		    struct aa_label *peer, bool audit,
		    struct apparmor_dbus_answer *ans);

#endif /* _SECURITY_APPARMOR_DBUS_H */
