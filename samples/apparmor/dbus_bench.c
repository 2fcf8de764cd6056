// SPDX-License-Identifier: GPL-2.0
/*
 * What it costs a bus daemon to ask AppArmor about one D-Bus message,
 * both sides (the sender's send and the receiver's receive), five ways:
 *
 *   stock  two aa_query_label()-style queries on .access, each with its
 *          own open, write, read and close
 *   kept   the same two queries on one .access descriptor kept open
 *   dbus   one .dbus query answering both sides
 *   conn   the same query with both sides named by the daemon's socket
 *          to each (ABI 2), as a daemon that names connections asks:
 *          sockets whose other ends were made by processes in the two
 *          labels
 *   batch  .dbus queries BATCH messages to a write
 *   floor  the .dbus round trip for a query the kernel answers without
 *          matching anything (unconfined labels)
 *   status what a daemon that caches answers pays per message to learn
 *          that policy did not change: a read of the mapped status page
 *
 *   dbus_bench [-n MESSAGES] [-r REPEATS] [-b BATCH] [-l FIELD_BYTES]
 *              [-p PATH,...] SENDER_LABEL RECEIVER_LABEL
 *
 * -l makes path, interface and member FIELD_BYTES long together; -p
 * limits the run to the paths named.
 *
 * Each line of output is "RESULT path=P median_ns=M min_ns=A max_ns=B
 * syscalls=S": nanoseconds per message over REPEATS runs of MESSAGES
 * messages, and system calls per message. "conn" needs a kernel that
 * answers ABI 2, and labels whose processes may use AF_UNIX sockets.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/apparmor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ACCESS "/sys/kernel/security/apparmor/.access"
#define DBUS "/sys/kernel/security/apparmor/.dbus"
#define STATUS "/sys/kernel/security/apparmor/.status"
#define DBUS_ABI "/sys/kernel/security/apparmor/features/query/dbus/abi"
#define MAX_REPEATS 64

/**
 * struct request - a .dbus request being built
 * @hdr: its header
 * @buf: the whole request, header included
 * @len: bytes used in @buf
 */
struct request {
	union {
		struct apparmor_dbus_query_hdr hdr;
		unsigned char buf[APPARMOR_DBUS_QUERY_MAX_SIZE];
	};
	size_t len;
};

/**
 * struct message - the D-Bus message every path asks about
 * @f: the strings, in enum apparmor_dbus_field order
 */
struct message {
	const char *f[APPARMOR_DBUS_FIELD_COUNT];
};

/**
 * struct bench - prepared requests and settings
 * @msg: the message as asked about by the real labels
 * @stock_send: .access query for the sender's send
 * @stock_send_len: its length
 * @stock_recv: .access query for the receiver's receive
 * @stock_recv_len: its length
 * @one: .dbus request for one message
 * @batch: .dbus request for @batch_n messages
 * @floor: .dbus request with unconfined labels
 * @conn: .dbus request for one message, both sides named by socket
 * @batch_n: messages per batched write
 * @messages: messages per run
 * @repeats: runs per path
 */
struct bench {
	struct message msg;
	char stock_send[8192], stock_recv[8192];
	size_t stock_send_len, stock_recv_len;
	struct request one, batch, floor, conn;
	int batch_n, messages, repeats;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "label\0" LABEL "\0" 0x20 then the six fields in @order, NUL-separated. */
static size_t build_label_query(char *buf, const struct message *m,
				int label, const int order[6])
{
	size_t len = 0;
	int i;

	memcpy(buf, "label", 6);
	len = 6;
	len += sprintf(buf + len, "%s", m->f[label]) + 1;
	buf[len++] = 0x20;
	for (i = 0; i < 6; i++) {
		if (i)
			buf[len++] = '\0';
		len += sprintf(buf + len, "%s", m->f[order[i]]);
	}
	return len;
}

static void request_init(struct request *r, unsigned int abi)
{
	memset(r, 0, sizeof(*r));
	r->hdr.abi = abi;
	r->len = sizeof(r->hdr);
	r->hdr.size = r->len;
}

/*
 * Append a query about both sides of @m: the eight strings, each with its
 * NUL, then zeros up to a multiple of 8 bytes. A request over the
 * kernel's limit is fatal.
 */
static void add_query(struct request *r, const struct message *m)
{
	struct apparmor_dbus_query *q = (void *)(r->buf + r->len);
	size_t size = sizeof(*q), off = 0;
	int i;

	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++)
		size += strlen(m->f[i]) + 1;
	size = (size + 7) & ~(size_t)7;
	if (r->len + size > sizeof(r->buf)) {
		fprintf(stderr, "request over %d bytes\n",
			APPARMOR_DBUS_QUERY_MAX_SIZE);
		exit(2);
	}
	q->size = size;
	q->op = APPARMOR_DBUS_OP_METHOD_CALL;
	q->request = APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE;
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++)
		off += sprintf(q->strings + off, "%s", m->f[i]) + 1;
	r->len += size;
	r->hdr.count++;
	r->hdr.size = r->len;
}

static void prepare(struct bench *b, int batch)
{
	static const int send_order[6] = {
		APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_PEER_NAME,
		APPARMOR_DBUS_FIELD_PEER_LABEL, APPARMOR_DBUS_FIELD_PATH,
		APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
	};
	static const int recv_order[6] = {
		APPARMOR_DBUS_FIELD_BUS, APPARMOR_DBUS_FIELD_SUBJECT_NAME,
		APPARMOR_DBUS_FIELD_SUBJECT_LABEL, APPARMOR_DBUS_FIELD_PATH,
		APPARMOR_DBUS_FIELD_INTERFACE, APPARMOR_DBUS_FIELD_MEMBER,
	};
	struct message floor = b->msg;
	int i;

	b->stock_send_len = build_label_query(b->stock_send, &b->msg,
					      APPARMOR_DBUS_FIELD_SUBJECT_LABEL,
					      send_order);
	b->stock_recv_len = build_label_query(b->stock_recv, &b->msg,
					      APPARMOR_DBUS_FIELD_PEER_LABEL,
					      recv_order);
	request_init(&b->one, 1);
	add_query(&b->one, &b->msg);
	request_init(&b->batch, 1);
	for (i = 0; batch && i < b->batch_n; i++)
		add_query(&b->batch, &b->msg);
	floor.f[APPARMOR_DBUS_FIELD_SUBJECT_LABEL] = "unconfined";
	floor.f[APPARMOR_DBUS_FIELD_PEER_LABEL] = "unconfined";
	request_init(&b->floor, 1);
	add_query(&b->floor, &floor);
}

/* The highest ABI of the query the kernel answers, 0 if none. */
static unsigned long kernel_abi(void)
{
	char buf[16] = "";
	int fd = open(DBUS_ABI, O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strtoul(buf, NULL, 10);
}

/*
 * A socket whose other end a process in profile @label made: a child
 * moves to @label, makes a socketpair and hands one end over, as a client
 * would connect to the daemon.
 */
static int connection_as(const char *label)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { }, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int chan[2], status, fd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, chan))
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char cmd[256];
		int sv[2], len, attr;

		len = snprintf(cmd, sizeof(cmd), "changeprofile %s", label);
		attr = open("/proc/self/attr/current", O_WRONLY);
		if (attr < 0 || write(attr, cmd, len) != len ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(1);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &sv[0], sizeof(int));
		_exit(sendmsg(chan[1], &msg, 0) == 1 ? 0 : 2);
	}
	if (recvmsg(chan[0], &msg, 0) == 1) {
		cmsg = CMSG_FIRSTHDR(&msg);
		if (cmsg && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	}
	close(chan[0]);
	close(chan[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || fd < 0) {
		fprintf(stderr, "no connection as %s\n", label);
		exit(1);
	}
	return fd;
}

/* The one-message request with each side named by its connection. */
static void prepare_conn(struct bench *b)
{
	struct message m = b->msg;
	struct apparmor_dbus_query2 *q;

	m.f[APPARMOR_DBUS_FIELD_SUBJECT_LABEL] = "";
	m.f[APPARMOR_DBUS_FIELD_PEER_LABEL] = "";
	request_init(&b->conn, 2);
	add_query(&b->conn, &m);
	q = (void *)(b->conn.buf + sizeof(b->conn.hdr));
	q->subject_fd = connection_as(b->msg.f[APPARMOR_DBUS_FIELD_SUBJECT_LABEL]);
	q->peer_fd = connection_as(b->msg.f[APPARMOR_DBUS_FIELD_PEER_LABEL]);
}

static void round_trip(int fd, const void *req, size_t len, void *ans,
		       size_t size)
{
	if (pwrite(fd, req, len, 0) != (ssize_t)len)
		die("write");
	if (pread(fd, ans, size, 0) <= 0)
		die("read");
}

/* The policy generation on the mapped status page, as the uapi says. */
static __u64 status_generation(const struct apparmor_status *st)
{
	__u32 seq;
	__u64 gen;

	do {
		seq = __atomic_load_n(&st->sequence, __ATOMIC_ACQUIRE);
		gen = st->generation;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) ||
		 seq != __atomic_load_n(&st->sequence, __ATOMIC_RELAXED));
	return gen;
}

/* One message the stock way: two queries, each with its own descriptor. */
static void stock_query(const char *req, size_t len)
{
	char ans[256];
	int fd = open(ACCESS, O_RDWR);

	if (fd < 0)
		die("open .access");
	if (write(fd, req, len) != (ssize_t)len || read(fd, ans, sizeof(ans)) <= 0)
		die(".access");
	close(fd);
}

/**
 * run - time one path
 * @b: prepared requests
 * @path: which path
 *
 * Returns: nanoseconds per message for one run of @b->messages messages
 */
static long long run(struct bench *b, const char *path)
{
	struct apparmor_dbus_answer ans[APPARMOR_DBUS_QUERY_MAX_BATCH];
	int access_fd = open(ACCESS, O_RDWR), dbus_fd = open(DBUS, O_RDWR);
	const struct apparmor_status *st = NULL;
	__u64 gen = 0, moved = 0;
	long long start;
	int i;

	if (access_fd < 0 || dbus_fd < 0)
		die("open");
	if (!strcmp(path, "status")) {
		int fd = open(STATUS, O_RDONLY);

		st = fd < 0 ? MAP_FAILED :
			      mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED,
				   fd, 0);
		if (st == MAP_FAILED)
			die("map .status");
		close(fd);
		gen = status_generation(st);
	}
	start = now_ns();
	for (i = 0; i < b->messages; i++) {
		if (!strcmp(path, "stock")) {
			stock_query(b->stock_send, b->stock_send_len);
			stock_query(b->stock_recv, b->stock_recv_len);
		} else if (!strcmp(path, "kept")) {
			round_trip(access_fd, b->stock_send, b->stock_send_len,
				   ans, sizeof(ans));
			round_trip(access_fd, b->stock_recv, b->stock_recv_len,
				   ans, sizeof(ans));
		} else if (!strcmp(path, "dbus")) {
			round_trip(dbus_fd, b->one.buf, b->one.len, ans,
				   sizeof(ans));
		} else if (!strcmp(path, "conn")) {
			round_trip(dbus_fd, b->conn.buf, b->conn.len, ans,
				   sizeof(ans));
		} else if (!strcmp(path, "batch")) {
			if (i % b->batch_n == 0)
				round_trip(dbus_fd, b->batch.buf, b->batch.len,
					   ans, sizeof(ans));
		} else if (st) {
			moved += status_generation(st) != gen;
		} else {
			round_trip(dbus_fd, b->floor.buf, b->floor.len, ans,
				   sizeof(ans));
		}
	}
	start = now_ns() - start;
	if (st)
		munmap((void *)st, getpagesize());
	if (moved)
		fprintf(stderr, "policy changed while measuring\n");
	close(access_fd);
	close(dbus_fd);
	return start / b->messages;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void report(struct bench *b, const char *path, double syscalls)
{
	long long t[MAX_REPEATS];
	int i;

	run(b, path);	/* warm caches */
	for (i = 0; i < b->repeats; i++)
		t[i] = run(b, path);
	qsort(t, b->repeats, sizeof(t[0]), cmp_ll);
	printf("RESULT path=%s median_ns=%lld min_ns=%lld max_ns=%lld syscalls=%.3f\n",
	       path, t[b->repeats / 2], t[0], t[b->repeats - 1], syscalls);
	fflush(stdout);
}

/* A field of @n bytes: "org.example." padded with 'x'. */
static char *long_field(const char *prefix, int n)
{
	char *s = malloc(n + 1);
	int len = strlen(prefix);

	if (!s)
		die("malloc");
	memset(s, 'x', n);
	memcpy(s, prefix, len < n ? len : n);
	s[n] = '\0';
	return s;
}

/* Is @path in the comma-separated @list? */
static int wanted(const char *list, const char *path)
{
	size_t n = strlen(path);

	for (;;) {
		if (!strncmp(list, path, n) && (list[n] == ',' || !list[n]))
			return 1;
		list = strchr(list, ',');
		if (!list)
			return 0;
		list++;
	}
}

int main(int argc, char *argv[])
{
	struct bench *b = calloc(1, sizeof(*b));
	const char *paths = "stock,kept,dbus,conn,batch,floor,status";
	int opt, field_bytes = 0;

	if (!b)
		die("calloc");
	b->messages = 2000;
	b->repeats = 7;
	b->batch_n = 16;
	while ((opt = getopt(argc, argv, "n:r:b:l:p:")) != -1) {
		switch (opt) {
		case 'n':
			b->messages = atoi(optarg);
			break;
		case 'r':
			b->repeats = atoi(optarg);
			break;
		case 'b':
			b->batch_n = atoi(optarg);
			break;
		case 'l':
			field_bytes = atoi(optarg);
			break;
		case 'p':
			paths = optarg;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2 || b->messages < 1 || b->repeats < 1 ||
	    b->repeats > MAX_REPEATS || b->batch_n < 1 ||
	    b->batch_n > APPARMOR_DBUS_QUERY_MAX_BATCH ||
	    (wanted(paths, "batch") && b->messages % b->batch_n)) {
		fprintf(stderr,
			"usage: %s [-n messages] [-r repeats] [-b batch] [-l field_bytes] [-p path,...] SENDER_LABEL RECEIVER_LABEL\n",
			argv[0]);
		return 2;
	}

	b->msg = (struct message){ {
		argv[optind], argv[optind + 1], "session", ":1.42",
		"org.example.Bench", "/org/example/Bench", "org.example.Bench",
		"Ping",
	} };
	/* Longer queries: path, interface and member share the bytes. */
	if (field_bytes) {
		b->msg.f[APPARMOR_DBUS_FIELD_PATH] =
			long_field("/org/example/Bench", field_bytes / 3);
		b->msg.f[APPARMOR_DBUS_FIELD_INTERFACE] =
			long_field("org.example.Bench", field_bytes / 3);
		b->msg.f[APPARMOR_DBUS_FIELD_MEMBER] =
			long_field("Ping", field_bytes - 2 * (field_bytes / 3));
	}
	prepare(b, wanted(paths, "batch"));
	/* Only where the kernel names sides by connection. */
	if (wanted(paths, "conn") && kernel_abi() >= 2)
		prepare_conn(b);
	else if (wanted(paths, "conn"))
		fprintf(stderr, "conn: this kernel has no ABI 2 query\n");

	if (wanted(paths, "stock"))
		report(b, "stock", 8);
	if (wanted(paths, "kept"))
		report(b, "kept", 4);
	if (wanted(paths, "dbus"))
		report(b, "dbus", 2);
	if (wanted(paths, "conn") && b->conn.hdr.count)
		report(b, "conn", 2);
	if (wanted(paths, "batch"))
		report(b, "batch", 2.0 / b->batch_n);
	if (wanted(paths, "floor"))
		report(b, "floor", 2);
	if (wanted(paths, "status"))
		report(b, "status", 0);
	return 0;
}
