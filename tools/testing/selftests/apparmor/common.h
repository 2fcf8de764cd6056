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
 * aa_compile_policy - compile profiles into a file of binary policy
 * @policy: profile text without an abi rule; aa_policy_abi()'s is added
 * @path: the file to write, as the parser writes its cache
 *
 * For tests that load the same large policy many times.
 *
 * Returns: the parser's exit status, or -1 if it could not be run
 */
static inline int aa_compile_policy(const char *policy, const char *path)
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
		execl(APPARMOR_PARSER, APPARMOR_PARSER, "-q", "-o", path, NULL);
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
 * aa_load_binary - load or replace profiles compiled by aa_compile_policy()
 * @path: the compiled policy
 *
 * Returns: the parser's exit status, or -1 if it could not be run
 */
static inline int aa_load_binary(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(APPARMOR_PARSER, APPARMOR_PARSER, "-r", "-q", "-B", path,
		      NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
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
 * aa_profile_loaded - tell whether a profile is loaded
 * @name: the profile's name as the profiles file lists it, without mode
 *
 * Returns: true if <securityfs>/apparmor/profiles lists it
 */
static inline bool aa_profile_loaded(const char *name)
{
	size_t len = strlen(name);
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen(AA_FS "/profiles", "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ' ';
	fclose(f);
	return found;
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

/**
 * struct aa_param_guard - a module parameter put back whatever happens
 * @path: the parameter's file
 * @saved: its value when the guard was set
 * @pipefd: write end of a pipe; closing it, or the death of every
 *          process holding it, tells the keeper to put @saved back
 * @keeper: the process that puts @saved back
 *
 * A test that changes a global parameter must leave it as it found it
 * even when it is killed: the keeper, a child in a session of its own
 * that ignores the terminal's signals, waits for the pipe to close and
 * writes the saved value back.
 */
struct aa_param_guard {
	const char *path;
	char saved[32];
	int pipefd;
	pid_t keeper;
};

/**
 * aa_param_write - write a module parameter
 * @path: the parameter's file
 * @val: the new value
 *
 * Returns: 0, or -1 with errno set
 */
static inline int aa_param_write(const char *path, const char *val)
{
	ssize_t len = strlen(val), ret;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -1;
	ret = write(fd, val, len);
	close(fd);
	return ret == len ? 0 : -1;
}

/**
 * aa_param_guard_set - remember a module parameter and start its keeper
 * @g: the guard
 * @path: the parameter's file
 *
 * Returns: 0, or -1 with errno set if the parameter cannot be read or
 * the keeper cannot be started
 */
static inline int aa_param_guard_set(struct aa_param_guard *g,
				     const char *path)
{
	int pipefd[2];
	char buf;

	g->path = path;
	g->keeper = -1;
	g->pipefd = -1;
	if (aa_read_file(path, g->saved, sizeof(g->saved)) <= 0)
		return -1;
	g->saved[strcspn(g->saved, "\n")] = '\0';
	if (pipe(pipefd))
		return -1;
	/* A policy tool the test runs must not keep the keeper waiting. */
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
	g->keeper = fork();
	if (g->keeper < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (g->keeper == 0) {
		close(pipefd[1]);
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		while (read(pipefd[0], &buf, 1) > 0)
			;
		_exit(aa_param_write(path, g->saved) ? 1 : 0);
	}
	close(pipefd[0]);
	g->pipefd = pipefd[1];
	return 0;
}

/**
 * aa_param_guard_release - put the parameter back now and stop the keeper
 * @g: a guard set by aa_param_guard_set()
 *
 * Returns: 0 if the saved value was written back
 */
static inline int aa_param_guard_release(struct aa_param_guard *g)
{
	int ret = aa_param_write(g->path, g->saved), status;

	if (g->pipefd >= 0)
		close(g->pipefd);
	g->pipefd = -1;
	if (g->keeper > 0 && waitpid(g->keeper, &status, 0) == g->keeper &&
	    (!WIFEXITED(status) || WEXITSTATUS(status)))
		ret = -1;
	g->keeper = -1;
	return ret;
}

#endif /* _SELFTESTS_APPARMOR_COMMON_H */
