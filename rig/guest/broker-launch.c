// SPDX-License-Identifier: GPL-2.0
/*
 * broker-launch SOCKET LOG CMD [ARGS...]: give dbus-broker-launch the two
 * things systemd would, then exec CMD:
 *
 *   - the bus socket, listening at SOCKET, as socket-activation fd 3
 *     (LISTEN_FDS=1, LISTEN_PID = our pid, which CMD keeps);
 *   - the journal: a datagram socket at /run/systemd/journal/socket, read
 *     by a child that appends each entry (journal "KEY=value" lines) to LOG
 *     followed by an empty line, and exits with CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define JOURNAL_DIR "/run/systemd/journal"
#define JOURNAL_SOCKET JOURNAL_DIR "/socket"

/* bound_socket - a socket of TYPE bound at PATH (replacing a stale one). */
static int bound_socket(int type, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "broker-launch: path too long: %s\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror(path);
		close(fd);
		return -1;
	}
	return fd;
}

/* journal_reader - copy journal datagrams to LOG until the launcher exits. */
static void journal_reader(int fd, const char *log)
{
	static char entry[65536];
	FILE *out;
	ssize_t n;

	/* The launcher is our parent; when it exits, so do we. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	out = fopen(log, "a");
	if (!out)
		_exit(1);
	for (;;) {
		n = recv(fd, entry, sizeof(entry), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		fwrite(entry, 1, n, out);
		fputs(n && entry[n - 1] == '\n' ? "\n" : "\n\n", out);
		fflush(out);
	}
}

int main(int argc, char **argv)
{
	char pid[32];
	int bus, journal;
	pid_t child;

	if (argc < 4) {
		fprintf(stderr, "usage: %s SOCKET LOG CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	mkdir("/run/systemd", 0755);
	mkdir(JOURNAL_DIR, 0755);
	journal = bound_socket(SOCK_DGRAM, JOURNAL_SOCKET);
	bus = bound_socket(SOCK_STREAM, argv[1]);
	if (journal < 0 || bus < 0 || listen(bus, 128) < 0)
		return 1;

	child = fork();
	if (child < 0)
		return 1;
	if (child == 0)
		journal_reader(journal, argv[2]);
	close(journal);

	/* Socket activation: the listening socket is fd 3, for us alone. */
	if (bus == 3 ? fcntl(bus, F_SETFD, 0) < 0 : dup2(bus, 3) < 0)
		return 1;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_PID", pid, 1);
	unsetenv("LISTEN_FDNAMES");
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 1;
}
