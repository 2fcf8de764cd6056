// SPDX-License-Identifier: GPL-2.0
/*
 * audit-tail - the smallest audit daemon: register on the audit netlink
 * socket and print every record as "type=N TEXT" until SIGTERM, so the
 * tests see every record (kauditd's console printing is rate limited).
 */

#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static int set_pid(int fd, unsigned int pid)
{
	struct {
		struct nlmsghdr nh;
		struct audit_status s;
	} req = { };
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.s));
	req.nh.nlmsg_type = AUDIT_SET;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.s.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID;
	req.s.enabled = 1;
	req.s.pid = pid;
	return sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&addr,
		      sizeof(addr)) < 0 ? -1 : 0;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_term };
	char buf[9000];
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);

	if (fd < 0 || set_pid(fd, getpid())) {
		perror("audit-tail");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		struct nlmsghdr *nh = (void *)buf;
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < (ssize_t)NLMSG_HDRLEN)
			continue;
		if (nh->nlmsg_type < AUDIT_FIRST_USER_MSG)
			continue;
		buf[n] = '\0';
		printf("type=%u %s\n", nh->nlmsg_type, (char *)NLMSG_DATA(nh));
	}
	set_pid(fd, 0);
	return 0;
}
