package dev.bootcluster.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.ClusterOperationException;

/**
 * {@code /actuator/cluster}: the state of every worker, the current or last reload, and
 * the operations {@code POST /actuator/cluster/reload} and {@code POST
 * /actuator/cluster/scale} (body {@code {"instances": "3"}}). Reading is open by default;
 * the operations need {@code management.endpoint.cluster.access=unrestricted}, like
 * {@code shutdown}.
 */
@Endpoint(id = "cluster", defaultAccess = Access.READ_ONLY)
public class ClusterEndpoint {

	static final String RELOAD = "reload";

	static final String SCALE = "scale";

	static final int STATUS_ACCEPTED = 202;

	private final ClusterClient client;

	public ClusterEndpoint(ClusterClient client) {
		this.client = client;
	}

	@ReadOperation
	public WebEndpointResponse<Object> cluster() {
		try {
			return new WebEndpointResponse<>(this.client.status());
		}
		catch (ClusterOperationException ex) {
			return failure(ex);
		}
	}

	@ReadOperation
	public WebEndpointResponse<Object> reloadStatus(@Selector String name) {
		if (!RELOAD.equals(name)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		try {
			ClusterStatus.Reload reload = this.client.status().reload();
			return (reload != null) ? new WebEndpointResponse<>(reload)
					: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (ClusterOperationException ex) {
			return failure(ex);
		}
	}

	/**
	 * Start a rolling reload or scale the cluster. Returns at once; the reload goes on in
	 * the primary even if this worker is replaced.
	 * @param operation {@code reload} or {@code scale}
	 * @param instances the new size, for {@code scale}
	 * @return {@code 202} with the reload's id and where to follow it, {@code 200} with
	 * the new size, or {@code 400} naming what was wrong
	 */
	@WriteOperation
	public WebEndpointResponse<Object> operate(@Selector String operation, @Nullable String instances) {
		try {
			return switch (operation) {
				case RELOAD -> {
					if (instances != null) {
						yield badRequest("'reload' takes no parameters; 'instances' is for 'scale'");
					}
					ClusterClient.ReloadTicket ticket = this.client.reload();
					Map<String, Object> body = new LinkedHashMap<>();
					body.put("id", ticket.id());
					body.put("started", ticket.started());
					body.put("state", "running");
					body.put("href", "/actuator/cluster/reload");
					yield new WebEndpointResponse<>(body, STATUS_ACCEPTED);
				}
				case SCALE -> {
					if (instances == null) {
						yield badRequest("'scale' needs 'instances': 'max', a whole number of at least 1, or '-N'");
					}
					ClusterClient.Scaling scaling = this.client.scale(instances);
					yield new WebEndpointResponse<>(Map.of("from", scaling.from(), "to", scaling.to()));
				}
				default -> badRequest("Unknown operation '" + operation + "': use 'reload' or 'scale'");
			};
		}
		catch (ClusterOperationException ex) {
			return failure(ex);
		}
	}

	private static WebEndpointResponse<Object> failure(ClusterOperationException ex) {
		return ex.isRefused() ? badRequest(ex.getMessage()) : new WebEndpointResponse<>(
				Map.of("error", ex.getMessage()), WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

	private static WebEndpointResponse<Object> badRequest(String message) {
		return new WebEndpointResponse<>(Map.of("error", message), WebEndpointResponse.STATUS_BAD_REQUEST);
	}

}
