// SPDX-License-Identifier: GPL-2.0-only
/*
 * AppArmor security module
 *
 * The D-Bus query file, <securityfs>/apparmor/.dbus. A bus daemon writes
 * up to APPARMOR_DBUS_QUERY_MAX_BATCH queries at once and reads one answer
 * per query back. Each answer is decided by dbus.c under one policy
 * generation, which it carries, and has its own status.
 *
 * A request is read in the view of the task that writes it: its labels
 * resolve in the writer's policy namespace and its pids in the writer's
 * pid namespace, and the writer's privilege counts as well as the
 * opener's. An open file lends its holder nothing it could not do itself.
 */

#include <linux/align.h>
#include <linux/array_size.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <kunit/visibility.h>
#include <asm/word-at-a-time.h>

#include "include/apparmor.h"
#include "include/cred.h"
#include "include/dbus.h"
#include "include/dbus_query.h"
#include "include/label.h"
#include "include/net.h"
#include "include/policy.h"
#include "include/policy_ns.h"

#define MSG_PERMS (APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE)
/* The permission bits of ABI 1. */
#define KNOWN_PERMS (MSG_PERMS | APPARMOR_DBUS_EAVESDROP | APPARMOR_DBUS_BIND)
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

/* The operations of ABI 1; a hole or anything past the end is unknown. */
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
 * field_len - the length of the string at @s
 * @s: start of the string
 * @max: bytes that may be read from @s
 *
 * A word at a time wherever a whole word lies within @max bytes, as
 * strscpy() looks for the end of a string: the DFA walks every field byte
 * by byte later, and finding where a field ends should not cost as much
 * again.
 *
 * Returns: the length, or @max if the first @max bytes hold no NUL
 */
static size_t field_len(const char *s, size_t max)
{
	const struct word_at_a_time constants = WORD_AT_A_TIME_CONSTANTS;
	unsigned long c, data;
	size_t len;

	for (len = 0; max - len >= sizeof(c); len += sizeof(c)) {
		c = get_unaligned((const unsigned long *)(s + len));
		if (has_zero(c, &data, &constants)) {
			data = prep_zero_mask(c, data, &constants);
			data = create_zero_mask(data);
			return len + find_zero(data);
		}
	}
	while (len < max && s[len])
		len++;
	return len;
}

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
		size_t len = field_len(s + off, scan);

		if (len == scan)
			return scan > APPARMOR_DBUS_QUERY_MAX_FIELD ?
				-ENAMETOOLONG : -EINVAL;
		q->field[i] = s + off;
		q->len[i] = len;
		off += len + 1;
	}
	return off;
}

/**
 * check_query - check a query's permissions and fields agree with its op
 * @q: the query, strings already split, operation known
 *
 * Returns: 0 or -EINVAL
 */
static int check_query(const struct aa_dbus_query *q)
{
	const struct dbus_op_rule *rule = &op_rules[q->op];
	int i;

	if (!q->request || (q->request & ~rule->perms))
		return -EINVAL;
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		if (q->len[i] && !(rule->fields & BIT(i)))
			return -EINVAL;
	}
	if (q->subject_fd < -1 || q->peer_fd < -1)
		return -EINVAL;
	/* A side is named by its label or by its connection, not both. */
	if (q->subject_fd >= 0 && q->len[APPARMOR_DBUS_FIELD_SUBJECT_LABEL])
		return -EINVAL;
	if (q->subject_fd < 0 && !q->len[APPARMOR_DBUS_FIELD_SUBJECT_LABEL])
		return -EINVAL;
	if (q->peer_fd >= 0 &&
	    (q->len[APPARMOR_DBUS_FIELD_PEER_LABEL] ||
	     !(rule->fields & BIT(APPARMOR_DBUS_FIELD_PEER_LABEL))))
		return -EINVAL;
	if ((q->request & APPARMOR_DBUS_RECEIVE) && q->peer_fd < 0 &&
	    !q->len[APPARMOR_DBUS_FIELD_PEER_LABEL])
		return -EINVAL;
	return 0;
}

/* ABI 2 records differ from ABI 1's only in what two words mean. */
static_assert(sizeof(struct apparmor_dbus_query2) ==
	      sizeof(struct apparmor_dbus_query));
static_assert(offsetof(struct apparmor_dbus_query2, subject_fd) ==
	      offsetof(struct apparmor_dbus_query, subject_pid));
static_assert(offsetof(struct apparmor_dbus_query2, peer_fd) ==
	      offsetof(struct apparmor_dbus_query, peer_pid));

/**
 * parse_query - validate one query record
 * @p: start of the record
 * @avail: bytes left in the request from @p
 * @abi: the ABI the request's header names
 * @q: query to fill in
 *
 * Returns: size of the record, or a negative errno
 */
static ssize_t parse_query(const u8 *p, size_t avail, u32 abi,
			   struct aa_dbus_query *q)
{
	const struct apparmor_dbus_query *rec = (const void *)p;
	size_t strings_avail;
	ssize_t used;
	int error;

	if (avail < sizeof(*rec) || rec->size < sizeof(*rec) ||
	    rec->size > avail || !IS_ALIGNED(rec->size, 8))
		return -EINVAL;
	/* What ABI 1 does not have cannot even be laid out: refuse it first. */
	if ((rec->flags & ~APPARMOR_DBUS_QUERY_AUDIT) ||
	    rec->op >= ARRAY_SIZE(op_rules) || !op_rules[rec->op].perms ||
	    (rec->request & ~KNOWN_PERMS))
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
	if (abi >= 2) {
		const struct apparmor_dbus_query2 *rec2 = (const void *)p;

		q->subject_pid = 0;
		q->peer_pid = 0;
		q->subject_fd = rec2->subject_fd;
		q->peer_fd = rec2->peer_fd;
	} else {
		q->subject_pid = rec->subject_pid;
		q->peer_pid = rec->peer_pid;
		q->subject_fd = -1;
		q->peer_fd = -1;
	}
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
int aa_dbus_request_count(const void *buf, size_t size)
{
	const struct apparmor_dbus_query_hdr *hdr = buf;

	if (size < sizeof(*hdr))
		return -EINVAL;
	if (hdr->abi < 1 || hdr->abi > AA_DBUS_ABI || hdr->flags)
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
int aa_dbus_parse_request(const void *buf, size_t size,
			  struct aa_dbus_request *req)
{
	const struct apparmor_dbus_query_hdr *hdr = buf;
	size_t off = sizeof(*hdr);
	int count = aa_dbus_request_count(buf, size);
	int i;

	if (count < 0)
		return count;
	req->count = count;
	req->audit = false;
	for (i = 0; i < count; i++) {
		ssize_t used = parse_query((const u8 *)buf + off, size - off,
					   hdr->abi, &req->query[i]);

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

#define AA_DBUS_LABEL_SLOTS 16

/**
 * struct aa_dbus_cached_label - a label name and the profile it named
 * @label: the profile's label, without a reference: it is used only
 *         while the policy generation is still @gen, when the policy
 *         itself holds the profile
 * @view: namespace the name was resolved in; compared, never followed
 * @gen: the even generation the name was resolved under
 * @len: length of the name; 0 for an empty slot
 *
 * Only names that are the profile's own name in @view are remembered, so
 * the name itself need not be: the profile's is compared, @len bytes of
 * it, which is its whole length.
 */
struct aa_dbus_cached_label {
	struct aa_label *label;
	struct aa_ns *view;
	u64 gen;
	size_t len;
};

/**
 * struct aa_dbus_file - state of one open .dbus file
 * @lock: serialises writes and reads on this open file
 * @owner: the thread whose write the answers in @answers belong to, a
 *         reference; NULL before the first answered write
 * @answered: the last write was answered; its answers are in @answers
 *            until @owner reads them
 * @nanswers: number of answers in @answers
 * @answers: answers not read yet, or NULL; @one, or an array of a batch
 * @one: room for the answer to a write of one query, the common case
 * @next: the slot of @labels to fill next
 * @labels: profiles that names of earlier queries resolved to
 * @unpriv_records: the records a writer without CAP_AUDIT_WRITE may
 *                  still have written through this file
 *
 * Everything an open file needs to answer a write of one query is
 * allocated when it is opened, charged to the opener's memory cgroup; a
 * batch allocates room for its queries and answers, charged to the
 * writer's. The file holds no reference to any policy: a descriptor left
 * open keeps nothing alive that a policy change released.
 */
struct aa_dbus_file {
	struct mutex lock; /* serialises use of the fields below */
	struct pid *owner;
	bool answered;
	u32 nanswers;
	struct apparmor_dbus_answer *answers;
	struct apparmor_dbus_answer one;
	unsigned int next;
	struct aa_dbus_cached_label labels[AA_DBUS_LABEL_SLOTS];
	struct ratelimit_state unpriv_records;
};

/**
 * names_profile - is @name the name of @label's profile
 * @label: a profile's label
 * @name: a name, not necessarily NUL-terminated
 * @len: its length
 *
 * Returns: true if they are the same
 */
static bool names_profile(struct aa_label *label, const char *name,
			  size_t len)
{
	const char *hname = labels_profile(label)->base.hname;

	return !strncmp(hname, name, len) && !hname[len];
}

/**
 * cached_label - the label a name resolved to under this generation
 * @df: the open file
 * @view: the writer's namespace
 * @gen: the even generation the answer is being decided under
 * @name: the label name, not necessarily NUL-terminated
 * @len: its length
 *
 * A profile the policy no longer holds is freed only after an RCU grace
 * period that began after the generation moved: the generation read
 * unmoved inside a read-side critical section proves every profile
 * remembered under it still alive there, and its name unchanged.
 *
 * Returns: a reference to the label, or NULL if none is remembered
 */
static struct aa_label *cached_label(struct aa_dbus_file *df,
				     struct aa_ns *view, u64 gen,
				     const char *name, size_t len)
{
	struct aa_dbus_cached_label *slot;
	struct aa_label *label = NULL;

	rcu_read_lock();
	if (aa_policy_gen_begin() != gen)
		goto out;
	for (slot = df->labels; slot < df->labels + AA_DBUS_LABEL_SLOTS;
	     slot++) {
		if (slot->gen == gen && slot->len == len &&
		    slot->view == view &&
		    !memcmp(labels_profile(slot->label)->base.hname, name,
			    len)) {
			label = __aa_get_label(slot->label);
			break;
		}
	}
out:
	rcu_read_unlock();
	return label;
}

/**
 * remember_label - remember the profile a name resolved to
 * @df: the open file
 * @view: the writer's namespace
 * @gen: the even generation the name was resolved under
 * @label: the label, a profile of @view whose name is the name resolved
 * @len: the name's length
 *
 * A slot remembered under an older generation is reused first: it can
 * never be used again.
 */
static void remember_label(struct aa_dbus_file *df, struct aa_ns *view,
			   u64 gen, struct aa_label *label, size_t len)
{
	struct aa_dbus_cached_label *slot = NULL;
	int i;

	for (i = 0; i < AA_DBUS_LABEL_SLOTS && !slot; i++) {
		if (df->labels[i].gen != gen || !df->labels[i].len)
			slot = &df->labels[i];
	}
	if (!slot) {
		slot = &df->labels[df->next];
		df->next = (df->next + 1) % AA_DBUS_LABEL_SLOTS;
	}
	*slot = (struct aa_dbus_cached_label) {
		.label = label, .view = view, .gen = gen, .len = len,
	};
}

/**
 * resolve_label - find the label a query names, in the writer's view
 * @df: the open file whose label cache to use, or NULL for none
 * @base: the writer's label; names resolve in its namespace
 * @gen: the generation the answer is being decided under
 * @name: the label name, not necessarily NUL-terminated
 * @len: its length
 *
 * A bus daemon asks about the same few labels over and over, and
 * resolving a name walks its namespace's profile list. A name that
 * resolved to a profile of the writer's namespace under the even
 * generation @gen is remembered with the profile, without a reference:
 * the policy holds the profile until a change moves the generation, and
 * the remembered profile is used only while the generation has not moved.
 *
 * Returns: a reference to the label, or ERR_PTR(-ENOENT/-EINVAL/-ENOMEM)
 */
static struct aa_label *resolve_label(struct aa_dbus_file *df,
				      struct aa_label *base, u64 gen,
				      const char *name, size_t len)
{
	struct aa_ns *view = labels_ns(base);
	struct aa_label *label;

	if (df && !(gen & 1)) {
		label = cached_label(df, view, gen, name, len);
		if (label)
			return label;
	}
	label = aa_label_strn_parse(base, name, len, GFP_KERNEL, false, false);
	/* Stacks are labels of their own that no policy holds. */
	if (df && !(gen & 1) && !IS_ERR(label) && label_isprofile(label) &&
	    labels_ns(label) == view && names_profile(label, name, len))
		remember_label(df, view, gen, label, len);
	return label;
}

/**
 * global_pid - the number a pid the writer gave has in the initial pid ns
 * @nr: a pid as the writer sees it
 *
 * Audit records carry pids of the initial namespace; a daemon in a
 * container knows its clients by the pids of its own.
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
 * connection_side - who is at the other end of one of the writer's sockets
 * @fd: the writer's descriptor
 * @pid: set to the initial-namespace pid of the process that connected,
 *       if not NULL (only records need it)
 *
 * The label is the one the other end had when it connected, as
 * SO_PEERSEC reports it, in its newest version; the pid is the one
 * SO_PEERPIDFD names, kept by the socket after that process has exited.
 *
 * Returns: a reference to the label, or the ERR_PTR() the uapi header
 * lists for a descriptor that names no connection
 */
static struct aa_label *connection_side(int fd, pid_t *pid)
{
	struct aa_label *label, *newest;
	struct socket *sock;
	struct sock *sk;

	CLASS(fd, f)(fd);
	if (fd_empty(f))
		return ERR_PTR(-EBADF);
	sock = sock_from_file(fd_file(f));
	if (!sock)
		return ERR_PTR(-ENOTSOCK);
	sk = sock->sk;
	if (sk->sk_family != AF_UNIX)
		return ERR_PTR(-EAFNOSUPPORT);
	if (sk->sk_type != SOCK_STREAM)
		return ERR_PTR(-EPROTOTYPE);
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN)
		return ERR_PTR(-EDESTADDRREQ);
	label = aa_sk_peer_label(sk);
	if (IS_ERR(label))
		return ERR_PTR(-ENOTCONN);
	if (pid) {
		spin_lock(&sk->sk_peer_lock);
		*pid = pid_nr(sk->sk_peer_pid);
		spin_unlock(&sk->sk_peer_lock);
	}
	if (!label_is_stale(label))
		return label;
	newest = aa_get_newest_label(label);
	aa_put_label(label);
	return newest;
}

/**
 * resolve_side - the label of one side of a query, if it is needed
 * @df: the open file, or NULL
 * @base: the writer's label
 * @gen: the generation the answer is being decided under
 * @q: the query
 * @field: the label's field
 * @fd: the writer's socket connected to the side, or -1
 * @decides: the label's policy decides; else it is only named in records
 * @pid: set to the side's pid in the initial namespace, 0 if unknown;
 *       NULL when no record is written
 * @error: set to the error of a label that decides and does not resolve
 *
 * Returns: a reference to the label, or NULL
 */
static struct aa_label *resolve_side(struct aa_dbus_file *df,
				     struct aa_label *base, u64 gen,
				     const struct aa_dbus_query *q, int field,
				     int fd, bool decides, pid_t *pid,
				     int *error)
{
	struct aa_label *label;

	if (fd >= 0) {
		label = connection_side(fd, pid);
		if (!IS_ERR(label))
			return label;
		/* A descriptor that names nobody is an error either way. */
		*error = PTR_ERR(label);
		return NULL;
	}
	if (!q->len[field])
		return NULL;
	label = resolve_label(df, base, gen, q->field[field], q->len[field]);
	if (!IS_ERR(label))
		return label;
	if (decides)
		*error = PTR_ERR(label);
	return NULL;
}

/**
 * name_connection_side - give a side named by its connection a label name
 * @base: the writer's label; the name is the one its view gives
 * @label: the side's label
 * @q: the query to fill in
 * @field: the side's label field
 * @buf: set to memory to free once the answer is decided, if any is used
 *
 * Rules match the other side's label by its name, the one the writer
 * would have read with SO_PEERSEC: the same text stands in the field a
 * label-named side would have filled. A profile of the writer's own
 * namespace lends its name, held by @label. No length is taken: the
 * matcher and the records read the name to its terminator, and the
 * field's length stays 0.
 *
 * Returns: 0, -ENOMEM or -ENAMETOOLONG
 */
static int name_connection_side(struct aa_label *base,
				struct aa_label *label,
				struct aa_dbus_query *q, int field, char **buf)
{
	int len;

	if (label_isprofile(label) && labels_ns(label) == labels_ns(base) &&
	    label->hname) {
		q->field[field] = label->hname;
		return 0;
	}
	len = aa_label_asxprint(buf, labels_ns(base), label,
				FLAG_VIEW_SUBNS | FLAG_HIDDEN_UNCONFINED,
				GFP_KERNEL_ACCOUNT);
	if (len < 0)
		return -ENOMEM;
	if (len > APPARMOR_DBUS_QUERY_MAX_FIELD)
		return -ENAMETOOLONG;
	q->field[field] = *buf;
	return 0;
}

/**
 * aa_dbus_answer - answer one validated query
 * @df: the open file whose label cache to use, or NULL
 * @base: the writer's label; names resolve in its view
 * @q: the query; the label name of a side named by its connection is put
 *     in while the query is answered, and the empty string back after
 * @budget: the records left to a writer without CAP_AUDIT_WRITE, or NULL
 * @ans: the answer, with its own error and the generation it was decided
 *       under
 *
 * The labels are resolved and every side decided, and logged if the query
 * asks for it, between two readings of the policy generation: an answer
 * carries an even generation only if no policy change began or was in
 * progress meanwhile, and then says exactly what that generation's policy
 * says. No lock is taken and nothing is waited for.
 */
VISIBLE_IF_KUNIT void aa_dbus_answer(struct aa_dbus_file *df,
				     struct aa_label *base,
				     struct aa_dbus_query *q,
				     struct ratelimit_state *budget,
				     struct apparmor_dbus_answer *ans)
{
	const int sf = APPARMOR_DBUS_FIELD_SUBJECT_LABEL;
	const int pf = APPARMOR_DBUS_FIELD_PEER_LABEL;
	bool audit = q->flags & APPARMOR_DBUS_QUERY_AUDIT;
	bool subj_decides = aa_dbus_subject_decides(q);
	bool peer_decides = aa_dbus_peer_decides(q);
	struct aa_dbus_party subj = { }, peer = { };
	char *subj_name = NULL, *peer_name = NULL;
	const char *subj_field = q->field[sf];
	const char *peer_field = q->field[pf];
	int error = 0;
	u64 gen;

	memset(ans, 0, sizeof(*ans));
	if (audit) {
		subj.pid = global_pid(q->subject_pid);
		peer.pid = global_pid(q->peer_pid);
	}
	gen = aa_policy_gen_begin();
	/*
	 * A side named by its connection is always looked up: its label
	 * name is DFA input for the other side's rules, and a descriptor
	 * that names no connection is an error whichever side decides.
	 */
	if (subj_decides || audit || q->subject_fd >= 0)
		subj.label = resolve_side(df, base, gen, q, sf, q->subject_fd,
					  subj_decides,
					  audit ? &subj.pid : NULL, &error);
	if (!error && (peer_decides || audit || q->peer_fd >= 0))
		peer.label = resolve_side(df, base, gen, q, pf, q->peer_fd,
					  peer_decides,
					  audit ? &peer.pid : NULL, &error);
	if (!error && q->subject_fd >= 0)
		error = name_connection_side(base, subj.label, q, sf,
					     &subj_name);
	if (!error && q->peer_fd >= 0)
		error = name_connection_side(base, peer.label, q, pf,
					     &peer_name);
	if (!error)
		aa_dbus_decide(q, &subj, &peer, audit, budget, ans);
	ans->error = -error;
	ans->generation = aa_policy_gen_end(gen);
	/* The names put in go with the labels that hold them. */
	q->field[sf] = subj_field;
	q->field[pf] = peer_field;
	kfree(peer_name);
	kfree(subj_name);
	aa_put_label(peer.label);
	aa_put_label(subj.label);
}
EXPORT_SYMBOL_IF_KUNIT(aa_dbus_answer);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * aa_dbus_answer_as_current - aa_dbus_answer() for the tests
 * @q: the query
 * @ans: the answer
 *
 * Answers in the view of the current task, without a label cache.
 */
void aa_dbus_answer_as_current(struct aa_dbus_query *q,
			       struct apparmor_dbus_answer *ans)
{
	struct aa_label *base = aa_get_current_label();

	aa_dbus_answer(NULL, base, q, NULL, ans);
	aa_put_label(base);
}
EXPORT_SYMBOL_IF_KUNIT(aa_dbus_answer_as_current);
#endif

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
 * answers_busy - do unread answers belong to another live thread
 * @df: the open file, locked
 *
 * Answers belong to the thread whose write they answer: another thread
 * may neither read them nor replace them by a write of its own, unless
 * that thread is exiting or gone.
 *
 * Returns: true if they do
 */
static bool answers_busy(struct aa_dbus_file *df)
{
	struct task_struct *owner;
	bool busy;

	if (!df->answers || df->owner == task_pid(current))
		return false;
	rcu_read_lock();
	owner = pid_task(df->owner, PIDTYPE_PID);
	busy = owner && !(READ_ONCE(owner->flags) & PF_EXITING);
	rcu_read_unlock();
	return busy;
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
	ratelimit_state_init(&df->unpriv_records, AA_DBUS_UNPRIV_INTERVAL,
			     AA_DBUS_UNPRIV_FILE_BURST);
	/* Records dropped are counted in the kernel log on close. */
	ratelimit_set_flags(&df->unpriv_records, RATELIMIT_MSG_ON_RELEASE);
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

	drop_answers(df);
	put_pid(df->owner);
	ratelimit_state_exit(&df->unpriv_records);
	mutex_destroy(&df->lock);
	kfree(df);
	return 0;
}

/**
 * may_write_audit - may this write make the kernel log records
 * @file: the open .dbus file
 *
 * As for a record sent to the audit netlink socket: the capability must
 * be held by the writer now and by the process that opened the file when
 * it opened it, so that a descriptor handed to, or leaked into, a process
 * without it lends it nothing.
 *
 * Returns: true if both held CAP_AUDIT_WRITE
 */
static bool may_write_audit(struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_AUDIT_WRITE) &&
	       capable(CAP_AUDIT_WRITE);
}

/**
 * by_connections - does every party a record of this query names have a
 *                  connection to the writer
 * @q: a validated query
 *
 * Returns: true if the subject is named by a descriptor and the peer by
 * one or not at all
 */
static bool by_connections(const struct aa_dbus_query *q)
{
	return q->subject_fd >= 0 &&
	       (q->peer_fd >= 0 || !q->len[APPARMOR_DBUS_FIELD_PEER_LABEL]);
}

/**
 * may_log_unprivileged - may a writer without CAP_AUDIT_WRITE have this
 *                        request's decisions logged
 * @req: a validated request that asks for records
 *
 * A bus that cannot write audit records itself (a user's session bus, a
 * broker that dropped the capability) must still have its denials
 * audited, but must not be able to fill the log with records about
 * processes it made up. The kernel logs for it only decisions whose
 * parties it identified itself, from the writer's own connections: every
 * query that asks for records names each party by a descriptor. Such a
 * record names, with the pid and comm every LSM record has, the querier
 * whose word the message's names, path, interface and member are, and
 * says that it is unprivileged; the writer's open file and all such
 * writers together have a budget of records (may_log()).
 *
 * Returns: true if every audited query names its parties by connection
 */
static bool may_log_unprivileged(const struct aa_dbus_request *req)
{
	int i;

	for (i = 0; i < req->count; i++)
		if ((req->query[i].flags & APPARMOR_DBUS_QUERY_AUDIT) &&
		    !by_connections(&req->query[i]))
			return false;
	return true;
}

/**
 * handle_request - validate and answer one write
 * @file: the open .dbus file
 * @df: its state, locked
 * @buf: the bytes written
 * @size: their number
 *
 * A malformed write, one that asks for what this kernel does not have, or
 * one the writer may not make fails as a whole, with nothing answered and
 * nothing logged. Otherwise every query gets an answer of its own.
 *
 * Returns: 0 with the answers in @df->answers, or the errno of the write
 */
static int handle_request(struct file *file, struct aa_dbus_file *df,
			  const void *buf, size_t size)
{
	DEFINE_RAW_FLEX(struct aa_dbus_request, one, query, 1);
	struct apparmor_dbus_answer *answers = &df->one;
	int count = aa_dbus_request_count(buf, size);
	struct ratelimit_state *budget = NULL;
	struct aa_dbus_request *req = one;
	struct aa_label *base;
	int error, i;

	if (count < 0)
		return count;
	if (count > 1) {
		req = kmalloc(struct_size(req, query, count),
			      GFP_KERNEL_ACCOUNT);
		answers = kmalloc_array(count, sizeof(*answers),
					GFP_KERNEL_ACCOUNT);
	}
	error = -ENOMEM;
	if (!req || !answers)
		goto out;

	error = aa_dbus_parse_request(buf, size, req);
	if (!error && req->audit && !may_write_audit(file)) {
		budget = &df->unpriv_records;
		if (!may_log_unprivileged(req))
			error = -EPERM;
	}
	if (!error) {
		base = aa_get_current_label();
		for (i = 0; i < count; i++)
			aa_dbus_answer(df, base, &req->query[i], budget,
				       &answers[i]);
		aa_put_label(base);
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

/* Writes up to this size are copied to the stack instead of allocated. */
#define AA_DBUS_SMALL_WRITE 512

/**
 * dbus_query_write - take a request and compute all its answers
 * @file: the open .dbus file
 * @ubuf: the request
 * @count: its size
 * @ppos: file position, must be 0
 *
 * Returns: @count, or the errno listed in the documentation for a refused
 * write, after which no answer is left to read
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
	if (answers_busy(df)) {
		/* Another thread's answers stay, whatever this write was. */
		if (!error)
			error = -EBUSY;
		goto unlock;
	}
	/* Whatever happens next, the answers of an earlier write are gone. */
	drop_answers(df);
	if (!error)
		error = handle_request(file, df, buf, count);
	df->answered = !error;
	if (!error && df->owner != task_pid(current)) {
		put_pid(df->owner);
		df->owner = get_pid(task_pid(current));
	}
unlock:
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
 * until the next write. Only the thread that wrote may read them.
 *
 * Returns: bytes of answers, 0 once they were read, -ENODATA if no write
 * was answered, -EBUSY if they answer another thread's write, -EMSGSIZE
 * if @size cannot hold them all
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
	} else if (df->owner != task_pid(current)) {
		ret = -EBUSY;
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
