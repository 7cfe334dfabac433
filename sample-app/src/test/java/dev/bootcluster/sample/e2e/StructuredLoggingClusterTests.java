package dev.bootcluster.sample.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Boot's structured logging on, every line the primary prints, its own and its
 * workers', is one whole JSON document that names who wrote it.
 */
class StructuredLoggingClusterTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void everyLineIsOneEcsDocumentNamingItsWorkerOrThePrimary() throws Exception {
		String output;
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=2",
				"--logging.structured.format.console=ecs", "--spring.main.banner-mode=off")) {
			cluster.awaitReady();
			for (int i = 0; i < 20; i++) {
				assertThat(Http.get(cluster.port(), "/api/whoami").status()).isEqualTo(200);
			}
			cluster.signal(cluster.pid(), "TERM");
			assertThat(cluster.awaitExit(Duration.ofSeconds(60))).isZero();
			output = cluster.output();
		}
		List<JsonNode> lines = new ArrayList<>();
		for (String line : output.split("\n")) {
			lines.add(this.json.readTree(line));
		}
		Set<String> writers = new TreeSet<>();
		for (JsonNode line : lines) {
			String node = line.path("service").path("node").path("name").asString();
			JsonNode cluster = line.path("cluster");
			if (node.equals("primary")) {
				assertThat(cluster.path("role").asString()).as(line.toString()).isEqualTo("primary");
			}
			else {
				assertThat(node).as(line.toString()).isIn("worker-0", "worker-1");
				assertThat(cluster.path("worker").path("id").asString()).isEqualTo(node.substring("worker-".length()));
				assertThat(cluster.path("worker").path("count").asString()).isEqualTo("2");
			}
			assertThat(line.path("message").asString()).isNotEmpty();
			writers.add(node);
		}
		assertThat(writers).containsExactly("primary", "worker-0", "worker-1");
		assertThat(lines).anySatisfy((line) -> assertThat(line.path("message").asString()).startsWith("Cluster ready"))
			.anySatisfy((line) -> assertThat(line.path("message").asString()).startsWith("All workers stopped"));
	}

}
