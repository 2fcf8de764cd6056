// SPDX-License-Identifier: GPL-2.0
/*
 * race-query SECONDS THREADS P_ALLOW P_DENY C_ALLOW C_DENY - query .dbus
 * from several threads while this program changes the policy they ask
 * about, one kernel operation at a time, and check every answer against
 * the policy of the generation it carries.
 *
 * The four arguments after THREADS are compiled policies of one profile
 * each: race_p in the root namespace, and :race_ns:race_c, each in a
 * version that lets it send Hello and one that does not. The changes go
 * round: race_p refused, race_c refused, race_ns removed, race_p allowed,
 * race_c allowed (which makes race_ns again). After each change the
 * generation is read from the status page, so the policy of every
 * generation is known: an answer carrying an even generation must say
 * exactly what that policy says (allowed, refused, or ENOENT while the
 * namespace is gone); an answer carrying an odd one was decided during a
 * change and must still be one of the answers the policy can give.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dbus_query.h"

#define MAX_CHANGES 65536

enum outcome { ALLOWED = 1, REFUSED = 2, GONE = 4, OTHER = 8 };

/* The expected outcome for each label, per change made. */
static unsigned char want_p[MAX_CHANGES + 1], want_c[MAX_CHANGES + 1];
/* What the threads saw at each even generation, per label, as a set. */
static _Atomic unsigned char seen_p[MAX_CHANGES + 1], seen_c[MAX_CHANGES + 1];
static _Atomic long answers, unsettled, bad;
static _Atomic int stop;
static __u64 gen0;
static const struct apparmor_status *status;

static __u64 page_generation(void)
{
	__u32 seq;
	__u64 gen;

	do {
		seq = __atomic_load_n(&status->sequence, __ATOMIC_ACQUIRE);
		gen = status->generation;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) ||
		 seq != __atomic_load_n(&status->sequence, __ATOMIC_RELAXED));
	return gen;
}

static enum outcome outcome(const struct apparmor_dbus_answer *a)
{
	if (a->error)
		return a->error == ENOENT ? GONE : OTHER;
	if (!a->subject.denied && a->subject.allow == APPARMOR_DBUS_SEND)
		return ALLOWED;
	if (a->subject.denied == APPARMOR_DBUS_SEND && !a->subject.allow)
		return REFUSED;
	return OTHER;
}

static void record(const struct apparmor_dbus_answer *a,
		   _Atomic unsigned char *seen, int label_can_go)
{
	enum outcome o = outcome(a);

	answers++;
	if (o == OTHER || (o == GONE && !label_can_go)) {
		bad++;
		return;
	}
	if (a->generation & 1) {
		unsettled++;
		return;
	}
	if (a->generation < gen0 ||
	    (a->generation - gen0) / 2 > MAX_CHANGES) {
		bad++;
		return;
	}
	atomic_fetch_or(&seen[(a->generation - gen0) / 2], o);
}

static void *ask(void *arg)
{
	static const char *const fp[APPARMOR_DBUS_FIELD_COUNT] = {
		"race_p", "", "session", "", "", "/p", "i.f", "Hello",
	};
	static const char *const fc[APPARMOR_DBUS_FIELD_COUNT] = {
		":race_ns:race_c", "", "session", "", "", "/p", "i.f", "Hello",
	};
	struct apparmor_dbus_answer ans[2];
	struct dq_request *r = calloc(1, sizeof(*r));
	int fd = open(DBUS_QUERY_FILE, O_RDWR);

	(void)arg;
	if (!r || fd < 0) {
		bad++;
		return NULL;
	}
	dq_init(r);
	dq_add(r, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND, fp);
	dq_add(r, APPARMOR_DBUS_OP_METHOD_CALL, APPARMOR_DBUS_SEND, fc);
	while (!stop) {
		if (dq_send(fd, r->buf, r->len, ans, 2) != 2) {
			bad++;
			continue;
		}
		record(&ans[0], seen_p, 0);
		record(&ans[1], seen_c, 1);
	}
	close(fd);
	free(r);
	return NULL;
}

static int load(const char *bin)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/sbin/apparmor_parser", "apparmor_parser", "-r", "-q",
		      "-B", bin, NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int remove_ns(void)
{
	int fd = open("/sys/kernel/security/apparmor/.remove", O_WRONLY);
	int ok = fd >= 0 && write(fd, ":race_ns:", 9) == 9;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *p_allow, *p_deny, *c_allow, *c_deny;
	long wrong = 0, checked = 0, removals = 0;
	unsigned char p = ALLOWED, c = ALLOWED, kinds_p = 0, kinds_c = 0;
	int seconds, threads, fd, i, n = 0;
	pthread_t th[8];
	time_t end;

	if (argc != 7)
		return 2;
	seconds = atoi(argv[1]);
	threads = atoi(argv[2]);
	p_allow = argv[3];
	p_deny = argv[4];
	c_allow = argv[5];
	c_deny = argv[6];
	if (threads < 1 || threads > 8)
		return 2;
	fd = open(POLICY_STATUS_FILE, O_RDONLY);
	status = fd < 0 ? MAP_FAILED :
			  mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, 0);
	if (status == MAP_FAILED || load(p_allow) || load(c_allow)) {
		fprintf(stderr, "race: setup failed\n");
		return 1;
	}
	gen0 = page_generation();
	want_p[0] = ALLOWED;
	want_c[0] = ALLOWED;
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, ask, NULL);
	end = time(NULL) + seconds;
	while (time(NULL) < end && n < MAX_CHANGES) {
		int err, step = n % 5;
		__u64 gen;

		switch (step) {
		case 0:
			err = load(p_deny), p = REFUSED;
			break;
		case 1:
			err = load(c_deny), c = REFUSED;
			break;
		case 2:
			err = remove_ns(), c = GONE, removals++;
			break;
		case 3:
			err = load(p_allow), p = ALLOWED;
			break;
		default:
			err = load(c_allow), c = ALLOWED;
			break;
		}
		gen = page_generation();
		/* One operation, one change: two steps of the generation. */
		if (err || gen != gen0 + 2 * (__u64)(n + 1)) {
			fprintf(stderr, "race: change %d (step %d) failed or moved the generation to %llu\n",
				n, step, (unsigned long long)gen);
			stop = 1;
			return 1;
		}
		n++;
		want_p[n] = p;
		want_c[n] = c;
	}
	stop = 1;
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);

	for (i = 0; i <= n; i++) {
		unsigned char sp = seen_p[i], sc = seen_c[i];

		if (sp) {
			checked++;
			kinds_p |= sp;
			if (sp != want_p[i]) {
				wrong++;
				fprintf(stderr, "race: generation %llu: race_p answered %#x, its policy says %#x\n",
					(unsigned long long)(gen0 + 2 * i), sp,
					want_p[i]);
			}
		}
		if (sc) {
			checked++;
			kinds_c |= sc;
			if (sc != want_c[i]) {
				wrong++;
				fprintf(stderr, "race: generation %llu: race_c answered %#x, its policy says %#x\n",
					(unsigned long long)(gen0 + 2 * i), sc,
					want_c[i]);
			}
		}
	}
	printf("race: %ld answers, %ld decided during a change, %ld outside the policy; %d changes (%ld namespace removals and re-creations), %ld (generation, label) pairs checked, %ld wrong\n",
	       (long)answers, (long)unsettled, (long)bad, n, removals, checked,
	       wrong);
	/* Every kind of answer must have been seen, or nothing was raced. */
	return wrong || bad || kinds_p != (ALLOWED | REFUSED) ||
	       kinds_c != (ALLOWED | REFUSED | GONE) ? 1 : 0;
}
