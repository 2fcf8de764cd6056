/* Smoke test for the ABI 2 WIP: one query per descriptor kind. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/apparmor.h>

static int ask(int dq, int subject_fd, const char *subj_label)
{
	unsigned char buf[512] __attribute__((aligned(8)));
	struct apparmor_dbus_query_hdr *h = (void *)buf;
	struct apparmor_dbus_query2 *q = (void *)(buf + sizeof(*h));
	const char *f[APPARMOR_DBUS_FIELD_COUNT] = {
		subj_label, "", "system", ":1.1", "org.example.Demo",
		"/org/example", "org.example.Demo", "Hello" };
	size_t off = 0, i;
	struct apparmor_dbus_answer a;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		strcpy(q->strings + off, f[i]);
		off += strlen(f[i]) + 1;
	}
	q->size = (sizeof(*q) + off + 7) & ~7u;
	q->op = APPARMOR_DBUS_OP_METHOD_CALL;
	q->request = APPARMOR_DBUS_SEND;
	q->subject_fd = subject_fd;
	q->peer_fd = -1;
	h->abi = 2;
	h->count = 1;
	h->size = sizeof(*h) + q->size;
	if (write(dq, buf, h->size) != h->size)
		return -1000 - errno;
	if (read(dq, &a, sizeof(a)) != sizeof(a))
		return -2000 - errno;
	printf("  error=%u gen=%llu denied=0x%x allow=0x%x\n", a.error,
	       (unsigned long long)a.generation, a.subject.denied,
	       a.subject.allow);
	return a.error;
}

#define CHECK(name, got, want) do { int g_ = (got); \
	printf("%s %s: got %d want %d\n", g_ == (want) ? "ok" : "not ok", name, g_, want); } while (0)

int main(void)
{
	int dq = open("/sys/kernel/security/apparmor/.dbus", O_RDWR);
	int sv[2], s, l, d;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (dq < 0) { perror("open .dbus"); return 1; }
	printf("abi: "); fflush(stdout);
	system("cat /sys/kernel/security/apparmor/features/query/dbus/abi");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK("socketpair", ask(dq, sv[0], ""), 0);
	CHECK("label side still works", ask(dq, -1, "unconfined"), 0);
	CHECK("both named: EINVAL", ask(dq, sv[0], "unconfined"), -1000 - EINVAL);
	CHECK("fd -2: EINVAL", ask(dq, -2, ""), -1000 - EINVAL);
	CHECK("closed fd: EBADF", ask(dq, 999, ""), EBADF);
	CHECK("not a socket: ENOTSOCK", ask(dq, dq, ""), ENOTSOCK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK("AF_INET: EAFNOSUPPORT", ask(dq, s, ""), EAFNOSUPPORT);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK("dgram: EPROTOTYPE", ask(dq, d, ""), EPROTOTYPE);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK("unconnected: ENOTCONN", ask(dq, s, ""), ENOTCONN);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(addr.sun_path, "/tmp/smoke.sock");
	bind(l, (void *)&addr, sizeof(addr));
	listen(l, 4);
	CHECK("listening: EDESTADDRREQ", ask(dq, l, ""), EDESTADDRREQ);
	if (fork() == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		connect(c, (void *)&addr, sizeof(addr));
		_exit(0);
	}
	wait(NULL);
	s = accept(l, NULL, NULL);
	CHECK("accepted, client exited: answered", ask(dq, s, ""), 0);
	return 0;
}
