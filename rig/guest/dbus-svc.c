// SPDX-License-Identifier: GPL-2.0
/*
 * dbus-svc - the smallest D-Bus service the end-to-end tests need.
 *
 *   dbus-svc ADDRESS NAME [N]
 *
 * Connects to the bus at ADDRESS, asks to own NAME and prints the result
 * ("owned NAME" or the D-Bus error name). If it owns the name it then
 * answers every method call with an empty reply, prints the member it
 * served, and exits after a call to member "Quit". With N (the
 * benchmark), it owns N names in all, NAME and NAME.Extra1 to
 * NAME.Extra<N-1>, and serves without printing.
 */

#include <dbus/dbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int quiet;

static int serve(DBusConnection *conn)
{
	for (;;) {
		DBusMessage *msg, *reply;
		const char *member;
		int quit;

		/*
		 * Take what is queued first: an activated service's first
		 * call may have arrived while it asked for its name. Never
		 * dispatch, or libdbus answers calls itself (UnknownMethod).
		 */
		msg = dbus_connection_pop_message(conn);
		if (!msg) {
			if (!dbus_connection_read_write(conn, -1))
				return 1;
			continue;
		}
		if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL) {
			dbus_message_unref(msg);
			continue;
		}
		member = dbus_message_get_member(msg);
		if (!quiet) {
			printf("served %s\n", member ? member : "(none)");
			fflush(stdout);
		}
		quit = member && !strcmp(member, "Quit");
		reply = dbus_message_new_method_return(msg);
		if (reply) {
			dbus_connection_send(conn, reply, NULL);
			dbus_connection_flush(conn);
			dbus_message_unref(reply);
		}
		dbus_message_unref(msg);
		if (quit)
			return 0;
	}
}

int main(int argc, char **argv)
{
	DBusConnection *conn;
	char extra[256];
	DBusError err;
	int ret, i, n;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s ADDRESS NAME [N]\n", argv[0]);
		return 2;
	}
	n = argc == 4 ? atoi(argv[3]) : 1;
	quiet = argc == 4;
	dbus_error_init(&err);
	conn = dbus_connection_open_private(argv[1], &err);
	if (!conn || !dbus_bus_register(conn, &err)) {
		printf("%s\n", err.name);
		return 1;
	}
	ret = dbus_bus_request_name(conn, argv[2], DBUS_NAME_FLAG_DO_NOT_QUEUE,
				    &err);
	if (ret != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
		printf("%s\n", dbus_error_is_set(&err) ? err.name : "not owner");
		return 1;
	}
	for (i = 1; i < n; i++) {
		snprintf(extra, sizeof(extra), "%s.Extra%d", argv[2], i);
		ret = dbus_bus_request_name(conn, extra, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err);
		if (ret != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
			printf("%s: %s\n", extra, dbus_error_is_set(&err) ? err.name : "not owner");
			return 1;
		}
	}
	printf("owned %s\n", argv[2]);
	fflush(stdout);
	ret = serve(conn);
	dbus_connection_close(conn);
	dbus_connection_unref(conn);
	return ret;
}
