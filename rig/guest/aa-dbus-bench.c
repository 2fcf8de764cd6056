// SPDX-License-Identifier: GPL-2.0
/*
 * aa-dbus-bench - what a bus daemon pays per message when it asks through
 * libapparmor's aa_dbus(3) handle, for make bench, in the format of
 * samples/apparmor/dbus_bench and about the same message, so that the
 * same boot compares the library with the hand-built requests:
 *
 *   hand      what a daemon without the library does per message: build
 *             the .dbus request by hand, both sides by label, write it and
 *             read the answer (dbus_bench's dbus writes one prepared request)
 *   lib       aa_dbus_query(), both sides named by label
 *   libconn   the same, both sides named by socket (ABI 2) (dbus_bench: conn)
 *   libcache  the same by label with AA_DBUS_CACHE, answered from the
 *             cache                                       (dbus_bench: status)
 *
 *   aa-dbus-bench [-n MESSAGES] [-r REPEATS] SENDER_LABEL RECEIVER_LABEL
 *
 * Prints "RESULT path=P median_ns=M min_ns=A max_ns=B syscalls=S" per path.
 */

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/apparmor.h>
#include <sys/apparmor.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPEATS 64

/* The guest clock: under -icount, guest instructions */
static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_nsec + 1000000000LL * t.tv_sec;
}

/*
 * A connection accepted from a process in profile @label, as a bus daemon
 * accepts its clients. The client may exit: the connection keeps the label
 * it connected with.
 */
static int connection_as(const char *label)
{
	struct sockaddr_un addr;
	socklen_t len = sizeof(sa_family_t);
	int listener, fd, status;
	pid_t pid;

	/* an abstract address the kernel picks (autobind) */
	listener = socket(AF_UNIX, SOCK_STREAM, 0);
	addr.sun_family = AF_UNIX;
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, len) ||
	    listen(listener, 1))
		err(1, "listener");
	len = sizeof(addr);
	if (getsockname(listener, (struct sockaddr *)&addr, &len))
		err(1, "getsockname");
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);

		_exit(aa_change_profile(label) < 0 || c < 0 ||
		      connect(c, (struct sockaddr *)&addr, len));
	}
	fd = accept(listener, NULL, NULL);
	close(listener);
	if (fd < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "no connection as %s\n", label);
		exit(1);
	}
	return fd;
}

/* The strings of @q in wire order (enum apparmor_dbus_field) */
static void wire_fields(const struct aa_dbus_query *q, const char *f[APPARMOR_DBUS_FIELD_COUNT])
{
	f[APPARMOR_DBUS_FIELD_SUBJECT_LABEL] = q->subject.label;
	f[APPARMOR_DBUS_FIELD_PEER_LABEL] = q->peer.label;
	f[APPARMOR_DBUS_FIELD_BUS] = q->bus;
	f[APPARMOR_DBUS_FIELD_SUBJECT_NAME] = q->subject_name;
	f[APPARMOR_DBUS_FIELD_PEER_NAME] = q->peer_name;
	f[APPARMOR_DBUS_FIELD_PATH] = q->path;
	f[APPARMOR_DBUS_FIELD_INTERFACE] = q->interface;
	f[APPARMOR_DBUS_FIELD_MEMBER] = q->member;
}

/* Nanoseconds per message of @n hand-built requests for @q on @fd (ABI 2) */
static long long run_hand(int fd, const struct aa_dbus_query *q, int n)
{
	static union {
		struct apparmor_dbus_query_hdr hdr;
		char bytes[APPARMOR_DBUS_QUERY_MAX_SIZE];
	} req;
	struct apparmor_dbus_query2 *w = (void *)(req.bytes + sizeof(req.hdr));
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
	struct apparmor_dbus_answer ans;
	long long start = now_ns();
	size_t len, size, k;
	int i, j;

	for (i = 0; i < n; i++) {
		wire_fields(q, f);
		for (j = 0, len = 0; j < APPARMOR_DBUS_FIELD_COUNT; j++) {
			k = strlen(f[j]) + 1;
			memcpy(w->strings + len, f[j], k);
			len += k;
		}
		size = (sizeof(*w) + len + 7) & ~(size_t)7;
		memset(w->strings + len, 0, size - sizeof(*w) - len);
		w->size = size;
		w->op = APPARMOR_DBUS_OP_METHOD_CALL;
		w->request = q->request;
		w->flags = 0;
		w->subject_fd = -1;
		w->peer_fd = -1;
		req.hdr.abi = 2;
		req.hdr.flags = 0;
		req.hdr.count = 1;
		req.hdr.size = sizeof(req.hdr) + size;
		if (write(fd, req.bytes, req.hdr.size) != (ssize_t)req.hdr.size ||
		    read(fd, &ans, sizeof(ans)) != sizeof(ans) || ans.error)
			err(1, "hand-built query");
	}
	return (now_ns() - start) / n;
}

/* Nanoseconds per message of @n queries of @q */
static long long run(aa_dbus *dbus, const struct aa_dbus_query *q, int n)
{
	struct aa_dbus_answer a;
	long long start = now_ns();
	int i;

	for (i = 0; i < n; i++)
		if (aa_dbus_query(dbus, q, &a) < 0)
			err(1, "aa_dbus_query");
	return (now_ns() - start) / n;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* @flags: of aa_dbus_new(), or -1 for the hand-built requests */
static void report(const char *path, int flags, const struct aa_dbus_query *q,
		   int messages, int repeats, double syscalls)
{
	long long t[MAX_REPEATS];
	aa_dbus *dbus = NULL;
	int i, fd = -1;

	if (flags < 0)
		fd = open("/sys/kernel/security/apparmor/.dbus", O_RDWR | O_CLOEXEC);
	if (flags < 0 ? fd < 0 : aa_dbus_new(&dbus, flags) < 0)
		err(1, "%s", path);
	/* the first run warms caches (and the answer cache) */
	for (i = -1; i < repeats; i++) {
		long long ns = dbus ? run(dbus, q, messages) : run_hand(fd, q, messages);

		if (i >= 0)
			t[i] = ns;
	}
	aa_dbus_unref(dbus);
	if (fd >= 0)
		close(fd);
	qsort(t, repeats, sizeof(t[0]), cmp_ll);
	printf("RESULT path=%s median_ns=%lld min_ns=%lld max_ns=%lld syscalls=%.3f\n",
	       path, t[repeats / 2], t[0], t[repeats - 1], syscalls);
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	struct aa_dbus_query q = {
		.op = AA_DBUS_OP_METHOD_CALL,
		.request = AA_DBUS_SEND | AA_DBUS_RECEIVE,
		.bus = "session",
		.subject_name = ":1.42",
		.peer_name = "org.example.Bench",
		.path = "/org/example/Bench",
		.interface = "org.example.Bench",
		.member = "Ping",
		.subject.fd = -1,
		.peer.fd = -1,
	};
	int opt, messages = 2000, repeats = 7;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			messages = atoi(optarg);
		else if (opt == 'r')
			repeats = atoi(optarg);
		else
			return 2;
	}
	if (argc - optind != 2 || messages < 1 || repeats < 1 || repeats > MAX_REPEATS) {
		fprintf(stderr, "usage: %s [-n messages] [-r repeats] SENDER_LABEL RECEIVER_LABEL\n",
			argv[0]);
		return 2;
	}
	q.subject.label = argv[optind];
	q.peer.label = argv[optind + 1];

	report("hand", -1, &q, messages, repeats, 2);
	report("lib", 0, &q, messages, repeats, 2);
	report("libcache", AA_DBUS_CACHE, &q, messages, repeats, 0);
	q.subject.label = q.peer.label = NULL;
	q.subject.fd = connection_as(argv[optind]);
	q.peer.fd = connection_as(argv[optind + 1]);
	report("libconn", 0, &q, messages, repeats, 2);
	return 0;
}
