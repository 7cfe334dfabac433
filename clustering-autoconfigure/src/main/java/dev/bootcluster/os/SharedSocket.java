package dev.bootcluster.os;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import org.jspecify.annotations.Nullable;

/**
 * The listening socket the primary owns and every worker inherits as its standard input.
 * <p>
 * One socket means one accept queue: a worker that stops or dies never resets connections
 * still waiting in the queue, because another worker accepts them. The primary never
 * accepts on it.
 */
public final class SharedSocket {

	/** The descriptor a child started with an inherited standard input receives. */
	static final int STDIN = 0;

	private final @Nullable InetAddress address;

	private final int port;

	private SharedSocket(@Nullable InetAddress address, int port) {
		this.address = address;
		this.port = port;
	}

	/**
	 * Bind and listen, then move the socket to this process's standard input so that
	 * workers started with {@code ProcessBuilder.Redirect.INHERIT} inherit it.
	 * @param address the address to bind, {@code null} for every address (IPv6 and IPv4)
	 * @param port the port, 0 for one chosen by the system
	 * @param backlog the length of the accept queue
	 * @return the bound socket
	 * @throws SocketUnavailableException when the port is in use or cannot be bound
	 */
	public static SharedSocket listenOnStandardInput(@Nullable InetAddress address, int port, int backlog) {
		Libc libc = Libc.INSTANCE;
		int fd = openSocket(address);
		try {
			libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, new IntByReference(1), 4);
			byte[] sockaddr = encode(address, port, isIpv6(fd, address));
			libc.bind(fd, sockaddr, sockaddr.length);
			libc.listen(fd, backlog);
			int boundPort = boundPort(fd);
			if (fd != STDIN) {
				libc.dup2(fd, STDIN);
				libc.close(fd);
			}
			return new SharedSocket(address, boundPort);
		}
		catch (LastErrorException ex) {
			libc.close(fd);
			throw new SocketUnavailableException(describe(address, port), ex.getErrorCode());
		}
	}

	private static int openSocket(@Nullable InetAddress address) {
		Libc libc = Libc.INSTANCE;
		if (address instanceof Inet4Address) {
			return libc.socket(Libc.AF_INET, Libc.SOCK_STREAM, 0);
		}
		try {
			int fd = libc.socket(Libc.AF_INET6, Libc.SOCK_STREAM, 0);
			if (address == null) {
				libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, new IntByReference(0), 4);
			}
			return fd;
		}
		catch (LastErrorException ex) {
			if (address != null) {
				throw ex;
			}
			// No IPv6 on this host: listen on every IPv4 address instead.
			return libc.socket(Libc.AF_INET, Libc.SOCK_STREAM, 0);
		}
	}

	private static boolean isIpv6(int fd, @Nullable InetAddress address) {
		if (address != null) {
			return !(address instanceof Inet4Address);
		}
		byte[] probe = new byte[28];
		IntByReference length = new IntByReference(probe.length);
		Libc.INSTANCE.getsockname(fd, probe, length);
		return family(probe) == Libc.AF_INET6;
	}

	private static byte[] encode(@Nullable InetAddress address, int port, boolean ipv6) {
		ByteBuffer buffer = ByteBuffer.allocate(ipv6 ? 28 : 16);
		buffer.order(ByteOrder.nativeOrder()).putShort((short) (ipv6 ? Libc.AF_INET6 : Libc.AF_INET));
		buffer.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
		if (ipv6) {
			buffer.putInt(0);
			buffer.put((address != null) ? address.getAddress() : new byte[16]);
		}
		else {
			buffer.put((address != null) ? address.getAddress() : new byte[4]);
		}
		return buffer.array();
	}

	private static int boundPort(int fd) {
		byte[] sockaddr = new byte[28];
		Libc.INSTANCE.getsockname(fd, sockaddr, new IntByReference(sockaddr.length));
		return ((sockaddr[2] & 0xff) << 8) | (sockaddr[3] & 0xff);
	}

	private static int family(byte[] sockaddr) {
		return ByteBuffer.wrap(sockaddr, 0, 2).order(ByteOrder.nativeOrder()).getShort();
	}

	private static String describe(@Nullable InetAddress address, int port) {
		return ((address != null) ? address.getHostAddress() : "*") + ":" + port;
	}

	/**
	 * The port the socket listens on, which is the system's choice when 0 was asked for.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	@Override
	public String toString() {
		return describe(this.address, this.port);
	}

}
