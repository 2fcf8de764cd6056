// SPDX-License-Identifier: GPL-2.0
/*
 * race-query SECONDS THREADS LABEL... - query .dbus from several threads
 * while a script replaces and removes the profiles named by LABEL. Each
 * policy variant either allows the queried Hello (allow has send, nothing
 * denied) or does not match it (allow 0, send denied); an answer that
 * mixes the two, or an errno other than ENOENT, is a failure.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbus_query.h"

#define COMPAT_LOCK 0x8000

static int seconds, nlabels;
static char **label_names;

/**
 * struct tally - what one thread saw
 * @allowed: answers from the allowing variant
 * @denied: answers from the other variant
 * @gone: ENOENT while a profile was removed
 * @bad: anything else
 */
struct tally {
	long allowed, denied, gone, bad;
};

/* Ask whether LABEL may send Hello; builds the request in @r. */
static void hello_request(struct dq_request *r, const char *label)
{
	const char *f[APPARMOR_DBUS_FIELD_COUNT] = {
		label, "", "session", "", "", "/p", "i.f", "Hello",
	};

	dq_init(r);
	dq_add(r, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND, f);
}

static void *run(void *arg)
{
	struct tally *t = arg;
	static __thread struct dq_request req;
	struct apparmor_dbus_answer ans;
	time_t end = time(NULL) + seconds;
	int fd = open("/sys/kernel/security/apparmor/.dbus", O_RDWR), i = 0;

	if (fd < 0) {
		t->bad++;
		return NULL;
	}
	while (time(NULL) < end) {
		hello_request(&req, label_names[i++ % nlabels]);
		if (pwrite(fd, req.buf, req.len, 0) < 0) {
			if (errno == ENOENT)
				t->gone++;
			else
				t->bad++;
			continue;
		}
		if (pread(fd, &ans, sizeof(ans), 0) != sizeof(ans))
			t->bad++;
		else if (ans.subject.allow == (APPARMOR_DBUS_SEND | COMPAT_LOCK) &&
			 !ans.subject.denied)
			t->allowed++;
		else if (!ans.subject.allow &&
			 ans.subject.denied == APPARMOR_DBUS_SEND)
			t->denied++;
		else
			t->bad++;
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct tally t[8] = { }, sum = { };
	pthread_t th[8];
	int threads, i;

	if (argc < 4)
		return 2;
	seconds = atoi(argv[1]);
	threads = atoi(argv[2]);
	label_names = argv + 3;
	nlabels = argc - 3;
	if (threads < 1 || threads > 8)
		return 2;
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, run, &t[i]);
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		sum.allowed += t[i].allowed;
		sum.denied += t[i].denied;
		sum.gone += t[i].gone;
		sum.bad += t[i].bad;
	}
	printf("race: %ld answers from the allowing policy, %ld from the other, %ld ENOENT while removed, %ld inconsistent\n",
	       sum.allowed, sum.denied, sum.gone, sum.bad);
	return sum.bad || !sum.allowed || !sum.denied ? 1 : 0;
}
