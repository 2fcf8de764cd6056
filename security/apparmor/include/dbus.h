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
 * @subject_fd: the writer's socket connected to the subject (ABI 2), or
 *              -1 when the subject is named by its label
 * @peer_fd: the same for the peer
 * @field: the strings, in &enum apparmor_dbus_field order, NUL-terminated
 * @len: length of each string without its NUL, as the writer gave it: the
 *       label of a side named by its connection stays 0, its name is put
 *       in @field only while the query is answered
 */
struct aa_dbus_query {
	u32 op;
	u32 request;
	u32 flags;
	u32 subject_pid;
	u32 peer_pid;
	s32 subject_fd;
	s32 peer_fd;
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

/**
 * struct aa_dbus_party - one side of a query, as a decision takes it
 * @label: its label, or NULL if it is unknown and does not decide
 * @pid: its pid in the initial pid namespace, for records; 0 if unknown
 */
struct aa_dbus_party {
	struct aa_label *label;
	pid_t pid;
};

/*
 * Records a bus without CAP_AUDIT_WRITE may have the kernel write per
 * interval: through one open .dbus file, and through all of them.
 */
#define AA_DBUS_UNPRIV_INTERVAL (5 * HZ)
#define AA_DBUS_UNPRIV_FILE_BURST 100
#define AA_DBUS_UNPRIV_ALL_BURST 500

struct ratelimit_state;

void aa_dbus_decide(const struct aa_dbus_query *q,
		    const struct aa_dbus_party *subj,
		    const struct aa_dbus_party *peer, bool audit,
		    struct ratelimit_state *budget,
		    struct apparmor_dbus_answer *ans);

#endif /* _SECURITY_APPARMOR_DBUS_H */
