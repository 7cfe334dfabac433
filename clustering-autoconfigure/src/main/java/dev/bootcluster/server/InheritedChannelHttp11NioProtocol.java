package dev.bootcluster.server;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * HTTP/1.1 protocol handler that serves the socket inherited from the primary. Named in
 * {@code TomcatServletWebServerFactory.setProtocol(String)}, which creates it by name.
 */
public class InheritedChannelHttp11NioProtocol extends Http11NioProtocol {

	public InheritedChannelHttp11NioProtocol() {
		super(new InheritedChannelNioEndpoint());
	}

}
