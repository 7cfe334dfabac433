package dev.bootcluster.server;

import java.io.IOException;
import java.nio.channels.NetworkChannel;

/**
 * Accepts on the listening socket this worker inherited from the primary as its standard
 * input. Closing it on pause leaves the shared accept queue to the other workers.
 */
public class InheritedChannelNioEndpoint extends ListenerFirstNioEndpoint {

	public InheritedChannelNioEndpoint() {
		setUseInheritedChannel(true);
	}

	@Override
	protected void closeChannel(NetworkChannel channel) throws IOException {
		// The JDK detaches stdin, stdout and stderr when it closes an inherited channel;
		// keep the worker's logs flowing to the primary.
		StandardStreams.preserveOutputAround(channel::close);
	}

}
