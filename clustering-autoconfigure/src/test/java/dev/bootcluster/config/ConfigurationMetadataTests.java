package dev.bootcluster.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs complete {@code app.cluster.*} from, as the annotation
 * processor wrote it into this build.
 */
class ConfigurationMetadataTests {

	@Test
	void everyUserSettingIsDescribedAndInternalPropertiesAreNotOffered() throws IOException {
		List<Map<String, Object>> properties = list(metadata(), "properties");
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("app.cluster.instances", "app.cluster.max-instances", "app.cluster.restart.max-attempts",
					"app.cluster.worker.cpu-affinity", "app.cluster.worker.warmup.paths", "app.cluster.offload.threads")
			.doesNotContain("app.cluster.worker-id", "app.cluster.worker-count");
		assertThat(properties).filteredOn((property) -> String.valueOf(property.get("name")).startsWith("app.cluster."))
			.allSatisfy((property) -> assertThat(property.get("description")).as(property.get("name").toString())
				.isNotNull());
	}

	@Test
	void instancesAndCpuAffinityHaveValueHints() throws IOException {
		List<Map<String, Object>> hints = list(metadata(), "hints");
		assertThat(hints).filteredOn((hint) -> hint.get("name").equals("app.cluster.instances"))
			.singleElement()
			.satisfies((hint) -> assertThat(list(hint, "values")).extracting((value) -> value.get("value"))
				.contains("max", "-1"));
		assertThat(hints).filteredOn((hint) -> hint.get("name").equals("app.cluster.worker.cpu-affinity"))
			.singleElement()
			.satisfies((hint) -> assertThat(list(hint, "values")).extracting((value) -> value.get("value"))
				.containsExactly("auto", "on", "off"));
	}

	private static Map<String, Object> metadata() throws IOException {
		try (InputStream in = ClusterProperties.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("metadata written by spring-boot-configuration-processor").isNotNull();
			return JsonMapper.builder().build().readValue(in, Map.class);
		}
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> map, String key) {
		return (List<Map<String, Object>>) map.get(key);
	}

}
