/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor test helpers: policy loading with the real apparmor_parser,
 * profile transitions and apparmorfs access.
 */

#ifndef _SELFTESTS_APPARMOR_COMMON_H
#define _SELFTESTS_APPARMOR_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define AA_FS "/sys/kernel/security/apparmor"

#ifndef APPARMOR_PARSER
#define APPARMOR_PARSER "/sbin/apparmor_parser"
#endif

/**
 * aa_available - tell whether AppArmor policy can be loaded here
 *
 * Returns: true if apparmorfs is mounted and apparmor_parser exists.
 */
static inline bool aa_available(void)
{
	return access(AA_FS "/.load", W_OK) == 0 &&
	       access(APPARMOR_PARSER, X_OK) == 0;
}

/**
 * aa_policy_abi - the newest policy abi the installed parser ships
 *
 * Tests compile their policy for it, as a distribution's profiles are:
 * a kernel that mediates dbus only for policy of a recent abi (v9 network
 * rules, Linux 6.17 and later) then mediates the tests' rules too.
 *
 * Returns: "5.0", "4.0" or "3.0"
 */
static inline const char *aa_policy_abi(void)
{
	static const char *const abis[] = { "5.0", "4.0" };
	char path[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(abis); i++) {
		snprintf(path, sizeof(path), "/etc/apparmor.d/abi/%s", abis[i]);
		if (access(path, R_OK) == 0)
			return abis[i];
	}
	return "3.0";
}

/**
 * aa_parser_run - run apparmor_parser with @policy on its standard input
 * @flag: the parser's action flag: "-r" to load or replace, "-R" to remove
 * @policy: profile text without an abi rule; aa_policy_abi()'s is added
 *
 * The parser's own output goes to stderr so a failing test shows it.
 *
 * Returns: the parser's exit status, or -1 if it could not be run.
 */
static inline int aa_parser_run(const char *flag, const char *policy)
{
	size_t len = strlen(policy);
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pipefd[1]);
		dup2(pipefd[0], STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl(APPARMOR_PARSER, APPARMOR_PARSER, flag, "-q", NULL);
		_exit(127);
	}
	close(pipefd[0]);
	if (dprintf(pipefd[1], "abi <abi/%s>,\n", aa_policy_abi()) < 0 ||
	    write(pipefd[1], policy, len) != (ssize_t)len)
		len = 0;
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) != pid || !len)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/**
 * aa_load_policy - load or replace profiles
 * @policy: profile text
 *
 * Returns: 0 on success, the parser's exit status otherwise.
 */
static inline int aa_load_policy(const char *policy)
{
	return aa_parser_run("-r", policy);
}

/**
 * aa_remove_policy - remove the profiles defined in @policy
 * @policy: profile text that was given to aa_load_policy()
 *
 * Returns: 0 on success, the parser's exit status otherwise.
 */
static inline int aa_remove_policy(const char *policy)
{
	return aa_parser_run("-R", policy);
}

/**
 * aa_change_profile - move the calling task to profile @name now
 * @name: profile name
 *
 * Returns: 0 on success, -1 with errno set on failure.
 */
static inline int aa_change_profile(const char *name)
{
	char cmd[256];
	int fd, len;
	ssize_t ret;

	len = snprintf(cmd, sizeof(cmd), "changeprofile %s", name);
	if (len < 0 || len >= (int)sizeof(cmd)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open("/proc/self/attr/apparmor/current", O_WRONLY);
	if (fd < 0)
		fd = open("/proc/self/attr/current", O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, cmd, len);
	close(fd);
	return ret == len ? 0 : -1;
}

/**
 * aa_read_file - read a small apparmorfs file into @buf as a string
 * @path: file to read
 * @buf: destination
 * @size: size of @buf
 *
 * Returns: number of bytes read, or -1 with errno set.
 */
static inline ssize_t aa_read_file(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len >= 0)
		buf[len] = '\0';
	return len;
}

#endif /* _SELFTESTS_APPARMOR_COMMON_H */
