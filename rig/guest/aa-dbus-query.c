// SPDX-License-Identifier: GPL-2.0
/*
 * aa-dbus-query - ask libapparmor's aa_dbus(3) handle one D-Bus query, as a
 * bus daemon does, and print the answer:
 *
 *   aa-dbus-query [--audit] OP SUBJECT_LABEL PEER_LABEL BUS SUBJECT_NAME \
 *                 PEER_NAME PATH INTERFACE MEMBER
 *
 * OP is call, signal, bind or eavesdrop. A call or signal asks the
 * subject's send and the peer's receive; bind asks whether the subject may
 * own SUBJECT_NAME, eavesdrop whether it may eavesdrop (the other strings
 * are then not sent). Sides are named by label, as a daemon names the bus
 * driver. With --audit the kernel writes the records that are due.
 *
 * Prints "abi=N subject=allowed|DENIED peer=allowed|DENIED|- logged=0|1";
 * exits 0 when answered, 1 when not (the errno is printed).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/apparmor.h>

static const char *verdict(const struct aa_dbus_verdict *v)
{
	return v->denied ? "DENIED" : "allowed";
}

int main(int argc, char **argv)
{
	struct aa_dbus_query q = { .subject.fd = -1, .peer.fd = -1 };
	struct aa_dbus_answer a;
	unsigned int flags = 0;
	aa_dbus *dbus;

	if (argc > 1 && !strcmp(argv[1], "--audit")) {
		flags = AA_DBUS_KERNEL_AUDIT;
		q.flags = AA_DBUS_QUERY_AUDIT;
		argv++;
		argc--;
	}
	if (argc != 10) {
		fprintf(stderr, "usage: aa-dbus-query [--audit] call|signal|bind|eavesdrop "
			"SUBJECT_LABEL PEER_LABEL BUS SUBJECT_NAME PEER_NAME PATH INTERFACE MEMBER\n");
		return 2;
	}
	if (!strcmp(argv[1], "call")) {
		q.op = AA_DBUS_OP_METHOD_CALL;
	} else if (!strcmp(argv[1], "signal")) {
		q.op = AA_DBUS_OP_SIGNAL;
	} else if (!strcmp(argv[1], "bind")) {
		q.op = AA_DBUS_OP_BIND;
		q.request = AA_DBUS_BIND;
	} else if (!strcmp(argv[1], "eavesdrop")) {
		q.op = AA_DBUS_OP_EAVESDROP;
		q.request = AA_DBUS_EAVESDROP;
	} else {
		fprintf(stderr, "aa-dbus-query: unknown operation %s\n", argv[1]);
		return 2;
	}
	if (!q.request)
		q.request = AA_DBUS_SEND | AA_DBUS_RECEIVE;
	q.subject.label = argv[2];
	q.peer.label = argv[3];
	q.bus = argv[4];
	q.subject_name = argv[5];
	q.peer_name = argv[6];
	q.path = argv[7];
	q.interface = argv[8];
	q.member = argv[9];

	if (aa_dbus_new(&dbus, flags) < 0) {
		printf("aa_dbus_new: %s\n", strerror(errno));
		return 1;
	}
	if (aa_dbus_query(dbus, &q, &a) < 0) {
		printf("aa_dbus_query: %s\n", strerror(errno));
		aa_dbus_unref(dbus);
		return 1;
	}
	printf("abi=%d subject=%s peer=%s logged=%d\n", aa_dbus_abi(dbus), verdict(&a.subject),
	       q.request & AA_DBUS_RECEIVE ? verdict(&a.peer) : "-",
	       !!(a.flags & AA_DBUS_ANSWER_LOGGED));
	aa_dbus_unref(dbus);
	return 0;
}
