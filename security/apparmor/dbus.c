// SPDX-License-Identifier: GPL-2.0-only
/*
 * AppArmor security module
 *
 * D-Bus mediation. A bus daemon delivers messages and hands out names on
 * the kernel's behalf, and asks what the dbus rules of the labels involved
 * say. The fields of its query are matched against each profile's policy
 * DFA in the layout apparmor_parser compiles dbus rules into, and each
 * profile of a label decides as the kernel's own checks do, its modes
 * applied, through aa_decide_perms(). The decisions are logged through the
 * kernel audit subsystem when the daemon asks for it.
 */

#include <linux/audit.h>
#include <linux/log2.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <kunit/visibility.h>

#include "include/apparmor.h"
#include "include/audit.h"
#include "include/dbus.h"
#include "include/lib.h"
#include "include/match.h"
#include "include/perms.h"
#include "include/policy.h"

/* Every dbus permission: the only bits an answer may carry. */
#define AA_DBUS_PERMS (APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE | \
		       APPARMOR_DBUS_EAVESDROP | APPARMOR_DBUS_BIND)

#define F(f) APPARMOR_DBUS_FIELD_##f

/**
 * struct aa_dbus_side - one permission check a query can ask for
 * @perm: the permission checked
 * @receive: the peer's label decides, not the subject's
 * @name: field naming the other side's bus name, as the deciding policy
 *        sees it
 * @nfields: number of entries in @fields
 * @fields: the DFA input, in the order apparmor_parser lays out dbus
 *          rules: bus, name, peer label, path, interface and member for
 *          messages; bus and name for bind; the bus alone for eavesdrop
 */
struct aa_dbus_side {
	u32 perm;
	bool receive;
	u8 name;
	u8 nfields;
	u8 fields[6];
};

static const struct aa_dbus_side send_side = {
	.perm = APPARMOR_DBUS_SEND,
	.name = F(PEER_NAME),
	.nfields = 6,
	.fields = { F(BUS), F(PEER_NAME), F(PEER_LABEL), F(PATH), F(INTERFACE),
		    F(MEMBER) },
};

static const struct aa_dbus_side receive_side = {
	.perm = APPARMOR_DBUS_RECEIVE,
	.receive = true,
	.name = F(SUBJECT_NAME),
	.nfields = 6,
	.fields = { F(BUS), F(SUBJECT_NAME), F(SUBJECT_LABEL), F(PATH),
		    F(INTERFACE), F(MEMBER) },
};

static const struct aa_dbus_side bind_side = {
	.perm = APPARMOR_DBUS_BIND,
	.name = F(SUBJECT_NAME),
	.nfields = 2,
	.fields = { F(BUS), F(SUBJECT_NAME) },
};

static const struct aa_dbus_side eavesdrop_side = {
	.perm = APPARMOR_DBUS_EAVESDROP,
	.name = F(PEER_NAME),
	.nfields = 1,
	.fields = { F(BUS) },
};

/**
 * aa_dbus_match_fields - walk a policy DFA across the fields of a query
 * @dfa: the policy DFA
 * @state: state to start in, normally the dbus class start state
 * @q: the query holding the strings, each NUL-terminated
 * @fields: which fields to match, in order; a NUL separates them
 * @nfields: number of entries in @fields
 *
 * Each string is matched up to its terminator, not by its length, so that
 * a label name the kernel puts in a query needs no measuring. Stops after
 * the first field that leaves the DFA in its dead state instead of
 * consuming the rest.
 *
 * Returns: the state after the last field, or DFA_NOMATCH
 */
aa_state_t aa_dbus_match_fields(struct aa_dfa *dfa, aa_state_t state,
				const struct aa_dbus_query *q,
				const u8 *fields, unsigned int nfields)
{
	unsigned int i;

	for (i = 0; state && i < nfields; i++) {
		state = aa_dfa_match(dfa, state, q->field[fields[i]]);
		/* The NUL ending each field but the last is the separator. */
		if (i + 1 < nfields)
			state = aa_dfa_null_transition(dfa, state);
	}
	return state;
}
EXPORT_SYMBOL_IF_KUNIT(aa_dbus_match_fields);

/**
 * profile_dbus_perms - what one profile's rules grant for one check
 * @profile: the profile
 * @q: the query
 * @side: the check
 * @perms: set to the profile's permissions, its modes applied
 *
 * Follows the label query of .access step for step, so that the two agree
 * bit for bit on the same input.
 *
 * Returns: false if the profile has no say (unconfined, or its policy
 * does not mediate dbus)
 */
static bool profile_dbus_perms(struct aa_profile *profile,
			       const struct aa_dbus_query *q,
			       const struct aa_dbus_side *side,
			       struct aa_perms *perms)
{
	struct aa_ruleset *rules = profile->label.rules[0];
	aa_state_t state;

	if (profile_unconfined(profile))
		return false;
	*perms = (struct aa_perms) { };
	if (rules->policy->dfa) {
		state = RULE_MEDIATES_DBUS(rules);
		if (!state)
			return false;
		state = aa_dbus_match_fields(rules->policy->dfa, state, q,
					     side->fields, side->nfields);
		if (state)
			*perms = *aa_lookup_perms(rules->policy, state);
	}
	aa_apply_modes_to_perms(profile, perms);
	return true;
}

static const char *const dbus_op_names[] = {
	[APPARMOR_DBUS_OP_METHOD_CALL] = "dbus_method_call",
	[APPARMOR_DBUS_OP_SIGNAL] = "dbus_signal",
	[APPARMOR_DBUS_OP_METHOD_RETURN] = "dbus_method_return",
	[APPARMOR_DBUS_OP_ERROR] = "dbus_error",
	[APPARMOR_DBUS_OP_BIND] = "dbus_bind",
	[APPARMOR_DBUS_OP_EAVESDROP] = "dbus_eavesdrop",
};

/* Names of the dbus permission bits, as the parser spells the rules. */
static const char *const dbus_perm_names[32] = {
	[const_ilog2(APPARMOR_DBUS_SEND)] = "send",
	[const_ilog2(APPARMOR_DBUS_RECEIVE)] = "receive",
	[const_ilog2(APPARMOR_DBUS_EAVESDROP)] = "eavesdrop",
	[const_ilog2(APPARMOR_DBUS_BIND)] = "bind",
};

/**
 * audit_dbus_field - log one string of the query, unless it is empty
 * @ab: the audit buffer
 * @key: the field name
 * @q: the query
 * @field: which string
 */
static void audit_dbus_field(struct audit_buffer *ab, const char *key,
			     const struct aa_dbus_query *q, int field)
{
	if (!q->len[field])
		return;
	audit_log_format(ab, " %s=", key);
	audit_log_untrustedstring(ab, q->field[field]);
}

/**
 * audit_dbus_cb - log the dbus fields of a decision
 * @ab: the audit buffer
 * @va: the audit data
 *
 * The record's pid and comm, which every LSM record starts with, name the
 * bus daemon that asked. The D-Bus part names the process whose profile
 * decides by ``task`` and the other party by ``peer_pid`` and
 * ``peer_label``, the keys libapparmor reads into a record's task,
 * peer_pid and peer_profile, and the ones dbus-daemon's own records use
 * for the peer; each key appears once. A pid that is not known is left
 * out.
 */
static void audit_dbus_cb(struct audit_buffer *ab, void *va)
{
	struct apparmor_audit_data *ad = aad_of_va(va);
	const struct aa_dbus_query *q = ad->dbus.query;

	audit_dbus_field(ab, "bus", q, APPARMOR_DBUS_FIELD_BUS);
	audit_dbus_field(ab, "path", q, APPARMOR_DBUS_FIELD_PATH);
	audit_dbus_field(ab, "interface", q, APPARMOR_DBUS_FIELD_INTERFACE);
	audit_dbus_field(ab, "member", q, APPARMOR_DBUS_FIELD_MEMBER);
	audit_log_format(ab, " requested_mask=");
	aa_audit_perm_mask(ab, ad->request, NULL, 0, dbus_perm_names,
			   AA_DBUS_PERMS);
	if (ad->denied) {
		audit_log_format(ab, " denied_mask=");
		aa_audit_perm_mask(ab, ad->denied, NULL, 0, dbus_perm_names,
				   AA_DBUS_PERMS);
	}
	if (ad->dbus.pid)
		audit_log_format(ab, " task=%d", ad->dbus.pid);
	if (ad->dbus.peer_pid)
		audit_log_format(ab, " peer_pid=%d", ad->dbus.peer_pid);
	if (ad->peer) {
		audit_log_format(ab, " peer_label=");
		aa_label_xaudit(ab, labels_ns(ad->subj_label), ad->peer,
				FLAGS_NONE, GFP_ATOMIC);
	}
}

/* Records of all buses without CAP_AUDIT_WRITE together. */
static DEFINE_RATELIMIT_STATE(unpriv_records, AA_DBUS_UNPRIV_INTERVAL,
			      AA_DBUS_UNPRIV_ALL_BURST);

/**
 * may_log - is there room for one more record of this decision
 * @ad: the audit data of a decision the policy wants logged
 *
 * A bus that may write audit records itself has them written as every
 * other AppArmor record, under the audit subsystem's own rate limit. One
 * without CAP_AUDIT_WRITE has a budget: per open file, and for all such
 * buses together. A record past either is not written.
 *
 * Returns: true if the record may be written
 */
static bool may_log(struct apparmor_audit_data *ad)
{
	if (!ad->dbus.budget)
		return true;
	return __ratelimit(ad->dbus.budget) && __ratelimit(&unpriv_records);
}

/**
 * label_dbus_decide - what every profile of a label decides on one check
 * @label: the label whose profiles decide
 * @q: the query
 * @side: the check
 * @ad: audit data to log each profile's decision with, or NULL
 * @out: the answer for this side
 *
 * Every profile of the label decides, as in the kernel's own checks and
 * the ``labelall`` query of .access: one refusal refuses. Each decision
 * is the one aa_check_perms() makes, and is logged, when @ad is given, in
 * the same pass, so that a record never says other than the answer.
 */
static void label_dbus_decide(struct aa_label *label,
			      const struct aa_dbus_query *q,
			      const struct aa_dbus_side *side,
			      struct apparmor_audit_data *ad,
			      struct apparmor_dbus_perms *out)
{
	u32 denied = 0, complain = 0, kill = 0;
	struct aa_perms sum = allperms;
	struct aa_profile *profile;
	struct label_it i;

	label_for_each(i, label, profile) {
		struct aa_decision d;
		struct aa_perms perms;

		if (!profile_dbus_perms(profile, q, side, &perms))
			continue;
		aa_perms_accum_raw(&sum, &perms);
		aa_decide_perms(&perms, side->perm, &d);
		if (d.error) {
			denied |= side->perm;
			kill |= side->perm & perms.kill;
		} else if (d.log && d.type == AUDIT_APPARMOR_ALLOWED) {
			complain |= side->perm;
		}
		if (ad && d.log && may_log(ad)) {
			/*
			 * The daemon asks; the subject is elsewhere and is not
			 * killed: a kill-mode refusal is logged as refused.
			 */
			if (d.type == AUDIT_APPARMOR_KILL)
				d.type = AUDIT_APPARMOR_DENIED;
			aa_audit_decision(profile, &d, ad, audit_dbus_cb);
		}
	}
	*out = (struct apparmor_dbus_perms) {
		.allow = sum.allow & AA_DBUS_PERMS,
		.deny = sum.deny & AA_DBUS_PERMS,
		.audit = sum.audit & AA_DBUS_PERMS,
		.quiet = sum.quiet & AA_DBUS_PERMS,
		.complain = complain,
		.kill = kill,
		.denied = denied,
	};
}

/**
 * side_decide_logged - decide one side of a query and log it
 * @q: the query
 * @side: the check
 * @self: the party whose label decides
 * @other: the other party, for the record; its label NULL if unknown
 * @budget: the records left to a bus without CAP_AUDIT_WRITE, else NULL
 * @out: the answer for this side
 */
static void side_decide_logged(const struct aa_dbus_query *q,
			       const struct aa_dbus_side *side,
			       const struct aa_dbus_party *self,
			       const struct aa_dbus_party *other,
			       struct ratelimit_state *budget,
			       struct apparmor_dbus_perms *out)
{
	DEFINE_AUDIT_DATA(ad, LSM_AUDIT_DATA_NONE, AA_CLASS_DBUS,
			  dbus_op_names[q->op]);

	ad.subj_cred = current_cred();
	if (q->len[side->name])
		ad.name = q->field[side->name];
	ad.peer = other->label;
	ad.dbus.query = q;
	ad.dbus.pid = self->pid;
	ad.dbus.peer_pid = other->pid;
	ad.dbus.budget = budget;
	/* Who vouches for the record: pid and comm name the querier. */
	if (budget)
		ad.info = "unprivileged querier";
	label_dbus_decide(self->label, q, side, &ad, out);
}

/**
 * side_decide - decide one side of a query, and log it if asked
 * @q: the query
 * @side: the check
 * @self: the party whose label decides
 * @other: the other party, for the record; its label NULL if unknown
 * @audit: log the decision
 * @budget: the records left to a bus without CAP_AUDIT_WRITE, else NULL
 * @out: the answer for this side
 *
 * The audit data is set up only for a decision that is logged.
 */
static void side_decide(const struct aa_dbus_query *q,
			const struct aa_dbus_side *side,
			const struct aa_dbus_party *self,
			const struct aa_dbus_party *other, bool audit,
			struct ratelimit_state *budget,
			struct apparmor_dbus_perms *out)
{
	if (audit)
		side_decide_logged(q, side, self, other, budget, out);
	else
		label_dbus_decide(self->label, q, side, NULL, out);
}

/**
 * aa_dbus_decide - decide every side a query asks about
 * @q: a validated query
 * @subj: the subject; its label is required if aa_dbus_subject_decides(@q),
 *        else NULL or the label for the peer's record
 * @peer: the peer; its label is required if aa_dbus_peer_decides(@q), else
 *        NULL or the label for the subject's record
 * @audit: log each profile's decision through the kernel audit
 * @budget: for a bus without CAP_AUDIT_WRITE, the records its open file
 *          has left; NULL for one that may write audit records
 * @ans: its subject and peer words are set; sides not asked about are
 *       zero
 */
void aa_dbus_decide(const struct aa_dbus_query *q,
		    const struct aa_dbus_party *subj,
		    const struct aa_dbus_party *peer, bool audit,
		    struct ratelimit_state *budget,
		    struct apparmor_dbus_answer *ans)
{
	static const struct aa_dbus_party nobody;

	memset(&ans->subject, 0, sizeof(ans->subject));
	memset(&ans->peer, 0, sizeof(ans->peer));
	switch (q->op) {
	case APPARMOR_DBUS_OP_BIND:
		side_decide(q, &bind_side, subj, &nobody, audit, budget,
			    &ans->subject);
		return;
	case APPARMOR_DBUS_OP_EAVESDROP:
		side_decide(q, &eavesdrop_side, subj, &nobody, audit, budget,
			    &ans->subject);
		return;
	}
	if (q->request & APPARMOR_DBUS_SEND)
		side_decide(q, &send_side, subj, peer, audit, budget,
			    &ans->subject);
	if (q->request & APPARMOR_DBUS_RECEIVE)
		side_decide(q, &receive_side, peer, subj, audit, budget,
			    &ans->peer);
}
