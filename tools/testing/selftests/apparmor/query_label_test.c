// SPDX-License-Identifier: GPL-2.0
/*
 * AppArmor tests - dbus queries through the generic .access label query
 *
 * This is the interface dbus-daemon and dbus-broker use today through
 * libapparmor's aa_query_label(): "label\0" LABEL "\0" followed by the
 * raw DFA input of class dbus, answered with four hex words. Policy is
 * compiled by the real apparmor_parser, so these tests also pin down the
 * field layout the parser emits:
 *
 *   message:   0x20 bus \0 name \0 peer label \0 path \0 interface \0 member
 *   bind:      0x20 bus \0 name
 *   eavesdrop: 0x20 bus
 */

#define _GNU_SOURCE
#include <stdint.h>

#include "common.h"
#include "label_query.h"

/* Permission bits, as in libapparmor's <sys/apparmor.h>. */
#define DBUS_SEND 0x02
#define DBUS_RECEIVE 0x04
#define DBUS_EAVESDROP 0x20
#define DBUS_BIND 0x40
/* A message rule grants only these; bind and eavesdrop have own shapes. */
#define DBUS_MSG (DBUS_SEND | DBUS_RECEIVE)
/*
 * Every dbus bit. The words also carry bits of AppArmor's internal
 * permission layout (the compat mapping of policy without a permission
 * table adds AA_MAY_LOCK, newer parsers do not): only these are compared.
 */
#define DBUS_ALL (DBUS_MSG | DBUS_EAVESDROP | DBUS_BIND)

static const char policy[] =
	"profile sq_all { dbus, }\n"
	"profile sq_deny { deny dbus, }\n"
	"profile sq_audit { audit dbus, }\n"
	"profile sq_audit_deny { audit deny dbus, }\n"
	"profile sq_send { dbus send, }\n"
	"profile sq_receive { dbus receive, }\n"
	"profile sq_bind { dbus bind, }\n"
	"profile sq_eavesdrop { dbus eavesdrop, }\n"
	"profile sq_none { }\n"
	"profile sq_complain flags=(complain) { }\n"
	"profile sq_fields {\n"
	"  dbus send bus=session path=/org/example/Obj\n"
	"       interface=org.example.Iface member=Hello\n"
	"       peer=(name=org.example.Svc label=sq_peer),\n"
	"  dbus receive bus=system path=/glob/**\n"
	"       interface=org.example.{A,B} member=Get*\n"
	"       peer=(name=org.example.*),\n"
	"  dbus bind bus=session name=org.example.Owned,\n"
	"  dbus bind bus=session name=org.example.Prefix*,\n"
	"  dbus eavesdrop bus=system,\n"
	"}\n";

FIXTURE(query) {};

FIXTURE_VARIANT(query)
{
	const char *label;
	enum dbus_shape shape;
	const char *fields[6];
	struct label_answer want;
};

#define SESSION_MSG(...) { "session", "org.example.Svc", "sq_peer", \
	"/org/example/Obj", "org.example.Iface", "Hello" }

FIXTURE_VARIANT_ADD(query, all_message) {
	.label = "sq_all", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { DBUS_MSG, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, all_bind) {
	.label = "sq_all", .shape = SHAPE_BIND,
	.fields = { "session", "org.example.Any" },
	.want = { DBUS_BIND, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, all_eavesdrop) {
	.label = "sq_all", .shape = SHAPE_EAVESDROP, .fields = { "system" },
	.want = { DBUS_EAVESDROP, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, deny_all) {
	.label = "sq_deny", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { 0, 0, 0, DBUS_MSG },
};

FIXTURE_VARIANT_ADD(query, audit_all) {
	.label = "sq_audit", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { DBUS_MSG, 0, DBUS_MSG, 0 },
};

/*
 * apparmor_parser 3.0 compiles "audit deny" to no accepting state at
 * all: nothing allowed, nothing quiet, so every denial is logged.
 */
FIXTURE_VARIANT_ADD(query, audit_deny_all) {
	.label = "sq_audit_deny", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, send_only) {
	.label = "sq_send", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { DBUS_SEND, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, receive_only) {
	.label = "sq_receive", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { DBUS_RECEIVE, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, bind_only) {
	.label = "sq_bind", .shape = SHAPE_BIND,
	.fields = { "session", "org.example.Any" },
	.want = { DBUS_BIND, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, bind_rule_not_message) {
	.label = "sq_bind", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, eavesdrop_only) {
	.label = "sq_eavesdrop", .shape = SHAPE_EAVESDROP, .fields = { "session" },
	.want = { DBUS_EAVESDROP, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, no_rules) {
	.label = "sq_none", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, complain_no_rules) {
	.label = "sq_complain", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, unconfined) {
	.label = "unconfined", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { DBUS_ALL, 0, 0, DBUS_ALL },
};

FIXTURE_VARIANT_ADD(query, exact_fields) {
	.label = "sq_fields", .shape = SHAPE_MSG, .fields = SESSION_MSG(),
	.want = { DBUS_SEND, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, wrong_bus) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "system", "org.example.Svc", "sq_peer",
		    "/org/example/Obj", "org.example.Iface", "Hello" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, wrong_name) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "session", "org.example.Other", "sq_peer",
		    "/org/example/Obj", "org.example.Iface", "Hello" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, wrong_peer_label) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "session", "org.example.Svc", "sq_other",
		    "/org/example/Obj", "org.example.Iface", "Hello" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, wrong_path) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "session", "org.example.Svc", "sq_peer",
		    "/org/example/Obj2", "org.example.Iface", "Hello" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, wrong_interface) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "session", "org.example.Svc", "sq_peer",
		    "/org/example/Obj", "org.example.Other", "Hello" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, wrong_member) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "session", "org.example.Svc", "sq_peer",
		    "/org/example/Obj", "org.example.Iface", "Hellox" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, glob_path_alternation_iface) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "system", "org.example.Anything", "any_label",
		    "/glob/deep/er", "org.example.B", "GetAll" },
	.want = { DBUS_RECEIVE, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, alternation_miss) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "system", "org.example.Anything", "any_label",
		    "/glob/x", "org.example.C", "GetAll" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, glob_member_miss) {
	.label = "sq_fields", .shape = SHAPE_MSG,
	.fields = { "system", "org.example.Anything", "any_label",
		    "/glob/x", "org.example.A", "SetAll" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, bind_exact) {
	.label = "sq_fields", .shape = SHAPE_BIND,
	.fields = { "session", "org.example.Owned" },
	.want = { DBUS_BIND, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, bind_glob) {
	.label = "sq_fields", .shape = SHAPE_BIND,
	.fields = { "session", "org.example.PrefixAndMore" },
	.want = { DBUS_BIND, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, bind_miss) {
	.label = "sq_fields", .shape = SHAPE_BIND,
	.fields = { "session", "org.example.Owned2" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_VARIANT_ADD(query, eavesdrop_bus) {
	.label = "sq_fields", .shape = SHAPE_EAVESDROP, .fields = { "system" },
	.want = { DBUS_EAVESDROP, 0, 0, 0 },
};

/*
 * "session" is a live prefix of the bind rules, so the walk ends in a
 * state without dbus permissions.
 */
FIXTURE_VARIANT_ADD(query, eavesdrop_other_bus) {
	.label = "sq_fields", .shape = SHAPE_EAVESDROP, .fields = { "session" },
	.want = { 0, 0, 0, 0 },
};

FIXTURE_SETUP(query)
{
	if (!aa_available())
		SKIP(return, "AppArmor policy cannot be loaded here");
	ASSERT_EQ(0, aa_load_policy(policy));
}

FIXTURE_TEARDOWN(query)
{
	if (aa_available())
		EXPECT_EQ(0, aa_remove_policy(policy));
}

TEST_F(query, answer)
{
	struct label_answer ans = {};
	char buf[4096];
	size_t len;

	len = label_query_build(buf, variant->label, variant->shape,
				variant->fields);
	ASSERT_EQ(0, label_query(buf, len, &ans));
	EXPECT_EQ(variant->want.allow, ans.allow & DBUS_ALL);
	EXPECT_EQ(variant->want.deny, ans.deny & DBUS_ALL);
	EXPECT_EQ(variant->want.audit, ans.audit & DBUS_ALL);
	EXPECT_EQ(variant->want.quiet, ans.quiet & DBUS_ALL)
	{
		TH_LOG("answer: allow 0x%x deny 0x%x audit 0x%x quiet 0x%x",
		       ans.allow, ans.deny, ans.audit, ans.quiet);
	}
}

FIXTURE(query_errors) {};

FIXTURE_SETUP(query_errors)
{
	if (!aa_available())
		SKIP(return, "AppArmor policy cannot be loaded here");
	ASSERT_EQ(0, aa_load_policy(policy));
}

FIXTURE_TEARDOWN(query_errors)
{
	if (aa_available())
		EXPECT_EQ(0, aa_remove_policy(policy));
}

TEST_F(query_errors, unknown_label)
{
	static const char *const f[6] = { "session" };
	struct label_answer ans;
	char buf[4096];
	size_t len = label_query_build(buf, "sq_no_such_profile", SHAPE_EAVESDROP, f);

	ASSERT_EQ(-ENOENT, label_query(buf, len, &ans));
}

/* A label with nothing after it is not a query. */
TEST_F(query_errors, label_without_query)
{
	static const char buf[] = "label\0sq_all";
	struct label_answer ans;

	ASSERT_EQ(-EINVAL, label_query(buf, sizeof(buf) - 1, &ans));
}

/*
 * libapparmor's aa_query_label() treats a request as allowed when no
 * asked-for bit is missing from allow & ~deny; with an empty mask
 * every answer allows, so the daemon must never ask with one. The
 * kernel has no mask: the same answer comes back for any mask.
 */
TEST_F(query_errors, empty_mask_is_vacuous)
{
	static const char *const f[6] = { "session" };
	struct label_answer ans;
	char buf[4096];
	size_t len = label_query_build(buf, "sq_none", SHAPE_EAVESDROP, f);
	uint32_t mask = 0;

	ASSERT_EQ(0, label_query(buf, len, &ans));
	EXPECT_EQ(0, ans.allow & DBUS_ALL);
	EXPECT_EQ(0, mask & ~(ans.allow & ~ans.deny));
}

TEST_HARNESS_MAIN
