package dev.bootcluster.server;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * HTTP/1.1 protocol handler for a port every worker binds with {@code SO_REUSEPORT}.
 */
public class ReusePortHttp11NioProtocol extends Http11NioProtocol {

	public ReusePortHttp11NioProtocol() {
		super(new ReusePortNioEndpoint());
	}

}
