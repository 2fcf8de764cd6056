/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building and sending AppArmor D-Bus queries (see <linux/apparmor.h>).
 */

#ifndef _SELFTESTS_APPARMOR_DBUS_QUERY_H
#define _SELFTESTS_APPARMOR_DBUS_QUERY_H

#include <errno.h>
#include <fcntl.h>
#include <linux/apparmor.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DBUS_QUERY_FILE "/sys/kernel/security/apparmor/.dbus"
#define DBUS_ABI_FILE "/sys/kernel/security/apparmor/features/query/dbus/abi"
#define POLICY_STATUS_FILE "/sys/kernel/security/apparmor/.status"

/* The ABI of <linux/apparmor.h> these helpers write. */
#define DQ_ABI 1

/**
 * struct dq_request - a request being built
 * @buf: the bytes to write; room for more than the kernel takes, so that
 *       tests can build oversize requests
 * @len: bytes used in @buf
 */
struct dq_request {
	union {
		struct apparmor_dbus_query_hdr hdr;
		unsigned char buf[2 * APPARMOR_DBUS_QUERY_MAX_SIZE];
	};
	size_t len;
};

/**
 * dq_kernel_abi - the highest ABI of the query this kernel answers
 *
 * Returns: the number features/query/dbus/abi holds, or 0 if it cannot
 * be read
 */
static inline unsigned int dq_kernel_abi(void)
{
	char buf[16];
	ssize_t n;
	int fd = open(DBUS_ABI_FILE, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoul(buf, NULL, 10);
}

/**
 * dq_init - start an empty request
 * @r: request to reset
 */
static inline void dq_init(struct dq_request *r)
{
	memset(r, 0, sizeof(*r));
	r->hdr.abi = DQ_ABI;
	r->len = sizeof(r->hdr);
	r->hdr.size = r->len;
}

/**
 * dq_add - append one query
 * @r: request to append to
 * @op: an APPARMOR_DBUS_OP_* value
 * @request: the permissions asked
 * @f: the APPARMOR_DBUS_FIELD_COUNT strings; NULL stands for ""
 *
 * Returns: the new query, for tests that then corrupt it, or NULL if
 * it does not fit.
 */
static inline struct apparmor_dbus_query *dq_add(struct dq_request *r,
						 __u32 op, __u32 request,
						 const char *const *f)
{
	struct apparmor_dbus_query *q = (void *)(r->buf + r->len);
	size_t len = sizeof(*q);
	int i;

	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++)
		len += strlen(f[i] ? f[i] : "") + 1;
	len = (len + 7) & ~(size_t)7;
	if (r->len + len > sizeof(r->buf))
		return NULL;

	memset(q, 0, len);
	q->size = len;
	q->op = op;
	q->request = request;
	len = 0;
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		const char *s = f[i] ? f[i] : "";
		size_t n = strlen(s) + 1;

		memcpy(q->strings + len, s, n);
		len += n;
	}
	r->len += q->size;
	r->hdr.count++;
	r->hdr.size = r->len;
	return q;
}

/**
 * dq_add2 - append one query whose sides may be named by connections
 * @r: an ABI 2 request (set @r->hdr.abi to 2 after dq_init())
 * @op: an APPARMOR_DBUS_OP_* value
 * @request: the permissions asked
 * @f: the strings, as for dq_add(); a side named by its connection
 *     leaves its label empty
 * @subject_fd: the socket connected to the subject, or -1
 * @peer_fd: the socket connected to the peer, or -1
 *
 * Returns: the new query, or NULL if it does not fit
 */
static inline struct apparmor_dbus_query2 *
dq_add2(struct dq_request *r, __u32 op, __u32 request, const char *const *f,
	int subject_fd, int peer_fd)
{
	struct apparmor_dbus_query2 *q = (void *)dq_add(r, op, request, f);

	if (q) {
		q->subject_fd = subject_fd;
		q->peer_fd = peer_fd;
	}
	return q;
}

/**
 * dq_send - one round trip: write the request, read every answer
 * @fd: an open .dbus file
 * @buf: request bytes
 * @len: request length
 * @ans: room for the answers
 * @nans: number of answers @ans can hold
 *
 * Returns: number of answers, or -errno of the failing write or read.
 */
static inline int dq_send(int fd, const void *buf, size_t len,
			  struct apparmor_dbus_answer *ans, size_t nans)
{
	ssize_t n;

	if (pwrite(fd, buf, len, 0) != (ssize_t)len)
		return -errno;
	n = pread(fd, ans, nans * sizeof(*ans), 0);
	if (n < 0)
		return -errno;
	return n / sizeof(*ans);
}

/**
 * dq_generation - the policy generation now, from the status page
 *
 * Read with read(), which returns a consistent copy of the page.
 *
 * Returns: the generation, or (__u64)-1 if the page cannot be read
 */
static inline __u64 dq_generation(void)
{
	struct apparmor_status st;
	int fd = open(POLICY_STATUS_FILE, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return (__u64)-1;
	n = pread(fd, &st, sizeof(st), 0);
	close(fd);
	return n == sizeof(st) ? st.generation : (__u64)-1;
}

#endif /* _SELFTESTS_APPARMOR_DBUS_QUERY_H */
