package dev.bootcluster.sample;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;

import dev.bootcluster.config.ClusterProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubernetes/sample.yaml} agrees with the sample's properties and its
 * {@code Dockerfile}: the probes reach the management port's health groups, the grace
 * period outlasts the drain, and the limits give whole workers.
 */
class KubernetesManifestTests {

	private final Map<String, Object> deployment;

	private final Map<String, Object> service;

	private final Map<String, Object> container;

	private final Properties properties = new Properties();

	private final String dockerfile;

	KubernetesManifestTests() throws IOException {
		List<Map<String, Object>> documents = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(Path.of("kubernetes/sample.yaml"))) {
			new Yaml().loadAll(reader).forEach((document) -> documents.add(map(document)));
		}
		assertThat(documents).extracting((document) -> document.get("kind")).containsExactly("Deployment", "Service");
		this.deployment = documents.get(0);
		this.service = documents.get(1);
		List<Object> containers = list(at(this.deployment, "spec", "template", "spec").get("containers"));
		assertThat(containers).hasSize(1);
		this.container = map(containers.get(0));
		try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
			this.properties.load(reader);
		}
		this.dockerfile = Files.readString(Path.of("Dockerfile"));
	}

	@Test
	void theGracePeriodOutlastsThePreStopPauseAndTheClusterShutdownTimeout() {
		Duration shutdownTimeout = DurationStyle.detectAndParse(env("APP_CLUSTER_SHUTDOWN_TIMEOUT"));
		int preStop = (Integer) at(this.container, "lifecycle", "preStop", "sleep").get("seconds");
		int grace = (Integer) at(this.deployment, "spec", "template", "spec").get("terminationGracePeriodSeconds");
		assertThat(Duration.ofSeconds(grace)).isGreaterThan(shutdownTimeout.plusSeconds(preStop));
	}

	@Test
	void theProbesAskTheManagementPortsHealthGroups() {
		assertThat(this.properties.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
		assertThat(this.properties.getProperty("management.endpoint.health.group.readiness.include"))
			.contains("cluster");
		int managementPort = Integer.parseInt(this.properties.getProperty("management.server.port"));
		assertThat(containerPort("management")).isEqualTo(managementPort);
		assertThat(containerPort("http")).isEqualTo(Integer.parseInt(this.properties.getProperty("server.port")));
		assertThat(probe("livenessProbe").get("path")).isEqualTo("/actuator/health/liveness");
		assertThat(probe("startupProbe").get("path")).isEqualTo("/actuator/health/liveness");
		assertThat(probe("readinessProbe").get("path")).isEqualTo("/actuator/health/readiness");
		for (String name : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
			assertThat(probe(name).get("port")).as(name).isEqualTo("management");
		}
		// Inside the container the management port listens on every interface.
		assertThat(this.dockerfile).contains("MANAGEMENT_SERVER_ADDRESS=0.0.0.0")
			.contains("EXPOSE " + this.properties.getProperty("server.port") + " " + managementPort);
	}

	@Test
	void theLimitsAreWholeCpusAndTheStartupProbeWaitsAsLongAsAWorkerMayStart() {
		Map<String, Object> limits = at(this.container, "resources", "limits");
		assertThat(at(this.container, "resources", "requests")).as("requests equal to limits").isEqualTo(limits);
		assertThat(String.valueOf(limits.get("cpu"))).as("CPU limit").matches("[1-9][0-9]*");
		assertThat(String.valueOf(limits.get("memory"))).matches("[1-9][0-9]*Gi");
		Map<String, Object> startup = map(this.container.get("startupProbe"));
		int startupSeconds = (Integer) startup.get("periodSeconds") * (Integer) startup.get("failureThreshold");
		// app.cluster.startup-timeout plus the primary's own start
		assertThat(Duration.ofSeconds(startupSeconds))
			.isGreaterThanOrEqualTo(new ClusterProperties().getStartupTimeout().plusSeconds(20));
	}

	@Test
	void theServiceExposesTheApplicationPortOnly() {
		assertThat(list(at(this.service, "spec").get("ports"))).extracting((port) -> map(port).get("targetPort"))
			.containsExactly("http");
	}

	@Test
	void thePodRunsAsTheImagesUser() {
		Object user = at(this.deployment, "spec", "template", "spec", "securityContext").get("runAsUser");
		assertThat(this.dockerfile).contains("USER " + user + ":" + user);
	}

	private String env(String name) {
		return list(this.container.get("env")).stream()
			.map(KubernetesManifestTests::map)
			.filter((variable) -> name.equals(variable.get("name")))
			.map((variable) -> String.valueOf(variable.get("value")))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " is not set in the manifest"));
	}

	private int containerPort(String name) {
		return list(this.container.get("ports")).stream()
			.map(KubernetesManifestTests::map)
			.filter((port) -> name.equals(port.get("name")))
			.map((port) -> (Integer) port.get("containerPort"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No container port named " + name));
	}

	private Map<String, Object> probe(String name) {
		return at(this.container, name, "httpGet");
	}

	private static Map<String, Object> at(Map<String, Object> map, String... keys) {
		Map<String, Object> current = map;
		for (String key : keys) {
			assertThat(current).as("the manifest at %s", key).containsKey(key);
			current = map(current.get(key));
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

}
