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
	[APPARMOR_DBUS_OP_METHOD_CALL] = { MSG_PERMS, MSG_FIELDS },
	[APPARMOR_DBUS_OP_SIGNAL] = { MSG_PERMS, MSG_FIELDS },
	[APPARMOR_DBUS_OP_METHOD_RETURN] = { MSG_PERMS, MSG_FIELDS },
	[APPARMOR_DBUS_OP_ERROR] = { MSG_PERMS, MSG_FIELDS },
	[APPARMOR_DBUS_OP_BIND] = {
		APPARMOR_DBUS_BIND,
		FIELD(SUBJECT_LABEL) | FIELD(BUS) | FIELD(SUBJECT_NAME)
	},
	[APPARMOR_DBUS_OP_EAVESDROP] = {
		APPARMOR_DBUS_EAVESDROP, FIELD(SUBJECT_LABEL) | FIELD(BUS)
	},
};

/**
 * struct aa_dbus_side - one permission check a query can ask for
 * @perm: the permission checked
 * @label: field naming the label whose policy decides
 * @name: field naming the other side's bus name, as that policy sees it
 * @other_label: field naming the other side's label
 * @receive: true for the receiver's side of a message
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
	APPARMOR_DBUS_SEND, F(SUBJECT_LABEL), F(PEER_NAME), F(PEER_LABEL),
	false, 6,
	{ F(BUS), F(PEER_NAME), F(PEER_LABEL), F(PATH), F(INTERFACE), F(MEMBER) },
};

static const struct aa_dbus_side receive_side = {
	APPARMOR_DBUS_RECEIVE, F(PEER_LABEL), F(SUBJECT_NAME),
	F(SUBJECT_LABEL), true, 6,
	{ F(BUS), F(SUBJECT_NAME), F(SUBJECT_LABEL), F(PATH), F(INTERFACE),
	  F(MEMBER) },
};

static const struct aa_dbus_side bind_side = {
	APPARMOR_DBUS_BIND, F(SUBJECT_LABEL), F(SUBJECT_NAME), F(PEER_LABEL),
	false, 2, { F(BUS), F(SUBJECT_NAME) },
};

static const struct aa_dbus_side eavesdrop_side = {
	APPARMOR_DBUS_EAVESDROP, F(SUBJECT_LABEL), F(PEER_NAME), F(PEER_LABEL),
	false, 1, { F(BUS) },
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
 * aa_dbus_parse_request - validate a whole write before answering any of it
 * @buf: the bytes written, 8-byte aligned
 * @size: number of bytes written
 * @req: where to put the validated queries; they point into @buf
 *
 * Returns: 0, or the errno documented in the uapi header for the first
 * problem found; @req is then unusable.
 */
VISIBLE_IF_KUNIT int aa_dbus_parse_request(const void *buf, size_t size,
					   struct aa_dbus_request *req)
{
	const struct apparmor_dbus_query_hdr *hdr = buf;
	size_t off = sizeof(*hdr);
	u32 i;

	if (size < sizeof(*hdr))
		return -EINVAL;
	if (hdr->version != APPARMOR_DBUS_QUERY_VERSION)
		return -EPROTONOSUPPORT;
	if (hdr->flags)
		return -EOPNOTSUPP;
	if (hdr->size != size || !hdr->count ||
	    hdr->count > APPARMOR_DBUS_QUERY_MAX_BATCH)
		return -EINVAL;

	req->audit = false;
	for (i = 0; i < hdr->count; i++) {
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

	req->flags = hdr->flags;
	req->count = hdr->count;
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
	struct aa_ruleset *rules = list_first_entry(&profile->rules,
						    typeof(*rules), list);
	aa_state_t state;

	if (profile_unconfined(profile))
		return false;
	*perms = (struct aa_perms) { };
	if (rules->policy->dfa) {
		state = RULE_MEDIATES(rules, AA_CLASS_DBUS);
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

/**
 * aa_dbus_label_cache_reset - empty a label cache and rebase it
 * @cache: the cache
 * @base: the caller's label to resolve names against from now on, or NULL
 *        to release everything
 */
void aa_dbus_label_cache_reset(struct aa_dbus_label_cache *cache,
			       struct aa_label *base)
{
	int i;

	for (i = 0; i < AA_DBUS_LABEL_CACHE_SLOTS; i++) {
		if (cache->len[i])
			aa_put_label(cache->label[i]);
		cache->len[i] = 0;
		cache->label[i] = NULL;
	}
	aa_put_label(cache->base);
	cache->base = aa_get_label(base);
	cache->next = 0;
}

/**
 * cache_store - remember what @name resolved to
 * @cache: the cache
 * @name: the label name
 * @len: its length, at most AA_DBUS_LABEL_CACHE_NAME
 * @label: the label; the cache takes its own reference
 */
static void cache_store(struct aa_dbus_label_cache *cache, const char *name,
			size_t len, struct aa_label *label)
{
	unsigned int slot = cache->next;

	cache->next = (slot + 1) % AA_DBUS_LABEL_CACHE_SLOTS;
	if (cache->len[slot])
		aa_put_label(cache->label[slot]);
	memcpy(cache->name[slot], name, len);
	cache->len[slot] = len;
	cache->label[slot] = aa_get_label(label);
}

/**
 * resolve_label - find the label a query names
 * @base: the caller's label; names resolve in its view, as with .access
 * @cache: this file's label cache, or NULL
 * @name: the label name, not necessarily NUL-terminated
 * @len: its length
 *
 * A cached label is used only while it is not stale: replacing or
 * removing any of its profiles marks it stale, and the name is then
 * resolved again.
 *
 * Returns: a reference to the label, or ERR_PTR(-ENOENT/-EINVAL)
 */
static struct aa_label *resolve_label(struct aa_label *base,
				      struct aa_dbus_label_cache *cache,
				      const char *name, size_t len)
{
	struct aa_label *label;
	int i;

	if (!cache || len > AA_DBUS_LABEL_CACHE_NAME)
		return aa_label_strn_parse(base, name, len, GFP_KERNEL, false,
					   false);
	if (cache->base != base)
		aa_dbus_label_cache_reset(cache, base);
	for (i = 0; i < AA_DBUS_LABEL_CACHE_SLOTS; i++) {
		if (cache->len[i] != len || memcmp(cache->name[i], name, len))
			continue;
		if (!label_is_stale(cache->label[i]))
			return aa_get_label(cache->label[i]);
		aa_put_label(cache->label[i]);
		cache->len[i] = 0;
		break;
	}
	label = aa_label_strn_parse(base, name, len, GFP_KERNEL, false, false);
	if (!IS_ERR(label))
		cache_store(cache, name, len, label);
	return label;
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
		{ APPARMOR_DBUS_SEND, "send" },
		{ APPARMOR_DBUS_RECEIVE, "receive" },
		{ APPARMOR_DBUS_BIND, "bind" },
		{ APPARMOR_DBUS_EAVESDROP, "eavesdrop" },
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
 * The daemon-supplied pids follow the pid and comm of the bus daemon that
 * every LSM record starts with; for the receiver's side of a message the
 * subject and peer are swapped, so each record names its own subject.
 */
static void audit_dbus_cb(struct audit_buffer *ab, void *va)
{
	struct apparmor_audit_data *ad = aad_of_va(va);
	const struct aa_dbus_query *q = ad->dbus.query;
	const struct aa_dbus_side *side = ad->dbus.side;
	u32 pid = side->receive ? q->peer_pid : q->subject_pid;
	u32 peer_pid = side->receive ? q->subject_pid : q->peer_pid;

	audit_dbus_field(ab, "bus", q, APPARMOR_DBUS_FIELD_BUS);
	audit_dbus_field(ab, "path", q, APPARMOR_DBUS_FIELD_PATH);
	audit_dbus_field(ab, "interface", q, APPARMOR_DBUS_FIELD_INTERFACE);
	audit_dbus_field(ab, "member", q, APPARMOR_DBUS_FIELD_MEMBER);
	audit_dbus_mask(ab, "mask", ad->request);
	if (ad->denied)
		audit_dbus_mask(ab, "denied_mask", ad->denied);
	if (pid)
		audit_log_format(ab, " pid=%u", pid);
	if (peer_pid)
		audit_log_format(ab, " peer_pid=%u", peer_pid);
	if (side->nfields > 2)
		audit_dbus_field(ab, "peer_label", q, side->other_label);
}

/**
 * answer_side - answer one side of a query, and audit it if asked
 * @base: label of the caller, for resolving names as .access does
 * @cache: label cache of the open file, or NULL
 * @q: the query
 * @side: the check
 * @out: the answer
 * @ad: audit data to log each profile's decision with, or NULL
 *
 * Returns: 0, or -ENOENT / -EINVAL if the label does not resolve
 */
static int answer_side(struct aa_label *base, struct aa_dbus_label_cache *cache,
		       const struct aa_dbus_query *q,
		       const struct aa_dbus_side *side,
		       struct apparmor_dbus_perms *out,
		       struct apparmor_audit_data *ad)
{
	struct aa_perms perms = allperms;
	struct aa_profile *profile;
	struct aa_label *label;
	struct label_it i;
	struct aa_ns *ns;
	u32 denied = 0;

	label = resolve_label(base, cache, q->field[side->label],
			      q->len[side->label]);
	if (IS_ERR(label))
		return PTR_ERR(label);

	ns = labels_ns(label);
	/* Read first: a racing replacement then makes the answer look stale. */
	out->revision = READ_ONCE(ns->revision);
	label_for_each_in_ns(i, ns, label, profile) {
		struct aa_perms tmp;

		if (!profile_dbus_perms(profile, q, side, &tmp))
			continue;
		aa_perms_accum_raw(&perms, &tmp);
		if (!COMPLAIN_MODE(profile))
			denied |= side->perm & ~(tmp.allow & ~tmp.deny);
		if (ad) {
			/* The daemon is not the subject: never kill it. */
			tmp.kill = 0;
			aa_check_perms(profile, &tmp, side->perm, ad,
				       audit_dbus_cb);
		}
	}
	aa_put_label(label);

	out->allow = perms.allow;
	out->deny = perms.deny;
	out->audit = perms.audit;
	out->quiet = perms.quiet;
	out->complain = perms.complain;
	out->kill = perms.kill;
	out->denied = denied;
	out->reserved = 0;
	return 0;
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
 * @base: label of the caller; names resolve in its view, as with .access
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
		error = answer_side(base, cache, q, sides[0], &ans->subject,
				    NULL);
	if (!error && sides[1])
		error = answer_side(base, cache, q, sides[1], &ans->peer, NULL);
	return error;
}

/**
 * aa_dbus_audit - log the decisions of one answered query
 * @base: label of the caller, as given to aa_dbus_answer()
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
	const struct apparmor_dbus_perms *perms[2] = { &ans->subject, &ans->peer };
	const struct aa_dbus_side *sides[2];
	int i;

	query_sides(q, sides);
	for (i = 0; i < 2; i++) {
		DEFINE_AUDIT_DATA(ad, LSM_AUDIT_DATA_NONE, AA_CLASS_DBUS,
				  dbus_op_names[q->op]);
		struct apparmor_dbus_perms scratch;
		u32 perm;

		if (!sides[i])
			continue;
		perm = sides[i]->perm;
		if (!(perm & ~(perms[i]->allow & ~perms[i]->deny)) &&
		    !(perm & perms[i]->audit))
			continue;
		if (q->len[sides[i]->name])
			ad.name = q->field[sides[i]->name];
		ad.dbus.query = q;
		ad.dbus.side = sides[i];
		answer_side(base, cache, q, sides[i], &scratch, &ad);
	}
}

/**
 * struct aa_dbus_file - state of one open .dbus file
 * @lock: serialises writes and reads on this open file
 * @answer_size: bytes of answers ready to read, 0 if none
 * @req: the validated queries of the last write
 * @answer: the answers of the last write
 * @labels: labels resolved by earlier queries on this file
 * @buf: copy of the last write; @req points into it
 *
 * Everything a query needs is allocated once, at open, so answering
 * allocates nothing.
 */
struct aa_dbus_file {
	struct mutex lock; /* serialises use of the fields below */
	size_t answer_size;
	struct aa_dbus_request req;
	struct apparmor_dbus_answer answer[APPARMOR_DBUS_QUERY_MAX_BATCH];
	struct aa_dbus_label_cache labels;
	u64 buf[APPARMOR_DBUS_QUERY_MAX_SIZE / sizeof(u64)];
};

/**
 * dbus_query_open - allocate the buffers of one open .dbus file
 * @inode: the .dbus inode
 * @file: the file being opened
 *
 * Returns: 0 or -ENOMEM
 */
static int dbus_query_open(struct inode *inode, struct file *file)
{
	struct aa_dbus_file *df = kvzalloc(sizeof(*df), GFP_KERNEL);

	if (!df)
		return -ENOMEM;
	mutex_init(&df->lock);
	file->private_data = df;
	return 0;
}

/**
 * dbus_query_release - free what dbus_query_open() allocated
 * @inode: the .dbus inode
 * @file: the file being closed
 *
 * Returns: 0
 */
static int dbus_query_release(struct inode *inode, struct file *file)
{
	struct aa_dbus_file *df = file->private_data;

	aa_dbus_label_cache_reset(&df->labels, NULL);
	mutex_destroy(&df->lock);
	kvfree(df);
	return 0;
}

/**
 * answer_request - answer every query of a validated write, then audit
 * @df: the open file holding the queries and the room for answers
 *
 * All or nothing: one label that does not resolve fails the whole write,
 * and nothing is logged for a write that fails.
 *
 * Returns: 0 or the errno of the first label that does not resolve
 */
static int answer_request(struct aa_dbus_file *df)
{
	struct aa_label *base = begin_current_label_crit_section();
	int error = 0;
	u32 i;

	for (i = 0; !error && i < df->req.count; i++)
		error = aa_dbus_answer(base, &df->labels, &df->req.query[i],
				       &df->answer[i]);
	for (i = 0; !error && df->req.audit && i < df->req.count; i++) {
		if (df->req.query[i].flags & APPARMOR_DBUS_QUERY_AUDIT)
			aa_dbus_audit(base, &df->labels, &df->req.query[i],
				      &df->answer[i]);
	}
	end_current_label_crit_section(base);
	return error;
}

/**
 * may_write_audit - may this write make the kernel log records
 * @file: the open .dbus file
 *
 * Both the writer and whoever opened the file must hold CAP_AUDIT_WRITE:
 * a descriptor handed from one to the other must not let either forge
 * records.
 *
 * Returns: true if both hold it
 */
static bool may_write_audit(struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_AUDIT_WRITE) &&
	       capable(CAP_AUDIT_WRITE);
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
	struct aa_dbus_file *df = file->private_data;
	ssize_t error;

	mutex_lock(&df->lock);
	/* Whatever happens next, the answers of an earlier write are gone. */
	df->answer_size = 0;
	if (*ppos) {
		error = -ESPIPE;
		goto out;
	}
	if (count > APPARMOR_DBUS_QUERY_MAX_SIZE) {
		error = -E2BIG;
		goto out;
	}
	if (copy_from_user(df->buf, ubuf, count)) {
		error = -EFAULT;
		goto out;
	}
	error = aa_dbus_parse_request(df->buf, count, &df->req);
	if (!error && df->req.audit && !may_write_audit(file))
		error = -EPERM;
	if (!error)
		error = answer_request(df);
	if (!error)
		df->answer_size = df->req.count * sizeof(df->answer[0]);
out:
	mutex_unlock(&df->lock);
	return error ? error : count;
}

/**
 * dbus_query_read - return every answer of the last write
 * @file: the open .dbus file
 * @ubuf: destination
 * @size: its size, at least that of all the answers
 * @ppos: file position, must be 0
 *
 * Returns: bytes of answers, -ENODATA if there are none, -EMSGSIZE if
 * @size cannot hold them all
 */
static ssize_t dbus_query_read(struct file *file, char __user *ubuf,
			       size_t size, loff_t *ppos)
{
	struct aa_dbus_file *df = file->private_data;
	ssize_t ret;

	if (*ppos)
		return -ESPIPE;

	mutex_lock(&df->lock);
	if (!df->answer_size)
		ret = -ENODATA;
	else if (size < df->answer_size)
		ret = -EMSGSIZE;
	else if (copy_to_user(ubuf, df->answer, df->answer_size))
		ret = -EFAULT;
	else
		ret = df->answer_size;
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
