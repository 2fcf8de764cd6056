// SPDX-License-Identifier: GPL-2.0
/*
 * Ask AppArmor whether one D-Bus method call may pass, both sides at once.
 *
 *   dbus_query_example [--audit] SENDER_LABEL RECEIVER_LABEL BUS \
 *                      SENDER_NAME DESTINATION PATH INTERFACE MEMBER
 *
 * With --audit the kernel also logs the decision (CAP_AUDIT_WRITE needed).
 *
 * This is all a bus daemon needs: open the file once, then one write and
 * one read per message (or per batch of messages). The answer may be kept
 * while the status page shows the generation it carries.
 */

#include <fcntl.h>
#include <linux/apparmor.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	union {
		struct apparmor_dbus_query_hdr hdr;
		char bytes[APPARMOR_DBUS_QUERY_MAX_SIZE];
	} req = { };
	struct apparmor_dbus_query *q = (void *)(req.bytes + sizeof(req.hdr));
	struct apparmor_dbus_answer ans;
	size_t len = 0;
	int fd, i, audit = 0;

	if (argc > 1 && !strcmp(argv[1], "--audit")) {
		audit = 1;
		argv++;
		argc--;
	}
	if (argc != 1 + APPARMOR_DBUS_FIELD_COUNT) {
		fprintf(stderr,
			"usage: %s [--audit] SENDER_LABEL RECEIVER_LABEL BUS SENDER_NAME DESTINATION PATH INTERFACE MEMBER\n",
			argv[0]);
		return 2;
	}

	/* The strings, in enum apparmor_dbus_field order, each with its NUL. */
	for (i = 0; i < APPARMOR_DBUS_FIELD_COUNT; i++) {
		size_t n = strlen(argv[1 + i]) + 1;

		if (sizeof(req.hdr) + sizeof(*q) + len + n > sizeof(req)) {
			fprintf(stderr, "query too long\n");
			return 2;
		}
		memcpy(q->strings + len, argv[1 + i], n);
		len += n;
	}
	/* Records are padded with zeros to a multiple of 8 bytes. */
	q->size = (sizeof(*q) + len + 7) & ~7u;
	q->op = APPARMOR_DBUS_OP_METHOD_CALL;
	q->request = APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE;
	if (audit)
		q->flags = APPARMOR_DBUS_QUERY_AUDIT;

	/* Written for ABI 1: features/query/dbus/abi must say 1 or more. */
	req.hdr.abi = 1;
	req.hdr.count = 1;
	req.hdr.size = sizeof(req.hdr) + q->size;

	fd = open("/sys/kernel/security/apparmor/.dbus", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("open .dbus");
		return 1;
	}
	if (write(fd, &req, req.hdr.size) < 0) {
		perror("query refused");
		return 1;
	}
	if (read(fd, &ans, sizeof(ans)) != sizeof(ans)) {
		perror("read answer");
		return 1;
	}
	close(fd);
	if (ans.error) {
		fprintf(stderr, "no answer: %s\n", strerror(ans.error));
		return 1;
	}

	/* denied is the decision, with every profile's mode applied. */
	printf("send:    %s (allow 0x%x audit 0x%x quiet 0x%x)\n",
	       ans.subject.denied ? "DENIED" : "allowed", ans.subject.allow,
	       ans.subject.audit, ans.subject.quiet);
	printf("receive: %s (allow 0x%x audit 0x%x quiet 0x%x)\n",
	       ans.peer.denied ? "DENIED" : "allowed", ans.peer.allow,
	       ans.peer.audit, ans.peer.quiet);
	/* An odd generation: policy changed meanwhile; do not keep it. */
	printf("policy generation %llu%s\n",
	       (unsigned long long)ans.generation,
	       ans.generation & 1 ? " (changing: not to be kept)" : "");
	return ans.subject.denied || ans.peer.denied;
}
