/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AppArmor - user space API
 *
 * The policy status page, <securityfs>/apparmor/.status, and the D-Bus
 * query file, <securityfs>/apparmor/.dbus: a bus daemon writes queries
 * to it and reads one answer per query back.
 */

#ifndef _UAPI_LINUX_APPARMOR_H
#define _UAPI_LINUX_APPARMOR_H

#include <linux/types.h>

/**
 * DOC: policy_generation
 *
 * Policy generation
 * ~~~~~~~~~~~~~~~~~
 *
 * A 64-bit number that every change of AppArmor policy moves: loading,
 * replacing or removing profiles and creating or removing policy
 * namespaces, anywhere in the system, and changing the value of the
 * module's ``mode`` or ``audit`` parameter. It is 0 at boot and each
 * change adds two, so it never takes the same value twice and one
 * generation always names one policy. It is odd while a change is in
 * progress and even once the change is complete.
 */

/**
 * DOC: policy_status
 *
 * Policy status page
 * ~~~~~~~~~~~~~~~~~~
 *
 * ``<securityfs>/apparmor/.status`` holds a &struct apparmor_status that
 * the kernel keeps up to date. A process maps the file's first page once,
 * read-only and shared, and learns whether policy changed without a
 * system call; ``read()`` at offset 0 returns the same structure, for a
 * process that cannot map it. Any process may open the file. A writable
 * mapping, or one at an offset other than 0 or longer than a page, is
 * refused with ``EPERM``, ``EINVAL`` and ``EINVAL``.
 *
 * The kernel updates the page as a seqcount: @sequence is odd while it
 * does. A reader copies what it needs between two readings of the same
 * even @sequence, and tries again otherwise::
 *
 *	do {
 *		seq = __atomic_load_n(&st->sequence, __ATOMIC_ACQUIRE);
 *		gen = st->generation;
 *		__atomic_thread_fence(__ATOMIC_ACQUIRE);
 *	} while ((seq & 1) ||
 *		 seq != __atomic_load_n(&st->sequence, __ATOMIC_RELAXED));
 *
 * A cache of decisions taken at an even generation G holds while the
 * page shows G: any other value means that policy changed or is
 * changing.
 */
#define APPARMOR_STATUS_VERSION 1

/**
 * struct apparmor_status - the policy status page
 *
 * A later layout only adds members at the end, and comes with a higher
 * @version; no member ever changes meaning.
 */
struct apparmor_status {
	/** @version: the layout, %APPARMOR_STATUS_VERSION or higher. */
	__u32 version;
	/** @sequence: odd while the kernel updates the page. */
	__u32 sequence;
	/** @generation: the policy generation. */
	__u64 generation;
};

/**
 * DOC: dbus_abi
 *
 * ABI
 * ~~~
 *
 * ``features/query/dbus/abi`` holds, in decimal, the highest ABI of the
 * D-Bus query that the kernel answers. The number only grows: a kernel
 * answers every ABI from 1 to the one it lists, each exactly as it was
 * defined, and a layout never changes. A later ABI brings new
 * operations, flags or layouts under its own number; a daemon learns
 * what it may use from the number, never by trying.
 *
 * A request names the ABI it is written for. A request that uses what
 * its ABI does not have (an ABI the kernel does not answer, an unknown
 * operation, flag or permission bit) is refused with ``EOPNOTSUPP``; one
 * that breaks the rules of its ABI is malformed and refused with
 * ``EINVAL``.
 *
 * This header describes ABIs 1 and 2. ABI 2 adds one record layout,
 * &struct apparmor_dbus_query2, in which each side of a query may be
 * named by the writer's connection to it instead of by a label.
 */

/**
 * DOC: dbus_limits
 *
 * Limits
 * ~~~~~~
 *
 * A kernel that answers ABI 1 takes requests up to these limits at least;
 * ``features/query/dbus/`` lists the ones it applies, in decimal, in
 * ``max_size``, ``max_batch`` and ``max_field``.
 *
 * - %APPARMOR_DBUS_QUERY_MAX_SIZE: bytes in one write, header included;
 *   a larger write fails with ``E2BIG``.
 * - %APPARMOR_DBUS_QUERY_MAX_BATCH: queries in one write.
 * - %APPARMOR_DBUS_QUERY_MAX_FIELD: bytes in one string field, its NUL
 *   excluded; a longer field fails with ``ENAMETOOLONG``. A page, so that
 *   every query the generic label query of ``.access`` takes fits.
 */
#define APPARMOR_DBUS_QUERY_MAX_SIZE 65536
#define APPARMOR_DBUS_QUERY_MAX_BATCH 64
#define APPARMOR_DBUS_QUERY_MAX_FIELD 4096

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
 *   profile that refuses (unless its policy keeps the refusal quiet), lets
 *   the message through in complain mode, or audits it; nothing for an
 *   allowed, unaudited side. As for any record written to audit, the
 *   writer must hold ``CAP_AUDIT_WRITE``, and so must the process that
 *   opened the file when it opened it, or the write fails with ``EPERM``;
 *   in ABI 2, a writer without it may ask for records of queries whose
 *   parties it names by descriptor only, within a budget of records.
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
 * Labels are names as the writer's own policy namespace sees them, the
 * way ``SO_PEERSEC`` reports them to the writer, without the " (mode)"
 * suffix.
 */
enum apparmor_dbus_field {
	/**
	 * @APPARMOR_DBUS_FIELD_SUBJECT_LABEL: label of the sender, the name
	 * owner or the eavesdropper. Never empty.
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
	/** @abi: the ABI the request is written for, 1 here. */
	__u32 abi;
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
	 * @subject_pid: process id of the subject in the writer's pid
	 * namespace, for audit records; 0 if unknown.
	 */
	__u32 subject_pid;
	/**
	 * @peer_pid: process id of the peer in the writer's pid namespace,
	 * for audit records; 0 if unknown.
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
 * struct apparmor_dbus_query2 - one query, ABI 2
 *
 * The records of a request whose header says ABI 2. The same layout as
 * &struct apparmor_dbus_query, with the two pid words replaced: a side
 * is named either by its label field, as in ABI 1, or by a descriptor of
 * the writer, a connected ``AF_UNIX`` stream socket whose other end
 * belongs to the subject or the peer, and then its label field must be
 * empty. The descriptor is looked up in the writer's descriptor table
 * when the query is answered. For such a side the kernel takes the label
 * the other end had when it connected (as ``SO_PEERSEC`` reports it), in
 * its newest version if its profiles were replaced since, and the
 * process that connected (as ``SO_PEERPIDFD`` names it). Both stay with
 * the socket: a client that has exited or closed its end since is still
 * the side the query names, and is answered about and logged as such.
 * A side named by its label has no pid in records.
 *
 * A descriptor that cannot name a side answers its query alone with an
 * error: ``EBADF`` if it is not open, ``ENOTSOCK`` if it is not a
 * socket, ``EAFNOSUPPORT`` if it is not ``AF_UNIX``, ``EPROTOTYPE`` if it
 * is not ``SOCK_STREAM``, ``EDESTADDRREQ`` for a listening socket and
 * ``ENOTCONN`` for a socket that never connected.
 */
struct apparmor_dbus_query2 {
	/** @size: as in &struct apparmor_dbus_query. */
	__u32 size;
	/** @op: an &enum apparmor_dbus_op. */
	__u32 op;
	/** @request: as in &struct apparmor_dbus_query. */
	__u32 request;
	/** @flags: ``APPARMOR_DBUS_QUERY_*`` flags. */
	__u32 flags;
	/**
	 * @subject_fd: the writer's socket connected to the subject, or -1
	 * to name the subject by %APPARMOR_DBUS_FIELD_SUBJECT_LABEL.
	 */
	__s32 subject_fd;
	/**
	 * @peer_fd: the writer's socket connected to the peer, or -1 to name
	 * the peer by %APPARMOR_DBUS_FIELD_PEER_LABEL.
	 */
	__s32 peer_fd;
	/** @strings: as in &struct apparmor_dbus_query. */
	char strings[];
};

/**
 * struct apparmor_dbus_perms - the answer for one side of a query
 *
 * Every profile of the side's label decides, exactly as the kernel's own
 * checks decide with that profile's modes: a label stacked across
 * namespaces is refused if any of its profiles refuses. @allow, @deny,
 * @audit and @quiet are the words the ``labelall`` query of ``.access``
 * returns for the same label and fields, limited to the dbus permission
 * bits; @complain, @kill and @denied hold asked permissions only. A side
 * that was not asked about is all zero.
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
	 * @complain: asked permissions that a profile in complain mode
	 * lets through although its rules do not grant them. A profile's
	 * explicit ``deny`` rule refuses even in complain mode, as for
	 * every other AppArmor check.
	 */
	__u32 complain;
	/**
	 * @kill: asked permissions refused by a profile in kill mode; they
	 * are in @denied too. Nothing is killed: the daemon that asks is
	 * not the subject.
	 */
	__u32 kill;
	/**
	 * @denied: the decision, the asked permissions that some profile
	 * refuses; 0 when allowed.
	 */
	__u32 denied;
	/** @reserved: 0. */
	__u32 reserved;
};

/**
 * struct apparmor_dbus_answer - what a read returns for each query
 *
 * The answer holds while the policy generation is @generation, and no
 * longer: a daemon may keep it, keyed by everything its query carried,
 * while the status page shows @generation, if @generation is even.
 */
struct apparmor_dbus_answer {
	/**
	 * @error: 0, or the errno for this query alone (a label that does
	 * not resolve, for example); the other words are then zero. The
	 * other answers of the same write are not affected.
	 */
	__u32 error;
	/** @reserved: 0. */
	__u32 reserved;
	/**
	 * @generation: the policy generation the answer was decided under.
	 * Even: every word of the answer is what the policy of that
	 * generation says. Odd: policy changed while the answer was decided;
	 * it is what the kernel's own checks decided at some moment of that
	 * change, and must not be kept.
	 */
	__u64 generation;
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
