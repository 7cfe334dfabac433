package dev.bootcluster.actuate;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.health.contributor.Status;

import dev.bootcluster.config.InstanceCount;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.MetricsFormat;
import dev.bootcluster.ipc.PortSharing;
import dev.bootcluster.ipc.ReloadState;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.ClusterOperationException;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterEndpointTests {

	@Test
	void operationsAnswerWithTheRightStatusAndBody() {
		ClusterEndpoint endpoint = new ClusterEndpoint(new FakeClient(2, 2, null));
		assertThat(endpoint.operate("reload").getStatus()).isEqualTo(202);
		assertThat(endpoint.operate("reload").getBody()).isEqualTo(new ClusterEndpoint.ReloadAcceptedDescriptor("1",
				true, ReloadState.RUNNING, "/actuator/cluster/reload"));
		assertThat(endpoint.operateWithBody("reload", null).getStatus()).isEqualTo(202);
		assertThat(endpoint.operateWithBody("reload", "3").getStatus()).isEqualTo(400);
		assertThat(endpoint.operate("scale").getBody())
			.isEqualTo(new ClusterEndpoint.ErrorDescriptor("'scale' needs 'instances': " + InstanceCount.ACCEPTED));
		assertThat(endpoint.operateWithBody("scale", "3").getBody())
			.isEqualTo(new ClusterEndpoint.ScaleDescriptor(2, 3));
		assertThat(endpoint.operateWithBody("scale", "abc").getStatus()).isEqualTo(400);
		assertThat(endpoint.operate("restart").getBody())
			.isEqualTo(new ClusterEndpoint.ErrorDescriptor("Unknown operation 'restart': use 'reload' or 'scale'"));
	}

	@Test
	void theReloadResourceExplainsWhyItIsNotThere() {
		ClusterEndpoint endpoint = new ClusterEndpoint(new FakeClient(2, 2, null));
		assertThat(endpoint.reloadStatus("other").getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		WebEndpointResponse<?> none = endpoint.reloadStatus("reload");
		assertThat(none.getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(none.getBody())
			.isEqualTo(new ClusterEndpoint.ErrorDescriptor("No reload has run since the primary started"));
		ClusterStatus.Reload reload = new ClusterStatus.Reload("1", ReloadState.RUNNING, Instant.now(), null,
				"in progress", List.of());
		assertThat(new ClusterEndpoint(new FakeClient(2, 2, reload)).reloadStatus("reload").getBody())
			.isEqualTo(new ClusterEndpoint.ReloadDescriptor(reload));
	}

	@Test
	void aPrimaryThatDoesNotAnswerIsServiceUnavailable() {
		assertThat(new ClusterEndpoint(new FakeClient(-1, 0, null)).cluster().getStatus())
			.isEqualTo(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

	@Test
	void healthIsDownWhenNoWorkerIsReadyOrThePrimaryDoesNotAnswer() {
		assertThat(new ClusterHealthIndicator(new FakeClient(2, 2, null)).health().getStatus()).isEqualTo(Status.UP);
		assertThat(new ClusterHealthIndicator(new FakeClient(2, 0, null)).health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(new ClusterHealthIndicator(new FakeClient(-1, 0, null)).health().getDetails()).containsKey("error");
	}

	record FakeClient(int configured, int ready, ClusterStatus.Reload lastReload) implements ClusterClient {

		@Override
		public ClusterStatus status() {
			if (this.configured < 0) {
				throw new ClusterOperationException("The primary did not answer within 5 s", false);
			}
			return new ClusterStatus(1, Instant.now(), 10, 1 << 20, this.configured, this.ready, 8080, null,
					PortSharing.INHERITED_SOCKET, List.of(), this.lastReload);
		}

		@Override
		public ReloadTicket reload() {
			return new ReloadTicket("1", true);
		}

		@Override
		public String metrics(MetricsFormat format) {
			return "";
		}

		@Override
		public Scaling scale(String instances) {
			if (!instances.matches("\\d+")) {
				throw new ClusterOperationException("Invalid value '" + instances + "'", true);
			}
			return new Scaling(this.configured, Integer.parseInt(instances));
		}

	}

}
