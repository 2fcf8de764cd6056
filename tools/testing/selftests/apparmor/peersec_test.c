// SPDX-License-Identifier: GPL-2.0
/*
 * AppArmor tests - SO_PEERSEC on AF_UNIX stream sockets
 *
 * The label strings are asserted byte for byte: they are what
 * libapparmor's aa_getpeercon() parses and what dbus-daemon and
 * dbus-broker use to name their clients.
 */

#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common.h"

#define PROFILE_A "selftest_peersec_a"
#define PROFILE_B "selftest_peersec_b"
#define LABEL_A_ENFORCE PROFILE_A " (enforce)"

#define RULES "  file,\n  network,\n  capability,\n  signal,\n"

static const char policy[] =
	"profile " PROFILE_A " {\n" RULES
	"  change_profile -> " PROFILE_B ",\n"
	"}\n"
	"profile " PROFILE_B " {\n" RULES "}\n";

static const char policy_a_complain[] =
	"profile " PROFILE_A " flags=(complain) {\n" RULES "}\n";

/**
 * struct peer_answer - one SO_PEERSEC result, passed from child to parent
 * @err: errno of getsockopt(), 0 on success
 * @label: the label string, NUL-terminated
 */
struct peer_answer {
	int err;
	char label[256];
};

static void get_peer_label(int fd, struct peer_answer *ans)
{
	socklen_t len = sizeof(ans->label) - 1;

	memset(ans, 0, sizeof(*ans));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERSEC, ans->label, &len))
		ans->err = errno;
	else
		ans->label[len] = '\0';
}

static int send_answer(int pipe_fd, int sock_fd)
{
	struct peer_answer ans;

	get_peer_label(sock_fd, &ans);
	return write(pipe_fd, &ans, sizeof(ans)) == sizeof(ans) ? 0 : 1;
}

static int recv_answer(int pipe_fd, struct peer_answer *ans)
{
	return read(pipe_fd, ans, sizeof(*ans)) == sizeof(*ans) ? 0 : -1;
}

/* A byte through a pipe: the other process may go on. */
static int signal_peer(int fd)
{
	return write(fd, "", 1) == 1 ? 0 : -1;
}

static int wait_peer(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : -1;
}

FIXTURE(peersec)
{
	struct sockaddr_un addr;
	socklen_t addrlen;
	/* child -> parent: answers and readiness */
	int up[2];
	/* parent -> child: go on */
	int down[2];
};

FIXTURE_SETUP(peersec)
{
	int len;

	if (!aa_available())
		SKIP(return, "AppArmor policy cannot be loaded here");
	ASSERT_EQ(0, aa_load_policy(policy));

	/* Abstract names need no file access from the confined side. */
	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sun_family = AF_UNIX;
	len = snprintf(self->addr.sun_path + 1, sizeof(self->addr.sun_path) - 1,
		       "selftest-peersec-%d", getpid());
	self->addrlen = offsetof(struct sockaddr_un, sun_path) + 1 + len;
	ASSERT_EQ(0, pipe(self->up));
	ASSERT_EQ(0, pipe(self->down));
}

FIXTURE_TEARDOWN(peersec)
{
	if (!aa_available())
		return;
	EXPECT_EQ(0, aa_remove_policy(policy));
}

static int listen_on(const struct sockaddr_un *addr, socklen_t addrlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (const struct sockaddr *)addr, addrlen) ||
	    listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_to(const struct sockaddr_un *addr, socklen_t addrlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)addr, addrlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void expect_label(struct __test_metadata *const _metadata, int fd,
			 const char *want)
{
	struct peer_answer ans;

	get_peer_label(fd, &ans);
	ASSERT_EQ(0, ans.err)
	{
		TH_LOG("SO_PEERSEC failed: %s", strerror(ans.err));
	}
	EXPECT_STREQ(want, ans.label);
}

static void expect_answer(struct __test_metadata *const _metadata, int pipe_fd,
			  const char *want)
{
	struct peer_answer ans;

	ASSERT_EQ(0, recv_answer(pipe_fd, &ans))
	{
		TH_LOG("the child sent no answer");
	}
	ASSERT_EQ(0, ans.err)
	{
		TH_LOG("SO_PEERSEC in the child failed: %s", strerror(ans.err));
	}
	EXPECT_STREQ(want, ans.label);
}

static void expect_child_ok(struct __test_metadata *const _metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(peersec, socketpair_unconfined)
{
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_label(_metadata, sv[0], "unconfined");
	expect_label(_metadata, sv[1], "unconfined");
	close(sv[0]);
	close(sv[1]);
}

TEST_F(peersec, socketpair_confined)
{
	pid_t pid = fork();
	int sv[2];

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (aa_change_profile(PROFILE_A) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(1);
		_exit(send_answer(self->up[1], sv[0]) |
		      send_answer(self->up[1], sv[1]));
	}
	expect_answer(_metadata, self->up[0], LABEL_A_ENFORCE);
	expect_answer(_metadata, self->up[0], LABEL_A_ENFORCE);
	expect_child_ok(_metadata, pid);
}

/*
 * In a child: connect to @addr under PROFILE_A, entered before socket()
 * or between socket() and connect(), and report the server's label.
 */
static void connect_as_a(const struct sockaddr_un *addr, socklen_t addrlen,
			 bool enter_first, int up)
{
	int fd = enter_first ? -1 : socket(AF_UNIX, SOCK_STREAM, 0);

	if (aa_change_profile(PROFILE_A))
		_exit(1);
	if (enter_first)
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, addrlen))
		_exit(2);
	_exit(send_answer(up, fd));
}

/* Accept a client started with connect_as_a() and check both labels. */
static void expect_client(struct __test_metadata *const _metadata,
			  FIXTURE_DATA(peersec) * self, bool enter_first,
			  const char *want)
{
	int srv, conn;
	pid_t pid;

	srv = listen_on(&self->addr, self->addrlen);
	ASSERT_LE(0, srv);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		connect_as_a(&self->addr, self->addrlen, enter_first,
			     self->up[1]);
	conn = accept(srv, NULL, NULL);
	ASSERT_LE(0, conn);
	expect_label(_metadata, conn, want);
	expect_answer(_metadata, self->up[0], "unconfined");
	expect_child_ok(_metadata, pid);
	close(conn);
	close(srv);
}

TEST_F(peersec, confined_client)
{
	expect_client(_metadata, self, true, LABEL_A_ENFORCE);
}

TEST_F(peersec, confined_server)
{
	pid_t pid;
	int fd;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int srv, conn;

		if (aa_change_profile(PROFILE_A))
			_exit(1);
		srv = listen_on(&self->addr, self->addrlen);
		if (srv < 0 || signal_peer(self->up[1]))
			_exit(2);
		conn = accept(srv, NULL, NULL);
		if (conn < 0)
			_exit(3);
		_exit(send_answer(self->up[1], conn));
	}
	ASSERT_EQ(0, wait_peer(self->up[0]));
	fd = connect_to(&self->addr, self->addrlen);
	ASSERT_LE(0, fd);
	expect_label(_metadata, fd, LABEL_A_ENFORCE);
	expect_answer(_metadata, self->up[0], "unconfined");
	expect_child_ok(_metadata, pid);
	close(fd);
}

/*
 * As with SO_PEERCRED, the client learns who set up the listening socket,
 * not who happens to accept() on it later.
 */
TEST_F(peersec, listener_changes_profile_before_accept)
{
	pid_t pid;
	int fd;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int srv, conn;

		if (aa_change_profile(PROFILE_A))
			_exit(1);
		srv = listen_on(&self->addr, self->addrlen);
		if (srv < 0 || aa_change_profile(PROFILE_B) ||
		    signal_peer(self->up[1]))
			_exit(2);
		conn = accept(srv, NULL, NULL);
		if (conn < 0)
			_exit(3);
		_exit(send_answer(self->up[1], conn));
	}
	ASSERT_EQ(0, wait_peer(self->up[0]));
	fd = connect_to(&self->addr, self->addrlen);
	ASSERT_LE(0, fd);
	expect_label(_metadata, fd, LABEL_A_ENFORCE);
	expect_answer(_metadata, self->up[0], "unconfined");
	expect_child_ok(_metadata, pid);
	close(fd);
}

/*
 * The accepting side learns the label the connecting socket was created
 * with, not the one its task has when it calls connect().
 */
TEST_F(peersec, client_changes_profile_after_socket)
{
	expect_client(_metadata, self, false, "unconfined");
}

/*
 * The label recorded at connect time is what SO_PEERSEC reports, as with
 * SO_PEERCRED: replacing the peer's profile does not change the answer.
 */
TEST_F(peersec, peer_profile_replaced)
{
	int srv, conn;
	pid_t pid;

	srv = listen_on(&self->addr, self->addrlen);
	ASSERT_LE(0, srv);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (aa_change_profile(PROFILE_A))
			_exit(1);
		fd = connect_to(&self->addr, self->addrlen);
		if (fd < 0)
			_exit(2);
		/* Hold the connection until the parent is done. */
		_exit(wait_peer(self->down[0]) ? 3 : 0);
	}
	conn = accept(srv, NULL, NULL);
	ASSERT_LE(0, conn);
	expect_label(_metadata, conn, LABEL_A_ENFORCE);
	ASSERT_EQ(0, aa_load_policy(policy_a_complain));
	expect_label(_metadata, conn, LABEL_A_ENFORCE);
	ASSERT_EQ(0, signal_peer(self->down[1]));
	expect_child_ok(_metadata, pid);
	/* Still answers after the peer has gone. */
	expect_label(_metadata, conn, LABEL_A_ENFORCE);
	close(conn);
	close(srv);
}

TEST_F(peersec, peer_closed)
{
	int srv, conn;
	pid_t pid;

	srv = listen_on(&self->addr, self->addrlen);
	ASSERT_LE(0, srv);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (aa_change_profile(PROFILE_A))
			_exit(1);
		_exit(connect_to(&self->addr, self->addrlen) < 0 ? 2 : 0);
	}
	expect_child_ok(_metadata, pid);
	conn = accept(srv, NULL, NULL);
	ASSERT_LE(0, conn);
	expect_label(_metadata, conn, LABEL_A_ENFORCE);
	close(conn);
	close(srv);
}

TEST_F(peersec, not_connected)
{
	char label[64];
	socklen_t len = sizeof(label);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, getsockopt(fd, SOL_SOCKET, SO_PEERSEC, label, &len));
	ASSERT_EQ(ENOPROTOOPT, errno);
	close(fd);
}

TEST_F(peersec, short_buffer)
{
	char label[4];
	socklen_t len = sizeof(label);
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(-1, getsockopt(sv[0], SOL_SOCKET, SO_PEERSEC, label, &len));
	ASSERT_EQ(ERANGE, errno);
	/* The length needed, without a terminating NUL. */
	EXPECT_EQ(strlen("unconfined"), len);
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
