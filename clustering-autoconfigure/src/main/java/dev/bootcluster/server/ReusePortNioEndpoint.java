package dev.bootcluster.server;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

import org.apache.tomcat.util.net.NioEndpoint;

import org.springframework.util.ReflectionUtils;

/**
 * Binds its own listening socket with {@code SO_REUSEPORT} so that every worker can serve
 * a second port (the management port) beside the inherited one. Each worker has its own
 * accept queue on that port; Linux only lets processes of the same user share it.
 */
class ReusePortNioEndpoint extends ListenerFirstNioEndpoint {

	private static final Field SERVER_SOCKET = serverSocketField();

	@Override
	protected void initServerSocket() throws Exception {
		ServerSocketChannel channel = ServerSocketChannel.open();
		getSocketProperties().setProperties(channel.socket());
		channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
		channel.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
		channel.configureBlocking(true);
		ReflectionUtils.setField(SERVER_SOCKET, this, channel);
	}

	private static Field serverSocketField() {
		Field field = ReflectionUtils.findField(NioEndpoint.class, "serverSock", ServerSocketChannel.class);
		if (field == null) {
			throw new IllegalStateException("This Tomcat version has no NioEndpoint.serverSock field");
		}
		ReflectionUtils.makeAccessible(field);
		return field;
	}

}
