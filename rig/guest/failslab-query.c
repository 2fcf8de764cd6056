// SPDX-License-Identifier: GPL-2.0
/*
 * failslab-query COUNT - with every slab allocation of this task failing
 * (failslab, task filter, /proc/self/make-it-fail), check that one-query
 * writes on an already open .dbus file are still answered, since an open
 * file holds all a one-query write needs, and that opening .dbus and
 * writing .access fail only with ENOMEM.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbus_query.h"

static int make_it_fail(int on)
{
	int fd = open("/proc/self/make-it-fail", O_WRONLY);
	int ok = fd >= 0 && write(fd, on ? "1" : "0", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const char *const f[APPARMOR_DBUS_FIELD_COUNT] = {
		"dq_client", "dq_service", "session", ":1.1",
		"org.example.Svc", "/org/example/Obj", "org.example.Iface",
		"Hello",
	};
	static struct dq_request req;
	static const char access_req[] = "label\0dq_client\0\x20session";
	struct apparmor_dbus_answer ans;
	long count = argc > 1 ? atol(argv[1]) : 1000, i;
	long answered = 0, open_ok = 0, open_nomem = 0, acc_ok = 0, acc_nomem = 0;
	long bad = 0;
	int fd;

	dq_init(&req);
	dq_add(&req, APPARMOR_DBUS_OP_METHOD_CALL,
	       APPARMOR_DBUS_SEND | APPARMOR_DBUS_RECEIVE, f);

	fd = open("/sys/kernel/security/apparmor/.dbus", O_RDWR);
	if (fd < 0 || make_it_fail(1)) {
		perror("setup");
		return 1;
	}
	for (i = 0; i < count; i++) {
		if (pwrite(fd, req.buf, req.len, 0) == (ssize_t)req.len &&
		    pread(fd, &ans, sizeof(ans), 0) == sizeof(ans) &&
		    !ans.error)
			answered++;
		else
			bad++;
	}
	for (i = 0; i < count / 10; i++) {
		int fd2 = open("/sys/kernel/security/apparmor/.dbus", O_RDWR);

		if (fd2 >= 0) {
			open_ok++;
			close(fd2);
		} else if (errno == ENOMEM) {
			open_nomem++;
		} else {
			bad++;
		}
		fd2 = open("/sys/kernel/security/apparmor/.access", O_RDWR);
		if (fd2 < 0) {
			if (errno == ENOMEM)
				acc_nomem++;
			else
				bad++;
			continue;
		}
		if (write(fd2, access_req, sizeof(access_req) - 1) > 0)
			acc_ok++;
		else if (errno == ENOMEM)
			acc_nomem++;
		else
			bad++;
		close(fd2);
	}
	make_it_fail(0);
	printf("failslab: %ld/%ld queries answered on the open file; open .dbus: %ld ok, %ld ENOMEM; .access: %ld ok, %ld ENOMEM; %ld other results\n",
	       answered, count, open_ok, open_nomem, acc_ok, acc_nomem, bad);
	/* Opening must have hit the injected failures, or nothing was tested. */
	return bad || answered != count || !open_nomem ? 1 : 0;
}
