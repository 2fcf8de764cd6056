// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-query - send random and mutated requests to .dbus and .access and
 * check that every answer is well formed or a documented errno.
 *
 *   fuzz-query COUNT SEED THREADS
 *
 * Prints the seed first so a failure can be replayed; bounded by COUNT.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dbus_query.h"

#define DBUS "/sys/kernel/security/apparmor/.dbus"
#define ACCESS "/sys/kernel/security/apparmor/.access"

static const char *const labels[] = {
	"dq_client", "dq_service", "unconfined", "dq_all", ":dq_ns:dq_child",
	"nosuch", "dq_client//&dq_all", "",
};
static const char *const words[] = {
	"session", "system", "org.example.Svc", ":1.1", "/org/example/Obj",
	"org.example.Iface", "Hello", "Ping", "", "/", "x",
};

/**
 * struct worker - one fuzzing thread
 * @seed: its random state
 * @count: requests to send
 * @accepted: requests answered
 * @refused: requests refused with a documented errno
 * @bad: answers or errnos outside the contract
 */
struct worker {
	uint64_t seed;
	long count, accepted, refused, bad;
};

/* Say what the first few contract breaches were. */
static void breach(struct worker *w, const char *what, int err)
{
	if (w->bad++ < 5)
		fprintf(stderr, "fuzz: %s (errno %d)\n", what, err);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s >> 16;
}

/*
 * Descriptors an ABI 2 query may name a side by: a connected socket, a
 * listening one, a pipe, and a number that is not open (set up in main).
 */
static int side_fds[4] = { -1, -1, -1, 1000 };

/*
 * A valid request of 1..4 queries from the word lists, into @r: one in
 * three is ABI 2, naming each side by one of side_fds[] half the time.
 */
static size_t valid_request(uint64_t *s, struct dq_request *r)
{
	int n = 1 + rnd(s) % 4, i, f, abi2 = rnd(s) % 3 == 0;

	dq_init(r);
	if (abi2)
		r->hdr.abi = 2;
	for (i = 0; i < n; i++) {
		const char *fields[APPARMOR_DBUS_FIELD_COUNT];
		uint32_t op = 1 + rnd(s) % 6;

		for (f = 0; f < APPARMOR_DBUS_FIELD_COUNT; f++) {
			fields[f] = f <= 1 ? labels[rnd(s) % 8] :
					     words[rnd(s) % 11];
			/* Bind keeps subject, bus and name; eavesdrop less. */
			if (op >= APPARMOR_DBUS_OP_BIND && f != 0 && f != 2 &&
			    !(op == APPARMOR_DBUS_OP_BIND && f == 3))
				fields[f] = "";
		}
		if (abi2) {
			int sfd = rnd(s) % 2 ? side_fds[rnd(s) % 4] : -1;
			int pfd = op < APPARMOR_DBUS_OP_BIND && rnd(s) % 2 ?
				  side_fds[rnd(s) % 4] : -1;

			if (sfd >= 0)
				fields[0] = "";
			if (pfd >= 0)
				fields[1] = "";
			dq_add2(r, op, op == APPARMOR_DBUS_OP_BIND ?
				APPARMOR_DBUS_BIND : op == APPARMOR_DBUS_OP_EAVESDROP ?
				APPARMOR_DBUS_EAVESDROP : APPARMOR_DBUS_SEND,
				fields, sfd, pfd);
			continue;
		}
		dq_add(r, op, op == APPARMOR_DBUS_OP_BIND ? APPARMOR_DBUS_BIND :
		       op == APPARMOR_DBUS_OP_EAVESDROP ?
		       APPARMOR_DBUS_EAVESDROP : APPARMOR_DBUS_SEND, fields);
	}
	return r->len;
}

/* Break a valid request in one of many ways. */
static size_t mutate(uint64_t *s, uint64_t *buf, size_t len, size_t cap)
{
	unsigned char *b = (void *)buf;
	struct apparmor_dbus_query_hdr *hdr = (void *)buf;
	size_t i;

	switch (rnd(s) % 10) {
	case 0: /* one byte flipped */
		b[rnd(s) % len] ^= 1 << (rnd(s) % 8);
		return len;
	case 1: /* truncated */
		return rnd(s) % len;
	case 2: /* garbage appended */
		for (i = 0; i < 64 && len < cap; i++)
			b[len++] = rnd(s);
		return len;
	case 3:
		hdr->abi = rnd(s) % 4;
		return len;
	case 4:
		hdr->flags = 1u << (rnd(s) % 32);
		return len;
	case 5:
		hdr->count = rnd(s);
		return len;
	case 6: /* a random word anywhere */
		((uint32_t *)buf)[rnd(s) % (len / 4)] = rnd(s) | rnd(s) << 16;
		return len;
	case 7: /* every NUL after the header removed */
		for (i = sizeof(*hdr) + 24; i < len; i++)
			if (!b[i])
				b[i] = 'x';
		return len;
	case 8: /* oversized */
		memset(b + len, 'y', cap - len);
		return cap;
	default: /* random bytes */
		for (i = 0; i < len; i++)
			b[i] = rnd(s);
		return len;
	}
}

static int documented(int err)
{
	return err == EINVAL || err == EOPNOTSUPP || err == ENAMETOOLONG ||
	       err == E2BIG;
}

/*
 * What one answer's own error may be: a label that does not resolve, or
 * (ABI 2) a descriptor that names no connection.
 */
static int answer_error_documented(uint32_t err)
{
	return !err || err == ENOENT || err == EINVAL || err == ENOMEM ||
	       err == ENAMETOOLONG || err == EBADF || err == ENOTSOCK ||
	       err == EAFNOSUPPORT || err == EPROTOTYPE ||
	       err == EDESTADDRREQ || err == ENOTCONN;
}

static void check_answers(struct worker *w, const uint64_t *req,
			  const struct apparmor_dbus_answer *ans, ssize_t n)
{
	const struct apparmor_dbus_query_hdr *hdr = (const void *)req;
	uint32_t i;

	if (n != (ssize_t)(hdr->count * sizeof(*ans))) {
		breach(w, "answer size differs from the query count", n < 0 ? errno : 0);
		return;
	}
	for (i = 0; i < hdr->count; i++) {
		static const struct apparmor_dbus_perms none;

		if (ans[i].subject.reserved || ans[i].peer.reserved ||
		    ans[i].reserved ||
		    (ans[i].subject.denied & ~0x66u) ||
		    (ans[i].peer.denied & ~APPARMOR_DBUS_RECEIVE))
			breach(w, "malformed answer", 0);
		if (!answer_error_documented(ans[i].error))
			breach(w, "answer with an undocumented error",
			       ans[i].error);
		if (ans[i].error &&
		    (memcmp(&ans[i].subject, &none, sizeof(none)) ||
		     memcmp(&ans[i].peer, &none, sizeof(none))))
			breach(w, "an answer with an error says more", 0);
	}
}

/* One descriptor every thread also writes to now and then. */
static int shared_fd = -1;

static void fuzz_dbus(struct worker *w, int fd, struct dq_request *r,
		      size_t cap)
{
	static __thread struct apparmor_dbus_answer ans[APPARMOR_DBUS_QUERY_MAX_BATCH + 1];
	uint64_t *req = (void *)r->buf;
	size_t len = valid_request(&w->seed, r);
	ssize_t n;

	int shared = fd == shared_fd;

	if (rnd(&w->seed) % 4)
		len = mutate(&w->seed, req, len, cap);
	if (pwrite(fd, req, len, 0) < 0) {
		/* Another thread's answers wait on a shared descriptor. */
		if (shared && errno == EBUSY) {
			w->refused++;
			return;
		}
		if (documented(errno))
			w->refused++;
		else
			breach(w, ".dbus write refused with an undocumented errno", errno);
		/* A refused write leaves nothing to read. */
		if (!shared &&
		    (pread(fd, ans, sizeof(ans), 0) >= 0 || errno != ENODATA))
			breach(w, "answers readable after a refused write", errno);
		return;
	}
	w->accepted++;
	n = pread(fd, ans, sizeof(ans), 0);
	/* Only this thread's own answers can be read. */
	check_answers(w, req, ans, n);
}

static void fuzz_access(struct worker *w, int fd, struct dq_request *r)
{
	char *b = (char *)r->buf, out[256];
	size_t len = 6, i, n = rnd(&w->seed) % 200;
	unsigned int a, d, au, q;
	ssize_t got;

	memcpy(b, "label", 6);
	len += sprintf(b + len, "%s", labels[rnd(&w->seed) % 8]) + 1;
	for (i = 0; i < n; i++)
		b[len++] = rnd(&w->seed) % 4 ? 0x20 + rnd(&w->seed) % 90 : 0;
	if (pwrite(fd, b, len, 0) < 0) {
		if (errno == EINVAL || errno == ENOENT)
			w->refused++;
		else
			breach(w, ".access write refused with an unexpected errno", errno);
		return;
	}
	w->accepted++;
	got = pread(fd, out, sizeof(out) - 1, 0);
	if (got <= 0) {
		breach(w, ".access gave no answer", errno);
		return;
	}
	out[got] = '\0';
	if (sscanf(out, "allow 0x%x\ndeny 0x%x\naudit 0x%x\nquiet 0x%x\n",
		   &a, &d, &au, &q) != 4)
		breach(w, ".access answer does not parse", 0);
}

static void *run(void *arg)
{
	static const size_t cap = APPARMOR_DBUS_QUERY_MAX_SIZE + 512;
	struct worker *w = arg;
	struct dq_request *req = calloc(1, sizeof(*req));
	int dbus = open(DBUS, O_RDWR), access = open(ACCESS, O_RDWR);
	long i;

	if (!req || dbus < 0 || access < 0) {
		w->bad++;
		return NULL;
	}
	for (i = 0; i < w->count; i++) {
		if (i % 8 == 7)
			fuzz_access(w, access, req);
		else if (i % 16 == 3)
			fuzz_dbus(w, shared_fd, req, cap);
		else
			fuzz_dbus(w, dbus, req, cap);
	}
	close(dbus);
	close(access);
	free(req);
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[8] = { };
	pthread_t t[8];
	long count, accepted = 0, refused = 0, bad = 0;
	uint64_t seed;
	int threads, i;

	if (argc != 4)
		return 2;
	count = atol(argv[1]);
	seed = strtoull(argv[2], NULL, 0);
	threads = atoi(argv[3]);
	if (threads < 1 || threads > 8)
		return 2;
	shared_fd = open(DBUS, O_RDWR);
	if (shared_fd < 0)
		return 1;
	{
		struct sockaddr auto_name = { .sa_family = AF_UNIX };
		int sp[2], pp[2], l = socket(AF_UNIX, SOCK_STREAM, 0);

		/* A bind of the family alone gives the socket an abstract name. */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) || pipe(pp) || l < 0 ||
		    bind(l, &auto_name, sizeof(sa_family_t)) || listen(l, 1))
			return 1;
		side_fds[0] = sp[0];
		side_fds[1] = l;
		side_fds[2] = pp[0];
	}
	printf("fuzz: seed %llu, %ld requests, %d threads\n",
	       (unsigned long long)seed, count, threads);
	fflush(stdout);
	for (i = 0; i < threads; i++) {
		w[i].seed = seed * 2654435761u + i + 1;
		w[i].count = count / threads;
		pthread_create(&t[i], NULL, run, &w[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		accepted += w[i].accepted;
		refused += w[i].refused;
		bad += w[i].bad;
	}
	printf("fuzz: %ld answered, %ld refused with a documented errno, %ld outside the contract\n",
	       accepted, refused, bad);
	return bad ? 1 : 0;
}
