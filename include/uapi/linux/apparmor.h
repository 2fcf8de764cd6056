/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AppArmor - User space API
 *
 * The D-Bus query of apparmorfs: a bus daemon writes one or more queries
 * to <securityfs>/apparmor/.dbus and reads one answer per query back.
 */

#ifndef _UAPI_LINUX_APPARMOR_H
#define _UAPI_LINUX_APPARMOR_H

#include <linux/types.h>

/**
 * DOC: dbus_versioning
 *
 * Versioning
 * ~~~~~~~~~~
 *
 * Every request starts with &struct apparmor_dbus_query_hdr whose
 * @version is %APPARMOR_DBUS_QUERY_VERSION. A kernel answers only the
 * versions it lists in ``features/query/dbus/versions`` and refuses any
 * other with ``EPROTONOSUPPORT``. A layout never changes within a
 * version: a new field, operation or permission bit that changes what a
 * request means gets a new version, and the kernel keeps answering the
 * old ones. Flags, operations and permission bits the kernel does not
 * know are refused, never ignored.
 */
#define APPARMOR_DBUS_QUERY_VERSION 1

/**
 * DOC: dbus_limits
 *
 * Limits
 * ~~~~~~
 *
 * - %APPARMOR_DBUS_QUERY_MAX_SIZE: most bytes in one write, header
 *   included; a larger write fails with ``E2BIG``.
 * - %APPARMOR_DBUS_QUERY_MAX_BATCH: most queries in one write.
 * - %APPARMOR_DBUS_QUERY_MAX_FIELD: most bytes in one string field,
 *   its terminating NUL excluded; a longer field fails with
 *   ``ENAMETOOLONG``.
 */
#define APPARMOR_DBUS_QUERY_MAX_SIZE 16384
#define APPARMOR_DBUS_QUERY_MAX_BATCH 64
#define APPARMOR_DBUS_QUERY_MAX_FIELD 1024

/**
 * DOC: dbus_perms
 *
 * Permission bits
 * ~~~~~~~~~~~~~~~
 *
 * The bits of &struct apparmor_dbus_query.request and of every word of
 * &struct apparmor_dbus_perms. They have the values of libapparmor's
 * ``AA_DBUS_*`` and of the policy's dbus permissions. An answer carries
 * these four bits only, never any other bit of AppArmor's internal
 * permission words.
 *
 * - %APPARMOR_DBUS_SEND: the subject may send the message to the peer.
 * - %APPARMOR_DBUS_RECEIVE: the peer may receive the message from the
 *   subject.
 * - %APPARMOR_DBUS_EAVESDROP: the subject may eavesdrop on the bus.
 * - %APPARMOR_DBUS_BIND: the subject may own the name.
 */
#define APPARMOR_DBUS_SEND (1U << 1)
#define APPARMOR_DBUS_RECEIVE (1U << 2)
#define APPARMOR_DBUS_EAVESDROP (1U << 5)
#define APPARMOR_DBUS_BIND (1U << 6)

/**
 * DOC: dbus_flags
 *
 * Query flags
 * ~~~~~~~~~~~
 *
 * Flags of &struct apparmor_dbus_query.flags:
 *
 * - %APPARMOR_DBUS_QUERY_AUDIT: log the decision through the kernel audit
 *   subsystem, as AppArmor logs its own decisions: a record for each
 *   profile that refuses (unless its policy keeps the denial quiet), lets
 *   the message through in complain mode, or audits it; nothing for an
 *   allowed, unaudited side. The process that opened the file must have
 *   held ``CAP_AUDIT_WRITE`` then, or the write fails with ``EPERM``.
 */
#define APPARMOR_DBUS_QUERY_AUDIT (1U << 0)

/**
 * enum apparmor_dbus_op - what a query is about
 *
 * The four message types are matched alike; the operation says what
 * fields and permissions the query may carry.
 */
enum apparmor_dbus_op {
	/**
	 * @APPARMOR_DBUS_OP_METHOD_CALL: a method call message; request
	 * %APPARMOR_DBUS_SEND, %APPARMOR_DBUS_RECEIVE or both.
	 */
	APPARMOR_DBUS_OP_METHOD_CALL = 1,
	/** @APPARMOR_DBUS_OP_SIGNAL: a signal, as a method call. */
	APPARMOR_DBUS_OP_SIGNAL = 2,
	/** @APPARMOR_DBUS_OP_METHOD_RETURN: a reply, as a method call. */
	APPARMOR_DBUS_OP_METHOD_RETURN = 3,
	/** @APPARMOR_DBUS_OP_ERROR: an error reply, as a method call. */
	APPARMOR_DBUS_OP_ERROR = 4,
	/**
	 * @APPARMOR_DBUS_OP_BIND: owning the name in
	 * %APPARMOR_DBUS_FIELD_SUBJECT_NAME; request %APPARMOR_DBUS_BIND.
	 */
	APPARMOR_DBUS_OP_BIND = 5,
	/**
	 * @APPARMOR_DBUS_OP_EAVESDROP: eavesdropping on the bus; request
	 * %APPARMOR_DBUS_EAVESDROP.
	 */
	APPARMOR_DBUS_OP_EAVESDROP = 6,
};

/**
 * enum apparmor_dbus_field - the strings of a query, in wire order
 *
 * Every query carries all %APPARMOR_DBUS_FIELD_COUNT strings, each
 * terminated by a NUL; a field a query does not use must be empty.
 */
enum apparmor_dbus_field {
	/**
	 * @APPARMOR_DBUS_FIELD_SUBJECT_LABEL: label of the sender, the name
	 * owner or the eavesdropper, without the " (mode)" suffix that
	 * SO_PEERSEC adds. Never empty.
	 */
	APPARMOR_DBUS_FIELD_SUBJECT_LABEL,
	/**
	 * @APPARMOR_DBUS_FIELD_PEER_LABEL: label of the receiver (messages
	 * only). Required when %APPARMOR_DBUS_RECEIVE is asked.
	 */
	APPARMOR_DBUS_FIELD_PEER_LABEL,
	/** @APPARMOR_DBUS_FIELD_BUS: the bus type, e.g. "system". */
	APPARMOR_DBUS_FIELD_BUS,
	/**
	 * @APPARMOR_DBUS_FIELD_SUBJECT_NAME: for a message, the sender's
	 * name as the receiver's rules see it; for bind, the name to own.
	 */
	APPARMOR_DBUS_FIELD_SUBJECT_NAME,
	/**
	 * @APPARMOR_DBUS_FIELD_PEER_NAME: the destination name of a message
	 * as the sender's rules see it.
	 */
	APPARMOR_DBUS_FIELD_PEER_NAME,
	/** @APPARMOR_DBUS_FIELD_PATH: object path (messages only). */
	APPARMOR_DBUS_FIELD_PATH,
	/** @APPARMOR_DBUS_FIELD_INTERFACE: interface (messages only). */
	APPARMOR_DBUS_FIELD_INTERFACE,
	/** @APPARMOR_DBUS_FIELD_MEMBER: member (messages only). */
	APPARMOR_DBUS_FIELD_MEMBER,
	/** @APPARMOR_DBUS_FIELD_COUNT: number of fields. */
	APPARMOR_DBUS_FIELD_COUNT,
};

/**
 * struct apparmor_dbus_query_hdr - start of every write
 */
struct apparmor_dbus_query_hdr {
	/** @version: %APPARMOR_DBUS_QUERY_VERSION. */
	__u32 version;
	/** @flags: must be 0. */
	__u32 flags;
	/**
	 * @count: number of &struct apparmor_dbus_query records that
	 * follow, 1 to %APPARMOR_DBUS_QUERY_MAX_BATCH.
	 */
	__u32 count;
	/** @size: bytes in the whole write, this header included. */
	__u32 size;
};

/**
 * struct apparmor_dbus_query - one query
 *
 * Records follow the header back to back; each starts at a multiple of
 * 8 bytes from the start of the write.
 */
struct apparmor_dbus_query {
	/**
	 * @size: bytes in this record, strings and padding included; a
	 * multiple of 8.
	 */
	__u32 size;
	/** @op: an &enum apparmor_dbus_op. */
	__u32 op;
	/**
	 * @request: the permissions asked, a non-empty set of
	 * ``APPARMOR_DBUS_*`` bits valid for @op.
	 */
	__u32 request;
	/** @flags: ``APPARMOR_DBUS_QUERY_*`` flags. */
	__u32 flags;
	/**
	 * @subject_pid: process id of the subject, for audit records; 0 if
	 * unknown.
	 */
	__u32 subject_pid;
	/**
	 * @peer_pid: process id of the peer, for audit records; 0 if
	 * unknown.
	 */
	__u32 peer_pid;
	/**
	 * @strings: %APPARMOR_DBUS_FIELD_COUNT NUL-terminated strings in
	 * &enum apparmor_dbus_field order, then 0 to 7 zero bytes up to the
	 * next multiple of 8: @size is exactly that, nothing more.
	 */
	char strings[];
};

/**
 * struct apparmor_dbus_perms - the answer for one side of a query
 *
 * Every profile of the side's label decides, as in the kernel's own
 * checks: a label stacked across namespaces is refused if any of its
 * profiles refuses. @allow, @deny, @audit and @quiet are the words the
 * ``labelall`` query of ``.access`` returns for the same label and
 * fields, limited to the dbus permission bits; @complain, @kill and
 * @denied hold asked permissions only. A side that was not asked about is
 * all zero.
 */
struct apparmor_dbus_perms {
	/** @allow: permissions every profile of the label grants. */
	__u32 allow;
	/** @deny: permissions some profile explicitly denies. */
	__u32 deny;
	/** @audit: permissions whose use is to be logged. */
	__u32 audit;
	/** @quiet: permissions whose denial is not to be logged. */
	__u32 quiet;
	/**
	 * @complain: asked permissions that a profile in complain mode does
	 * not grant; such a profile lets them through, even past its own
	 * ``deny`` rule, as AppArmor does for every other check.
	 */
	__u32 complain;
	/**
	 * @kill: asked permissions that a profile in kill mode does not
	 * grant; they are in @denied too. Nothing is killed: the daemon
	 * that asks is not the subject.
	 */
	__u32 kill;
	/**
	 * @denied: the decision, the asked permissions that some profile not
	 * in complain mode refuses; 0 when allowed.
	 */
	__u32 denied;
	/** @reserved: 0. */
	__u32 reserved;
	/**
	 * @revision: the policy revision the answer was computed against:
	 * the sum of the revisions of the namespaces holding the label's
	 * profiles (for a label of one namespace, the value of that
	 * namespace's revision file). The answer is what the policy of that
	 * revision says: every load that moved the revision to it had
	 * finished, and no later load had changed anything the answer read.
	 * It stays valid while the revision files it sums read the same.
	 */
	__u64 revision;
};

/**
 * struct apparmor_dbus_answer - what a read returns for each query
 */
struct apparmor_dbus_answer {
	/**
	 * @subject: the subject's %APPARMOR_DBUS_SEND, %APPARMOR_DBUS_BIND
	 * or %APPARMOR_DBUS_EAVESDROP, checked against the peer.
	 */
	struct apparmor_dbus_perms subject;
	/**
	 * @peer: the peer's %APPARMOR_DBUS_RECEIVE from the subject
	 * (messages only).
	 */
	struct apparmor_dbus_perms peer;
};

#endif /* _UAPI_LINUX_APPARMOR_H */
