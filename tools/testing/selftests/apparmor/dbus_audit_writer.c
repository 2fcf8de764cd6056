// SPDX-License-Identifier: GPL-2.0
/*
 * dbus_audit_writer FD - run by dbus_query_test through exec, without
 * CAP_AUDIT_WRITE, holding a .dbus descriptor FD that a process with the
 * capability opened.
 *
 * Exits 0 if an audited query on FD fails with EPERM, the same query
 * without the audit flag is answered, and this program's own
 * AUDIT_USER_AVC message is refused by audit with EPERM too; otherwise
 * with the number of the step that went wrong.
 */

#include <errno.h>
#include <stdio.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dbus_query.h"

/* Send one AUDIT_USER_AVC message; returns audit's answer, 0 or -errno. */
static int user_avc(void)
{
	struct {
		struct nlmsghdr nh;
		char text[64];
	} req = { };
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	char buf[1024];
	struct nlmsghdr *nh = (void *)buf;
	int fd, err = -EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	snprintf(req.text, sizeof(req.text), "apparmor=\"DENIED\" %s",
		 "dbus_audit_writer");
	req.nh.nlmsg_len = NLMSG_LENGTH(strlen(req.text) + 1);
	req.nh.nlmsg_type = AUDIT_USER_AVC;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&addr,
		   sizeof(addr)) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
	    nh->nlmsg_type == NLMSG_ERROR)
		err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
out:
	close(fd);
	return err;
}

static int ask(int fd, __u32 flags)
{
	static const char *const f[APPARMOR_DBUS_FIELD_COUNT] = {
		"dq_client", "", "session", "", "", "/x", "x.y", "Other",
	};
	struct apparmor_dbus_answer ans;
	struct apparmor_dbus_query *q;
	static struct dq_request r;

	dq_init(&r);
	q = dq_add(&r, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND, f);
	q->flags = flags;
	return dq_send(fd, r.buf, r.len, &ans, 1);
}

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return 1;
	fd = atoi(argv[1]);
	if (ask(fd, APPARMOR_DBUS_QUERY_AUDIT) != -EPERM)
		return 2;
	if (ask(fd, 0) != 1)
		return 3;
	if (user_avc() != -EPERM)
		return 4;
	return 0;
}
