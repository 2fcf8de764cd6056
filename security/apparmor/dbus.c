// SPDX-License-Identifier: GPL-2.0-only
/*
 * AppArmor security module
 *
 * D-Bus query service: a bus daemon writes queries to the .dbus file of
 * apparmorfs and reads back, for each, what the policy says about both
 * sides of a message, a name acquisition or eavesdropping.
 */

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "include/apparmor.h"
#include "include/cred.h"
#include "include/dbus.h"
#include "include/lib.h"
#include "include/perms.h"
#include "include/policy.h"
#include "include/policy_ns.h"

#define MSG_PERMS (APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE)
#define FIELD(f) BIT(APPARMOR_DBUS_FIELD_##f)
#define MSG_FIELDS (BIT(APPARMOR_DBUS_FIELD_COUNT) - 1)
#define SUBJECT_LABEL APPARMOR_DBUS_FIELD_SUBJECT_LABEL
#define PEER_LABEL APPARMOR_DBUS_FIELD_PEER_LABEL

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

/*
 * The DFA input of each check, in the order apparmor_parser lays out
 * dbus rules: message rules match bus, name, peer label, path, interface
 * and member; bind rules bus and name; eavesdrop rules the bus alone.
 * The name and label are those of the other side of the message.
 */
static const u8 send_fields[] = {
	APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_PEER_NAME,
	APPARMOR_DBUS_FIELD_PEER_LABEL, APPARMOR_DBUS_FIELD_PATH,
	APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
};

static const u8 receive_fields[] = {
	APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_SUBJECT_NAME,
	APPARMOR_DBUS_FIELD_SUBJECT_LABEL, APPARMOR_DBUS_FIELD_PATH,
	APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
};

static const u8 bind_fields[] = {
	APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_SUBJECT_NAME,
};

static const u8 eavesdrop_fields[] = { APPARMOR_DBUS_FIELD_BUS };

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
	if (rec->flags)
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

	for (i = 0; i < hdr->count; i++) {
		ssize_t used = parse_query((const u8 *)buf + off, size - off,
					   &req->query[i]);

		if (used < 0)
			return used;
		off += used;
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
 * @fields: the DFA input of this side
 * @nfields: number of entries in @fields
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
			       const u8 *fields, unsigned int nfields,
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
					     fields, nfields);
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

/**
 * answer_side - answer one side of a query
 * @base: label of the caller, for resolving names as .access does
 * @cache: label cache of the open file, or NULL
 * @q: the query
 * @label_field: field naming the label of this side
 * @fields: the DFA input of this side
 * @nfields: number of entries in @fields
 * @asked: the permissions asked of this side
 * @out: the answer
 *
 * Returns: 0, or -ENOENT / -EINVAL if the label does not resolve
 */
static int answer_side(struct aa_label *base, struct aa_dbus_label_cache *cache,
		       const struct aa_dbus_query *q, int label_field,
		       const u8 *fields, unsigned int nfields, u32 asked,
		       struct apparmor_dbus_perms *out)
{
	struct aa_perms perms = allperms;
	struct aa_profile *profile;
	struct aa_label *label;
	struct label_it i;
	struct aa_ns *ns;
	u32 denied = 0;

	label = resolve_label(base, cache, q->field[label_field],
			      q->len[label_field]);
	if (IS_ERR(label))
		return PTR_ERR(label);

	ns = labels_ns(label);
	/* Read first: a racing replacement then makes the answer look stale. */
	out->revision = READ_ONCE(ns->revision);
	label_for_each_in_ns(i, ns, label, profile) {
		struct aa_perms tmp;

		if (!profile_dbus_perms(profile, q, fields, nfields, &tmp))
			continue;
		aa_perms_accum_raw(&perms, &tmp);
		if (!COMPLAIN_MODE(profile))
			denied |= asked & ~(tmp.allow & ~tmp.deny);
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
	int error = 0;

	memset(ans, 0, sizeof(*ans));
	switch (q->op) {
	case APPARMOR_DBUS_OP_BIND:
		return answer_side(base, cache, q, SUBJECT_LABEL, bind_fields,
				   ARRAY_SIZE(bind_fields), q->request,
				   &ans->subject);
	case APPARMOR_DBUS_OP_EAVESDROP:
		return answer_side(base, cache, q, SUBJECT_LABEL,
				   eavesdrop_fields,
				   ARRAY_SIZE(eavesdrop_fields), q->request,
				   &ans->subject);
	}

	if (q->request & APPARMOR_DBUS_SEND)
		error = answer_side(base, cache, q, SUBJECT_LABEL, send_fields,
				    ARRAY_SIZE(send_fields),
				    APPARMOR_DBUS_SEND, &ans->subject);
	if (!error && (q->request & APPARMOR_DBUS_RECEIVE))
		error = answer_side(base, cache, q, PEER_LABEL, receive_fields,
				    ARRAY_SIZE(receive_fields),
				    APPARMOR_DBUS_RECEIVE, &ans->peer);
	return error;
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
 * answer_request - answer every query of a validated write
 * @df: the open file holding the queries and the room for answers
 *
 * All or nothing: one label that does not resolve fails the whole write.
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
	end_current_label_crit_section(base);
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
	struct aa_dbus_file *df = file->private_data;
	ssize_t error;

	if (*ppos)
		return -ESPIPE;
	if (count > APPARMOR_DBUS_QUERY_MAX_SIZE)
		return -E2BIG;

	mutex_lock(&df->lock);
	df->answer_size = 0;
	if (copy_from_user(df->buf, ubuf, count)) {
		error = -EFAULT;
		goto out;
	}
	error = aa_dbus_parse_request(df->buf, count, &df->req);
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
