package dev.bootcluster.sample.e2e;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code app.cluster.instances=max} and CPU pinning in containers with less than the
 * machine's CPUs: a CPU quota ({@code --cpus}) and a cpuset ({@code --cpuset-cpus}).
 */
class ContainerCpuLimitTests {

	@Test
	void underAQuotaOfOneCpuMaxIsOneWorkerWithOneCpu() throws Exception {
		try (SampleContainer container = new SampleContainer((limits) -> limits.withNanoCPUs(1_000_000_000L))) {
			container.start();
			assertOneWorkerWithOneCpu(container);
		}
	}

	@Test
	void inACpusetOfOneCpuMaxIsOneWorkerOnThatCpu() throws Exception {
		try (SampleContainer container = new SampleContainer((limits) -> limits.withCpusetCpus("1"))) {
			container.start();
			long pid = assertOneWorkerWithOneCpu(container);
			assertThat(container.cpusOfThreads(pid)).containsOnly("1");
		}
	}

	@Test
	void twoWorkersUnderAQuotaOfOneCpuShareTheCpusAndGetOneEach() throws Exception {
		try (SampleContainer container = new SampleContainer((limits) -> limits.withNanoCPUs(1_000_000_000L),
				"--app.cluster.instances=2")) {
			container.start();
			Map<Integer, SampleContainer.Worker> workers = container.workers();
			assertThat(workers).containsOnlyKeys(0, 1);
			// The JVM counts one core under the quota, of the two CPUs of the cpuset:
			// pinning
			// both workers to one CPU each would let each use half of what the quota
			// allows.
			assertThat(container.output())
				.containsPattern("Workers share CPUs \\S+ \\(app.cluster.worker.cpu-affinity=auto: "
						+ "the JVM counts 1 of the \\d+ allowed CPUs \\(a CPU quota or -XX:ActiveProcessorCount\\)\\)");
			String primaryCpus = container.cpusOfThreads(1).get(0);
			Scrape scrape = container.scrape();
			for (int id = 0; id < 2; id++) {
				assertThat(container.cpusOfThreads(workers.get(id).pid())).containsOnly(primaryCpus);
				assertThat(scrape.value("system_cpu_count{worker=\"" + id + "\"}")).isEqualTo(1);
				// Shared, and the quota's one core is all they share.
				assertThat(scrape.value("executor_pool_max_threads{worker=\"" + id + "\",name=\"offload-default\"}"))
					.isEqualTo(1);
			}
		}
	}

	private static long assertOneWorkerWithOneCpu(SampleContainer container) throws Exception {
		assertThat(container.status()).contains("\"configuredInstances\":1", "\"readyInstances\":1");
		Map<Integer, SampleContainer.Worker> workers = container.workers();
		assertThat(workers).containsOnlyKeys(0);
		Scrape scrape = container.scrape();
		assertThat(scrape.value("system_cpu_count{worker=\"0\"}")).isEqualTo(1);
		assertThat(scrape.value("executor_pool_max_threads{worker=\"0\",name=\"offload-default\"}")).isEqualTo(1);
		return workers.get(0).pid();
	}

}
