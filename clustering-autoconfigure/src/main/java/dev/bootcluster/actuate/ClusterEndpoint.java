package dev.bootcluster.actuate;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.bootcluster.config.InstanceCount;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ReloadState;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.ClusterOperationException;

/**
 * {@code /actuator/cluster}: the state of every worker, the current or last reload, and
 * the operations {@code POST /actuator/cluster/reload} (no body needed) and
 * {@code POST /actuator/cluster/scale} (body {@code {"instances": "3"}}). Reading is open
 * by default; the operations need
 * {@code management.endpoint.cluster.access=unrestricted}, like {@code shutdown}.
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
	public WebEndpointResponse<OperationResponseBody> cluster() {
		try {
			return new WebEndpointResponse<>(new ClusterDescriptor(this.client.status()));
		}
		catch (ClusterOperationException ex) {
			return failure(ex);
		}
	}

	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> reloadStatus(@Selector String name) {
		if (!RELOAD.equals(name)) {
			return error("Unknown resource '" + name + "': use 'reload'", WebEndpointResponse.STATUS_NOT_FOUND);
		}
		try {
			ClusterStatus.Reload reload = this.client.status().reload();
			return (reload != null) ? new WebEndpointResponse<>(new ReloadDescriptor(reload))
					: error("No reload has run since the primary started", WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (ClusterOperationException ex) {
			return failure(ex);
		}
	}

	/**
	 * An operation posted without a body, as {@code curl -X POST} sends it: Spring Boot
	 * maps an operation that takes body parameters to JSON requests only.
	 * @param operation {@code reload} or {@code scale}
	 * @return as {@link #operateWithBody}
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> operate(@Selector String operation) {
		return operateWithBody(operation, null);
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
	public WebEndpointResponse<OperationResponseBody> operateWithBody(@Selector String operation,
			@Nullable String instances) {
		try {
			if (RELOAD.equals(operation)) {
				if (instances != null) {
					return badRequest("'reload' takes no parameters; 'instances' is for 'scale'");
				}
				ClusterClient.ReloadTicket ticket = this.client.reload();
				return new WebEndpointResponse<>(new ReloadAcceptedDescriptor(ticket.id(), ticket.started(),
						ReloadState.RUNNING, "/actuator/cluster/" + RELOAD), STATUS_ACCEPTED);
			}
			if (SCALE.equals(operation)) {
				if (instances == null) {
					return badRequest("'scale' needs 'instances': " + InstanceCount.ACCEPTED);
				}
				ClusterClient.Scaling scaling = this.client.scale(instances);
				return new WebEndpointResponse<>(new ScaleDescriptor(scaling.from(), scaling.to()));
			}
			return badRequest("Unknown operation '" + operation + "': use 'reload' or 'scale'");
		}
		catch (ClusterOperationException ex) {
			return failure(ex);
		}
	}

	private static WebEndpointResponse<OperationResponseBody> failure(ClusterOperationException ex) {
		return ex.isRefused() ? badRequest(ex.getMessage())
				: error(ex.getMessage(), WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

	private static WebEndpointResponse<OperationResponseBody> badRequest(String message) {
		return error(message, WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private static WebEndpointResponse<OperationResponseBody> error(String message, int status) {
		return new WebEndpointResponse<>(new ErrorDescriptor(message), status);
	}

	/**
	 * The whole cluster, as the primary knows it.
	 *
	 * @param status the state
	 */
	public record ClusterDescriptor(@JsonUnwrapped ClusterStatus status) implements OperationResponseBody {

	}

	/**
	 * The current or last reload.
	 *
	 * @param reload the reload
	 */
	public record ReloadDescriptor(@JsonUnwrapped ClusterStatus.Reload reload) implements OperationResponseBody {

	}

	/**
	 * A reload the primary accepted.
	 *
	 * @param id the reload's id
	 * @param started whether this request started it (false: one was already running)
	 * @param state {@link ReloadState#RUNNING}
	 * @param href where to follow it
	 */
	public record ReloadAcceptedDescriptor(String id, boolean started, ReloadState state,
			String href) implements OperationResponseBody {

	}

	/**
	 * A change of the cluster's size.
	 *
	 * @param from workers before
	 * @param to workers after
	 */
	public record ScaleDescriptor(int from, int to) implements OperationResponseBody {

	}

	/**
	 * Why an operation was refused or could not be answered.
	 *
	 * @param error what was wrong, and what is accepted
	 */
	public record ErrorDescriptor(String error) implements OperationResponseBody {

	}

}
