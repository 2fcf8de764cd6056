// SPDX-License-Identifier: GPL-2.0
/*
 * AppArmor tests - the D-Bus query file .dbus
 *
 * Policy is compiled by the real apparmor_parser. Answers are asserted
 * word for word, checked against the generic label query of .access for
 * the same label and DFA input, and against the kernel's own checks of
 * the same profile.
 */

#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "common.h"
#include "dbus_query.h"
#include "label_query.h"

#define SEND APPARMOR_DBUS_SEND
#define RECEIVE APPARMOR_DBUS_RECEIVE
#define BIND APPARMOR_DBUS_BIND
#define EAVESDROP_PERM APPARMOR_DBUS_EAVESDROP
/* Every dbus permission: the only bits an answer may carry. */
#define DBUS_ALL (SEND | RECEIVE | BIND | EAVESDROP_PERM)

#define OP_CALL APPARMOR_DBUS_OP_METHOD_CALL
#define OP_BIND APPARMOR_DBUS_OP_BIND
#define OP_EAVESDROP APPARMOR_DBUS_OP_EAVESDROP

#define MODE_PARAM "/sys/module/apparmor/parameters/mode"

static const char policy[] =
	"profile dq_client {\n"
	"  file,\n"
	"  dbus send bus=session path=/org/example/Obj\n"
	"       interface=org.example.Iface member={Hello,Ping}\n"
	"       peer=(name=org.example.Svc label=dq_service),\n"
	"  audit dbus send bus=session path=/org/example/Audited\n"
	"       peer=(label=dq_service),\n"
	"  deny dbus send bus=session member=Forbidden,\n"
	"  dbus bind bus=session name=org.example.Client*,\n"
	"  dbus eavesdrop bus=system,\n"
	"}\n"
	"profile dq_service {\n"
	"  file,\n"
	"  dbus receive bus=session path=/org/example/**\n"
	"       peer=(label=dq_client),\n"
	"  dbus bind bus=session name=org.example.Svc,\n"
	"}\n"
	"profile dq_complain flags=(complain) {\n"
	"  dbus send bus=session member=Hello,\n"
	"  deny dbus send bus=session member=Forbidden,\n"
	"}\n"
	"profile dq_kill flags=(kill) {\n"
	"  file,\n"
	"  dbus send bus=session member=Hello,\n"
	"}\n"
	"profile dq_all { file, dbus, }\n"
	"profile :dq_ns:dq_child { file, dbus send bus=session, }\n";

/* Field order of struct apparmor_dbus_query's strings. */
#define FIELDS(subj, peer, bus, sname, pname, path, iface, member) \
	((const char *const[APPARMOR_DBUS_FIELD_COUNT]) {		\
		subj, peer, bus, sname, pname, path, iface, member })

#define HELLO(subj, peer) FIELDS(subj, peer, "session", ":1.1",	\
	"org.example.Svc", "/org/example/Obj", "org.example.Iface", "Hello")

static void setup_policy(struct __test_metadata *const _metadata, int *fd)
{
	*fd = -1;
	if (!aa_available())
		SKIP(return, "AppArmor policy cannot be loaded here");
	if (access(DBUS_QUERY_FILE, F_OK))
		SKIP(return, DBUS_QUERY_FILE " is not there");
	ASSERT_EQ(0, aa_load_policy(policy));
	*fd = open(DBUS_QUERY_FILE, O_RDWR);
	ASSERT_LE(0, *fd)
	{
		TH_LOG("cannot open " DBUS_QUERY_FILE ": %s", strerror(errno));
	}
}

static void teardown_policy(struct __test_metadata *const _metadata, int fd)
{
	if (fd >= 0)
		close(fd);
	if (aa_profile_loaded("dq_client"))
		EXPECT_EQ(0, aa_remove_policy(policy));
}

FIXTURE(dbus_query)
{
	int fd;
};

FIXTURE_SETUP(dbus_query)
{
	setup_policy(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(dbus_query)
{
	teardown_policy(_metadata, self->fd);
}

/*
 * One query, one answer. Returns 0 with the answer, its own error
 * included, or -errno of a refused write or read.
 */
static int ask(int fd, __u32 op, __u32 request,
	       const char *const f[APPARMOR_DBUS_FIELD_COUNT],
	       struct apparmor_dbus_answer *ans)
{
	struct dq_request r;
	int n;

	dq_init(&r);
	if (!dq_add(&r, op, request, f))
		return -E2BIG;
	memset(ans, 0xa5, sizeof(*ans));
	n = dq_send(fd, r.buf, r.len, ans, 1);
	if (n < 0)
		return n;
	return n == 1 ? 0 : -EBADMSG;
}

/* Expected words of one side, in struct apparmor_dbus_perms order. */
struct want {
	__u32 allow, deny, audit, quiet, complain, kill, denied;
};

static void expect_perms(struct __test_metadata *const _metadata,
			 const struct apparmor_dbus_perms *p, struct want w)
{
	EXPECT_EQ(w.allow, p->allow);
	EXPECT_EQ(w.deny, p->deny);
	EXPECT_EQ(w.audit, p->audit);
	EXPECT_EQ(w.quiet, p->quiet);
	EXPECT_EQ(w.complain, p->complain);
	EXPECT_EQ(w.kill, p->kill);
	EXPECT_EQ(w.denied, p->denied);
	EXPECT_EQ(0, p->reserved)
	{
		TH_LOG("got allow %x deny %x audit %x quiet %x complain %x kill %x denied %x",
		       p->allow, p->deny, p->audit, p->quiet, p->complain,
		       p->kill, p->denied);
	}
}

#define EXPECT_PERMS(p, ...) \
	expect_perms(_metadata, &(p), (struct want) { __VA_ARGS__ })

/* An answer without an error of its own, decided under the current policy. */
static void expect_settled(struct __test_metadata *const _metadata,
			   const struct apparmor_dbus_answer *ans)
{
	EXPECT_EQ(0, ans->error)
	{
		TH_LOG("answer error %s", strerror(ans->error));
	}
	EXPECT_EQ(0, ans->reserved);
	EXPECT_EQ(dq_generation(), ans->generation);
	EXPECT_EQ(0, ans->generation & 1);
}

static void expect_side_empty(struct __test_metadata *const _metadata,
			      const struct apparmor_dbus_perms *p)
{
	expect_perms(_metadata, p, (struct want) { 0 });
}

TEST_F(dbus_query, message_allowed_both_sides)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND | RECEIVE,
			 HELLO("dq_client", "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
	EXPECT_PERMS(ans.peer, RECEIVE, 0, 0, 0, 0, 0, 0);
}

TEST_F(dbus_query, every_message_op_matches_alike)
{
	static const __u32 ops[] = {
		APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_OP_SIGNAL,
		APPARMOR_DBUS_OP_METHOD_RETURN, APPARMOR_DBUS_OP_ERROR,
	};
	struct apparmor_dbus_answer first, ans;
	int i;

	ASSERT_EQ(0, ask(self->fd, ops[0], SEND | RECEIVE,
			 HELLO("dq_client", "dq_service"), &first));
	for (i = 1; i < 4; i++) {
		ASSERT_EQ(0, ask(self->fd, ops[i], SEND | RECEIVE,
				 HELLO("dq_client", "dq_service"), &ans));
		EXPECT_EQ(0, memcmp(&first, &ans, sizeof(ans)))
		{
			TH_LOG("op %u answers differently", ops[i]);
		}
	}
}

TEST_F(dbus_query, only_asked_side_is_answered)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client", "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
	expect_side_empty(_metadata, &ans.peer);

	ASSERT_EQ(0, ask(self->fd, OP_CALL, RECEIVE,
			 HELLO("dq_client", "dq_service"), &ans));
	expect_side_empty(_metadata, &ans.subject);
	EXPECT_PERMS(ans.peer, RECEIVE, 0, 0, 0, 0, 0, 0);
}

TEST_F(dbus_query, receiver_refuses)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND | RECEIVE,
			 FIELDS("dq_client", "dq_service", "session", ":1.1",
				"org.example.Svc", "/elsewhere",
				"org.example.Iface", "Hello"), &ans));
	/* The sender's rule needs /org/example/Obj: dead state, nothing. */
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, 0, 0, SEND);
	EXPECT_PERMS(ans.peer, 0, 0, 0, 0, 0, 0, RECEIVE);
}

TEST_F(dbus_query, explicit_deny_is_quiet)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_client", "", "session", "", "x", "/x",
				"x.y", "Forbidden"), &ans));
	/*
	 * How a deny rule is encoded (deny word, quiet word or both) is the
	 * parser's business; that it refuses, quietly, is the language's.
	 */
	EXPECT_EQ(0, ans.subject.allow & ~ans.subject.deny & SEND);
	EXPECT_EQ(SEND, ans.subject.quiet & SEND);
	EXPECT_EQ(0, ans.subject.deny & ~SEND);
	EXPECT_EQ(0, ans.subject.complain);
	EXPECT_EQ(SEND, ans.subject.denied);
}

TEST_F(dbus_query, audit_rule)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_client", "dq_service", "session", "", "",
				"/org/example/Audited", "", ""), &ans));
	EXPECT_PERMS(ans.subject, SEND, 0, SEND, 0, 0, 0, 0);
}

TEST_F(dbus_query, bind)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_BIND, BIND,
			 FIELDS("dq_client", "", "session", "org.example.Client7",
				"", "", "", ""), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_PERMS(ans.subject, BIND, 0, 0, 0, 0, 0, 0);
	expect_side_empty(_metadata, &ans.peer);

	ASSERT_EQ(0, ask(self->fd, OP_BIND, BIND,
			 FIELDS("dq_client", "", "session", "org.example.Svc",
				"", "", "", ""), &ans));
	/* Still a live prefix of the send rule's peer name: no dbus bit. */
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, 0, 0, BIND);
}

TEST_F(dbus_query, eavesdrop)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_EAVESDROP, EAVESDROP_PERM,
			 FIELDS("dq_client", "", "system", "", "", "", "", ""),
			 &ans));
	EXPECT_PERMS(ans.subject, EAVESDROP_PERM, 0, 0, 0, 0, 0,
		     0);

	ASSERT_EQ(0, ask(self->fd, OP_EAVESDROP, EAVESDROP_PERM,
			 FIELDS("dq_service", "", "system", "", "", "", "", ""),
			 &ans));
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, 0, 0, EAVESDROP_PERM);
}

TEST_F(dbus_query, complain_mode_lets_through)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_complain", "", "session", "", "", "/x",
				"x.y", "Other"), &ans));
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, SEND, 0, 0);
}

/*
 * Complain mode lets through what the rules do not grant, not what they
 * refuse: an explicit deny rule refuses in complain mode too, as it does
 * for every other AppArmor check.
 */
TEST_F(dbus_query, complain_mode_keeps_explicit_deny)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_complain", "", "session", "", "", "/x",
				"x.y", "Forbidden"), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_EQ(0, ans.subject.allow & SEND);
	EXPECT_EQ(SEND, ans.subject.quiet & SEND);
	EXPECT_EQ(0, ans.subject.complain);
	EXPECT_EQ(0, ans.subject.kill);
	EXPECT_EQ(SEND, ans.subject.denied);
}

TEST_F(dbus_query, kill_mode_refuses)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_kill", "", "session", "", "", "/x", "x.y",
				"Other"), &ans));
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, 0, SEND, SEND);
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_kill", "", "session", "", "", "/x", "x.y",
				"Hello"), &ans));
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
}

/*
 * What the kernel itself does with @profile: create an AF_UNIX socket,
 * which none of the test profiles allows. Returns 1 if refused (or the
 * task was killed for it), 0 if allowed, -1 if it could not be tried.
 */
static int kernel_refuses_socket(const char *profile)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (aa_change_profile(profile))
			_exit(3);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		_exit(fd < 0 ? (errno == EACCES ? 1 : 4) : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGKILL ? 1 : -1;
	return WEXITSTATUS(status) <= 1 ? WEXITSTATUS(status) : -1;
}

/*
 * The global mode and a profile's own mode together: kill mode takes
 * precedence over complain mode, whichever of the two says which, as
 * aa_apply_modes_to_perms() and aa_check_perms() decide every other
 * check. A query must be refused exactly where the kernel refuses.
 */
static void check_mode_mix(struct __test_metadata *const _metadata, int fd,
			   const char *global, const char *profile)
{
	struct apparmor_dbus_answer ans;
	struct aa_param_guard g;
	int refused;
	__u64 gen;

	if (access(MODE_PARAM, W_OK))
		SKIP(return, "the apparmor mode parameter is not writable");
	ASSERT_EQ(0, aa_param_guard_set(&g, MODE_PARAM));
	ASSERT_EQ(0, aa_param_write(MODE_PARAM, global));
	ASSERT_EQ(0, ask(fd, OP_CALL, SEND,
			 FIELDS(profile, "", "session", "", "", "/x", "x.y",
				"Other"), &ans));
	gen = dq_generation();
	refused = kernel_refuses_socket(profile);
	ASSERT_EQ(0, aa_param_guard_release(&g));

	EXPECT_EQ(0, ans.error);
	EXPECT_EQ(gen, ans.generation);
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, 0, SEND, SEND);
	/* Where the policy mediates sockets, the kernel refuses too. */
	if (refused >= 0)
		EXPECT_EQ(1, refused)
		{
			TH_LOG("the kernel let %s create a socket", profile);
		}
}

TEST_F(dbus_query, kill_profile_under_global_complain)
{
	check_mode_mix(_metadata, self->fd, "complain", "dq_kill");
}

TEST_F(dbus_query, complain_profile_under_global_kill)
{
	check_mode_mix(_metadata, self->fd, "kill", "dq_complain");
}

TEST_F(dbus_query, unconfined)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND | RECEIVE,
			 HELLO("unconfined", "unconfined"), &ans));
	EXPECT_PERMS(ans.subject, DBUS_ALL, 0, 0, DBUS_ALL, 0, 0, 0);
	EXPECT_PERMS(ans.peer, DBUS_ALL, 0, 0, DBUS_ALL, 0, 0, 0);
}

/* A task in a stack makes the compound label exist; it waits on @hold. */
static pid_t hold_stack(const char *stack, int hold[2], int ready[2])
{
	pid_t pid = fork();
	char c;

	if (pid)
		return pid;
	close(hold[1]);
	if (aa_change_profile(stack))
		_exit(1);
	if (write(ready[1], "", 1) != 1)
		_exit(2);
	_exit(read(hold[0], &c, 1) < 0 ? 3 : 0);
}

TEST_F(dbus_query, stacked_label)
{
	struct apparmor_dbus_answer ans;
	int hold[2], ready[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(hold));
	ASSERT_EQ(0, pipe(ready));
	pid = hold_stack("dq_client//&dq_all", hold, ready);
	ASSERT_LE(0, pid);
	close(hold[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	/* Both allow Hello: allowed. */
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client//&dq_all", "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
	/* dq_all allows any member, dq_client only Hello and Ping. */
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_client//&dq_all", "dq_service", "session",
				"", "org.example.Svc", "/org/example/Obj",
				"org.example.Iface", "Bye"), &ans));
	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, 0, 0, SEND);

	close(hold[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

TEST_F(dbus_query, child_namespace_label)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO(":dq_ns:dq_child", "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
}

/*
 * Names are read in the view of the task that writes them, whoever
 * opened the file: the root namespace is not visible from a task
 * confined in a child, and the child's profiles are named without it.
 */
static int ask_error(int fd, const char *label)
{
	struct apparmor_dbus_answer ans;
	int ret = ask(fd, OP_CALL, SEND, HELLO(label, "dq_service"), &ans);

	if (ret)
		return ret;
	if (ans.error)
		return -(int)ans.error;
	return ans.subject.denied ? 1 : 0;
}

TEST_F(dbus_query, names_resolve_in_the_writers_view)
{
	int status, fd;
	pid_t pid;

	/* This process, in the root namespace, opened self->fd. */
	EXPECT_EQ(0, ask_error(self->fd, ":dq_ns:dq_child"));
	EXPECT_EQ(-ENOENT, ask_error(self->fd, "dq_child"));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (aa_change_profile(":dq_ns:dq_child"))
			_exit(1);
		/* The inherited descriptor, then one of the child's own. */
		fd = open(DBUS_QUERY_FILE, O_RDWR);
		if (fd < 0)
			_exit(2);
		if (ask_error(self->fd, "dq_child") ||
		    ask_error(fd, "dq_child"))
			_exit(3);
		if (ask_error(self->fd, "dq_client") != -ENOENT ||
		    ask_error(fd, "dq_client") != -ENOENT)
			_exit(4);
		if (ask_error(self->fd, ":dq_ns:dq_child") != -ENOENT)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
	{
		TH_LOG("the child namespace's view failed at step %d",
		       WEXITSTATUS(status));
	}
	/* The child's use of the descriptor changed nothing for the opener. */
	EXPECT_EQ(0, ask_error(self->fd, ":dq_ns:dq_child"));
	EXPECT_EQ(-ENOENT, ask_error(self->fd, "dq_child"));
}

/* dq_client, replaced by a version that may only send Ping. */
static const char hello_denied[] =
	"profile dq_client {\n"
	"  file,\n"
	"  dbus send bus=session member=Ping,\n"
	"}\n";

static const char hello_allowed[] =
	"profile dq_client {\n"
	"  file,\n"
	"  dbus send bus=session member=Hello,\n"
	"}\n";

TEST_F(dbus_query, generation_moves_on_replace)
{
	struct apparmor_dbus_answer ans;
	__u64 before;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client", "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	before = ans.generation;
	ASSERT_EQ(0, aa_load_policy(hello_allowed));
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client", "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	/* One profile replaced: one change, two steps. */
	EXPECT_EQ(before + 2, ans.generation);
}

/* The label names resolved earlier must not hide a replaced profile. */
TEST_F(dbus_query, answer_follows_replacement)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client", "dq_service"), &ans));
	EXPECT_EQ(0, ans.subject.denied);
	ASSERT_EQ(0, aa_load_policy(hello_denied));
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client", "dq_service"), &ans));
	EXPECT_EQ(SEND, ans.subject.denied);
	ASSERT_EQ(0, aa_load_policy(policy));
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO("dq_client", "dq_service"), &ans));
	EXPECT_EQ(0, ans.subject.denied);
}

/*
 * The global mode changes every answer, so it moves the generation; an
 * answer asked for in complain mode carries the generation complain mode
 * was set at. The mode is put back even if this test is killed.
 */
TEST_F(dbus_query, generation_moves_with_global_mode)
{
	struct apparmor_dbus_answer ans;
	struct aa_param_guard g;
	__u64 before, during;

	if (access(MODE_PARAM, W_OK))
		SKIP(return, "the apparmor mode parameter is not writable");
	ASSERT_EQ(0, aa_param_guard_set(&g, MODE_PARAM));
	if (strcmp(g.saved, "enforce")) {
		aa_param_guard_release(&g);
		SKIP(return, "the global mode is %s, not enforce", g.saved);
	}
	before = dq_generation();
	ASSERT_EQ(0, aa_param_write(MODE_PARAM, "complain"));
	during = dq_generation();
	EXPECT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS("dq_client", "", "session", "", "", "/x",
				"x.y", "Other"), &ans));
	ASSERT_EQ(0, aa_param_guard_release(&g));

	EXPECT_PERMS(ans.subject, 0, 0, 0, 0, SEND, 0, 0);
	EXPECT_EQ(before + 2, during);
	EXPECT_EQ(during, ans.generation);
	EXPECT_EQ(during + 2, dq_generation());
}

/*
 * A namespace removed and made again under the same name, with other
 * policy: the same label name must not come back with the old
 * generation, or a cache keyed on (label, generation) would hand out
 * the old answer.
 */
static const char ns_allows[] =
	"profile :dq_rns:dq_r { file, dbus send bus=session member=Hello, }\n";
static const char ns_denies[] =
	"profile :dq_rns:dq_r { file, dbus send bus=session member=Ping, }\n";

TEST_F(dbus_query, namespace_made_again_is_a_new_generation)
{
	struct apparmor_dbus_answer a, b, gone;
	int fd = open(AA_FS "/.remove", O_WRONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, aa_load_policy(ns_allows));
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO(":dq_rns:dq_r", "dq_service"), &a));
	ASSERT_EQ(8, write(fd, ":dq_rns:", 8));
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO(":dq_rns:dq_r", "dq_service"), &gone));
	ASSERT_EQ(0, aa_load_policy(ns_denies));
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO(":dq_rns:dq_r", "dq_service"), &b));
	ASSERT_EQ(8, write(fd, ":dq_rns:", 8));
	close(fd);

	EXPECT_EQ(0, a.error);
	EXPECT_EQ(0, a.subject.denied);
	EXPECT_EQ(ENOENT, gone.error);
	EXPECT_EQ(0, b.error);
	EXPECT_EQ(SEND, b.subject.denied);
	EXPECT_EQ(0, a.generation & 1);
	EXPECT_EQ(0, b.generation & 1);
	EXPECT_LT(a.generation, gone.generation);
	EXPECT_LT(gone.generation, b.generation);
}

/*
 * Replace dq_client over and over with a version that allows Hello and
 * one that does not, while this process asks about Hello. The replacer
 * reports the generation each load left; every answer that carries an
 * even generation must be what the policy of that generation says, and
 * every answer must be one of the two.
 */
#define RACE_LOADS 16

static void replace_loop(int out)
{
	int i;

	for (i = 0; i < RACE_LOADS; i++) {
		__u64 gen, denied = i % 2 == 0;

		if (aa_load_policy(denied ? hello_denied : hello_allowed))
			_exit(1);
		gen = dq_generation();
		if (write(out, &gen, sizeof(gen)) != sizeof(gen) ||
		    write(out, &denied, sizeof(denied)) != sizeof(denied))
			_exit(2);
	}
	_exit(0);
}

TEST_F_TIMEOUT(dbus_query, answer_matches_its_generation, 900)
{
	/* Each distinct (generation, decision) pair seen, in order. */
	static __u64 seen_gen[4096], seen_denied[4096];
	__u64 load_gen[RACE_LOADS + 1], load_denied[RACE_LOADS + 1];
	long answers = 0, unsettled = 0;
	struct apparmor_dbus_answer ans;
	int p[2], status, n = 0, i, j;
	pid_t pid;

	ASSERT_EQ(0, aa_load_policy(hello_allowed));
	ASSERT_EQ(0, pipe(p));
	load_gen[0] = dq_generation();
	load_denied[0] = 0;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p[0]);
		replace_loop(p[1]);
	}
	close(p[1]);
	do {
		__u64 denied;

		ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
				 HELLO("dq_client", "dq_service"), &ans));
		ASSERT_EQ(0, ans.error);
		answers++;
		denied = ans.subject.denied == SEND;
		/* Nothing but the two policies' answers, ever. */
		ASSERT_EQ(denied ? 0 : SEND, ans.subject.allow);
		if (ans.generation & 1) {
			unsettled++;
			continue;
		}
		if (n && seen_gen[n - 1] == ans.generation &&
		    seen_denied[n - 1] == denied)
			continue;
		ASSERT_GT(ARRAY_SIZE(seen_gen), n);
		seen_gen[n] = ans.generation;
		seen_denied[n++] = denied;
	} while (waitpid(pid, &status, WNOHANG) != pid);
	ASSERT_EQ(0, status);
	for (i = 1; i <= RACE_LOADS; i++) {
		ASSERT_EQ(sizeof(__u64),
			  read(p[0], &load_gen[i], sizeof(__u64)));
		ASSERT_EQ(sizeof(__u64),
			  read(p[0], &load_denied[i], sizeof(__u64)));
	}
	close(p[0]);

	for (i = 0; i < n; i++) {
		for (j = 0; j <= RACE_LOADS; j++) {
			if (load_gen[j] == seen_gen[i])
				break;
		}
		ASSERT_GE(RACE_LOADS, j)
		{
			TH_LOG("an answer carries generation %llu, which no load left",
			       (unsigned long long)seen_gen[i]);
		}
		EXPECT_EQ(load_denied[j], seen_denied[i])
		{
			TH_LOG("generation %llu says %s, an answer carrying it %s",
			       (unsigned long long)seen_gen[i],
			       load_denied[j] ? "denied" : "allowed",
			       seen_denied[i] ? "denied" : "allowed");
		}
	}
	TH_LOG("%ld answers, %ld during a load, %d (generation, decision) pairs, %d loads",
	       answers, unsettled, n, RACE_LOADS);
	EXPECT_LE(RACE_LOADS / 2, n);
	ASSERT_EQ(0, aa_load_policy(policy));
}

/* Query i of the batch test: odd ones bind, even ones send a message. */
static const char *const *batch_fields(int i, char *name, size_t size)
{
	static const char *const members[] = { "Hello", "Ping", "Other" };
	static const char *f[APPARMOR_DBUS_FIELD_COUNT];

	snprintf(name, size, "org.example.Client%d", i);
	memcpy(f, i % 2 ? FIELDS("dq_client", "", "session", name, "", "", "",
				 "") :
			  FIELDS("dq_client", "dq_service", "session", ":1.1",
				 "org.example.Svc", "/org/example/Obj",
				 "org.example.Iface", members[i % 3]),
	       sizeof(f));
	return f;
}

TEST_F(dbus_query, batch_answers_in_order)
{
	struct apparmor_dbus_answer batch[APPARMOR_DBUS_QUERY_MAX_BATCH];
	struct apparmor_dbus_answer one;
	struct dq_request r;
	char name[32];
	int i;

	dq_init(&r);
	for (i = 0; i < APPARMOR_DBUS_QUERY_MAX_BATCH; i++)
		ASSERT_NE(NULL, dq_add(&r, i % 2 ? OP_BIND : OP_CALL,
				       i % 2 ? BIND : SEND | RECEIVE,
				       batch_fields(i, name, sizeof(name))));
	ASSERT_EQ(APPARMOR_DBUS_QUERY_MAX_BATCH,
		  dq_send(self->fd, r.buf, r.len, batch,
			  APPARMOR_DBUS_QUERY_MAX_BATCH));
	for (i = 0; i < APPARMOR_DBUS_QUERY_MAX_BATCH; i++) {
		ASSERT_EQ(0, ask(self->fd, i % 2 ? OP_BIND : OP_CALL,
				 i % 2 ? BIND : SEND | RECEIVE,
				 batch_fields(i, name, sizeof(name)), &one));
		EXPECT_EQ(0, memcmp(&one, &batch[i], sizeof(one)))
		{
			TH_LOG("answer %d differs from the same query alone", i);
		}
	}
}

/* One label that does not resolve answers its own query with ENOENT. */
TEST_F(dbus_query, batch_answers_each_query_alone)
{
	struct apparmor_dbus_answer batch[APPARMOR_DBUS_QUERY_MAX_BATCH];
	struct apparmor_dbus_answer one;
	struct dq_request r;
	char name[32];
	int i;

	dq_init(&r);
	for (i = 0; i < APPARMOR_DBUS_QUERY_MAX_BATCH; i++)
		ASSERT_NE(NULL, dq_add(&r, i % 2 ? OP_BIND : OP_CALL,
				       i % 2 ? BIND : SEND | RECEIVE,
				       i == 18 ? HELLO("dq_nobody", "dq_service") :
				       batch_fields(i, name, sizeof(name))));
	ASSERT_EQ(APPARMOR_DBUS_QUERY_MAX_BATCH,
		  dq_send(self->fd, r.buf, r.len, batch,
			  APPARMOR_DBUS_QUERY_MAX_BATCH));
	EXPECT_EQ(ENOENT, batch[18].error);
	expect_side_empty(_metadata, &batch[18].subject);
	expect_side_empty(_metadata, &batch[18].peer);
	EXPECT_EQ(dq_generation(), batch[18].generation);
	for (i = 0; i < APPARMOR_DBUS_QUERY_MAX_BATCH; i++) {
		if (i == 18)
			continue;
		ASSERT_EQ(0, ask(self->fd, i % 2 ? OP_BIND : OP_CALL,
				 i % 2 ? BIND : SEND | RECEIVE,
				 batch_fields(i, name, sizeof(name)), &one));
		EXPECT_EQ(0, memcmp(&one, &batch[i], sizeof(one)))
		{
			TH_LOG("answer %d differs from the same query alone", i);
		}
	}
}

/* A valid one-query request for the error tests to break. */
static struct apparmor_dbus_query *valid_request(struct dq_request *r)
{
	dq_init(r);
	return dq_add(r, OP_CALL, SEND, HELLO("dq_client", "dq_service"));
}

/* Answers are read once, then the file reads as empty until a write. */
TEST_F(dbus_query, read_is_a_stream)
{
	struct apparmor_dbus_answer ans[2];
	struct dq_request r;

	ASSERT_NE(NULL, valid_request(&r));
	ASSERT_EQ((ssize_t)r.len, write(self->fd, r.buf, r.len));
	ASSERT_EQ(sizeof(ans[0]), read(self->fd, ans, sizeof(ans)));
	EXPECT_EQ(0, read(self->fd, ans, sizeof(ans)));
	EXPECT_EQ(0, read(self->fd, ans, sizeof(ans)));
	/* A too small buffer leaves the answers in place. */
	ASSERT_EQ((ssize_t)r.len, write(self->fd, r.buf, r.len));
	ASSERT_EQ(-1, read(self->fd, ans, sizeof(ans[0]) - 1));
	EXPECT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(sizeof(ans[0]), read(self->fd, ans, sizeof(ans)));
	EXPECT_EQ(0, ans[0].subject.denied);
	EXPECT_EQ(0, read(self->fd, ans, sizeof(ans)));
}

/**
 * struct other_thread - what a second thread did on the shared descriptor
 * @fd: the descriptor
 * @write_ret: its write's result, or -errno
 * @read_ret: its read's result, or -errno
 * @read_first: read before writing
 */
struct other_thread {
	int fd;
	int write_ret, read_ret;
	bool read_first;
};

static void *other_thread_run(void *arg)
{
	static __thread struct dq_request r;
	struct other_thread *t = arg;
	struct apparmor_dbus_answer ans;

	dq_init(&r);
	dq_add(&r, OP_BIND, BIND, FIELDS("dq_client", "", "session",
					 "org.example.Client9", "", "", "", ""));
	if (t->read_first) {
		t->read_ret = pread(t->fd, &ans, sizeof(ans), 0);
		if (t->read_ret < 0)
			t->read_ret = -errno;
	}
	t->write_ret = pwrite(t->fd, r.buf, r.len, 0);
	if (t->write_ret < 0)
		t->write_ret = -errno;
	return NULL;
}

/*
 * Threads sharing a descriptor cannot take each other's answers: while
 * one thread's answers wait, another's write and read fail with EBUSY,
 * and the answers stay for their writer. A thread that exits leaves its
 * answers to whoever writes next.
 */
TEST_F(dbus_query, threads_cannot_read_each_others_answers)
{
	struct other_thread t = { .fd = self->fd, .read_first = true };
	struct apparmor_dbus_answer ans;
	struct dq_request r;
	pthread_t th;

	ASSERT_NE(NULL, valid_request(&r));
	ASSERT_EQ((ssize_t)r.len, pwrite(self->fd, r.buf, r.len, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, other_thread_run, &t));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-EBUSY, t.read_ret);
	EXPECT_EQ(-EBUSY, t.write_ret);
	/* This thread's answer is still there, and still its own. */
	ASSERT_EQ(sizeof(ans), pread(self->fd, &ans, sizeof(ans), 0));
	EXPECT_EQ(0, ans.error);
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);

	/* Now nothing waits: the other thread's write goes through. */
	t.read_first = false;
	ASSERT_EQ(0, pthread_create(&th, NULL, other_thread_run, &t));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_LT(0, t.write_ret);
	/* It exited without reading: this thread may write again. */
	ASSERT_EQ((ssize_t)r.len, pwrite(self->fd, r.buf, r.len, 0));
	ASSERT_EQ(sizeof(ans), pread(self->fd, &ans, sizeof(ans), 0));
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
}

/*
 * Write @buf and expect @err. Answers to an earlier, valid write are
 * waiting; after the refused one, a read must find none.
 */
static void expect_refused(struct __test_metadata *const _metadata, int fd,
			   const void *buf, size_t len, int err)
{
	struct apparmor_dbus_answer ans;
	struct dq_request ok;

	dq_init(&ok);
	ASSERT_NE(NULL, dq_add(&ok, OP_CALL, SEND,
			       HELLO("dq_client", "dq_service")));
	ASSERT_EQ((ssize_t)ok.len, pwrite(fd, ok.buf, ok.len, 0));
	ASSERT_EQ(-1, pwrite(fd, buf, len, 0));
	EXPECT_EQ(err, errno)
	{
		TH_LOG("expected %s, got %s", strerror(err), strerror(errno));
	}
	ASSERT_EQ(-1, pread(fd, &ans, sizeof(ans), 0));
	EXPECT_EQ(ENODATA, errno);
}

TEST_F(dbus_query, err_read_before_write)
{
	struct apparmor_dbus_answer ans;

	ASSERT_EQ(-1, pread(self->fd, &ans, sizeof(ans), 0));
	EXPECT_EQ(ENODATA, errno);
}

TEST_F(dbus_query, err_short_read_buffer)
{
	struct apparmor_dbus_answer ans[2];
	struct dq_request r;

	ASSERT_NE(NULL, valid_request(&r));
	ASSERT_NE(NULL, dq_add(&r, OP_CALL, SEND,
			       HELLO("dq_client", "dq_service")));
	ASSERT_EQ((ssize_t)r.len, pwrite(self->fd, r.buf, r.len, 0));
	/* Room for one answer of two: nothing, not half. */
	ASSERT_EQ(-1, pread(self->fd, ans, sizeof(ans[0]), 0));
	EXPECT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(sizeof(ans), pread(self->fd, ans, sizeof(ans), 0));
}

TEST_F(dbus_query, err_offset)
{
	struct apparmor_dbus_answer ans;
	struct dq_request r;

	ASSERT_NE(NULL, valid_request(&r));
	ASSERT_EQ(-1, pwrite(self->fd, r.buf, r.len, 1));
	EXPECT_EQ(ESPIPE, errno);
	ASSERT_EQ((ssize_t)r.len, pwrite(self->fd, r.buf, r.len, 0));
	ASSERT_EQ(-1, pread(self->fd, &ans, sizeof(ans), 1));
	EXPECT_EQ(ESPIPE, errno);
}

TEST_F(dbus_query, err_header)
{
	struct dq_request r;

	ASSERT_NE(NULL, valid_request(&r));
	expect_refused(_metadata, self->fd, r.buf, sizeof(r.hdr) - 1, EINVAL);
	/* Truncated: the header says more than was written. */
	expect_refused(_metadata, self->fd, r.buf, r.len - 8, EINVAL);
	r.hdr.size += 8;
	expect_refused(_metadata, self->fd, r.buf, r.len + 8, EINVAL);
	r.hdr.size -= 8;
	/* An ABI this kernel does not answer is unknown, not malformed. */
	ASSERT_LE(DQ_ABI, dq_kernel_abi());
	r.hdr.abi = dq_kernel_abi() + 1;
	expect_refused(_metadata, self->fd, r.buf, r.len, EOPNOTSUPP);
	r.hdr.abi = 0;
	expect_refused(_metadata, self->fd, r.buf, r.len, EOPNOTSUPP);
	r.hdr.abi = DQ_ABI;
	r.hdr.flags = 1;
	expect_refused(_metadata, self->fd, r.buf, r.len, EOPNOTSUPP);
	r.hdr.flags = 0;
	r.hdr.count = 0;
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
	r.hdr.count = 2;
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
}

TEST_F(dbus_query, err_too_many_queries)
{
	struct dq_request r;
	int i;

	dq_init(&r);
	for (i = 0; i <= APPARMOR_DBUS_QUERY_MAX_BATCH; i++)
		ASSERT_NE(NULL, dq_add(&r, OP_EAVESDROP, EAVESDROP_PERM,
				       FIELDS("a", "", "", "", "", "", "", "")));
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
}

TEST_F(dbus_query, err_oversize_write)
{
	static struct dq_request r;
	char path[1024];

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	dq_init(&r);
	while (r.len <= APPARMOR_DBUS_QUERY_MAX_SIZE)
		ASSERT_NE(NULL, dq_add(&r, OP_CALL, SEND,
				       FIELDS("dq_client", "", "session", "", "",
					      path, "", "")));
	expect_refused(_metadata, self->fd, r.buf, r.len, E2BIG);
}

TEST_F(dbus_query, err_record)
{
	struct apparmor_dbus_query *q;
	struct dq_request r;

	q = valid_request(&r);
	ASSERT_NE(NULL, q);
	q->flags = 2;
	expect_refused(_metadata, self->fd, r.buf, r.len, EOPNOTSUPP);
	q->flags = 0;
	q->size -= 4;
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
	q->size += 12;
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
	q->size -= 8;
	/* Padding must be zero, so nothing can hide after the strings. */
	((char *)q)[q->size - 1] = 'x';
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
}

TEST_F(dbus_query, err_missing_nul)
{
	struct apparmor_dbus_query *q;
	struct dq_request r;

	q = valid_request(&r);
	ASSERT_NE(NULL, q);
	/* Overwrite every NUL from the last string on. */
	memset(q->strings + q->size - sizeof(*q) - 8, 'x', 8);
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
}

TEST_F(dbus_query, err_field_too_long)
{
	char long_member[APPARMOR_DBUS_QUERY_MAX_FIELD + 2];
	struct dq_request r;

	memset(long_member, 'm', sizeof(long_member) - 1);
	long_member[sizeof(long_member) - 1] = '\0';
	dq_init(&r);
	ASSERT_NE(NULL, dq_add(&r, OP_CALL, SEND,
			       FIELDS("dq_client", "", "session", "", "", "/",
				      "a.b", long_member)));
	expect_refused(_metadata, self->fd, r.buf, r.len, ENAMETOOLONG);

	/* Exactly the limit is fine. */
	long_member[APPARMOR_DBUS_QUERY_MAX_FIELD] = '\0';
	dq_init(&r);
	ASSERT_NE(NULL, dq_add(&r, OP_CALL, SEND,
			       FIELDS("dq_client", "", "session", "", "", "/",
				      "a.b", long_member)));
	ASSERT_EQ((ssize_t)r.len, pwrite(self->fd, r.buf, r.len, 0));
}

/*
 * Every query .access takes, .dbus takes: a 1,500-byte object path (D-Bus
 * sets no limit on paths) is answered alike by both.
 */
TEST_F(dbus_query, long_path_answered_as_by_label_query)
{
	char path[1501];
	const char *recv6[6] = {
		"session", ":1.1", "dq_client", path, "org.example.Iface",
		"Hello",
	};
	struct apparmor_dbus_answer ans;
	struct label_answer g;
	char buf[8192];
	size_t len;

	memset(path, 'a', sizeof(path) - 1);
	memcpy(path, "/org/example/", 13);
	path[sizeof(path) - 1] = '\0';
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND | RECEIVE,
			 FIELDS("dq_client", "dq_service", "session", ":1.1",
				"org.example.Svc", path, "org.example.Iface",
				"Hello"), &ans));
	expect_settled(_metadata, &ans);
	/* dq_service receives anything under /org/example/ from dq_client. */
	EXPECT_PERMS(ans.peer, RECEIVE, 0, 0, 0, 0, 0, 0);
	EXPECT_EQ(SEND, ans.subject.denied);

	len = label_query_build_cmd(buf, "labelall", "dq_service", SHAPE_MSG,
				    recv6);
	ASSERT_EQ(0, label_query(buf, len, &g));
	EXPECT_EQ(g.allow & DBUS_ALL, ans.peer.allow);
}

FIXTURE(dbus_errno)
{
	int fd;
};

FIXTURE_SETUP(dbus_errno)
{
	setup_policy(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(dbus_errno)
{
	teardown_policy(_metadata, self->fd);
}

/*
 * A query that is malformed, or uses what ABI 1 does not have, fails the
 * whole write (@err); one whose label does not resolve is answered with
 * an error of its own (@answer_err), the rest of the write unaffected.
 */
FIXTURE_VARIANT(dbus_errno)
{
	const char *name;
	__u32 op;
	__u32 request;
	const char *const *fields;
	int err;
	int answer_err;
};

FIXTURE_VARIANT_ADD(dbus_errno, ok) {
	.name = "a valid query", .op = OP_CALL, .request = SEND,
	.fields = HELLO("dq_client", "dq_service"),
};

FIXTURE_VARIANT_ADD(dbus_errno, op_zero) {
	.name = "operation 0", .op = 0, .request = SEND,
	.fields = HELLO("dq_client", "dq_service"), .err = EOPNOTSUPP,
};

FIXTURE_VARIANT_ADD(dbus_errno, op_unknown) {
	.name = "operation 7", .op = 7, .request = SEND,
	.fields = HELLO("dq_client", "dq_service"), .err = EOPNOTSUPP,
};

FIXTURE_VARIANT_ADD(dbus_errno, perm_unknown) {
	.name = "unknown permission bit", .op = OP_CALL, .request = SEND | 8,
	.fields = HELLO("dq_client", "dq_service"), .err = EOPNOTSUPP,
};

FIXTURE_VARIANT_ADD(dbus_errno, perm_empty) {
	.name = "no permission asked", .op = OP_CALL, .request = 0,
	.fields = HELLO("dq_client", "dq_service"), .err = EINVAL,
};

FIXTURE_VARIANT_ADD(dbus_errno, perm_wrong_op) {
	.name = "bind asked of a message", .op = OP_CALL, .request = BIND,
	.fields = HELLO("dq_client", "dq_service"), .err = EINVAL,
};

FIXTURE_VARIANT_ADD(dbus_errno, field_wrong_op) {
	.name = "a path on a bind", .op = OP_BIND, .request = BIND,
	.fields = FIELDS("dq_client", "", "session", "a.b", "", "/p", "", ""),
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(dbus_errno, subject_empty) {
	.name = "no subject label", .op = OP_CALL, .request = SEND,
	.fields = HELLO("", "dq_service"), .err = EINVAL,
};

FIXTURE_VARIANT_ADD(dbus_errno, receive_no_peer) {
	.name = "receive without a peer label", .op = OP_CALL,
	.request = RECEIVE, .fields = HELLO("dq_client", ""), .err = EINVAL,
};

FIXTURE_VARIANT_ADD(dbus_errno, label_spaces) {
	.name = "a label that does not parse", .op = OP_CALL, .request = SEND,
	.fields = HELLO("   ", "dq_service"), .answer_err = EINVAL,
};

FIXTURE_VARIANT_ADD(dbus_errno, label_unknown) {
	.name = "an unknown subject label", .op = OP_CALL, .request = SEND,
	.fields = HELLO("dq_nobody", "dq_service"), .answer_err = ENOENT,
};

FIXTURE_VARIANT_ADD(dbus_errno, peer_unknown) {
	.name = "an unknown peer label", .op = OP_CALL, .request = RECEIVE,
	.fields = HELLO("dq_client", "dq_nobody"), .answer_err = ENOENT,
};

FIXTURE_VARIANT_ADD(dbus_errno, label_with_mode) {
	.name = "a label with the SO_PEERSEC mode suffix", .op = OP_CALL,
	.request = SEND, .fields = HELLO("dq_client (enforce)", "dq_service"),
	.answer_err = ENOENT,
};

/* Each query alone, then as the second of a batch behind a valid one. */
TEST_F(dbus_errno, errno_table)
{
	struct apparmor_dbus_answer ans[2];
	struct dq_request r;
	int ret;

	dq_init(&r);
	ASSERT_NE(NULL, dq_add(&r, variant->op, variant->request,
			       variant->fields));
	ret = dq_send(self->fd, r.buf, r.len, ans, 2);
	EXPECT_EQ(variant->err ? -variant->err : 1, ret)
	{
		TH_LOG("%s: got %s", variant->name,
		       ret < 0 ? strerror(-ret) : "an answer");
	}
	if (ret == 1)
		EXPECT_EQ(variant->answer_err, (int)ans[0].error)
		{
			TH_LOG("%s: answered with %s", variant->name,
			       strerror(ans[0].error));
		}

	ASSERT_NE(NULL, valid_request(&r));
	ASSERT_NE(NULL, dq_add(&r, variant->op, variant->request,
			       variant->fields));
	ret = dq_send(self->fd, r.buf, r.len, ans, 2);
	EXPECT_EQ(variant->err ? -variant->err : 2, ret);
	if (variant->err) {
		ASSERT_EQ(-1, pread(self->fd, ans, sizeof(ans), 0));
		EXPECT_EQ(ENODATA, errno);
	} else if (ret == 2) {
		EXPECT_EQ(0, ans[0].error);
		EXPECT_EQ(0, ans[0].subject.denied);
		EXPECT_EQ(variant->answer_err, (int)ans[1].error);
	}
}

/* A tiny deterministic generator, so a failure can be replayed. */
static uint32_t next_rand(uint32_t *state)
{
	*state = *state * 1103515245 + 12345;
	return *state >> 8;
}

static const char *pick_str(uint32_t *state, const char *const *arr, size_t n)
{
	return arr[next_rand(state) % n];
}

static __u32 pick_u32(uint32_t *state, const __u32 *arr, size_t n)
{
	return arr[next_rand(state) % n];
}

/* The generic label query for one side, with the layout the parser uses. */
static int generic_side(const char *label, enum dbus_shape shape,
			const char *const f6[6], struct label_answer *out)
{
	char buf[8192];
	size_t len = label_query_build_cmd(buf, "labelall", label, shape, f6);

	return label_query(buf, len, out);
}

static void expect_agree(struct __test_metadata *const _metadata,
			 const struct label_answer *g,
			 const struct apparmor_dbus_perms *p, int n)
{
	EXPECT_EQ(g->allow & DBUS_ALL, p->allow);
	EXPECT_EQ(g->deny & DBUS_ALL, p->deny);
	EXPECT_EQ(g->audit & DBUS_ALL, p->audit);
	EXPECT_EQ(g->quiet & DBUS_ALL, p->quiet)
	{
		TH_LOG("query %d: generic %x/%x/%x/%x, dbus %x/%x/%x/%x", n,
		       g->allow, g->deny, g->audit, g->quiet, p->allow,
		       p->deny, p->audit, p->quiet);
	}
}

TEST_F(dbus_query, agrees_with_label_query)
{
	static const char *const labels[] = {
		"dq_client", "dq_service", "dq_complain", "dq_all", "dq_kill",
		"unconfined", ":dq_ns:dq_child", "dq_client//&:dq_ns:dq_child",
	};
	static const char *const buses[] = { "session", "system", "" };
	static const char *const names[] = {
		"org.example.Svc", "org.example.Client1", ":1.5", "",
	};
	static const char *const paths[] = {
		"/org/example/Obj", "/org/example/Audited", "/org/example/x/y",
		"/",
	};
	static const char *const ifaces[] = {
		"org.example.Iface", "org.other", "",
	};
	static const char *const members[] = {
		"Hello", "Ping", "Forbidden", "Other",
	};
	static const __u32 ops[] = {
		APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_OP_SIGNAL,
		APPARMOR_DBUS_OP_METHOD_RETURN, APPARMOR_DBUS_OP_ERROR,
		APPARMOR_DBUS_OP_BIND, APPARMOR_DBUS_OP_EAVESDROP,
	};
	uint32_t seed = 20261126;
	int n, checked = 0, hold[2], ready[2], status;
	pid_t holder;
	char c;

	/* The stacked label exists while a task is in it. */
	ASSERT_EQ(0, pipe(hold));
	ASSERT_EQ(0, pipe(ready));
	holder = hold_stack(labels[ARRAY_SIZE(labels) - 1], hold, ready);
	ASSERT_LE(0, holder);
	close(hold[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	for (n = 0; n < 1200; n++) {
		const char *subj = pick_str(&seed, labels, ARRAY_SIZE(labels));
		const char *peer = pick_str(&seed, labels, ARRAY_SIZE(labels));
		const char *bus = pick_str(&seed, buses, ARRAY_SIZE(buses));
		const char *sname = pick_str(&seed, names, ARRAY_SIZE(names));
		const char *pname = pick_str(&seed, names, ARRAY_SIZE(names));
		const char *path = pick_str(&seed, paths, ARRAY_SIZE(paths));
		const char *iface = pick_str(&seed, ifaces, ARRAY_SIZE(ifaces));
		const char *member = pick_str(&seed, members, ARRAY_SIZE(members));
		__u32 op = pick_u32(&seed, ops, ARRAY_SIZE(ops));
		struct apparmor_dbus_answer ans;
		struct label_answer g;

		if (op == OP_BIND) {
			const char *f6[6] = { bus, sname };

			ASSERT_EQ(0, ask(self->fd, op, BIND,
					 FIELDS(subj, "", bus, sname, "", "",
						"", ""), &ans));
			ASSERT_EQ(0, ans.error);
			ASSERT_EQ(0, generic_side(subj, SHAPE_BIND, f6, &g));
			expect_agree(_metadata, &g, &ans.subject, n);
		} else if (op == OP_EAVESDROP) {
			const char *f6[6] = { bus };

			ASSERT_EQ(0, ask(self->fd, op, EAVESDROP_PERM,
					 FIELDS(subj, "", bus, "", "", "", "",
						""), &ans));
			ASSERT_EQ(0, ans.error);
			ASSERT_EQ(0, generic_side(subj, SHAPE_EAVESDROP, f6, &g));
			expect_agree(_metadata, &g, &ans.subject, n);
		} else {
			const char *send6[6] = {
				bus, pname, peer, path, iface, member
			};
			const char *recv6[6] = {
				bus, sname, subj, path, iface, member
			};

			ASSERT_EQ(0, ask(self->fd, op, SEND | RECEIVE,
					 FIELDS(subj, peer, bus, sname, pname,
						path, iface, member), &ans));
			ASSERT_EQ(0, ans.error);
			ASSERT_EQ(0, generic_side(subj, SHAPE_MSG, send6, &g));
			expect_agree(_metadata, &g, &ans.subject, n);
			ASSERT_EQ(0, generic_side(peer, SHAPE_MSG, recv6, &g));
			expect_agree(_metadata, &g, &ans.peer, n);
			checked++;
		}
		checked++;
	}
	TH_LOG("%d sides compared", checked);
	EXPECT_LE(1000, checked);
	close(hold[1]);
	ASSERT_EQ(holder, waitpid(holder, &status, 0));
}

/*
 * A label stacked across namespaces is decided by all its profiles, as
 * the kernel decides its own checks.
 */
TEST_F(dbus_query, stack_across_namespaces)
{
	static const char stack[] = "dq_client//&:dq_ns:dq_child";
	struct apparmor_dbus_answer ans;
	int hold[2], ready[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(hold));
	ASSERT_EQ(0, pipe(ready));
	pid = hold_stack(stack, hold, ready);
	ASSERT_LE(0, pid);
	close(hold[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1))
	{
		TH_LOG("cannot enter the stack %s", stack);
	}

	/* dq_child sends anything; dq_client only Hello and Ping. */
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 HELLO(stack, "dq_service"), &ans));
	expect_settled(_metadata, &ans);
	EXPECT_PERMS(ans.subject, SEND, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ(0, ask(self->fd, OP_CALL, SEND,
			 FIELDS(stack, "dq_service", "session", "",
				"org.example.Svc", "/org/example/Obj",
				"org.example.Iface", "Bye"), &ans));
	EXPECT_EQ(SEND, ans.subject.denied);
	EXPECT_EQ(0, ans.subject.allow);

	close(hold[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

/* Pass @fd over the unix socket @sock. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { };
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Receive a descriptor sent by send_fd(). */
static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { };
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * Kernel audit records, read as auditd reads them: this process registers
 * as the audit daemon on the audit netlink socket for the test's duration,
 * and gives the role and the enabled state back afterwards. Where an audit
 * daemon already runs, the tests are skipped rather than stealing its
 * records.
 */

#define MAX_RECORDS 16

/**
 * struct audit_log - records of one test
 * @fd: the audit netlink socket
 * @was_enabled: the audit enabled state to restore
 * @n: number of dbus records in @rec
 * @total: number of dbus records collected, also those not in @rec
 * @rec: their text, from "apparmor=" on
 */
struct audit_log {
	int fd;
	__u32 was_enabled;
	int n, total;
	char rec[MAX_RECORDS][1024];
};

/* Send one audit request and wait for its ack (or, for AUDIT_GET, reply). */
static int audit_request(int fd, __u16 type, struct audit_status *s)
{
	struct {
		struct nlmsghdr nh;
		struct audit_status s;
	} req = { };
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	char buf[8192];
	struct nlmsghdr *nh = (void *)buf;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.s));
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.s = *s;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&addr,
		   sizeof(addr)) < 0)
		return -errno;
	/* Records that beat the answer are skipped. */
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < (ssize_t)sizeof(*nh))
			return -EIO;
		if (nh->nlmsg_type == AUDIT_GET && type == AUDIT_GET) {
			memcpy(s, NLMSG_DATA(nh), sizeof(*s));
			return 0;
		}
		if (nh->nlmsg_type == NLMSG_ERROR) {
			int err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;

			if (err || type != AUDIT_GET)
				return err;
		}
	}
}

static int audit_set(int fd, __u32 mask, __u32 enabled, __u32 pid)
{
	struct audit_status s = {
		.mask = mask, .enabled = enabled, .pid = pid,
	};

	return audit_request(fd, AUDIT_SET, &s);
}

/*
 * Become the audit daemon. Returns 0, -EEXIST if another one runs, or
 * another -errno.
 */
static int audit_open(struct audit_log *log)
{
	struct audit_status s = { };
	int err;

	memset(log, 0, sizeof(*log));
	log->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (log->fd < 0)
		return -errno;
	err = audit_request(log->fd, AUDIT_GET, &s);
	if (!err && s.pid)
		err = -EEXIST;
	if (!err) {
		log->was_enabled = s.enabled;
		err = audit_set(log->fd, AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID,
				1, getpid());
	}
	if (err) {
		close(log->fd);
		log->fd = -1;
	}
	return err;
}

static void audit_close(struct audit_log *log)
{
	if (log->fd < 0)
		return;
	audit_set(log->fd, AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID,
		  log->was_enabled, 0);
	close(log->fd);
	log->fd = -1;
}

/*
 * Collect dbus records until none came for @quiet_ms. Each is printed as
 * "audit-record: type=1400 ..." for the host to feed to libapparmor.
 */
static void audit_collect(struct audit_log *log, int quiet_ms)
{
	struct pollfd pfd = { .fd = log->fd, .events = POLLIN };
	char buf[8192];

	log->n = 0;
	log->total = 0;
	while (poll(&pfd, 1, quiet_ms) > 0) {
		struct nlmsghdr *nh = (void *)buf;
		ssize_t n = recv(log->fd, buf, sizeof(buf) - 1, 0);
		char *text, *start;
		int len;

		if (n < (ssize_t)NLMSG_HDRLEN)
			break;
		if (nh->nlmsg_type != AUDIT_AVC)
			continue;
		text = NLMSG_DATA(nh);
		len = n - NLMSG_HDRLEN;
		text[len] = '\0';
		start = strstr(text, "apparmor=");
		if (!start || !strstr(start, "operation=\"dbus_"))
			continue;
		printf("audit-record: type=%u %s\n", nh->nlmsg_type, text);
		log->total++;
		if (log->n < MAX_RECORDS)
			snprintf(log->rec[log->n++], sizeof(log->rec[0]), "%s",
				 start);
	}
	fflush(stdout);
}

FIXTURE(dbus_audit)
{
	int fd;
	struct audit_log log;
	char prefix[128];
	pid_t subject_pid, peer_pid;
	struct apparmor_dbus_answer ans;
};

FIXTURE_SETUP(dbus_audit)
{
	char comm[32] = "";
	int err;

	self->log.fd = -1;
	setup_policy(_metadata, &self->fd);
	err = audit_open(&self->log);
	if (err == -EEXIST)
		SKIP(return, "an audit daemon is running");
	ASSERT_EQ(0, err)
	{
		TH_LOG("cannot register as the audit daemon: %s",
		       strerror(-err));
	}
	aa_read_file("/proc/self/comm", comm, sizeof(comm));
	comm[strcspn(comm, "\n")] = '\0';
	/* What every LSM record says about the process that caused it. */
	snprintf(self->prefix, sizeof(self->prefix), " pid=%d comm=\"%s\"",
		 getpid(), comm);
	/* Two live processes stand for the D-Bus clients. */
	self->subject_pid = getppid();
	self->peer_pid = getpid();
}

FIXTURE_TEARDOWN(dbus_audit)
{
	audit_close(&self->log);
	teardown_policy(_metadata, self->fd);
}

/* Ask with the audit flag and the fixture's pids; collect the records. */
static int ask_audited_pids(FIXTURE_DATA(dbus_audit) * self, __u32 op,
			    __u32 request, const char *const *f,
			    __u32 subject_pid, __u32 peer_pid)
{
	struct apparmor_dbus_query *q;
	struct dq_request r;
	int n;

	dq_init(&r);
	q = dq_add(&r, op, request, f);
	if (!q)
		return -E2BIG;
	q->flags = APPARMOR_DBUS_QUERY_AUDIT;
	q->subject_pid = subject_pid;
	q->peer_pid = peer_pid;
	n = dq_send(self->fd, r.buf, r.len, &self->ans, 1);
	audit_collect(&self->log, 300);
	return n < 0 ? n : 0;
}

static int ask_audited(FIXTURE_DATA(dbus_audit) * self, __u32 op,
		       __u32 request, const char *const *f)
{
	return ask_audited_pids(self, op, request, f, self->subject_pid,
				self->peer_pid);
}

/* The record must be @head, the LSM prefix, then @tail_fmt filled in. */
static void __printf(5, 6)
expect_record(struct __test_metadata *const _metadata, const char *got,
	      const char *head, const char *prefix, const char *tail_fmt, ...)
{
	char want[1024], tail[512];
	va_list ap;

	va_start(ap, tail_fmt);
	vsnprintf(tail, sizeof(tail), tail_fmt, ap);
	va_end(ap);
	snprintf(want, sizeof(want), "%s%s%s", head, prefix, tail);
	EXPECT_STREQ(want, got);
}

/* Every key of a record appears once. */
static void expect_unique_keys(struct __test_metadata *const _metadata,
			       const char *rec)
{
	static const char *const keys[] = {
		" pid=", " comm=", " task=", " peer_pid=", " peer_label=",
		" peer=", " name=",
		" requested_mask=", " denied_mask=", " profile=",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *first = strstr(rec, keys[i]);

		EXPECT_TRUE(!first || !strstr(first + 1, keys[i]))
		{
			TH_LOG("key%s repeats in: %s", keys[i], rec);
		}
	}
}

TEST_F(dbus_audit, denied_send_and_receive)
{
	ASSERT_EQ(0, ask_audited(self, OP_CALL, SEND | RECEIVE,
				 FIELDS("dq_client", "dq_service", "session",
					":1.1", "org.example.Svc", "/x", "x.y",
					"Other")));
	ASSERT_EQ(2, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_client\" name=\"org.example.Svc\"",
		      self->prefix,
		      " bus=\"session\" path=\"/x\" interface=\"x.y\" member=\"Other\" requested_mask=\"send\" denied_mask=\"send\" task=%d peer_pid=%d peer_label=\"dq_service\"",
		      self->subject_pid, self->peer_pid);
	/* The receiver's record names the sender as its peer. */
	expect_record(_metadata, self->log.rec[1],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_service\" name=\":1.1\"",
		      self->prefix,
		      " bus=\"session\" path=\"/x\" interface=\"x.y\" member=\"Other\" requested_mask=\"receive\" denied_mask=\"receive\" task=%d peer_pid=%d peer_label=\"dq_client\"",
		      self->peer_pid, self->subject_pid);
	expect_unique_keys(_metadata, self->log.rec[0]);
	expect_unique_keys(_metadata, self->log.rec[1]);
}

TEST_F(dbus_audit, allowed_is_silent)
{
	ASSERT_EQ(0, ask_audited(self, OP_CALL, SEND | RECEIVE,
				 HELLO("dq_client", "dq_service")));
	EXPECT_EQ(0, self->log.n);
}

TEST_F(dbus_audit, audit_rule_logs_allowed_use)
{
	ASSERT_EQ(0, ask_audited(self, OP_CALL, SEND,
				 FIELDS("dq_client", "dq_service", "session",
					"", "", "/org/example/Audited", "", "")));
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"AUDIT\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_client\"",
		      self->prefix,
		      " bus=\"session\" path=\"/org/example/Audited\" requested_mask=\"send\" task=%d peer_pid=%d peer_label=\"dq_service\"",
		      self->subject_pid, self->peer_pid);
}

TEST_F(dbus_audit, quiet_deny_is_silent)
{
	ASSERT_EQ(0, ask_audited(self, APPARMOR_DBUS_OP_SIGNAL, SEND,
				 FIELDS("dq_client", "", "session", "", "",
					"/x", "x.y", "Forbidden")));
	EXPECT_EQ(0, self->log.n);
}

TEST_F(dbus_audit, complain_logs_allowed)
{
	ASSERT_EQ(0, ask_audited(self, APPARMOR_DBUS_OP_METHOD_RETURN, SEND,
				 FIELDS("dq_complain", "", "session", "", "",
					"/x", "x.y", "Other")));
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"ALLOWED\" operation=\"dbus_method_return\" class=\"dbus\" profile=\"dq_complain\"",
		      self->prefix,
		      " bus=\"session\" path=\"/x\" interface=\"x.y\" member=\"Other\" requested_mask=\"send\" denied_mask=\"send\" task=%d peer_pid=%d",
		      self->subject_pid, self->peer_pid);
}

TEST_F(dbus_audit, bind_and_eavesdrop)
{
	ASSERT_EQ(0, ask_audited(self, OP_BIND, BIND,
				 FIELDS("dq_service", "", "session",
					"org.example.Other", "", "", "", "")));
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_bind\" class=\"dbus\" profile=\"dq_service\" name=\"org.example.Other\"",
		      self->prefix,
		      " bus=\"session\" requested_mask=\"bind\" denied_mask=\"bind\" task=%d",
		      self->subject_pid);

	ASSERT_EQ(0, ask_audited(self, OP_EAVESDROP, EAVESDROP_PERM,
				 FIELDS("dq_service", "", "system", "", "", "",
					"", "")));
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_eavesdrop\" class=\"dbus\" profile=\"dq_service\"",
		      self->prefix,
		      " bus=\"system\" requested_mask=\"eavesdrop\" denied_mask=\"eavesdrop\" task=%d",
		      self->subject_pid);
}

/* Quotes, spaces, a newline and UTF-8 in every string the daemon sends. */
TEST_F(dbus_audit, hostile_strings)
{
	ASSERT_EQ(0, ask_audited(self, OP_CALL, SEND | RECEIVE,
				 FIELDS("dq_service", "dq_client", "a\"b",
					"c d", "e\nf", "/g\xc3\xa9",
					"h=\"i\"", "j k")));
	ASSERT_EQ(2, self->log.n);
	/* audit_log_untrustedstring() hex-encodes each of them. */
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_service\" name=650A66",
		      self->prefix,
		      " bus=612262 path=2F67C3A9 interface=683D226922 member=6A206B requested_mask=\"send\" denied_mask=\"send\" task=%d peer_pid=%d peer_label=\"dq_client\"",
		      self->subject_pid, self->peer_pid);
	expect_record(_metadata, self->log.rec[1],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_client\" name=632064",
		      self->prefix,
		      " bus=612262 path=2F67C3A9 interface=683D226922 member=6A206B requested_mask=\"receive\" denied_mask=\"receive\" task=%d peer_pid=%d peer_label=\"dq_service\"",
		      self->peer_pid, self->subject_pid);
}

/*
 * A receive-only query never resolves the sender's label to answer; the
 * record names it only if it is a label of the policy.
 */
TEST_F(dbus_audit, unknown_peer_label_is_not_logged)
{
	ASSERT_EQ(0, ask_audited(self, OP_CALL, RECEIVE,
				 FIELDS("dq_nobody", "dq_service", "session",
					":1.1", "", "/x", "x.y", "Other")));
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_service\" name=\":1.1\"",
		      self->prefix,
		      " bus=\"session\" path=\"/x\" interface=\"x.y\" member=\"Other\" requested_mask=\"receive\" denied_mask=\"receive\" task=%d peer_pid=%d",
		      self->peer_pid, self->subject_pid);
}

/* A pid that names no process is not logged. */
TEST_F(dbus_audit, dead_pid_is_not_logged)
{
	pid_t dead = fork();
	int status;

	ASSERT_LE(0, dead);
	if (dead == 0)
		_exit(0);
	ASSERT_EQ(dead, waitpid(dead, &status, 0));
	ASSERT_EQ(0, ask_audited_pids(self, OP_BIND, BIND,
				      FIELDS("dq_service", "", "session",
					     "org.example.Other", "", "", "",
					     ""), dead, dead));
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_bind\" class=\"dbus\" profile=\"dq_service\" name=\"org.example.Other\"",
		      self->prefix,
		      " bus=\"session\" requested_mask=\"bind\" denied_mask=\"bind\"");
}

/*
 * A refusal by a profile in kill mode is logged as a refusal: nothing is
 * killed, since the daemon asks and the subject is elsewhere, and the
 * record says what the answer says.
 */
TEST_F(dbus_audit, kill_mode_logs_denied)
{
	ASSERT_EQ(0, ask_audited(self, OP_CALL, SEND,
				 FIELDS("dq_kill", "", "session", "", "",
					"/x", "x.y", "Other")));
	EXPECT_EQ(SEND, self->ans.subject.denied);
	EXPECT_EQ(SEND, self->ans.subject.kill);
	ASSERT_EQ(1, self->log.n);
	expect_record(_metadata, self->log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dq_kill\"",
		      self->prefix,
		      " bus=\"session\" path=\"/x\" interface=\"x.y\" member=\"Other\" requested_mask=\"send\" denied_mask=\"send\" task=%d peer_pid=%d",
		      self->subject_pid, self->peer_pid);
}

/*
 * Under the global complain mode a kill-mode profile still refuses, and
 * its record is written in the same pass as the answer: both say denied.
 */
TEST_F(dbus_audit, record_says_what_the_answer_says)
{
	struct aa_param_guard g;

	if (access(MODE_PARAM, W_OK))
		SKIP(return, "the apparmor mode parameter is not writable");
	ASSERT_EQ(0, aa_param_guard_set(&g, MODE_PARAM));
	ASSERT_EQ(0, aa_param_write(MODE_PARAM, "complain"));
	ASSERT_EQ(0, ask_audited(self, OP_CALL, SEND,
				 FIELDS("dq_kill", "", "session", "", "",
					"/x", "x.y", "Other")));
	ASSERT_EQ(0, aa_param_guard_release(&g));
	EXPECT_EQ(SEND, self->ans.subject.denied);
	EXPECT_EQ(0, self->ans.subject.complain);
	ASSERT_EQ(1, self->log.n);
	EXPECT_EQ(0, strncmp(self->log.rec[0], "apparmor=\"DENIED\"", 17))
	{
		TH_LOG("record: %s", self->log.rec[0]);
	}
}

/* Drop CAP_AUDIT_WRITE from the effective set of the calling thread. */
static int drop_audit_write(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_TO_INDEX(CAP_AUDIT_WRITE)].effective &=
		~CAP_TO_MASK(CAP_AUDIT_WRITE);
	return syscall(SYS_capset, &hdr, data);
}

/* One query on @fd; returns the answers read or -errno. */
static int ask_flags(int fd, __u32 flags)
{
	struct apparmor_dbus_answer ans;
	struct apparmor_dbus_query *q;
	struct dq_request r;

	dq_init(&r);
	q = dq_add(&r, OP_CALL, SEND, FIELDS("dq_client", "", "session", "",
					     "", "/x", "x.y", "Other"));
	q->flags = flags;
	return dq_send(fd, r.buf, r.len, &ans, 1);
}

/*
 * As for a record sent to audit itself, the writer must hold
 * CAP_AUDIT_WRITE, whatever the opener held.
 */
TEST_F(dbus_audit, writer_without_capability)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The descriptor was opened with the capability. */
		if (drop_audit_write())
			_exit(1);
		if (ask_flags(self->fd, APPARMOR_DBUS_QUERY_AUDIT) != -EPERM)
			_exit(2);
		_exit(ask_flags(self->fd, 0) == 1 ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	audit_collect(&self->log, 300);
	EXPECT_EQ(0, self->log.n);
}

/*
 * A descriptor inherited across exec by a program that runs without
 * CAP_AUDIT_WRITE lends it nothing: the helper's audited query fails as
 * its own AUDIT_USER_AVC message does, and no record is written.
 */
TEST_F(dbus_audit, descriptor_inherited_across_exec)
{
	char helper[4096], fdarg[16];
	ssize_t len;
	int status;
	pid_t pid;

	len = readlink("/proc/self/exe", helper, sizeof(helper) - 32);
	ASSERT_LT(0, len);
	helper[len] = '\0';
	snprintf(strrchr(helper, '/') + 1, 32, "dbus_audit_writer");
	if (access(helper, X_OK))
		SKIP(return, "no dbus_audit_writer next to this test");
	snprintf(fdarg, sizeof(fdarg), "%d", self->fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Out of the bounding set: exec does not give it back. */
		if (prctl(PR_CAPBSET_DROP, CAP_AUDIT_WRITE, 0, 0, 0))
			_exit(20);
		execl(helper, helper, fdarg, NULL);
		_exit(21);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
	{
		TH_LOG("the helper failed at step %d", WEXITSTATUS(status));
	}
	audit_collect(&self->log, 300);
	EXPECT_EQ(0, self->log.n);
}

TEST_F(dbus_audit, descriptor_from_unprivileged_opener)
{
	int sv[2], status, fd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_audit_write())
			_exit(1);
		fd = open(DBUS_QUERY_FILE, O_RDWR);
		_exit(fd < 0 || send_fd(sv[1], fd) ? 2 : 0);
	}
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* This process may write audit records, the opener could not. */
	EXPECT_EQ(-EPERM, ask_flags(fd, APPARMOR_DBUS_QUERY_AUDIT));
	EXPECT_EQ(1, ask_flags(fd, 0));
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

/*
 * What an open .dbus file costs, charged to the memory cgroup of whoever
 * opens and writes: measured in a cgroup of its own, with answers waiting
 * and idle.
 */
#define MEM_FILES 256
#define CG_MOUNT "/tmp/dq_cgroup"

static long cg_read_long(const char *dir, const char *file)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (aa_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return aa_param_write(path, val);
}

/* The most an idle open file may cost, struct file included. */
#define IDLE_BUDGET 2560
/*
 * What an open file of apparmorfs costs with no state of its own: struct
 * file and its security blob. More means a kernel whose slab debugging
 * (KASAN, slub_debug) inflates every object, where the budget is moot.
 */
#define PLAIN_FILE_MAX 1024

/*
 * Whether slab debugging (KASAN, slub_debug) makes a kilobyte object take
 * more than a kilobyte, as SLUB's sysfs tells; false where it does not say.
 */
static bool slab_inflated(void)
{
	static const char *const caches[] = {
		"/sys/kernel/slab/kmalloc-cg-1k", "/sys/kernel/slab/kmalloc-1k",
	};
	long object, slab;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		object = cg_read_long(caches[i], "object_size");
		slab = cg_read_long(caches[i], "slab_size");
		if (object > 0 && slab > 0)
			return slab > object;
	}
	return false;
}

/* Per-file charge of opening MEM_FILES of @path. */
static long open_cost(const char *cg, const char *path)
{
	int fd[MEM_FILES], i;
	long before, after;

	before = cg_read_long(cg, "memory.current");
	for (i = 0; i < MEM_FILES; i++)
		fd[i] = open(path, O_RDWR);
	after = cg_read_long(cg, "memory.current");
	for (i = 0; i < MEM_FILES; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return (after - before) / MEM_FILES;
}

/* In the child: measure and check; the exit status is the verdict. */
static int measure_charges(const char *cg)
{
	static struct dq_request r;
	struct apparmor_dbus_answer ans[APPARMOR_DBUS_QUERY_MAX_BATCH];
	long before, pending, idle, plain;
	int fd[MEM_FILES], i;

	if (cg_write(cg, "cgroup.procs", "0"))
		return 10;
	plain = open_cost(cg, AA_FS "/.access");
	dq_init(&r);
	for (i = 0; i < APPARMOR_DBUS_QUERY_MAX_BATCH; i++)
		if (!dq_add(&r, OP_CALL, SEND | RECEIVE,
			    HELLO("unconfined", "unconfined")))
			return 11;
	before = cg_read_long(cg, "memory.current");
	for (i = 0; i < MEM_FILES; i++) {
		fd[i] = open(DBUS_QUERY_FILE, O_RDWR);
		if (fd[i] < 0 || write(fd[i], r.buf, r.len) != (ssize_t)r.len)
			return 12;
	}
	pending = cg_read_long(cg, "memory.current") - before;
	for (i = 0; i < MEM_FILES; i++)
		if (read(fd[i], ans, sizeof(ans)) != sizeof(ans))
			return 13;
	idle = cg_read_long(cg, "memory.current") - before;
	printf("# per open file: %ld bytes idle after a query, ",
	       idle / MEM_FILES);
	printf("%ld bytes with %d answers (%zu bytes) unread; ",
	       pending / MEM_FILES, APPARMOR_DBUS_QUERY_MAX_BATCH, sizeof(ans));
	printf("an open .access file: %ld bytes\n", plain);
	for (i = 0; i < MEM_FILES; i++)
		close(fd[i]);
	/* The charge moves in pages and per-cpu batches: allow 512 KiB. */
	if (pending < MEM_FILES * (long)sizeof(ans) - 512 * 1024)
		return 1;
	if (plain > PLAIN_FILE_MAX || slab_inflated())
		return 3;
	return idle <= MEM_FILES * IDLE_BUDGET + 64 * 1024 ? 0 : 2;
}

TEST(dbus_memory_is_charged)
{
	const char *root = "/sys/fs/cgroup";
	bool mounted = false, enabled = false;
	char ctl[256] = "", cg[300];
	int status;
	pid_t pid;

	if (access(DBUS_QUERY_FILE, W_OK))
		SKIP(return, DBUS_QUERY_FILE " is not there");
	if (access("/sys/fs/cgroup/cgroup.controllers", R_OK)) {
		root = CG_MOUNT;
		mkdir(root, 0700);
		if (mount("none", root, "cgroup2", 0, NULL)) {
			rmdir(root);
			SKIP(return, "no cgroup2 file system");
		}
		mounted = true;
	}
	snprintf(cg, sizeof(cg), "%s/cgroup.controllers", root);
	aa_read_file(cg, ctl, sizeof(ctl));
	if (!strstr(ctl, "memory")) {
		if (mounted) {
			umount(root);
			rmdir(root);
		}
		SKIP(return, "no memory controller");
	}
	snprintf(cg, sizeof(cg), "%s/cgroup.subtree_control", root);
	aa_read_file(cg, ctl, sizeof(ctl));
	if (!strstr(ctl, "memory")) {
		ASSERT_EQ(0, cg_write(root, "cgroup.subtree_control", "+memory"));
		enabled = true;
	}
	snprintf(cg, sizeof(cg), "%s/dq_test", root);
	ASSERT_EQ(0, mkdir(cg, 0700));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(measure_charges(cg));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	EXPECT_EQ(0, rmdir(cg));
	if (enabled)
		EXPECT_EQ(0, cg_write(root, "cgroup.subtree_control", "-memory"));
	if (mounted) {
		EXPECT_EQ(0, umount(root));
		rmdir(root);
	}
	if (WEXITSTATUS(status) == 3)
		SKIP(return, "slab debugging inflates every object: no budget");
	EXPECT_EQ(0, WEXITSTATUS(status))
	{
		TH_LOG("exit %d: 1 = answers not charged, 2 = over %d bytes idle",
		       WEXITSTATUS(status), IDLE_BUDGET);
	}
}

/*
 * An idle descriptor keeps no policy alive: each of many descriptors asks
 * about a large profile once and stays open while the profile is
 * replaced, and closing them all afterwards frees next to nothing.
 */
#define PIN_ROUNDS 40
#define PIN_RULES 1000

static char *big_profile(unsigned int seed)
{
	size_t cap = PIN_RULES * 96 + 256, len = 0;
	char *text = malloc(cap);
	int i;

	if (!text)
		return NULL;
	len += snprintf(text + len, cap - len, "profile dq_big {\n  file,\n");
	for (i = 0; i < PIN_RULES; i++)
		len += snprintf(text + len, cap - len,
				"  dbus send bus=session path=/p/%d member=M%08x,\n",
				i, (i + 1) * 2654435761u ^ seed);
	snprintf(text + len, cap - len, "}\n");
	return text;
}

static long mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

TEST_F_TIMEOUT(dbus_query, descriptors_pin_no_policy, 900)
{
	static const char *const bin[2] = {
		"/tmp/dq_big.0.bin", "/tmp/dq_big.1.bin",
	};
	long open_kb, closed_kb, pinned_kb, size;
	int fd[PIN_ROUNDS], i;
	struct stat st;
	char *text[2];

	for (i = 0; i < 2; i++) {
		text[i] = big_profile(i * 0x9e3779b9u);
		ASSERT_NE(NULL, text[i]);
		ASSERT_EQ(0, aa_compile_policy(text[i], bin[i]));
	}
	ASSERT_EQ(0, stat(bin[0], &st));
	size = st.st_size;
	ASSERT_EQ(0, aa_load_binary(bin[0]));
	for (i = 0; i < PIN_ROUNDS; i++) {
		struct apparmor_dbus_answer ans;

		fd[i] = open(DBUS_QUERY_FILE, O_RDWR);
		ASSERT_LE(0, fd[i]);
		ASSERT_EQ(0, ask(fd[i], OP_CALL, SEND,
				 FIELDS("dq_big", "", "session", "", "", "/p/7",
					"", "M00000000"), &ans));
		ASSERT_EQ(0, ans.error);
		ASSERT_EQ(0, aa_load_binary(bin[(i + 1) % 2]));
	}
	/* Let RCU free what the replacements released. */
	sleep(1);
	open_kb = mem_available_kb();
	for (i = 0; i < PIN_ROUNDS; i++)
		close(fd[i]);
	sleep(1);
	closed_kb = mem_available_kb();
	pinned_kb = closed_kb - open_kb;
	TH_LOG("%d descriptors left open, profile of %ld bytes: %ld KiB freed on close",
	       PIN_ROUNDS, size, pinned_kb);
	/* Each old version kept alive would cost more than its file. */
	EXPECT_GT(PIN_ROUNDS * size / 1024 / 4, pinned_kb);
	aa_remove_policy(text[0]);
	for (i = 0; i < 2; i++) {
		unlink(bin[i]);
		free(text[i]);
	}
}

/*
 * Sides named by the daemon's connections (ABI 2): the kernel takes the
 * label the client had when it connected, in its newest version, and the
 * client's pid from the socket the writer holds.
 */
static const char conn_policy[] =
	"profile dc_client {\n"
	"  file, unix, signal (receive) peer=unconfined,\n"
	"  change_profile -> dc_moved,\n"
	"  dbus send bus=session path=/org/example/Conn\n"
	"       peer=(label=dc_service),\n"
	"}\n"
	"profile dc_moved { file, unix, signal (receive) peer=unconfined, }\n"
	"profile dc_service {\n"
	"  file, unix, signal (receive) peer=unconfined,\n"
	"  dbus receive bus=session path=/org/example/Conn\n"
	"       peer=(label=dc_client),\n"
	"}\n";

/* dc_client replaced by a version that sends nothing. */
static const char conn_policy_replaced[] =
	"profile dc_client {\n"
	"  file, unix, signal (receive) peer=unconfined,\n"
	"  change_profile -> dc_moved,\n"
	"}\n";

#define CONN(subj, peer, path) FIELDS(subj, peer, "session", ":1.5", \
	"org.example.Conn", path, "org.example.Iface", "Call")

/**
 * struct conn_client - a client process connected to the test
 * @pid: its pid
 * @fd: the test's end of the connection, as a bus daemon holds it
 * @ctl: the read end of a pipe the client replies on, so that it sends
 *       nothing on the connection unless told to
 */
struct conn_client {
	pid_t pid;
	int fd, ctl;
};

/*
 * The client: changes to @profile, connects with connect(), then obeys
 * one-byte commands on its socket until it reads 'x' or end of file,
 * replying on @ctl: 'm' moves it to dc_moved, 's' sends a byte on the
 * connection, 'p' replies with its pid as the first entry of NSpid (the
 * initial namespace's number, /proc being the host's).
 */
static void __noreturn conn_client_main(const struct sockaddr_un *addr,
					socklen_t alen, const char *profile,
					int ctl)
{
	char cmd, line[256];
	int s;

	if (profile && aa_change_profile(profile))
		_exit(10);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (const void *)addr, alen))
		_exit(11);
	while (read(s, &cmd, 1) == 1 && cmd != 'x') {
		char ok = 'k';

		if (cmd == 'm' && aa_change_profile("dc_moved"))
			ok = 'e';
		if (cmd == 's' && write(s, &ok, 1) != 1)
			ok = 'e';
		if (cmd == 'p') {
			FILE *f = fopen("/proc/self/status", "r");
			long nr = 0;

			while (f && fgets(line, sizeof(line), f))
				if (sscanf(line, "NSpid: %ld", &nr) == 1)
					break;
			if (f)
				fclose(f);
			if (write(ctl, &nr, sizeof(nr)) != sizeof(nr))
				_exit(12);
			continue;
		}
		if (write(ctl, &ok, 1) != 1)
			_exit(12);
	}
	_exit(0);
}

/* Start a client in @profile (NULL: the test's own label). */
static int conn_client_start(struct conn_client *c, const char *profile)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int l, ctl[2];
	socklen_t alen;

	c->fd = -1;
	c->ctl = -1;
	if (pipe2(ctl, O_CLOEXEC))
		return -1;
	/* An abstract name: nothing to clean up on the file system. */
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
			"dq_conn.%d", getpid());
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (void *)&addr, alen) || listen(l, 1))
		return -1;
	c->pid = fork();
	if (c->pid < 0) {
		close(l);
		return -1;
	}
	if (c->pid == 0) {
		/* The name is free again once the test closes its listener. */
		close(l);
		close(ctl[0]);
		conn_client_main(&addr, alen, profile, ctl[1]);
	}
	close(ctl[1]);
	c->ctl = ctl[0];
	c->fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	close(l);
	return c->fd < 0 ? -1 : 0;
}

/* Send @cmd and wait for the client's one-byte reply. */
static int conn_client_cmd(struct conn_client *c, char cmd)
{
	char ok;

	if (write(c->fd, &cmd, 1) != 1 || read(c->ctl, &ok, 1) != 1)
		return -1;
	return ok == 'k' ? 0 : -1;
}

/* Let the client exit and reap it; its socket stays open. */
static int conn_client_exit(struct conn_client *c)
{
	int status;
	char cmd = 'x';

	if (c->pid <= 0)
		return 0;
	if (write(c->fd, &cmd, 1) != 1)
		kill(c->pid, SIGKILL);
	if (waitpid(c->pid, &status, 0) != c->pid)
		return -1;
	c->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void conn_client_stop(struct conn_client *c)
{
	conn_client_exit(c);
	if (c->fd >= 0)
		close(c->fd);
	if (c->ctl >= 0)
		close(c->ctl);
	c->fd = -1;
	c->ctl = -1;
}

/* One ABI 2 query; returns 0 with the answer or -errno of the write. */
static int ask2(int fd, __u32 op, __u32 request, const char *const *f,
		int subject_fd, int peer_fd, __u32 flags,
		struct apparmor_dbus_answer *ans)
{
	struct apparmor_dbus_query2 *q;
	struct dq_request r;
	int n;

	dq_init(&r);
	r.hdr.abi = 2;
	q = dq_add2(&r, op, request, f, subject_fd, peer_fd);
	if (!q)
		return -E2BIG;
	q->flags = flags;
	memset(ans, 0xa5, sizeof(*ans));
	n = dq_send(fd, r.buf, r.len, ans, 1);
	if (n < 0)
		return n;
	return n == 1 ? 0 : -EBADMSG;
}

FIXTURE(dbus_conn)
{
	int fd;
	struct conn_client client, service;
	struct apparmor_dbus_answer ans, by_label;
};

FIXTURE_SETUP(dbus_conn)
{
	static const struct conn_client none = { .pid = 0, .fd = -1, .ctl = -1 };

	self->fd = -1;
	self->client = none;
	self->service = none;
	if (!aa_available())
		SKIP(return, "AppArmor policy cannot be loaded here");
	if (dq_kernel_abi() < 2)
		SKIP(return, "this kernel has no ABI 2 D-Bus query");
	ASSERT_EQ(0, aa_load_policy(conn_policy));
	self->fd = open(DBUS_QUERY_FILE, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dbus_conn)
{
	conn_client_stop(&self->client);
	conn_client_stop(&self->service);
	if (self->fd >= 0)
		close(self->fd);
	if (aa_profile_loaded("dc_client"))
		EXPECT_EQ(0, aa_remove_policy(conn_policy));
}

/* The answer by connection equals the one by the label it stands for. */
static void expect_same_answer(struct __test_metadata *const _metadata,
			       const struct apparmor_dbus_answer *a,
			       const struct apparmor_dbus_answer *b)
{
	EXPECT_EQ(0, memcmp(&a->subject, &b->subject, sizeof(a->subject)));
	EXPECT_EQ(0, memcmp(&a->peer, &b->peer, sizeof(a->peer)));
	EXPECT_EQ(a->error, b->error);
}

TEST_F(dbus_conn, connected_client_decides)
{
	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("", "dc_service", "/org/example/Conn"),
			  self->client.fd, -1, 0, &self->ans));
	expect_settled(_metadata, &self->ans);
	/* Sent as dc_client, and received from a peer named dc_client. */
	EXPECT_EQ(0, self->ans.subject.denied);
	EXPECT_EQ(SEND, self->ans.subject.allow & SEND);
	EXPECT_EQ(0, self->ans.peer.denied);
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("dc_client", "dc_service", "/org/example/Conn"),
			  -1, -1, 0, &self->by_label));
	expect_same_answer(_metadata, &self->ans, &self->by_label);

	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("", "dc_service", "/x"), self->client.fd, -1,
			  0, &self->ans));
	EXPECT_EQ(SEND, self->ans.subject.denied);
	EXPECT_EQ(RECEIVE, self->ans.peer.denied);
}

/* Both sides by connection; the peer's label is DFA input to the send. */
TEST_F(dbus_conn, both_sides_by_connection)
{
	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, conn_client_start(&self->service, "dc_service"));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("", "", "/org/example/Conn"), self->client.fd,
			  self->service.fd, 0, &self->ans));
	expect_settled(_metadata, &self->ans);
	EXPECT_EQ(0, self->ans.subject.denied);
	EXPECT_EQ(0, self->ans.peer.denied);
	/* Send only: the peer is not decided but still names its label. */
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND,
			  CONN("", "", "/org/example/Conn"), self->client.fd,
			  self->service.fd, 0, &self->ans));
	EXPECT_EQ(0, self->ans.subject.denied);
	EXPECT_EQ(SEND, self->ans.subject.allow & SEND);
	/* Swapped: dc_service may not send, dc_client not receive. */
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("", "", "/org/example/Conn"), self->service.fd,
			  self->client.fd, 0, &self->ans));
	EXPECT_EQ(SEND, self->ans.subject.denied);
	EXPECT_EQ(RECEIVE, self->ans.peer.denied);
}

/* A socketpair's ends name the process that made the pair, wherever. */
TEST_F(dbus_conn, socketpair_passed_from_its_creator)
{
	int chan[2], status, fd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, chan));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int sv[2];

		close(chan[0]);
		if (aa_change_profile("dc_client") ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(1);
		_exit(send_fd(chan[1], sv[0]) ? 2 : 0);
	}
	close(chan[1]);
	fd = recv_fd(chan[0]);
	close(chan[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND,
			  CONN("", "dc_service", "/org/example/Conn"), fd, -1,
			  0, &self->ans));
	expect_settled(_metadata, &self->ans);
	EXPECT_EQ(0, self->ans.subject.denied);
	EXPECT_EQ(SEND, self->ans.subject.allow & SEND);
	close(fd);
}

/* The label of the other end of @fd as SO_PEERSEC gives it, mode cut. */
static int peersec(int fd, char *label, socklen_t size)
{
	socklen_t len = size - 1;
	char *mode;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERSEC, label, &len))
		return -1;
	label[len] = '\0';
	mode = strstr(label, " (");
	if (mode)
		*mode = '\0';
	return 0;
}

/*
 * A client that changes profile after connecting: the connection's label
 * is what SO_PEERSEC reports on it, the label the client connected with,
 * to which a kernel that follows the peer's use of the socket adds the
 * label it went on using it under. The query decides as that label.
 */
TEST_F(dbus_conn, connect_time_label_decides)
{
	char label[256];

	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, conn_client_cmd(&self->client, 'm'));
	ASSERT_EQ(0, conn_client_cmd(&self->client, 's'));
	ASSERT_EQ(0, peersec(self->client.fd, label, sizeof(label)));
	TH_LOG("SO_PEERSEC after the client moved: %s", label);
	EXPECT_EQ(0, strncmp(label, "dc_client", 9));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("", "dc_service", "/org/example/Conn"),
			  self->client.fd, -1, 0, &self->ans));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN(label, "dc_service", "/org/example/Conn"),
			  -1, -1, 0, &self->by_label));
	expect_settled(_metadata, &self->ans);
	expect_same_answer(_metadata, &self->ans, &self->by_label);
	/* Where the label is the connect-time one alone, it lets through. */
	if (!strcmp(label, "dc_client")) {
		EXPECT_EQ(0, self->ans.subject.denied);
		EXPECT_EQ(0, self->ans.peer.denied);
	}
}

/* The connect-time label in its newest version decides. */
TEST_F(dbus_conn, newest_version_decides)
{
	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, aa_load_policy(conn_policy_replaced));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND,
			  CONN("", "dc_service", "/org/example/Conn"),
			  self->client.fd, -1, 0, &self->ans));
	expect_settled(_metadata, &self->ans);
	EXPECT_EQ(SEND, self->ans.subject.denied);
	EXPECT_EQ(0, self->ans.subject.allow);
}

/* A client that exited before the query is still the side it names. */
TEST_F(dbus_conn, client_gone_before_the_query)
{
	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, conn_client_exit(&self->client));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND,
			  CONN("", "dc_service", "/org/example/Conn"),
			  self->client.fd, -1, 0, &self->ans));
	expect_settled(_metadata, &self->ans);
	EXPECT_EQ(0, self->ans.subject.denied);
	EXPECT_EQ(SEND, self->ans.subject.allow & SEND);
}

/* Each kind of descriptor that names no connection, with its errno. */
TEST_F(dbus_conn, descriptor_names_no_connection)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int pipefd[2], dgram[2], listener, lone, netlink, closed, i;
	socklen_t alen;

	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram));
	listener = socket(AF_UNIX, SOCK_STREAM, 0);
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
			"dq_listen.%d", getpid());
	ASSERT_EQ(0, bind(listener, (void *)&addr, alen));
	ASSERT_EQ(0, listen(listener, 1));
	lone = socket(AF_UNIX, SOCK_STREAM, 0);
	netlink = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	closed = dup(pipefd[0]);
	ASSERT_LE(0, closed);
	close(closed);
	const struct {
		int fd, error;
	} kinds[] = {
		{ closed, EBADF },
		{ pipefd[0], ENOTSOCK },
		{ netlink, EAFNOSUPPORT },
		{ dgram[0], EPROTOTYPE },
		{ listener, EDESTADDRREQ },
		{ lone, ENOTCONN },
	};

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		ASSERT_LE(0, kinds[i].fd);
		/* As the subject, and as the peer of a send. */
		ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND,
				  CONN("", "dc_service", "/x"), kinds[i].fd,
				  -1, 0, &self->ans));
		EXPECT_EQ(kinds[i].error, self->ans.error);
		expect_side_empty(_metadata, &self->ans.subject);
		expect_side_empty(_metadata, &self->ans.peer);
		ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND,
				  CONN("dc_client", "", "/x"), -1, kinds[i].fd,
				  0, &self->ans));
		EXPECT_EQ(kinds[i].error, self->ans.error)
		{
			TH_LOG("kind %d: got %d", i, self->ans.error);
		}
	}
	close(pipefd[0]);
	close(pipefd[1]);
	close(dgram[0]);
	close(dgram[1]);
	close(listener);
	close(lone);
	close(netlink);
}

/* A side named both ways, by neither, or out of range: malformed. */
TEST_F(dbus_conn, side_named_twice_is_malformed)
{
	struct apparmor_dbus_query2 *q;
	struct dq_request r;
	int i;

	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	/* Labelled and by descriptor; a word of -2; a word of -3. */
	const int cases[][2] = {
		{ self->client.fd, -1 }, { -1, -2 }, { -3, -1 },
	};

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		dq_init(&r);
		r.hdr.abi = 2;
		q = dq_add2(&r, OP_CALL, SEND,
			    CONN("dc_client", "dc_service", "/x"),
			    cases[i][0], cases[i][1]);
		ASSERT_NE(NULL, q);
		expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
	}
	/* A bind has no peer to name. */
	dq_init(&r);
	r.hdr.abi = 2;
	dq_add2(&r, OP_BIND, BIND,
		FIELDS("", "", "session", "a.b", "", "", "", ""),
		self->client.fd, self->client.fd);
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
	/* In ABI 1 the words are pids: no side is named by a descriptor. */
	dq_init(&r);
	dq_add(&r, OP_CALL, SEND, CONN("", "dc_service", "/x"));
	expect_refused(_metadata, self->fd, r.buf, r.len, EINVAL);
}

/* One batch, both kinds: every query is answered alone, in order. */
TEST_F(dbus_conn, batch_mixes_kinds)
{
	struct apparmor_dbus_answer ans[3];
	struct dq_request r;
	int closed;

	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	closed = dup(0);
	ASSERT_LE(0, closed);
	close(closed);
	dq_init(&r);
	r.hdr.abi = 2;
	ASSERT_NE(NULL, dq_add2(&r, OP_CALL, SEND,
				CONN("", "dc_service", "/org/example/Conn"),
				self->client.fd, -1));
	ASSERT_NE(NULL, dq_add2(&r, OP_CALL, SEND,
				CONN("dc_moved", "dc_service",
				     "/org/example/Conn"), -1, -1));
	ASSERT_NE(NULL, dq_add2(&r, OP_CALL, SEND,
				CONN("", "dc_service", "/org/example/Conn"),
				closed, -1));
	ASSERT_EQ(3, dq_send(self->fd, r.buf, r.len, ans, 3));
	EXPECT_EQ(0, ans[0].error);
	EXPECT_EQ(0, ans[0].subject.denied);
	EXPECT_EQ(0, ans[1].error);
	EXPECT_EQ(SEND, ans[1].subject.denied);
	EXPECT_EQ(EBADF, ans[2].error);
	expect_side_empty(_metadata, &ans[2].subject);
}

/* What every LSM record says of process @pid, which has our comm. */
static void record_prefix(char *buf, size_t size, pid_t pid)
{
	char comm[32] = "";

	aa_read_file("/proc/self/comm", comm, sizeof(comm));
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(buf, size, " pid=%d comm=\"%s\"", pid, comm);
}

/* The D-Bus part of the records expect_call_records() expects. */
#define CALL_TAIL \
	" bus=\"session\" path=\"/x\" interface=\"org.example.Iface\" member=\"Call\" requested_mask=\"%s\" denied_mask=\"%s\" task=%d peer_pid=%d peer_label=\"%s\""

/*
 * The two records of the call to /x that dc_client may not send and
 * dc_service may not receive, the querier written as @prefix, @info
 * the record's info= and error= if any.
 */
static void expect_call_records(struct __test_metadata *const _metadata,
				const struct audit_log *log,
				const char *prefix, const char *info,
				pid_t client, pid_t service)
{
	char head[256];

	ASSERT_LE(2, log->n);
	snprintf(head, sizeof(head),
		 "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\"%s profile=\"dc_client\" name=\"org.example.Conn\"",
		 info);
	expect_record(_metadata, log->rec[0], head, prefix, CALL_TAIL, "send",
		      "send", client, service, "dc_service");
	snprintf(head, sizeof(head),
		 "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\"%s profile=\"dc_service\" name=\":1.5\"",
		 info);
	expect_record(_metadata, log->rec[1], head, prefix, CALL_TAIL, "receive",
		      "receive", service, client, "dc_client");
	expect_unique_keys(_metadata, log->rec[0]);
	expect_unique_keys(_metadata, log->rec[1]);
}

/* The records of connection sides name both processes, from the sockets. */
TEST_F(dbus_conn, records_name_the_connections)
{
	struct audit_log log;
	char prefix[128];
	pid_t gone;
	int err;

	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, conn_client_start(&self->service, "dc_service"));
	err = audit_open(&log);
	if (err == -EEXIST)
		SKIP(return, "an audit daemon is running");
	ASSERT_EQ(0, err);
	record_prefix(prefix, sizeof(prefix), getpid());
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND | RECEIVE,
			  CONN("", "", "/x"), self->client.fd,
			  self->service.fd, APPARMOR_DBUS_QUERY_AUDIT,
			  &self->ans));
	audit_collect(&log, 300);
	ASSERT_EQ(2, log.n);
	expect_call_records(_metadata, &log, prefix, "", self->client.pid,
			    self->service.pid);

	/* A client gone since it connected: the record still names it. */
	gone = self->client.pid;
	ASSERT_EQ(0, conn_client_exit(&self->client));
	ASSERT_EQ(0, ask2(self->fd, OP_CALL, SEND, CONN("", "dc_service", "/x"),
			  self->client.fd, -1, APPARMOR_DBUS_QUERY_AUDIT,
			  &self->ans));
	audit_collect(&log, 300);
	audit_close(&log);
	ASSERT_EQ(1, log.n);
	expect_record(_metadata, log.rec[0],
		      "apparmor=\"DENIED\" operation=\"dbus_method_call\" class=\"dbus\" profile=\"dc_client\" name=\"org.example.Conn\"",
		      prefix,
		      " bus=\"session\" path=\"/x\" interface=\"org.example.Iface\" member=\"Call\" requested_mask=\"send\" denied_mask=\"send\" task=%d peer_label=\"dc_service\"",
		      gone);
}

/*
 * A daemon in a pid namespace of its own: the record gives its client's
 * pid as the audit (initial) namespace knows it, not as the daemon does.
 */
TEST_F(dbus_conn, records_use_the_initial_pid_namespace)
{
	struct audit_log log;
	int chan[2], status, err;
	long client_nr = 0, inner_nr = 0, nr[2];
	char want[64];
	pid_t daemon;

	err = audit_open(&log);
	if (err == -EEXIST)
		SKIP(return, "an audit daemon is running");
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, chan));
	daemon = fork();
	ASSERT_LE(0, daemon);
	if (daemon == 0) {
		struct apparmor_dbus_answer ans;
		struct conn_client c;
		pid_t inner;

		close(chan[0]);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		inner = fork();
		if (inner < 0)
			_exit(2);
		if (inner) {
			int st;

			_exit(waitpid(inner, &st, 0) == inner &&
			      WIFEXITED(st) ? WEXITSTATUS(st) : 3);
		}
		/* pid 1 of the new namespace: the daemon. */
		if (conn_client_start(&c, "dc_client"))
			_exit(4);
		if (write(c.fd, "p", 1) != 1 ||
		    read(c.ctl, &nr[0], sizeof(nr[0])) != sizeof(nr[0]))
			_exit(5);
		nr[1] = c.pid;
		if (ask2(self->fd, OP_CALL, SEND, CONN("", "dc_service", "/x"),
			 c.fd, -1, APPARMOR_DBUS_QUERY_AUDIT, &ans))
			_exit(6);
		if (write(chan[1], nr, sizeof(nr)) != sizeof(nr))
			_exit(7);
		conn_client_stop(&c);
		_exit(ans.subject.denied == SEND ? 0 : 8);
	}
	close(chan[1]);
	if (read(chan[0], nr, sizeof(nr)) == sizeof(nr)) {
		client_nr = nr[0];
		inner_nr = nr[1];
	}
	close(chan[0]);
	ASSERT_EQ(daemon, waitpid(daemon, &status, 0));
	audit_collect(&log, 300);
	audit_close(&log);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		SKIP(return, "no pid namespaces here");
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LT(0, client_nr);
	/* The daemon knows its client as 2; audit knows it by another. */
	EXPECT_EQ(2, inner_nr);
	EXPECT_NE(client_nr, inner_nr);
	ASSERT_EQ(1, log.n);
	snprintf(want, sizeof(want), " task=%ld peer_label=", client_nr);
	EXPECT_NE(NULL, strstr(log.rec[0], want))
	{
		TH_LOG("record: %s", log.rec[0]);
	}
}

/*
 * A bus without CAP_AUDIT_WRITE (a user's session bus) has the kernel log
 * decisions about its own connections, and only those: each record says
 * it came from an unprivileged querier, and names it by pid and comm.
 */
TEST_F(dbus_conn, unprivileged_bus_logs_its_connections)
{
	struct audit_log log;
	char prefix[128];
	int status, err;
	pid_t bus;

	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	ASSERT_EQ(0, conn_client_start(&self->service, "dc_service"));
	err = audit_open(&log);
	if (err == -EEXIST)
		SKIP(return, "an audit daemon is running");
	ASSERT_EQ(0, err);
	bus = fork();
	ASSERT_LE(0, bus);
	if (bus == 0) {
		struct apparmor_dbus_answer ans;
		int fd;

		/* Neither the opener nor the writer holds the capability. */
		if (drop_audit_write())
			_exit(1);
		fd = open(DBUS_QUERY_FILE, O_RDWR);
		if (fd < 0)
			_exit(2);
		if (ask2(fd, OP_CALL, SEND | RECEIVE, CONN("", "", "/x"),
			 self->client.fd, self->service.fd,
			 APPARMOR_DBUS_QUERY_AUDIT, &ans) ||
		    ans.error || ans.subject.denied != SEND ||
		    ans.peer.denied != RECEIVE)
			_exit(3);
		/* A signal to no one: the subject is the only party. */
		if (ask2(fd, APPARMOR_DBUS_OP_SIGNAL, SEND,
			 CONN("", "", "/x"), self->client.fd, -1,
			 APPARMOR_DBUS_QUERY_AUDIT, &ans) ||
		    ans.subject.denied != SEND)
			_exit(4);
		/* A party named by a label string is the writer's word. */
		if (ask2(fd, OP_CALL, SEND, CONN("dc_client", "", "/x"), -1,
			 -1, APPARMOR_DBUS_QUERY_AUDIT, &ans) != -EPERM)
			_exit(5);
		if (ask2(fd, OP_CALL, SEND, CONN("", "dc_service", "/x"),
			 self->client.fd, -1, APPARMOR_DBUS_QUERY_AUDIT,
			 &ans) != -EPERM)
			_exit(6);
		/* ABI 1 names parties by label only. */
		if (ask_flags(fd, APPARMOR_DBUS_QUERY_AUDIT) != -EPERM)
			_exit(7);
		/* Without records the same queries are answered. */
		if (ask2(fd, OP_CALL, SEND, CONN("dc_client", "", "/x"), -1,
			 -1, 0, &ans) || ans.subject.denied != SEND)
			_exit(8);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(bus, waitpid(bus, &status, 0));
	audit_collect(&log, 300);
	audit_close(&log);
	EXPECT_EQ(0, WEXITSTATUS(status))
	{
		TH_LOG("the unprivileged bus failed at step %d",
		       WEXITSTATUS(status));
	}
	record_prefix(prefix, sizeof(prefix), bus);
	ASSERT_EQ(3, log.n);
	expect_call_records(_metadata, &log, prefix,
			    " info=\"unprivileged querier\" error=-13",
			    self->client.pid, self->service.pid);
	expect_record(_metadata, log.rec[2],
		      "apparmor=\"DENIED\" operation=\"dbus_signal\" class=\"dbus\" info=\"unprivileged querier\" error=-13 profile=\"dc_client\" name=\"org.example.Conn\"",
		      prefix,
		      " bus=\"session\" path=\"/x\" interface=\"org.example.Iface\" member=\"Call\" requested_mask=\"send\" denied_mask=\"send\" task=%d",
		      self->client.pid);
}

/* Records of an unprivileged bus have a budget per open file. */
#define UNPRIV_FILE_BURST 100
#define UNPRIV_INTERVAL_S 5
#define UNPRIV_TRIES 150

TEST_F(dbus_conn, unprivileged_records_have_a_budget)
{
	struct audit_status before = { }, after = { };
	struct timespec t0, t1;
	struct audit_log log;
	int status, err, total, lost;
	double elapsed;
	pid_t bus;

	ASSERT_EQ(0, conn_client_start(&self->client, "dc_client"));
	err = audit_open(&log);
	if (err == -EEXIST)
		SKIP(return, "an audit daemon is running");
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, audit_request(log.fd, AUDIT_GET, &before));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bus = fork();
	ASSERT_LE(0, bus);
	if (bus == 0) {
		struct apparmor_dbus_answer ans;
		int fd, i;

		if (drop_audit_write())
			_exit(1);
		fd = open(DBUS_QUERY_FILE, O_RDWR);
		if (fd < 0)
			_exit(2);
		/*
		 * Every query is answered, past the budget too. Paced so
		 * that audit's own backlog rarely overflows.
		 */
		for (i = 0; i < UNPRIV_TRIES; i++) {
			if (ask2(fd, OP_CALL, SEND, CONN("", "", "/x"),
				 self->client.fd, -1,
				 APPARMOR_DBUS_QUERY_AUDIT, &ans) ||
			    ans.subject.denied != SEND)
				_exit(3);
			usleep(2000);
		}
		close(fd);
		_exit(0);
	}
	/*
	 * Read while the bus writes: past audit's backlog a writer waits
	 * for the audit daemon to read.
	 */
	total = 0;
	do {
		audit_collect(&log, 300);
		total += log.total;
	} while (waitpid(bus, &status, WNOHANG) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	audit_collect(&log, 300);
	total += log.total;
	ASSERT_EQ(0, audit_request(log.fd, AUDIT_GET, &after));
	audit_close(&log);
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* What audit itself dropped past its backlog (any record type). */
	lost = after.lost - before.lost;
	elapsed = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	TH_LOG("%d audited refusals in %.1f s: %d records, %d lost by audit",
	       UNPRIV_TRIES, elapsed, total, lost);
	if (elapsed < UNPRIV_INTERVAL_S) {
		EXPECT_GE(UNPRIV_FILE_BURST, total);
		EXPECT_LE(UNPRIV_FILE_BURST, total + lost);
	} else {
		EXPECT_GE(UNPRIV_FILE_BURST *
			  (1 + (int)(elapsed / UNPRIV_INTERVAL_S)), total);
	}
}

TEST_HARNESS_MAIN
