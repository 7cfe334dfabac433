package dev.bootcluster.primary;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bootcluster.ipc.MetricsFormat;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsMergeTests {

	private static final String WORKER_TEXT = """
			# HELP offload_run_seconds Time a task ran
			# TYPE offload_run_seconds histogram
			offload_run_seconds_bucket{pool="default",le="0.001"} 1
			offload_run_seconds_bucket{pool="default",le="+Inf"} %1$d
			offload_run_seconds_count{pool="default"} %1$d
			offload_run_seconds_sum{pool="default"} 0.5
			# HELP process_uptime_seconds The uptime of the Java virtual machine
			# TYPE process_uptime_seconds gauge
			process_uptime_seconds %1$d.0
			""";

	private static final String WORKER_OPENMETRICS = """
			# TYPE executor_completed_tasks counter
			# HELP executor_completed_tasks The approximate total number of tasks
			executor_completed_tasks_total{name="offload-default"} %1$d.0
			executor_completed_tasks_created{name="offload-default"} 1.7E9
			# TYPE http_server_requests_seconds histogram
			http_server_requests_seconds_bucket{uri="/api/data",le="0.1"} %1$d # {trace_id="abc"} 0.02 1.7E9
			http_server_requests_seconds_count{uri="/api/data"} %1$d
			# EOF
			""";

	@Test
	void everySampleIsLabelledWithItsWorkerAndEachFamilyIsDeclaredOnce() {
		String merged = new MetricsMerge(MetricsFormat.TEXT).add(0, WORKER_TEXT.formatted(3))
			.add(1, WORKER_TEXT.formatted(5))
			.exposition();
		List<String> lines = Arrays.asList(merged.split("\n"));
		assertThat(lines).filteredOn((line) -> line.startsWith("# TYPE")).hasSize(2).doesNotHaveDuplicates();
		assertThat(lines).filteredOn((line) -> line.startsWith("# HELP")).hasSize(2);
		assertThat(lines).containsSubsequence("# TYPE offload_run_seconds histogram",
				"offload_run_seconds_bucket{worker=\"0\",pool=\"default\",le=\"0.001\"} 1",
				"offload_run_seconds_count{worker=\"0\",pool=\"default\"} 3",
				"offload_run_seconds_bucket{worker=\"1\",pool=\"default\",le=\"+Inf\"} 5",
				"# TYPE process_uptime_seconds gauge", "process_uptime_seconds{worker=\"0\"} 3.0",
				"process_uptime_seconds{worker=\"1\"} 5.0");
		assertThat(lines).doesNotHaveDuplicates();
	}

	@Test
	void openMetricsKeepsExemplarsAndEndsOnce() {
		String merged = new MetricsMerge(MetricsFormat.OPENMETRICS).add(0, WORKER_OPENMETRICS.formatted(2))
			.add(1, WORKER_OPENMETRICS.formatted(7))
			.addOwn("# TYPE cluster_scrape_missing gauge\n# HELP cluster_scrape_missing Missing.\n"
					+ "cluster_scrape_missing 0\n")
			.exposition();
		List<String> lines = Arrays.asList(merged.split("\n"));
		assertThat(lines).containsSubsequence("# TYPE executor_completed_tasks counter",
				"executor_completed_tasks_total{worker=\"0\",name=\"offload-default\"} 2.0",
				"executor_completed_tasks_created{worker=\"0\",name=\"offload-default\"} 1.7E9",
				"executor_completed_tasks_total{worker=\"1\",name=\"offload-default\"} 7.0",
				"http_server_requests_seconds_bucket{worker=\"1\",uri=\"/api/data\",le=\"0.1\"} 7 "
						+ "# {trace_id=\"abc\"} 0.02 1.7E9",
				"cluster_scrape_missing 0");
		assertThat(lines).filteredOn("# EOF"::equals).hasSize(1);
		assertThat(lines.get(lines.size() - 1)).isEqualTo("# EOF");
	}

	@Test
	void aSampleWithoutLabelsGetsTheWorkerLabelAlone() {
		assertThat(MetricsMerge.withLabel("up 1", "worker=\"2\"")).isEqualTo("up{worker=\"2\"} 1");
		assertThat(MetricsMerge.withLabel("up{} 1", "worker=\"2\"")).isEqualTo("up{worker=\"2\"} 1");
	}

}
