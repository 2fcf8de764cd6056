// SPDX-License-Identifier: GPL-2.0
/*
 * parse-records FILE: run every kernel AppArmor record the tests captured
 * ("audit-record: type=1400 audit(...): ..." lines in FILE) through the
 * parse_record() of the guest's own libapparmor, the parser aa-logprof and
 * aa-notify use, and print what it read back, one line per record:
 *
 *   parsed-record: N event=E key=HEX key=HEX ...
 *
 * Values are hex-encoded so that whatever the parser decoded (the kernel
 * hex-encodes hostile strings) cannot break the line; scripts/
 * check-audit-records.py on the host compares them with the record.
 *
 * Built on the host against the aalogparse.h of the guest release's
 * libapparmor-dev, so the structure layout is that release's, and the
 * library is opened at run time: the binary then links against nothing
 * newer than the host's C library.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <aalogparse.h>

static aa_log_record *(*parse)(const char *str);
static void (*release)(aa_log_record *record);

/* print_field - print " KEY=HEX" for a string the parser filled in. */
static void print_field(const char *key, const char *val)
{
	if (!val)
		return;
	printf(" %s=", key);
	for (; *val; val++)
		printf("%02x", (unsigned char)*val);
}

/* report - parse one record and print the fields the dbus checks read. */
static void report(unsigned int n, const char *payload)
{
	char msg[8192];
	aa_log_record *rec;

	snprintf(msg, sizeof(msg), "type=AVC msg=%s", payload);
	rec = parse(msg);
	printf("parsed-record: %u event=%d", n, rec ? (int)rec->event : -1);
	if (rec) {
		print_field("operation", rec->operation);
		print_field("class", rec->rule_class);
		print_field("profile", rec->profile);
		print_field("name", rec->name);
		print_field("bus", rec->dbus_bus);
		print_field("path", rec->dbus_path);
		print_field("interface", rec->dbus_interface);
		print_field("member", rec->dbus_member);
		print_field("peer", rec->peer);
		print_field("peer_label", rec->peer_profile);
		print_field("requested_mask", rec->requested_mask);
		print_field("denied_mask", rec->denied_mask);
		printf(" pid=%lu task=%lu peer_pid=%lu", rec->pid, rec->task,
		       rec->peer_pid);
		release(rec);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	static const char tag[] = "audit-record: type=1400 ";
	char line[8192];
	unsigned int n = 0;
	void *lib;
	FILE *in;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	lib = dlopen("libapparmor.so.1", RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "parse-records: %s\n", dlerror());
		return 1;
	}
	parse = (aa_log_record *(*)(const char *))dlsym(lib, "parse_record");
	release = (void (*)(aa_log_record *))dlsym(lib, "free_record");
	if (!parse || !release) {
		fprintf(stderr, "parse-records: libapparmor lacks parse_record\n");
		return 1;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		char *rec = strstr(line, tag);

		if (!rec)
			continue;
		line[strcspn(line, "\n")] = '\0';
		report(++n, rec + strlen(tag));
	}
	fclose(in);
	return 0;
}
