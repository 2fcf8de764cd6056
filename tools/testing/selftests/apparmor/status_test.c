// SPDX-License-Identifier: GPL-2.0
/*
 * AppArmor tests - the policy status page .status and the policy
 * generation it shows
 *
 * Each test expects to be the only one changing policy while it runs, as
 * in a test machine: a load by anyone else moves the generation too.
 */

#define _GNU_SOURCE
#include <linux/apparmor.h>
#include <sys/mman.h>

#include "common.h"

#define STATUS_FILE AA_FS "/.status"
#define NS_DIR AA_FS "/policy/namespaces"
#define MODE_PARAM "/sys/module/apparmor/parameters/mode"
#define AUDIT_PARAM "/sys/module/apparmor/parameters/audit"

static const char profile[] = "profile st_p { file, }\n";
static const char other_profile[] = "profile st_p { file, capability, }\n";
static const char ns_profile[] = "profile :st_ns:st_q { file, }\n";

/* The generation on a mapped page, read as the uapi header says. */
static __u64 page_generation(const struct apparmor_status *st)
{
	__u32 seq;
	__u64 gen;

	do {
		seq = __atomic_load_n(&st->sequence, __ATOMIC_ACQUIRE);
		gen = st->generation;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) ||
		 seq != __atomic_load_n(&st->sequence, __ATOMIC_RELAXED));
	return gen;
}

FIXTURE(status)
{
	int fd;
	const struct apparmor_status *st;
};

FIXTURE_SETUP(status)
{
	self->st = MAP_FAILED;
	self->fd = open(STATUS_FILE, O_RDONLY);
	if (self->fd < 0)
		SKIP(return, "no " STATUS_FILE);
	self->st = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED,
			self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->st)
	{
		TH_LOG("mmap: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(status)
{
	if (self->st != MAP_FAILED)
		munmap((void *)self->st, getpagesize());
	if (self->fd >= 0)
		close(self->fd);
	if (aa_profile_loaded("st_p"))
		aa_remove_policy(profile);
	if (aa_profile_loaded(":st_ns:st_q"))
		aa_remove_policy(ns_profile);
	rmdir(NS_DIR "/st_ns");
}

/* The generation now, through the mapping; the test fails if odd. */
static __u64 gen_now(struct __test_metadata *const _metadata,
		     FIXTURE_DATA(status) * self)
{
	__u64 gen = page_generation(self->st);

	EXPECT_EQ(0, gen & 1)
	{
		TH_LOG("generation %llu odd with no change in progress",
		       (unsigned long long)gen);
	}
	return gen;
}

TEST_F(status, layout)
{
	struct apparmor_status copy;
	char more;

	EXPECT_EQ(APPARMOR_STATUS_VERSION, self->st->version);
	EXPECT_EQ(0, self->st->sequence & 1);
	ASSERT_EQ(sizeof(copy), pread(self->fd, &copy, sizeof(copy), 0));
	EXPECT_EQ(APPARMOR_STATUS_VERSION, copy.version);
	EXPECT_EQ(page_generation(self->st), copy.generation);
	EXPECT_EQ(0, copy.sequence & 1);
	EXPECT_EQ(0, pread(self->fd, &more, 1, sizeof(copy)));
	/* The rest of the page is zero: room for later members. */
	for (size_t i = sizeof(copy); i < (size_t)getpagesize(); i++)
		ASSERT_EQ(0, ((const char *)self->st)[i]);
}

TEST_F(status, mapping_is_read_only)
{
	long page = getpagesize();
	void *p;

	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect((void *)self->st, page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, page);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(status, writable_open_cannot_map_writable)
{
	long page = getpagesize();
	int fd = open(STATUS_FILE, O_RDWR);
	void *p;

	if (fd < 0)
		SKIP(return, "cannot open " STATUS_FILE " read-write");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, page);
	close(fd);
}

TEST_F(status, load_replace_remove_move_it)
{
	__u64 g0;

	if (!aa_available())
		SKIP(return, "AppArmor policy cannot be loaded here");
	g0 = gen_now(_metadata, self);
	ASSERT_EQ(0, aa_load_policy(profile));
	EXPECT_EQ(g0 + 2, gen_now(_metadata, self));
	ASSERT_EQ(0, aa_load_policy(other_profile));
	EXPECT_EQ(g0 + 4, gen_now(_metadata, self));
	ASSERT_EQ(0, aa_remove_policy(profile));
	EXPECT_EQ(g0 + 6, gen_now(_metadata, self));
}

TEST_F(status, refused_load_leaves_it)
{
	static const char junk[] = "not a policy";
	__u64 g0 = gen_now(_metadata, self);
	int fd = open(AA_FS "/.replace", O_WRONLY);

	if (fd < 0)
		SKIP(return, "cannot open .replace");
	EXPECT_EQ(-1, write(fd, junk, sizeof(junk)));
	close(fd);
	EXPECT_EQ(g0, gen_now(_metadata, self));
}

TEST_F(status, namespaces_move_it)
{
	__u64 g0, seen[4];
	int fd, i, j;

	if (!aa_available() || access(NS_DIR, W_OK))
		SKIP(return, "policy namespaces cannot be made here");
	g0 = gen_now(_metadata, self);
	/* Made by a load into it, removed with its profile by .remove... */
	ASSERT_EQ(0, aa_load_policy(ns_profile));
	seen[0] = gen_now(_metadata, self);
	EXPECT_EQ(g0 + 2, seen[0]);
	fd = open(AA_FS "/.remove", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(8, write(fd, ":st_ns:", 8));
	close(fd);
	seen[1] = gen_now(_metadata, self);
	EXPECT_EQ(g0 + 4, seen[1]);
	/* ...made again under its old name, removed through rmdir. */
	ASSERT_EQ(0, aa_load_policy(ns_profile));
	seen[2] = gen_now(_metadata, self);
	EXPECT_EQ(g0 + 6, seen[2]);
	ASSERT_EQ(0, rmdir(NS_DIR "/st_ns"));
	seen[3] = gen_now(_metadata, self);
	EXPECT_EQ(g0 + 8, seen[3]);
	/* A namespace made again under its old name is a new generation. */
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			EXPECT_NE(seen[i], seen[j]);
}

static void check_param(struct __test_metadata *const _metadata,
			FIXTURE_DATA(status) * self, const char *path,
			const char *other)
{
	struct aa_param_guard g;
	__u64 g0;

	if (access(path, W_OK))
		SKIP(return, "cannot write %s", path);
	ASSERT_EQ(0, aa_param_guard_set(&g, path));
	g0 = gen_now(_metadata, self);
	/* The value it has: nothing changes. */
	EXPECT_EQ(0, aa_param_write(path, g.saved));
	EXPECT_EQ(g0, gen_now(_metadata, self));
	if (strcmp(g.saved, other)) {
		EXPECT_EQ(0, aa_param_write(path, other));
		EXPECT_EQ(g0 + 2, gen_now(_metadata, self));
		EXPECT_EQ(0, aa_param_write(path, other));
		EXPECT_EQ(g0 + 2, gen_now(_metadata, self));
	}
	EXPECT_EQ(0, aa_param_guard_release(&g));
	EXPECT_EQ(strcmp(g.saved, other) ? g0 + 4 : g0,
		  gen_now(_metadata, self));
}

TEST_F(status, mode_parameter_moves_it_on_change)
{
	check_param(_metadata, self, MODE_PARAM, "complain");
}

TEST_F(status, audit_parameter_moves_it_on_change)
{
	check_param(_metadata, self, AUDIT_PARAM, "noquiet");
}

TEST(mode_is_put_back_when_a_test_is_killed)
{
	char before[32], now[32];
	struct aa_param_guard g;
	pid_t pid;
	int status, i;

	if (access(MODE_PARAM, W_OK))
		SKIP(return, "cannot write " MODE_PARAM);
	ASSERT_LT(0, aa_read_file(MODE_PARAM, before, sizeof(before)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (aa_param_guard_set(&g, MODE_PARAM) ||
		    aa_param_write(MODE_PARAM, strcmp(g.saved, "complain") ?
						   "complain" : "enforce"))
			_exit(1);
		/* Killed before it can put the mode back itself. */
		raise(SIGKILL);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	/* The keeper writes the mode back once the test is gone. */
	for (i = 0; i < 200; i++) {
		ASSERT_LT(0, aa_read_file(MODE_PARAM, now, sizeof(now)));
		if (!strcmp(now, before))
			break;
		usleep(10000);
	}
	EXPECT_STREQ(before, now);
}

TEST_HARNESS_MAIN
