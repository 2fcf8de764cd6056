// SPDX-License-Identifier: GPL-2.0-only
/*
 * AppArmor security module
 *
 * D-Bus query service: a bus daemon writes queries to the .dbus file of
 * apparmorfs and reads back, for each, what the policy says about both
 * sides of a message, a name acquisition or eavesdropping.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "include/apparmor.h"
#include "include/audit.h"
#include "include/cred.h"
#include "include/dbus.h"
#include "include/lib.h"
#include "include/perms.h"
#include "include/policy.h"
#include "include/policy_ns.h"

#define MSG_PERMS (APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE)
/* Every dbus permission: the only bits an answer may carry. */
#define AA_DBUS_PERMS (MSG_PERMS | APPARMOR_DBUS_EAVESDROP | APPARMOR_DBUS_BIND)
#define FIELD(f) BIT(APPARMOR_DBUS_FIELD_##f)
#define MSG_FIELDS (BIT(APPARMOR_DBUS_FIELD_COUNT) - 1)

/**
 * struct dbus_op_rule - what a query of one operation may carry
 * @perms: permissions that may be asked
 * @fields: fields that may be non-empty, as a bit per field
 */
struct dbus_op_rule {
	u32 perms;
	u32 fields;
};

static const struct dbus_op_rule op_rules[] = {
	[APPARMOR_DBUS_OP_METHOD_CALL] = {
		.perms = MSG_PERMS, .fields = MSG_FIELDS,
	},
	[APPARMOR_DBUS_OP_SIGNAL] = {
		.perms = MSG_PERMS, .fields = MSG_FIELDS,
	},
	[APPARMOR_DBUS_OP_METHOD_RETURN] = {
		.perms = MSG_PERMS, .fields = MSG_FIELDS,
	},
	[APPARMOR_DBUS_OP_ERROR] = {
		.perms = MSG_PERMS, .fields = MSG_FIELDS,
	},
	[APPARMOR_DBUS_OP_BIND] = {
		.perms = APPARMOR_DBUS_BIND,
		.fields = FIELD(SUBJECT_LABEL) | FIELD(BUS) | FIELD(SUBJECT_NAME),
	},
	[APPARMOR_DBUS_OP_EAVESDROP] = {
		.perms = APPARMOR_DBUS_EAVESDROP,
		.fields = FIELD(SUBJECT_LABEL) | FIELD(BUS),
	},
};

/**
 * struct aa_dbus_side - one permission check a query can ask for
 * @perm: the permission checked
 * @label: field naming the label whose policy decides
 * @name: field naming the other side's bus name, as that policy sees it
 * @other_label: field naming the other side's label, for the audit record
 * @receive: true for the receiver's side of a message, whose record names
 *           the sender as its peer
 * @nfields: number of entries in @fields
 * @fields: the DFA input, in the order apparmor_parser lays out dbus
 *          rules: bus, name, peer label, path, interface and member for
 *          messages; bus and name for bind; the bus alone for eavesdrop
 */
struct aa_dbus_side {
	u32 perm;
	u8 label;
	u8 name;
	u8 other_label;
	bool receive;
	u8 nfields;
	u8 fields[6];
};

#define F(f) APPARMOR_DBUS_FIELD_##f

static const struct aa_dbus_side send_side = {
	.perm = APPARMOR_DBUS_SEND,
	.label = F(SUBJECT_LABEL),
	.name = F(PEER_NAME),
	.other_label = F(PEER_LABEL),
	.nfields = 6,
	.fields = { F(BUS), F(PEER_NAME), F(PEER_LABEL), F(PATH), F(INTERFACE),
		    F(MEMBER) },
};

static const struct aa_dbus_side receive_side = {
	.perm = APPARMOR_DBUS_RECEIVE,
	.label = F(PEER_LABEL),
	.name = F(SUBJECT_NAME),
	.other_label = F(SUBJECT_LABEL),
	.receive = true,
	.nfields = 6,
	.fields = { F(BUS), F(SUBJECT_NAME), F(SUBJECT_LABEL), F(PATH),
		    F(INTERFACE), F(MEMBER) },
};

static const struct aa_dbus_side bind_side = {
	.perm = APPARMOR_DBUS_BIND,
	.label = F(SUBJECT_LABEL),
	.name = F(SUBJECT_NAME),
	.other_label = F(PEER_LABEL),
	.nfields = 2,
	.fields = { F(BUS), F(SUBJECT_NAME) },
};

static const struct aa_dbus_side eavesdrop_side = {
	.perm = APPARMOR_DBUS_EAVESDROP,
	.label = F(SUBJECT_LABEL),
	.name = F(PEER_NAME),
	.other_label = F(PEER_LABEL),
	.nfields = 1,
	.fields = { F(BUS) },
};

/**
 * parse_fields - split the strings of one query
 * @s: start of the strings
 * @avail: bytes of the record left for strings and padding
 * @q: query to fill in
 *
 * Returns: bytes used by the strings, or -ENAMETOOLONG for a field over
 * APPARMOR_DBUS_QUERY_MAX_FIELD, -EINVAL for a missing terminator.
 */
static ssize_t parse_fields(const char *s, size_t avail,
			    struct aa_dbus_query *q)
{
	size_t off = 0;
	int i;

	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		size_t scan = min_t(size_t, avail - off,
				    APPARMOR_DBUS_QUERY_MAX_FIELD + 1);
		const char *nul = memchr(s + off, '\0', scan);

		if (!nul)
			return scan > APPARMOR_DBUS_QUERY_MAX_FIELD ?
				-ENAMETOOLONG : -EINVAL;
		q->field[i] = s + off;
		q->len[i] = nul - (s + off);
		off += q->len[i] + 1;
	}
	return off;
}

/**
 * check_query - check a query's operation, permissions and fields agree
 * @q: the query, strings already split
 *
 * Returns: 0 or -EINVAL
 */
static int check_query(const struct aa_dbus_query *q)
{
	const struct dbus_op_rule *rule;
	int i;

	if (q->op >= ARRAY_SIZE(op_rules) || !op_rules[q->op].perms)
		return -EINVAL;
	rule = &op_rules[q->op];
	if (!q->request || (q->request & ~rule->perms))
		return -EINVAL;
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		if (q->len[i] && !(rule->fields & BIT(i)))
			return -EINVAL;
	}
	if (!q->len[APPARMOR_DBUS_FIELD_SUBJECT_LABEL])
		return -EINVAL;
	if ((q->request & APPARMOR_DBUS_RECEIVE) &&
	    !q->len[APPARMOR_DBUS_FIELD_PEER_LABEL])
		return -EINVAL;
	return 0;
}

/**
 * parse_query - validate one query record
 * @p: start of the record
 * @avail: bytes left in the request from @p
 * @q: query to fill in
 *
 * Returns: size of the record, or a negative errno
 */
static ssize_t parse_query(const u8 *p, size_t avail, struct aa_dbus_query *q)
{
	const struct apparmor_dbus_query *rec = (const void *)p;
	size_t strings_avail;
	ssize_t used;
	int error;

	if (avail < sizeof(*rec) || rec->size < sizeof(*rec) ||
	    rec->size > avail || !IS_ALIGNED(rec->size, 8))
		return -EINVAL;
	if (rec->flags & ~APPARMOR_DBUS_QUERY_AUDIT)
		return -EOPNOTSUPP;
	strings_avail = rec->size - sizeof(*rec);
	used = parse_fields(rec->strings, strings_avail, q);
	if (used < 0)
		return used;
	/* Exactly the padding to the next multiple of 8, all zero. */
	if (ALIGN(sizeof(*rec) + used, 8) != rec->size ||
	    memchr_inv(rec->strings + used, 0, strings_avail - used))
		return -EINVAL;

	q->op = rec->op;
	q->request = rec->request;
	q->flags = rec->flags;
	q->subject_pid = rec->subject_pid;
	q->peer_pid = rec->peer_pid;
	error = check_query(q);
	if (error)
		return error;
	return rec->size;
}

/**
 * aa_dbus_request_count - check the header of a write
 * @buf: the bytes written, 8-byte aligned
 * @size: number of bytes written
 *
 * Returns: the number of queries the header announces, or the errno
 * documented in the uapi header for a bad header
 */
VISIBLE_IF_KUNIT int aa_dbus_request_count(const void *buf, size_t size)
{
	const struct apparmor_dbus_query_hdr *hdr = buf;

	if (size < sizeof(*hdr))
		return -EINVAL;
	if (hdr->version != APPARMOR_DBUS_QUERY_VERSION)
		return -EPROTONOSUPPORT;
	if (hdr->flags)
		return -EOPNOTSUPP;
	if (hdr->size != size || !hdr->count ||
	    hdr->count > APPARMOR_DBUS_QUERY_MAX_BATCH)
		return -EINVAL;
	return hdr->count;
}
EXPORT_SYMBOL_IF_KUNIT(aa_dbus_request_count);

/**
 * aa_dbus_parse_request - validate a whole write before answering any of it
 * @buf: the bytes written, 8-byte aligned
 * @size: number of bytes written
 * @req: where to put the validated queries, with room for as many as
 *       aa_dbus_request_count() returned; they point into @buf
 *
 * Returns: 0, or the errno documented in the uapi header for the first
 * problem found; @req is then unusable.
 */
VISIBLE_IF_KUNIT int aa_dbus_parse_request(const void *buf, size_t size,
					   struct aa_dbus_request *req)
{
	size_t off = sizeof(struct apparmor_dbus_query_hdr);
	int count = aa_dbus_request_count(buf, size);
	int i;

	if (count < 0)
		return count;
	req->count = count;
	req->audit = false;
	for (i = 0; i < count; i++) {
		ssize_t used = parse_query((const u8 *)buf + off, size - off,
					   &req->query[i]);

		if (used < 0)
			return used;
		off += used;
		if (req->query[i].flags & APPARMOR_DBUS_QUERY_AUDIT)
			req->audit = true;
	}
	if (off != size)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aa_dbus_parse_request);

/**
 * aa_dbus_match_fields - walk a policy DFA across the fields of a query
 * @dfa: the policy DFA
 * @state: state to start in, normally the dbus class start state
 * @q: the query holding the strings
 * @fields: which fields to match, in order; a NUL separates them
 * @nfields: number of entries in @fields
 *
 * Stops at the first dead state instead of consuming the rest.
 *
 * Returns: the state after the last field, or DFA_NOMATCH
 */
VISIBLE_IF_KUNIT aa_state_t aa_dbus_match_fields(struct aa_dfa *dfa,
						 aa_state_t state,
						 const struct aa_dbus_query *q,
						 const u8 *fields,
						 unsigned int nfields)
{
	unsigned int i;

	for (i = 0; state && i < nfields; i++) {
		if (i)
			state = aa_dfa_next(dfa, state, '\0');
		if (state)
			state = aa_dfa_match_len(dfa, state, q->field[fields[i]],
						 q->len[fields[i]]);
	}
	return state;
}
EXPORT_SYMBOL_IF_KUNIT(aa_dbus_match_fields);

/**
 * profile_dbus_perms - what one profile says about one side of a query
 * @profile: the profile
 * @q: the query
 * @side: the check
 * @perms: set to the profile's permissions, modes applied
 *
 * Follows the generic label query of .access step for step, so that the
 * two agree bit for bit on the same input.
 *
 * Returns: false if the profile has no say (unconfined, or dbus is not
 * mediated by it)
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
		state = RULE_MEDIATES(rules, AA_CLASS_DBUS);
		/*
		 * Policy written for an abi without v9 network rules says
		 * nothing about dbus here, as the label query decides.
		 */
		if (!state || !RULE_MEDIATES_v9NET(rules))
			return false;
		state = aa_dbus_match_fields(rules->policy->dfa, state, q,
					     side->fields, side->nfields);
		if (state)
			*perms = *aa_lookup_perms(rules->policy, state);
	}
	aa_apply_modes_to_perms(profile, perms);
	return true;
}

/**
 * cache_drop - empty one slot of a label cache
 * @slot: the slot
 */
static void cache_drop(struct aa_dbus_cached_label *slot)
{
	aa_put_label(slot->label);
	slot->label = NULL;
	slot->settled = 0;
	slot->len = 0;
}

/**
 * aa_dbus_label_cache_reset - empty a label cache and rebase it
 * @cache: the cache
 * @base: the opener's label to resolve names against from now on, or
 *        NULL to release everything
 */
void aa_dbus_label_cache_reset(struct aa_dbus_label_cache *cache,
			       struct aa_label *base)
{
	int i;

	for (i = 0; i < AA_DBUS_LABEL_CACHE_SLOTS; i++)
		cache_drop(&cache->slot[i]);
	aa_put_label(cache->base);
	cache->base = aa_get_label(base);
	cache->next = 0;
}

/**
 * cache_prune - release the labels a policy change made stale
 * @cache: the cache
 *
 * Done at every write, so that a replaced profile, or a removed namespace,
 * is not kept alive by an open file for longer than one request.
 */
static void cache_prune(struct aa_dbus_label_cache *cache)
{
	int i;

	for (i = 0; i < AA_DBUS_LABEL_CACHE_SLOTS; i++) {
		if (cache->slot[i].label && label_is_stale(cache->slot[i].label))
			cache_drop(&cache->slot[i]);
	}
}

/**
 * resolve_label - find the label a query names
 * @base: the opener's label; names resolve in its view, as with .access
 * @cache: the open file's label cache, or NULL
 * @name: the label name, not necessarily NUL-terminated
 * @len: its length
 * @slotp: set to the cache slot holding the label, or NULL if it is not
 *         cached
 *
 * A cached label is used only while it is not stale: replacing or
 * removing any of its profiles marks it stale, and the name is then
 * resolved again.
 *
 * Returns: a reference to the label, or ERR_PTR(-ENOENT/-EINVAL)
 */
static struct aa_label *resolve_label(struct aa_label *base,
				      struct aa_dbus_label_cache *cache,
				      const char *name, size_t len,
				      struct aa_dbus_cached_label **slotp)
{
	struct aa_dbus_cached_label *slot;
	struct aa_label *label;
	int i;

	*slotp = NULL;
	if (!cache || len > AA_DBUS_LABEL_CACHE_NAME)
		return aa_label_strn_parse(base, name, len, GFP_KERNEL, false,
					   false);
	if (cache->base != base)
		aa_dbus_label_cache_reset(cache, base);
	for (i = 0; i < AA_DBUS_LABEL_CACHE_SLOTS; i++) {
		slot = &cache->slot[i];
		if (!slot->label || slot->len != len ||
		    memcmp(slot->name, name, len))
			continue;
		if (!label_is_stale(slot->label)) {
			*slotp = slot;
			return aa_get_label(slot->label);
		}
		cache_drop(slot);
		break;
	}
	label = aa_label_strn_parse(base, name, len, GFP_KERNEL, false, false);
	if (IS_ERR(label))
		return label;

	slot = &cache->slot[cache->next];
	cache->next = (cache->next + 1) % AA_DBUS_LABEL_CACHE_SLOTS;
	cache_drop(slot);
	memcpy(slot->name, name, len);
	slot->len = len;
	slot->label = aa_get_label(label);
	*slotp = slot;
	return label;
}

/**
 * next_label_ns - the next namespace holding one of a label's profiles
 * @label: the label
 * @i: position in @label's profiles, 0 before the first call
 *
 * A label's profiles are ordered by namespace, so skipping the profiles
 * of the namespace returned last visits every namespace once.
 *
 * Returns: the next namespace, or NULL when there is none
 */
static struct aa_ns *next_label_ns(struct aa_label *label, int *i)
{
	struct aa_ns *last = *i ? label->vec[*i - 1]->ns : NULL;

	for (; *i < label->size; (*i)++) {
		if (label->vec[*i]->ns != last)
			return label->vec[(*i)++]->ns;
	}
	return NULL;
}

/**
 * label_revision - the policy revision an answer about a label carries
 * @label: the label
 *
 * Every namespace holding one of @label's profiles counts: the sum of
 * their revisions moves whenever any of them does, and for a label of one
 * namespace it is that namespace's revision file.
 *
 * Returns: the sum
 */
static u64 label_revision(struct aa_label *label)
{
	struct aa_ns *ns;
	u64 sum = 0;
	int i = 0;

	/*
	 * A load bumps the revision before it swaps profiles in. Reads of
	 * the policy before this call are ordered before the revisions are
	 * read, and those after it after them: an answer computed between
	 * two equal readings saw no load that moved them.
	 */
	smp_rmb();
	while ((ns = next_label_ns(label, &i)))
		sum += READ_ONCE(ns->revision);
	/* Policy reads after this come after the revisions were read. */
	smp_rmb();
	return sum;
}

/**
 * wait_for_policy_writers - let every policy change in progress finish
 * @label: the label whose namespaces matter
 *
 * A load bumps the revision under the namespace lock before it swaps the
 * profiles in. Taking and dropping the lock waits out a load whose bump
 * was already seen, and makes all it changed visible here.
 */
static void wait_for_policy_writers(struct aa_label *label)
{
	struct aa_ns *ns;
	int i = 0;

	while ((ns = next_label_ns(label, &i))) {
		mutex_lock_nested(&ns->lock, ns->level);
		mutex_unlock(&ns->lock);
	}
}

static const char *const dbus_op_names[] = {
	[APPARMOR_DBUS_OP_METHOD_CALL] = "dbus_method_call",
	[APPARMOR_DBUS_OP_SIGNAL] = "dbus_signal",
	[APPARMOR_DBUS_OP_METHOD_RETURN] = "dbus_method_return",
	[APPARMOR_DBUS_OP_ERROR] = "dbus_error",
	[APPARMOR_DBUS_OP_BIND] = "dbus_bind",
	[APPARMOR_DBUS_OP_EAVESDROP] = "dbus_eavesdrop",
};

/**
 * audit_dbus_mask - log a set of dbus permissions by name
 * @ab: the audit buffer
 * @key: the field name
 * @mask: the permissions, APPARMOR_DBUS_* bits only
 */
static void audit_dbus_mask(struct audit_buffer *ab, const char *key,
			    u32 mask)
{
	static const struct {
		u32 perm;
		const char *name;
	} names[] = {
		{ .perm = APPARMOR_DBUS_SEND, .name = "send" },
		{ .perm = APPARMOR_DBUS_RECEIVE, .name = "receive" },
		{ .perm = APPARMOR_DBUS_BIND, .name = "bind" },
		{ .perm = APPARMOR_DBUS_EAVESDROP, .name = "eavesdrop" },
	};
	const char *sep = "";
	int i;

	audit_log_format(ab, " %s=\"", key);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (mask & names[i].perm) {
			audit_log_format(ab, "%s%s", sep, names[i].name);
			sep = " ";
		}
	}
	audit_log_format(ab, "\"");
}

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
 * bus daemon that asked. The D-Bus part names the subject by its profile
 * and the other party by ``peer_pid`` and ``peer``; each key appears once,
 * with the names AppArmor's own records use.
 */
static void audit_dbus_cb(struct audit_buffer *ab, void *va)
{
	struct apparmor_audit_data *ad = aad_of_va(va);
	const struct aa_dbus_query *q = ad->dbus.query;

	audit_dbus_field(ab, "bus", q, APPARMOR_DBUS_FIELD_BUS);
	audit_dbus_field(ab, "path", q, APPARMOR_DBUS_FIELD_PATH);
	audit_dbus_field(ab, "interface", q, APPARMOR_DBUS_FIELD_INTERFACE);
	audit_dbus_field(ab, "member", q, APPARMOR_DBUS_FIELD_MEMBER);
	audit_dbus_mask(ab, "requested_mask", ad->request);
	if (ad->denied)
		audit_dbus_mask(ab, "denied_mask", ad->denied);
	if (ad->dbus.peer_pid)
		audit_log_format(ab, " peer_pid=%d", ad->dbus.peer_pid);
	if (ad->peer) {
		audit_log_format(ab, " peer=");
		aa_label_xaudit(ab, labels_ns(ad->subj_label), ad->peer,
				FLAGS_NONE, GFP_ATOMIC);
	}
}

/**
 * label_dbus_perms - what every profile of a label says about one side
 * @label: the label
 * @q: the query
 * @side: the check
 * @out: the answer, revision excepted
 * @ad: audit data to log each profile's decision with, or NULL
 *
 * Every profile of the label decides, as in the kernel's own checks and
 * the ``labelall`` query of .access: one refusal refuses.
 */
static void label_dbus_perms(struct aa_label *label,
			     const struct aa_dbus_query *q,
			     const struct aa_dbus_side *side,
			     struct apparmor_dbus_perms *out,
			     struct apparmor_audit_data *ad)
{
	struct aa_perms sum = allperms;
	u32 denied = 0, complain = 0, kill = 0;
	struct aa_profile *profile;
	struct label_it i;

	label_for_each(i, label, profile) {
		struct aa_perms perms;
		u32 refused;

		if (!profile_dbus_perms(profile, q, side, &perms))
			continue;
		aa_perms_accum_raw(&sum, &perms);
		refused = side->perm & ~(perms.allow & ~perms.deny);
		if (KILL_MODE(profile))
			kill |= refused;
		if (COMPLAIN_MODE(profile))
			complain |= refused;
		else
			denied |= refused;
		if (ad) {
			/* The daemon is not the subject: never kill it. */
			perms.kill = 0;
			aa_check_perms(profile, &perms, side->perm, ad,
				       audit_dbus_cb);
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
 * answer_side - answer one side of a query, and audit it if asked
 * @base: the opener's label, for resolving names as .access does
 * @cache: label cache of the open file, or NULL
 * @q: the query
 * @side: the check
 * @out: the answer
 *
 * The answer is computed against the policy of exactly the revision it
 * carries: a load that had bumped the revision is waited for before the
 * policy is read, and an answer during which the revision moved is
 * computed again.
 *
 * Returns: 0, or -ENOENT / -EINVAL if the label does not resolve
 */
static int answer_side(struct aa_label *base, struct aa_dbus_label_cache *cache,
		       const struct aa_dbus_query *q,
		       const struct aa_dbus_side *side,
		       struct apparmor_dbus_perms *out)
{
	struct aa_dbus_cached_label *slot;
	struct aa_label *label;
	u64 revision;

	for (;;) {
		label = resolve_label(base, cache, q->field[side->label],
				      q->len[side->label], &slot);
		if (IS_ERR(label))
			return PTR_ERR(label);
		revision = label_revision(label);
		if (!slot || slot->settled != revision) {
			wait_for_policy_writers(label);
			if (label_is_stale(label)) {
				/* Replaced meanwhile: resolve it again. */
				aa_put_label(label);
				continue;
			}
			if (slot)
				slot->settled = revision;
		}
		label_dbus_perms(label, q, side, out, NULL);
		if (label_revision(label) == revision) {
			aa_put_label(label);
			out->revision = revision;
			return 0;
		}
		aa_put_label(label);
		cond_resched();
	}
}

/* The checks a query asks for, in answer order: subject, then peer. */
static void query_sides(const struct aa_dbus_query *q,
			const struct aa_dbus_side *sides[2])
{
	sides[0] = NULL;
	sides[1] = NULL;
	switch (q->op) {
	case APPARMOR_DBUS_OP_BIND:
		sides[0] = &bind_side;
		break;
	case APPARMOR_DBUS_OP_EAVESDROP:
		sides[0] = &eavesdrop_side;
		break;
	default:
		if (q->request & APPARMOR_DBUS_SEND)
			sides[0] = &send_side;
		if (q->request & APPARMOR_DBUS_RECEIVE)
			sides[1] = &receive_side;
	}
}

/**
 * aa_dbus_answer - answer one validated query
 * @base: the opener's label; names resolve in its view, as with .access
 * @cache: label cache to use, or NULL
 * @q: the query
 * @ans: the answer; sides not asked about are left zero
 *
 * Returns: 0, or a negative errno if a label does not resolve
 */
int aa_dbus_answer(struct aa_label *base, struct aa_dbus_label_cache *cache,
		   const struct aa_dbus_query *q, struct apparmor_dbus_answer *ans)
{
	const struct aa_dbus_side *sides[2];
	int error = 0;

	memset(ans, 0, sizeof(*ans));
	query_sides(q, sides);
	if (sides[0])
		error = answer_side(base, cache, q, sides[0], &ans->subject);
	if (!error && sides[1])
		error = answer_side(base, cache, q, sides[1], &ans->peer);
	return error;
}

/**
 * global_pid - the number a daemon's pid has in the initial pid namespace
 * @nr: a pid as the writer sees it
 *
 * Audit records carry pids of the initial namespace; a daemon in a
 * container gives them in its own.
 *
 * Returns: the pid, or 0 if @nr names no process the writer can see
 */
static pid_t global_pid(u32 nr)
{
	struct pid *pid;
	pid_t global = 0;

	if (!nr || nr > PID_MAX_LIMIT)
		return 0;
	rcu_read_lock();
	pid = find_pid_ns(nr, task_active_pid_ns(current));
	if (pid)
		global = pid_nr(pid);
	rcu_read_unlock();
	return global;
}

/**
 * audit_side - log each profile's decision on one side of a query
 * @base: the opener's label
 * @cache: label cache of the open file
 * @q: the query
 * @side: the check
 *
 * The other party's label is logged only once it resolved to a label of
 * the policy, and by its name there, never as the daemon spelled it.
 */
static void audit_side(struct aa_label *base, struct aa_dbus_label_cache *cache,
		       const struct aa_dbus_query *q,
		       const struct aa_dbus_side *side)
{
	DEFINE_AUDIT_DATA(ad, LSM_AUDIT_DATA_NONE, AA_CLASS_DBUS,
			  dbus_op_names[q->op]);
	struct aa_dbus_cached_label *slot;
	struct apparmor_dbus_perms scratch;
	struct aa_label *label, *peer = NULL;

	label = resolve_label(base, cache, q->field[side->label],
			      q->len[side->label], &slot);
	if (IS_ERR(label))
		return;
	if (q->len[side->other_label]) {
		peer = resolve_label(base, cache, q->field[side->other_label],
				     q->len[side->other_label], &slot);
		if (IS_ERR(peer))
			peer = NULL;
	}
	if (q->len[side->name])
		ad.name = q->field[side->name];
	ad.peer = peer;
	ad.dbus.query = q;
	ad.dbus.peer_pid = global_pid(side->receive ? q->subject_pid :
						      q->peer_pid);
	label_dbus_perms(label, q, side, &scratch, &ad);
	aa_put_label(peer);
	aa_put_label(label);
}

/**
 * aa_dbus_audit - log the decisions of one answered query
 * @base: the opener's label, as given to aa_dbus_answer()
 * @cache: label cache, as given to aa_dbus_answer()
 * @q: the query
 * @ans: its answer
 *
 * Only a side that was refused, let through by complain mode, or is
 * audited by policy is walked again, with each of its profiles logging
 * its own record through the audit framework; an allowed, unaudited side
 * costs nothing here. A label that went away since it was answered is
 * not logged.
 */
void aa_dbus_audit(struct aa_label *base, struct aa_dbus_label_cache *cache,
		   const struct aa_dbus_query *q,
		   const struct apparmor_dbus_answer *ans)
{
	const struct apparmor_dbus_perms *perms[2] = {
		&ans->subject, &ans->peer
	};
	const struct aa_dbus_side *sides[2];
	int i;

	query_sides(q, sides);
	for (i = 0; i < 2; i++) {
		if (!sides[i])
			continue;
		if (perms[i]->denied || perms[i]->complain ||
		    (perms[i]->audit & sides[i]->perm))
			audit_side(base, cache, q, sides[i]);
	}
}

/* Writes up to this size are copied to the stack instead of allocated. */
#define AA_DBUS_SMALL_WRITE 512

/**
 * struct aa_dbus_file - state of one open .dbus file
 * @lock: serialises writes and reads on this open file
 * @answered: the last write was answered; its answers are in @answers
 *            until a read takes them
 * @nanswers: number of answers in @answers
 * @answers: answers not read yet, or NULL; @one, or an array of a batch
 * @one: room for the answer to a write of one query, the common case
 * @labels: labels resolved by earlier queries on this file, allocated by
 *          the first write
 *
 * An idle open file holds this structure and its label cache only. A
 * write of one query allocates nothing more; a batch allocates what its
 * queries need, charged to the writer's memory cgroup, and frees all but
 * the answers before it returns.
 */
struct aa_dbus_file {
	struct mutex lock; /* serialises use of the fields below */
	bool answered;
	u32 nanswers;
	struct apparmor_dbus_answer *answers;
	struct apparmor_dbus_answer one;
	struct aa_dbus_label_cache *labels;
};

/**
 * drop_answers - forget the answers of the last write
 * @df: the open file
 */
static void drop_answers(struct aa_dbus_file *df)
{
	if (df->answers != &df->one)
		kfree(df->answers);
	df->answers = NULL;
	df->nanswers = 0;
}

/**
 * dbus_query_open - allocate the state of one open .dbus file
 * @inode: the .dbus inode
 * @file: the file being opened
 *
 * Returns: 0 or -ENOMEM
 */
static int dbus_query_open(struct inode *inode, struct file *file)
{
	struct aa_dbus_file *df = kzalloc(sizeof(*df), GFP_KERNEL_ACCOUNT);

	if (!df)
		return -ENOMEM;
	mutex_init(&df->lock);
	file->private_data = df;
	return 0;
}

/**
 * dbus_query_release - free what the open file holds
 * @inode: the .dbus inode
 * @file: the file being closed
 *
 * Returns: 0
 */
static int dbus_query_release(struct inode *inode, struct file *file)
{
	struct aa_dbus_file *df = file->private_data;

	if (df->labels) {
		aa_dbus_label_cache_reset(df->labels, NULL);
		kfree(df->labels);
	}
	drop_answers(df);
	mutex_destroy(&df->lock);
	kfree(df);
	return 0;
}

/**
 * answer_request - answer every query of a validated write, then audit
 * @base: the opener's label
 * @cache: the open file's label cache
 * @req: the queries
 * @answers: room for one answer per query
 *
 * All or nothing: one label that does not resolve fails the whole write,
 * and nothing is logged for a write that fails.
 *
 * Returns: 0 or the errno of the first label that does not resolve
 */
static int answer_request(struct aa_label *base,
			  struct aa_dbus_label_cache *cache,
			  const struct aa_dbus_request *req,
			  struct apparmor_dbus_answer *answers)
{
	int error;
	u32 i;

	cache_prune(cache);
	for (i = 0; i < req->count; i++) {
		error = aa_dbus_answer(base, cache, &req->query[i],
				       &answers[i]);
		if (error)
			return error;
	}
	for (i = 0; req->audit && i < req->count; i++) {
		if (req->query[i].flags & APPARMOR_DBUS_QUERY_AUDIT)
			aa_dbus_audit(base, cache, &req->query[i],
				      &answers[i]);
	}
	return 0;
}

/**
 * may_write_audit - may queries on this file make the kernel log records
 * @file: the open .dbus file
 *
 * Decided from the credentials of whoever opened the file, as for every
 * other privilege attached to an open file: a daemon that opened it with
 * CAP_AUDIT_WRITE may drop the capability, or hand the descriptor to a
 * helper, and keep logging; a descriptor opened without it never logs.
 *
 * Returns: true if the opener held CAP_AUDIT_WRITE
 */
static bool may_write_audit(struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_AUDIT_WRITE);
}

/**
 * handle_request - validate and answer one write
 * @file: the open .dbus file
 * @df: its state
 * @buf: the bytes written
 * @size: their number
 *
 * Returns: 0 with the answers in @df->answers, or the errno of the write
 */
static int handle_request(struct file *file, struct aa_dbus_file *df,
			  const void *buf, size_t size)
{
	DEFINE_FLEX(struct aa_dbus_request, one, query, count, 1);
	struct apparmor_dbus_answer *answers = &df->one;
	int count = aa_dbus_request_count(buf, size);
	struct aa_dbus_request *req = one;
	struct aa_label *base;
	int error;

	if (count < 0)
		return count;
	if (count > 1) {
		req = kmalloc(struct_size(req, query, count),
			      GFP_KERNEL_ACCOUNT);
		answers = kmalloc_array(count, sizeof(*answers),
					GFP_KERNEL_ACCOUNT);
	}
	if (!df->labels)
		df->labels = kzalloc(sizeof(*df->labels), GFP_KERNEL_ACCOUNT);
	error = -ENOMEM;
	if (!req || !answers || !df->labels)
		goto out;

	error = aa_dbus_parse_request(buf, size, req);
	if (!error && req->audit && !may_write_audit(file))
		error = -EPERM;
	if (!error) {
		base = aa_get_newest_cred_label(file->f_cred);
		error = answer_request(base, df->labels, req, answers);
		aa_put_label(base);
	}
	if (!error) {
		df->answers = answers;
		df->nanswers = count;
	}
out:
	if (error && answers != &df->one)
		kfree(answers);
	if (req != one)
		kfree(req);
	return error;
}

/**
 * dbus_query_write - take a request and compute all its answers
 * @file: the open .dbus file
 * @ubuf: the request
 * @count: its size
 * @ppos: file position, must be 0
 *
 * Returns: @count, or the errno listed in Documentation for a refused
 * request, in which case no answer is left to read
 */
static ssize_t dbus_query_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	u64 small[AA_DBUS_SMALL_WRITE / sizeof(u64)];
	struct aa_dbus_file *df = file->private_data;
	void *buf = NULL;
	ssize_t error = 0;

	if (*ppos)
		error = -ESPIPE;
	else if (count > APPARMOR_DBUS_QUERY_MAX_SIZE)
		error = -E2BIG;
	else if (count < sizeof(struct apparmor_dbus_query_hdr))
		error = -EINVAL;
	else if (count <= sizeof(small))
		buf = small;
	else
		buf = kvmalloc(count, GFP_KERNEL_ACCOUNT);
	if (!error && !buf)
		error = -ENOMEM;
	if (!error && copy_from_user(buf, ubuf, count))
		error = -EFAULT;

	mutex_lock(&df->lock);
	/* Whatever happens next, the answers of an earlier write are gone. */
	drop_answers(df);
	if (!error)
		error = handle_request(file, df, buf, count);
	df->answered = !error;
	mutex_unlock(&df->lock);
	if (buf != small)
		kvfree(buf);
	return error ? error : count;
}

/**
 * dbus_query_read - return every answer of the last write, once
 * @file: the open .dbus file
 * @ubuf: destination
 * @size: its size, at least that of all the answers
 * @ppos: file position, must be 0
 *
 * The answers are read as a stream: the first read after a write returns
 * all of them and consumes them, later reads return 0 (end of file)
 * until the next write.
 *
 * Returns: bytes of answers, 0 once they were read, -ENODATA if no write
 * was answered, -EMSGSIZE if @size cannot hold them all
 */
static ssize_t dbus_query_read(struct file *file, char __user *ubuf,
			       size_t size, loff_t *ppos)
{
	struct aa_dbus_file *df = file->private_data;
	size_t len;
	ssize_t ret;

	if (*ppos)
		return -ESPIPE;

	mutex_lock(&df->lock);
	len = df->nanswers * sizeof(*df->answers);
	if (!df->answered) {
		ret = -ENODATA;
	} else if (!df->answers) {
		ret = 0;
	} else if (size < len) {
		ret = -EMSGSIZE;
	} else if (copy_to_user(ubuf, df->answers, len)) {
		ret = -EFAULT;
	} else {
		ret = len;
		drop_answers(df);
	}
	mutex_unlock(&df->lock);
	return ret;
}

const struct file_operations aa_dbus_query_fops = {
	.owner = THIS_MODULE,
	.open = dbus_query_open,
	.release = dbus_query_release,
	.write = dbus_query_write,
	.read = dbus_query_read,
};
