// SPDX-License-Identifier: GPL-2.0
/*
 * dbus-ping ADDRESS COUNT [MEMBER [INTERFACE [GATE]]] - call MEMBER (default
 * Allowed) of INTERFACE (default org.example.Demo; "-" for a call without
 * an interface, which D-Bus allows) on the demo service COUNT times, one
 * call at a time, and print the calls per second as "calls_per_sec=N"
 * (CLOCK_MONOTONIC, i.e. guest time under -icount). A failed call prints
 * "error NAME: MESSAGE". With GATE, after the first call (or the
 * $PING_GATE_AT-th) it prints "waiting" and waits for the file GATE to
 * exist before the others, so that a test can change policy or the
 * receiver between calls on one connection. The
 * object path is /org/example/Demo, or $PING_PATH; the destination
 * org.example.Demo, or $PING_DEST. With $PING_OWN, it first asks to own
 * that name and fails unless it gets it.
 */

#include <dbus/dbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *member = argc > 3 ? argv[3] : "Allowed";
	const char *iface = argc > 4 ? argv[4] : "org.example.Demo";
	const char *gate = argc > 5 ? argv[5] : NULL;
	const char *path = getenv("PING_PATH") ? getenv("PING_PATH") :
						 "/org/example/Demo";
	const char *dest = getenv("PING_DEST") ? getenv("PING_DEST") :
						 "org.example.Demo";
	const char *own = getenv("PING_OWN");
	long gate_at = getenv("PING_GATE_AT") ? atol(getenv("PING_GATE_AT")) : 1;
	struct timespec a, b;
	DBusConnection *conn;
	DBusError err;
	long i, count;
	double secs;

	if (argc < 3 || argc > 6)
		return 2;
	if (!strcmp(iface, "-"))
		iface = NULL;
	count = atol(argv[2]);
	dbus_error_init(&err);
	conn = dbus_connection_open_private(argv[1], &err);
	if (!conn || !dbus_bus_register(conn, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	if (own && dbus_bus_request_name(conn, own, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err) !=
		   DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
		printf("error owning %s: %s\n", own, err.name ? err.name : "not owner");
		return 1;
	}
	/*
	 * PING_NOREPLY: once the gate opens, send one call that wants no
	 * reply and leave, so that the bus decides it after we are gone.
	 */
	if (getenv("PING_NOREPLY")) {
		DBusMessage *msg = dbus_message_new_method_call(
			dest, path, iface, member);

		if (gate) {
			printf("waiting\n");
			fflush(stdout);
			while (access(gate, F_OK))
				usleep(10000);
		}
		dbus_message_set_no_reply(msg, TRUE);
		if (!dbus_connection_send(conn, msg, NULL))
			return 1;
		dbus_connection_flush(conn);
		printf("sent\n");
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < count; i++) {
		DBusMessage *msg, *reply;

		msg = dbus_message_new_method_call(dest, path, iface, member);
		reply = dbus_connection_send_with_reply_and_block(conn, msg, -1,
								  &err);
		dbus_message_unref(msg);
		if (!reply) {
			printf("error %s: %s\n", err.name, err.message);
			return 1;
		}
		dbus_message_unref(reply);
		if (gate && i == gate_at - 1) {
			printf("waiting\n");
			fflush(stdout);
			while (access(gate, F_OK))
				usleep(10000);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("calls_per_sec=%.0f\n", count / secs);
	return 0;
}
