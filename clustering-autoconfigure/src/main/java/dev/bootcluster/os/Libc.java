package dev.bootcluster.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The C library calls the JDK does not expose, through JNA. Every call reports failure
 * the same way: a {@link LastErrorException} carrying {@code errno}. Constants are
 * Linux's.
 */
interface Libc extends Library {

	Libc INSTANCE = Native.load("c", Libc.class);

	int AF_INET = 2;

	int AF_INET6 = 10;

	int SOCK_STREAM = 1;

	int SOL_SOCKET = 1;

	int SO_REUSEADDR = 2;

	int IPPROTO_IPV6 = 41;

	int IPV6_V6ONLY = 26;

	int EACCES = 13;

	int ESRCH = 3;

	int EADDRINUSE = 98;

	int EADDRNOTAVAIL = 99;

	int PRIO_PROCESS = 0;

	int socket(int domain, int type, int protocol) throws LastErrorException;

	int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

	int bind(int fd, byte[] address, int length) throws LastErrorException;

	int listen(int fd, int backlog) throws LastErrorException;

	int getsockname(int fd, byte[] address, IntByReference length) throws LastErrorException;

	int dup(int fd) throws LastErrorException;

	int dup2(int fd, int target) throws LastErrorException;

	int close(int fd) throws LastErrorException;

	/**
	 * Read the CPU affinity mask of a thread.
	 * @param tid the thread, 0 for the calling thread
	 * @param size the size of the mask in bytes
	 * @param mask a cpu_set_t: bit n of word n / 64 is CPU n
	 * @return 0
	 * @throws LastErrorException such as {@code ESRCH} for a thread that ended
	 */
	int sched_getaffinity(int tid, long size, long[] mask) throws LastErrorException;

	/**
	 * Set the CPU affinity mask of a thread; threads and processes it starts afterwards
	 * inherit it.
	 * @param tid the thread, 0 for the calling thread
	 * @param size the size of the mask in bytes
	 * @param mask a cpu_set_t: bit n of word n / 64 is CPU n
	 * @return 0
	 * @throws LastErrorException such as {@code EINVAL} for CPUs outside the cpuset
	 */
	int sched_setaffinity(int tid, long size, long[] mask) throws LastErrorException;

	/**
	 * Set the nice value of a thread (Linux: {@code PRIO_PROCESS} with a thread id sets
	 * that thread only); threads it starts afterwards inherit it.
	 * @param which {@link #PRIO_PROCESS}
	 * @param who the thread id
	 * @param nice the nice value, -20 to 19
	 * @return 0
	 * @throws LastErrorException such as {@code EACCES} when lowering it needs a
	 * privilege this process does not have
	 */
	int setpriority(int which, int who, int nice) throws LastErrorException;

	/**
	 * Send a signal to a process.
	 * @param pid the process
	 * @param signal the signal
	 * @return 0
	 * @throws LastErrorException such as {@code ESRCH} for a process that ended
	 */
	int kill(int pid, int signal) throws LastErrorException;

	/**
	 * Return free memory at the top of the native heap to the system.
	 * @param pad bytes to leave untrimmed
	 * @return 1 if memory was released
	 */
	int malloc_trim(long pad) throws LastErrorException;

}
