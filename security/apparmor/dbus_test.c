// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the AppArmor D-Bus query: the request parser on good and
 * bad input, answers while policy changes, and the field matcher on a DFA
 * compiled by apparmor_parser from this profile:
 *
 *   abi <abi/3.0>,
 *   profile kunit_dbus {
 *     dbus send bus=session path=/org/example/Obj interface=org.example.Iface
 *          member={Hello,Ping} peer=(name=org.example.Svc label=kunit_peer),
 *     dbus receive bus=system path=/glob/{a,b}/c* peer=(label=kunit_peer),
 *     dbus bind bus=session name=org.example.Owned,
 *     dbus eavesdrop bus=system,
 *   }
 */

#include <kunit/test.h>
#include <kunit/visibility.h>

#include "include/apparmor.h"
#include "include/dbus.h"
#include "include/dbus_query.h"
#include "include/match.h"
#include "include/policy.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

static char dbus_test_dfa_src[] __aligned(8) = {
#include "dbus_test_dfa.in"
};

/* A parser output with room for the largest batch. */
static struct aa_dbus_request *alloc_request(struct kunit *test)
{
	struct aa_dbus_request *req;

	req = kunit_kzalloc(test, struct_size(req, query,
					      APPARMOR_DBUS_QUERY_MAX_BATCH),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	return req;
}

/* Permission bits live in the low bits of the accept table here. */
#define ACCEPT_PERMS(dfa, state) (ACCEPT_TABLE(dfa)[state] & 0x7f)

/**
 * struct req_builder - a request under construction
 * @buf: the request, 8-byte aligned as the .dbus file keeps it
 * @len: bytes used
 * @last: the last record added, for tests that then break it
 */
struct req_builder {
	u64 buf[APPARMOR_DBUS_QUERY_MAX_SIZE / sizeof(u64) + 8];
	size_t len;
	struct apparmor_dbus_query *last;
};

/**
 * struct dbus_test_ctx - state shared by the cases of a suite
 * @rb: request builder
 * @req: parser output, with room for a full batch
 * @dfa: the unpacked test DFA (matcher suite only)
 * @start: its dbus class start state
 */
struct dbus_test_ctx {
	struct req_builder rb;
	struct aa_dbus_request *req;
	struct aa_dfa *dfa;
	aa_state_t start;
};

static struct apparmor_dbus_query_hdr *hdr_of(struct req_builder *rb)
{
	return (struct apparmor_dbus_query_hdr *)rb->buf;
}

static void req_init(struct req_builder *rb)
{
	memset(rb, 0, sizeof(*rb));
	rb->len = sizeof(struct apparmor_dbus_query_hdr);
	hdr_of(rb)->abi = 1;
	hdr_of(rb)->size = rb->len;
}

/* Append one record; @f holds APPARMOR_DBUS_FIELD_COUNT strings. */
static void req_add(struct req_builder *rb, u32 op, u32 request,
		    const char *const *f)
{
	struct apparmor_dbus_query *q = (void *)((u8 *)rb->buf + rb->len);
	size_t off = 0;
	int i;

	q->op = op;
	q->request = request;
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		size_t len = strlen(f[i]) + 1;

		memcpy(q->strings + off, f[i], len);
		off += len;
	}
	q->size = ALIGN(sizeof(*q) + off, 8);
	rb->len += q->size;
	rb->last = q;
	hdr_of(rb)->count++;
	hdr_of(rb)->size = rb->len;
}

static const char *const hello[APPARMOR_DBUS_FIELD_COUNT] = {
	"kunit_client", "kunit_peer", "session", ":1.7", "org.example.Svc",
	"/org/example/Obj", "org.example.Iface", "Hello",
};

static const char *const bind_owned[APPARMOR_DBUS_FIELD_COUNT] = {
	"kunit_client", "", "session", "org.example.Owned", "", "", "", "",
};

static int parse(struct dbus_test_ctx *ctx)
{
	return aa_dbus_parse_request(ctx->rb.buf, ctx->rb.len, ctx->req);
}

static int dbus_parse_init(struct kunit *test)
{
	struct dbus_test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->req = alloc_request(test);
	req_init(&ctx->rb);
	test->priv = ctx;
	return 0;
}

static void dbus_parse_one_message(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const struct aa_dbus_query *q = &ctx->req->query[0];
	int i;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL,
		APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE, hello);
	ctx->rb.last->subject_pid = 11;
	ctx->rb.last->peer_pid = 22;
	KUNIT_ASSERT_EQ(test, 0, parse(ctx));
	KUNIT_EXPECT_EQ(test, 1, ctx->req->count);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_OP_METHOD_CALL, q->op);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE,
			q->request);
	KUNIT_EXPECT_EQ(test, 11, q->subject_pid);
	KUNIT_EXPECT_EQ(test, 22, q->peer_pid);
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		KUNIT_EXPECT_STREQ(test, hello[i], q->field[i]);
		KUNIT_EXPECT_EQ(test, strlen(hello[i]), q->len[i]);
	}
}

static void dbus_parse_full_batch(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < APPARMOR_DBUS_QUERY_MAX_BATCH; i++)
		req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND,
			bind_owned);
	KUNIT_ASSERT_EQ(test, 0, parse(ctx));
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_QUERY_MAX_BATCH, ctx->req->count);
	KUNIT_EXPECT_STREQ(test, "org.example.Owned",
			   ctx->req->query[APPARMOR_DBUS_QUERY_MAX_BATCH - 1]
				   .field[APPARMOR_DBUS_FIELD_SUBJECT_NAME]);
}

static void dbus_parse_short_header(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			aa_dbus_parse_request(ctx->rb.buf, 15, ctx->req));
}

static void dbus_parse_unknown_abi(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, bind_owned);
	hdr_of(&ctx->rb)->abi = AA_DBUS_ABI + 1;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
	hdr_of(&ctx->rb)->abi = 0;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
}

static const char *const hello_by_fd[APPARMOR_DBUS_FIELD_COUNT] = {
	"", "kunit_peer", "session", ":1.7", "org.example.Svc",
	"/org/example/Obj", "org.example.Iface", "Hello",
};

static void dbus_parse_abi2_descriptors(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const struct aa_dbus_query *q = &ctx->req->query[0];
	struct apparmor_dbus_query2 *q2;

	hdr_of(&ctx->rb)->abi = 2;
	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND,
		hello_by_fd);
	q2 = (void *)ctx->rb.last;
	q2->subject_fd = 7;
	q2->peer_fd = -1;
	KUNIT_ASSERT_EQ(test, 0, parse(ctx));
	KUNIT_EXPECT_EQ(test, 7, q->subject_fd);
	KUNIT_EXPECT_EQ(test, -1, q->peer_fd);
	KUNIT_EXPECT_EQ(test, 0, q->subject_pid);
	/* A side named twice, or by a descriptor below -1: malformed. */
	q2->peer_fd = 8;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	q2->peer_fd = -2;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	/* Nothing names the subject. */
	q2->peer_fd = -1;
	q2->subject_fd = -1;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	/* In ABI 1 the same words are pids, and no side is a descriptor. */
	hdr_of(&ctx->rb)->abi = 1;
	ctx->rb.last->subject_pid = 7;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_unknown_flags(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, bind_owned);
	hdr_of(&ctx->rb)->flags = 0x80000000;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
	hdr_of(&ctx->rb)->flags = 0;
	ctx->rb.last->flags = BIT(1);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
}

static void dbus_parse_size_mismatch(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, bind_owned);
	/* Truncated write, and a write with trailing bytes. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			aa_dbus_parse_request(ctx->rb.buf, ctx->rb.len - 8,
					      ctx->req));
	hdr_of(&ctx->rb)->size += 8;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			aa_dbus_parse_request(ctx->rb.buf, ctx->rb.len + 8,
					      ctx->req));
}

static void dbus_parse_bad_count(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	int i;

	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	for (i = 0; i <= APPARMOR_DBUS_QUERY_MAX_BATCH; i++)
		req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND,
			bind_owned);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	/* More records than the header counts. */
	hdr_of(&ctx->rb)->count = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_bad_record_size(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, bind_owned);
	ctx->rb.last->size = 4;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	ctx->rb.last->size = ctx->rb.len - sizeof(struct apparmor_dbus_query_hdr)
			     - 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	ctx->rb.last->size += 9;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_missing_nul(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	struct apparmor_dbus_query *q;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, bind_owned);
	q = ctx->rb.last;
	memset(q->strings + q->size - sizeof(*q) - 8, 'x', 8);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_nonzero_padding(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, bind_owned);
	((char *)ctx->rb.last)[ctx->rb.last->size - 1] = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_field_too_long(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	char *name;

	name = kunit_kzalloc(test, APPARMOR_DBUS_QUERY_MAX_FIELD + 2,
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, name);
	memset(name, 'n', APPARMOR_DBUS_QUERY_MAX_FIELD + 1);
	memcpy(f, bind_owned, sizeof(f));
	f[APPARMOR_DBUS_FIELD_SUBJECT_NAME] = name;
	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, f);
	KUNIT_EXPECT_EQ(test, -ENAMETOOLONG, parse(ctx));

	name[APPARMOR_DBUS_QUERY_MAX_FIELD] = '\0';
	req_init(&ctx->rb);
	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, f);
	KUNIT_EXPECT_EQ(test, 0, parse(ctx));
}

/* Fields of every length around the word size end where their NUL is. */
static void dbus_parse_field_lengths(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	char name[24];
	int n, i;

	for (n = 0; n < 20; n++) {
		memset(name, 'n', n);
		name[n] = '\0';
		memcpy(f, bind_owned, sizeof(f));
		f[APPARMOR_DBUS_FIELD_SUBJECT_NAME] = name;
		req_init(&ctx->rb);
		req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, f);
		KUNIT_ASSERT_EQ(test, 0, parse(ctx));
		for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++)
			KUNIT_EXPECT_EQ_MSG(test, strlen(f[i]),
					    ctx->req->query[0].len[i],
					    "field %d of a %d-byte name", i, n);
	}
}

static void dbus_parse_unknown_op(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, 0, APPARMOR_DBUS_SEND, hello);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
	ctx->rb.last->op = APPARMOR_DBUS_OP_EAVESDROP + 1;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
	/* Unknown before malformed: an unknown op's layout is unknown. */
	ctx->rb.last->size = ctx->rb.last->size + 8;
	hdr_of(&ctx->rb)->size += 8;
	ctx->rb.len += 8;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
}

static void dbus_parse_bad_perms(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL, 0, hello);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	/* A bit ABI 1 does not have is unknown... */
	ctx->rb.last->request = APPARMOR_DBUS_SEND | BIT(3);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, parse(ctx));
	/* ...one the operation cannot ask is malformed. */
	ctx->rb.last->request = APPARMOR_DBUS_BIND;
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_field_not_for_op(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	/* A bind carries no path, interface or member. */
	req_add(&ctx->rb, APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_BIND, hello);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
}

static void dbus_parse_missing_labels(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];

	memcpy(f, hello, sizeof(f));
	f[APPARMOR_DBUS_FIELD_SUBJECT_LABEL] = "";
	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND, f);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));

	memcpy(f, hello, sizeof(f));
	f[APPARMOR_DBUS_FIELD_PEER_LABEL] = "";
	req_init(&ctx->rb);
	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_RECEIVE,
		f);
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(ctx));
	/* Sending needs no peer label: activation has none yet. */
	ctx->rb.last->request = APPARMOR_DBUS_SEND;
	KUNIT_EXPECT_EQ(test, 0, parse(ctx));
}

static struct kunit_case dbus_parse_cases[] = {
	KUNIT_CASE(dbus_parse_one_message),
	KUNIT_CASE(dbus_parse_full_batch),
	KUNIT_CASE(dbus_parse_short_header),
	KUNIT_CASE(dbus_parse_unknown_abi),
	KUNIT_CASE(dbus_parse_abi2_descriptors),
	KUNIT_CASE(dbus_parse_unknown_flags),
	KUNIT_CASE(dbus_parse_size_mismatch),
	KUNIT_CASE(dbus_parse_bad_count),
	KUNIT_CASE(dbus_parse_bad_record_size),
	KUNIT_CASE(dbus_parse_missing_nul),
	KUNIT_CASE(dbus_parse_nonzero_padding),
	KUNIT_CASE(dbus_parse_field_too_long),
	KUNIT_CASE(dbus_parse_field_lengths),
	KUNIT_CASE(dbus_parse_unknown_op),
	KUNIT_CASE(dbus_parse_bad_perms),
	KUNIT_CASE(dbus_parse_field_not_for_op),
	KUNIT_CASE(dbus_parse_missing_labels),
	{}
};

static struct kunit_suite dbus_parse_suite = {
	.name = "apparmor_dbus_parse",
	.init = dbus_parse_init,
	.test_cases = dbus_parse_cases,
};

/* Both sides of a message between two unconfined connections. */
static const char *const unconfined_msg[APPARMOR_DBUS_FIELD_COUNT] = {
	"unconfined", "unconfined", "session", ":1.7", ":1.8", "/o", "i.f", "M",
};

/* Answer the first query of the request under construction. */
static void answer(struct kunit *test, struct apparmor_dbus_answer *ans)
{
	struct dbus_test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, 0, parse(ctx));
	aa_dbus_answer_as_current(&ctx->req->query[0], ans);
}

static void dbus_answer_carries_generation(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	struct apparmor_dbus_answer ans;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL,
		APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE, unconfined_msg);
	answer(test, &ans);
	KUNIT_EXPECT_EQ(test, 0, ans.error);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&aa_policy_generation),
			ans.generation);
	KUNIT_EXPECT_EQ(test, 0, ans.generation & 1);
	KUNIT_EXPECT_EQ(test, 0, ans.subject.denied);
	KUNIT_EXPECT_EQ(test, 0, ans.peer.denied);
}

/*
 * An answer decided while a policy change is in progress cannot say which
 * policy it read: it must carry an odd generation, never the one before
 * or after the change. Nothing waits for the change to end.
 */
static void dbus_answer_during_change_is_odd(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	struct apparmor_dbus_answer ans;
	u64 before;

	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND,
		unconfined_msg);
	before = atomic64_read(&aa_policy_generation);
	aa_policy_change_begin();
	answer(test, &ans);
	aa_policy_change_end();
	KUNIT_EXPECT_EQ(test, 0, ans.error);
	KUNIT_EXPECT_EQ(test, before + 1, ans.generation);
	answer(test, &ans);
	KUNIT_EXPECT_EQ(test, before + 2, ans.generation);
}

static void dbus_answer_unknown_label_is_its_own_error(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	struct apparmor_dbus_answer ans;

	memcpy(f, unconfined_msg, sizeof(f));
	f[APPARMOR_DBUS_FIELD_SUBJECT_LABEL] = "kunit_no_such_profile";
	req_add(&ctx->rb, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND, f);
	answer(test, &ans);
	KUNIT_EXPECT_EQ(test, ENOENT, ans.error);
	KUNIT_EXPECT_EQ(test, 0, ans.generation & 1);
	KUNIT_EXPECT_EQ(test, 0, ans.subject.allow);
	KUNIT_EXPECT_EQ(test, 0, ans.subject.denied);
}

static struct kunit_case dbus_answer_cases[] = {
	KUNIT_CASE(dbus_answer_carries_generation),
	KUNIT_CASE(dbus_answer_during_change_is_odd),
	KUNIT_CASE(dbus_answer_unknown_label_is_its_own_error),
	{}
};

static struct kunit_suite dbus_answer_suite = {
	.name = "apparmor_dbus_answer",
	.init = dbus_parse_init,
	.test_cases = dbus_answer_cases,
};

/* The DFA input orders apparmor_parser compiles rules into. */
static const u8 send_order[] = {
	APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_PEER_NAME,
	APPARMOR_DBUS_FIELD_PEER_LABEL, APPARMOR_DBUS_FIELD_PATH,
	APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
};

static const u8 receive_order[] = {
	APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_SUBJECT_NAME,
	APPARMOR_DBUS_FIELD_SUBJECT_LABEL, APPARMOR_DBUS_FIELD_PATH,
	APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
};

static const u8 bind_order[] = {
	APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_SUBJECT_NAME,
};

static int dbus_match_init(struct kunit *test)
{
	struct dbus_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->dfa = aa_dfa_unpack(dbus_test_dfa_src, sizeof(dbus_test_dfa_src),
				 TO_ACCEPT1_FLAG(YYTD_DATA32) |
				 TO_ACCEPT2_FLAG(YYTD_DATA32));
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->dfa));
	ctx->start = aa_dfa_next(ctx->dfa, DFA_START, AA_CLASS_DBUS);
	KUNIT_ASSERT_NE(test, DFA_NOMATCH, ctx->start);
	ctx->req = alloc_request(test);
	req_init(&ctx->rb);
	test->priv = ctx;
	return 0;
}

static void dbus_match_exit(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;

	aa_put_dfa(ctx->dfa);
}

/* Parse a one-query request built from @f and walk @order across it. */
static aa_state_t walk(struct kunit *test, const char *const *f,
		       const u8 *order, unsigned int n)
{
	struct dbus_test_ctx *ctx = test->priv;
	u32 op = n == ARRAY_SIZE(bind_order) ? APPARMOR_DBUS_OP_BIND :
					       APPARMOR_DBUS_OP_METHOD_CALL;
	u32 request = op == APPARMOR_DBUS_OP_BIND ? APPARMOR_DBUS_BIND :
						    APPARMOR_DBUS_SEND;

	req_init(&ctx->rb);
	req_add(&ctx->rb, op, request, f);
	KUNIT_ASSERT_EQ(test, 0, parse(ctx));
	return aa_dbus_match_fields(ctx->dfa, ctx->start, &ctx->req->query[0],
				    order, n);
}

static void dbus_match_send_exact(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	aa_state_t state = walk(test, hello, send_order,
				ARRAY_SIZE(send_order));

	KUNIT_ASSERT_NE(test, DFA_NOMATCH, state);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_SEND,
			ACCEPT_PERMS(ctx->dfa, state));
}

static void dbus_match_send_alternation(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	aa_state_t state;

	memcpy(f, hello, sizeof(f));
	f[APPARMOR_DBUS_FIELD_MEMBER] = "Ping";
	state = walk(test, f, send_order, ARRAY_SIZE(send_order));
	KUNIT_ASSERT_NE(test, DFA_NOMATCH, state);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_SEND,
			ACCEPT_PERMS(ctx->dfa, state));
}

static void dbus_match_each_field_counts(struct kunit *test)
{
	static const int fields[] = {
		APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_PEER_NAME,
		APPARMOR_DBUS_FIELD_PEER_LABEL, APPARMOR_DBUS_FIELD_PATH,
		APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
	};
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	int i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		memcpy(f, hello, sizeof(f));
		f[fields[i]] = "zzz";
		KUNIT_EXPECT_EQ_MSG(test, DFA_NOMATCH,
				    walk(test, f, send_order,
					 ARRAY_SIZE(send_order)),
				    "field %d changed", fields[i]);
	}
}

static void dbus_match_receive_glob(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	static const char *const f[APPARMOR_DBUS_FIELD_COUNT] = {
		"kunit_peer", "kunit_client", "system", ":1.9", "",
		"/glob/b/cde", "any.Iface", "AnyMember",
	};
	aa_state_t state;

	/* The receiver's peer= matches the sender: the subject label. */
	state = walk(test, f, receive_order, ARRAY_SIZE(receive_order));
	KUNIT_ASSERT_NE(test, DFA_NOMATCH, state);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_RECEIVE,
			ACCEPT_PERMS(ctx->dfa, state));
}

static void dbus_match_receive_wrong_sender(struct kunit *test)
{
	static const char *const f[APPARMOR_DBUS_FIELD_COUNT] = {
		"kunit_client", "kunit_peer", "system", ":1.9", "",
		"/glob/b/cde", "any.Iface", "AnyMember",
	};

	KUNIT_EXPECT_EQ(test, DFA_NOMATCH,
			walk(test, f, receive_order,
			     ARRAY_SIZE(receive_order)));
}

static void dbus_match_bind(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	aa_state_t state;

	state = walk(test, bind_owned, bind_order, ARRAY_SIZE(bind_order));
	KUNIT_ASSERT_NE(test, DFA_NOMATCH, state);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_BIND,
			ACCEPT_PERMS(ctx->dfa, state));

	memcpy(f, bind_owned, sizeof(f));
	f[APPARMOR_DBUS_FIELD_SUBJECT_NAME] = "org.example.Other";
	KUNIT_EXPECT_EQ(test, DFA_NOMATCH,
			walk(test, f, bind_order, ARRAY_SIZE(bind_order)));
}

static void dbus_match_eavesdrop(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	static const char *const f[APPARMOR_DBUS_FIELD_COUNT] = {
		"kunit_client", "", "system", "", "", "", "", "",
	};
	aa_state_t state;

	state = walk(test, f, bind_order, 1);
	KUNIT_ASSERT_NE(test, DFA_NOMATCH, state);
	KUNIT_EXPECT_EQ(test, APPARMOR_DBUS_EAVESDROP,
			ACCEPT_PERMS(ctx->dfa, state));
}

static void dbus_match_dead_state_stops(struct kunit *test)
{
	struct dbus_test_ctx *ctx = test->priv;
	const char *f[APPARMOR_DBUS_FIELD_COUNT];

	memcpy(f, hello, sizeof(f));
	f[APPARMOR_DBUS_FIELD_BUS] = "nobus";
	walk(test, f, send_order, ARRAY_SIZE(send_order));
	/* From a dead state nothing is walked at all. */
	KUNIT_EXPECT_EQ(test, DFA_NOMATCH,
			aa_dbus_match_fields(ctx->dfa, DFA_NOMATCH,
					     &ctx->req->query[0], send_order,
					     ARRAY_SIZE(send_order)));
	KUNIT_EXPECT_EQ(test, DFA_NOMATCH,
			aa_dbus_match_fields(ctx->dfa, ctx->start,
					     &ctx->req->query[0], send_order,
					     ARRAY_SIZE(send_order)));
}

static struct kunit_case dbus_match_cases[] = {
	KUNIT_CASE(dbus_match_send_exact),
	KUNIT_CASE(dbus_match_send_alternation),
	KUNIT_CASE(dbus_match_each_field_counts),
	KUNIT_CASE(dbus_match_receive_glob),
	KUNIT_CASE(dbus_match_receive_wrong_sender),
	KUNIT_CASE(dbus_match_bind),
	KUNIT_CASE(dbus_match_eavesdrop),
	KUNIT_CASE(dbus_match_dead_state_stops),
	{}
};

static struct kunit_suite dbus_match_suite = {
	.name = "apparmor_dbus_match",
	.init = dbus_match_init,
	.exit = dbus_match_exit,
	.test_cases = dbus_match_cases,
};

kunit_test_suites(&dbus_parse_suite, &dbus_match_suite, &dbus_answer_suite);

MODULE_DESCRIPTION("KUnit tests for AppArmor's D-Bus query");
MODULE_LICENSE("GPL");
