/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic label query of .access, as libapparmor's aa_query_label()
 * sends it: "label\0" LABEL "\0" then the raw DFA input, here of class
 * dbus, answered with four hex words.
 */

#ifndef _SELFTESTS_APPARMOR_LABEL_QUERY_H
#define _SELFTESTS_APPARMOR_LABEL_QUERY_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CLASS_DBUS "\x20"

/**
 * struct label_answer - the four words of a label query answer
 * @allow: permissions granted
 * @deny: permissions explicitly denied
 * @audit: permissions to audit
 * @quiet: permissions whose denial is not logged
 */
struct label_answer {
	uint32_t allow, deny, audit, quiet;
};

enum dbus_shape { SHAPE_MSG, SHAPE_BIND, SHAPE_EAVESDROP };

/**
 * label_query_build_cmd - lay out a query of class dbus for @cmd
 * @buf: destination, at least 4096 bytes
 * @cmd: "label" (the profiles of the label's own namespace decide) or
 *       "labelall" (every profile of the label decides)
 * @label: subject label
 * @shape: which fields follow the bus
 * @f: bus, name, peer label, path, interface, member
 *
 * Returns: the query length.
 */
static inline size_t label_query_build_cmd(char *buf, const char *cmd,
					   const char *label,
					   enum dbus_shape shape,
					   const char *const f[6])
{
	static const int nfields[] = {
		[SHAPE_MSG] = 6, [SHAPE_BIND] = 2, [SHAPE_EAVESDROP] = 1
	};
	size_t len = 0;
	int i;

	len += sprintf(buf + len, "%s", cmd) + 1;
	len += sprintf(buf + len, "%s", label) + 1;
	len += sprintf(buf + len, CLASS_DBUS);
	for (i = 0; i < nfields[shape]; i++) {
		if (i)
			buf[len++] = '\0';
		len += sprintf(buf + len, "%s", f[i] ? f[i] : "");
	}
	return len;
}

/**
 * label_query_build - lay out a "label" query of class dbus
 * @buf: destination, at least 4096 bytes
 * @label: subject label
 * @shape: which fields follow the bus
 * @f: bus, name, peer label, path, interface, member
 *
 * Returns: the query length.
 */
static inline size_t label_query_build(char *buf, const char *label,
				       enum dbus_shape shape,
				       const char *const f[6])
{
	return label_query_build_cmd(buf, "label", label, shape, f);
}

/**
 * label_query - send one query to .access and parse the answer
 * @buf: query bytes
 * @len: query length
 * @ans: parsed answer
 *
 * Returns: 0, or -errno of the failing write or read.
 */
static inline int label_query(const char *buf, size_t len,
			      struct label_answer *ans)
{
	char out[256];
	ssize_t n;
	int fd, err = 0;

	fd = open("/sys/kernel/security/apparmor/.access", O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len) {
		err = -errno;
		goto out;
	}
	n = read(fd, out, sizeof(out) - 1);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	out[n] = '\0';
	if (sscanf(out, "allow 0x%x\ndeny 0x%x\naudit 0x%x\nquiet 0x%x\n",
		   &ans->allow, &ans->deny, &ans->audit, &ans->quiet) != 4)
		err = -EBADMSG;
out:
	close(fd);
	return err;
}

#endif /* _SELFTESTS_APPARMOR_LABEL_QUERY_H */
