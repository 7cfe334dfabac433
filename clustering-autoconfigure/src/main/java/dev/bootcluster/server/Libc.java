package dev.bootcluster.server;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the JDK does not expose: creating a listening socket on a chosen
 * file descriptor and saving and restoring standard streams. Constants are Linux's.
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

	int EADDRINUSE = 98;

	int EACCES = 13;

	int EADDRNOTAVAIL = 99;

	int socket(int domain, int type, int protocol) throws LastErrorException;

	int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

	int bind(int fd, byte[] address, int length) throws LastErrorException;

	int listen(int fd, int backlog) throws LastErrorException;

	int getsockname(int fd, byte[] address, IntByReference length) throws LastErrorException;

	int dup(int fd) throws LastErrorException;

	int dup2(int fd, int target) throws LastErrorException;

	int close(int fd) throws LastErrorException;

}
