// SPDX-License-Identifier: GPL-2.0
/*
 * systemd-stub ADDRESS: the part of systemd's manager that
 * dbus-broker-launch activates services through, on the bus at ADDRESS,
 * for a guest without systemd (broker-launch gives the launcher its
 * socket and journal the same way).
 *
 * It owns org.freedesktop.systemd1 and answers, on
 * /org/freedesktop/systemd1, org.freedesktop.systemd1.Manager's
 *
 *   Subscribe, SetEnvironment   with an empty reply;
 *   LoadUnit(s)                 with a unit object path;
 *   StartTransientUnit(ssa(sv)a(sa(sv)))
 *                               by starting the unit's ExecStart command
 *                               (its first one), replying with a job path
 *                               and emitting JobRemoved(u, o, s, "done");
 *   anything else               with org.freedesktop.systemd1.NoSuchUnit.
 *
 * It prints "ready" once it owns the name, and each command it starts as
 * "started PATH". Started commands are reaped; it runs until the bus goes.
 */

#include <dbus/dbus.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MANAGER "org.freedesktop.systemd1.Manager"
#define MAX_ARGS 32

/*
 * exec_start - argv of the first ExecStart of a StartTransientUnit call's
 * properties, at @it (an a(sv)); returns the number of arguments, 0 if none
 */
static int exec_start(DBusMessageIter *it, char **argv)
{
	DBusMessageIter props, prop, var, cmds, cmd, args;
	const char *key, *arg;
	int argc = 0;

	dbus_message_iter_recurse(it, &props);
	for (; dbus_message_iter_get_arg_type(&props) == DBUS_TYPE_STRUCT;
	     dbus_message_iter_next(&props)) {
		dbus_message_iter_recurse(&props, &prop);
		dbus_message_iter_get_basic(&prop, &key);
		if (strcmp(key, "ExecStart"))
			continue;
		dbus_message_iter_next(&prop);
		dbus_message_iter_recurse(&prop, &var);		/* v */
		dbus_message_iter_recurse(&var, &cmds);		/* a(sasb) */
		if (dbus_message_iter_get_arg_type(&cmds) != DBUS_TYPE_STRUCT)
			return 0;
		dbus_message_iter_recurse(&cmds, &cmd);		/* (sasb) */
		dbus_message_iter_next(&cmd);			/* as */
		dbus_message_iter_recurse(&cmd, &args);
		for (; dbus_message_iter_get_arg_type(&args) == DBUS_TYPE_STRING &&
		       argc < MAX_ARGS; dbus_message_iter_next(&args)) {
			dbus_message_iter_get_basic(&args, &arg);
			argv[argc++] = strdup(arg);
		}
		argv[argc] = NULL;
		return argc;
	}
	return 0;
}

/* start_unit - start @argv, reply with a job and tell that it is done */
static DBusMessage *start_unit(DBusConnection *conn, DBusMessage *msg, unsigned int job)
{
	static char path[64];
	const char *unit, *p = path, *done = "done";
	char *argv[MAX_ARGS + 1];
	DBusMessageIter it;
	DBusMessage *reply, *signal;
	int argc, i;

	dbus_message_iter_init(msg, &it);
	if (dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_STRING)
		return NULL;
	dbus_message_iter_get_basic(&it, &unit);
	dbus_message_iter_next(&it);	/* mode */
	dbus_message_iter_next(&it);	/* properties */
	argc = exec_start(&it, argv);
	if (!argc)
		return dbus_message_new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs",
					      "no ExecStart");
	if (fork() == 0) {
		setsid();
		execv(argv[0], argv);
		_exit(127);
	}
	printf("started %s\n", argv[0]);
	fflush(stdout);
	for (i = 0; i < argc; i++)
		free(argv[i]);

	snprintf(path, sizeof(path), "/org/freedesktop/systemd1/job/%u", job);
	reply = dbus_message_new_method_return(msg);
	dbus_message_append_args(reply, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID);
	dbus_connection_send(conn, reply, NULL);
	dbus_message_unref(reply);

	signal = dbus_message_new_signal("/org/freedesktop/systemd1", MANAGER, "JobRemoved");
	dbus_message_append_args(signal, DBUS_TYPE_UINT32, &job, DBUS_TYPE_OBJECT_PATH, &p,
				 DBUS_TYPE_STRING, &unit, DBUS_TYPE_STRING, &done,
				 DBUS_TYPE_INVALID);
	return signal;
}

int main(int argc, char **argv)
{
	const char *unit_path = "/org/freedesktop/systemd1/unit/stub";
	DBusConnection *conn;
	unsigned int job = 0;
	DBusError err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ADDRESS\n", argv[0]);
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);
	dbus_error_init(&err);
	conn = dbus_connection_open_private(argv[1], &err);
	if (!conn || !dbus_bus_register(conn, &err) ||
	    dbus_bus_request_name(conn, "org.freedesktop.systemd1", DBUS_NAME_FLAG_DO_NOT_QUEUE,
				  &err) != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
		printf("%s\n", dbus_error_is_set(&err) ? err.message : "not owner");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	while (dbus_connection_read_write_dispatch(conn, -1)) {
		DBusMessage *msg, *reply = NULL, *after = NULL;

		msg = dbus_connection_pop_message(conn);
		if (!msg)
			continue;
		if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL) {
			dbus_message_unref(msg);
			continue;
		}
		if (dbus_message_is_method_call(msg, MANAGER, "Subscribe") ||
		    dbus_message_is_method_call(msg, MANAGER, "SetEnvironment")) {
			reply = dbus_message_new_method_return(msg);
		} else if (dbus_message_is_method_call(msg, MANAGER, "LoadUnit")) {
			reply = dbus_message_new_method_return(msg);
			dbus_message_append_args(reply, DBUS_TYPE_OBJECT_PATH, &unit_path,
						 DBUS_TYPE_INVALID);
		} else if (dbus_message_is_method_call(msg, MANAGER, "StartTransientUnit")) {
			after = start_unit(conn, msg, ++job);
			if (!after)
				reply = dbus_message_new_error(msg,
							       "org.freedesktop.DBus.Error.InvalidArgs",
							       "no unit name");
		} else {
			reply = dbus_message_new_error(msg, "org.freedesktop.systemd1.NoSuchUnit",
						       "systemd-stub starts transient units only");
		}
		if (reply)
			dbus_connection_send(conn, reply, NULL);
		if (after)
			dbus_connection_send(conn, after, NULL);
		dbus_connection_flush(conn);
		if (reply)
			dbus_message_unref(reply);
		if (after)
			dbus_message_unref(after);
		dbus_message_unref(msg);
	}
	return 0;
}
