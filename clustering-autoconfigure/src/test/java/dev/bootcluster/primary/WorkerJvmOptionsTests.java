package dev.bootcluster.primary;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerJvmOptionsTests {

	@Test
	void eachWorkerGetsItsShareOfCoresAndOfTheMaximumHeapAndHalfItsShareOfTheInitialHeap() {
		assertThat(WorkerJvmOptions.forWorker(List.of("-Dx=y"), List.of(), 8, 4, false)).containsExactly(
				"-XX:ActiveProcessorCount=2", "-XX:MaxRAMPercentage=6.25", "-XX:InitialRAMPercentage=0.1953");
	}

	@Test
	void moreWorkersThanCoresStillGiveEachOneCore() {
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of(), 2, 3, false)).contains("-XX:ActiveProcessorCount=1",
				"-XX:MaxRAMPercentage=8.3333", "-XX:InitialRAMPercentage=0.2604");
	}

	@Test
	void thePrimarysHeapPercentageIsSplitAcrossWorkers() {
		assertThat(WorkerJvmOptions.forWorker(List.of("-XX:MaxRAMPercentage=80", "-XX:InitialRAMPercentage=10"),
				List.of(), 2, 2, false))
			.contains("-XX:MaxRAMPercentage=40", "-XX:InitialRAMPercentage=5");
	}

	@Test
	void flagsTheUserChoseAreLeftAlone() {
		assertThat(WorkerJvmOptions.forWorker(List.of("-Xmx1g", "-Xms64m", "-XX:ActiveProcessorCount=3"), List.of(), 8,
				4, false))
			.isEmpty();
		assertThat(WorkerJvmOptions.forWorker(List.of("-Xmx1g"), List.of(), 8, 4, false))
			.containsExactly("-XX:ActiveProcessorCount=2", "-XX:InitialRAMPercentage=0.1953");
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of("-XX:MaxRAMPercentage=30", "-Xss1m"), 8, 4, false))
			.containsExactly("-XX:ActiveProcessorCount=2", "-XX:InitialRAMPercentage=0.1953", "-XX:MaxRAMPercentage=30",
					"-Xss1m");
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of("-XX:InitialHeapSize=32m"), 8, 4, false))
			.containsExactly("-XX:ActiveProcessorCount=2", "-XX:MaxRAMPercentage=6.25", "-XX:InitialHeapSize=32m");
		assertThat(WorkerJvmOptions.choosesCores(List.of("-XX:ActiveProcessorCount=3"), List.of())).isTrue();
		assertThat(WorkerJvmOptions.choosesCores(List.of(), List.of("-XX:ActiveProcessorCount=1"))).isTrue();
		assertThat(WorkerJvmOptions.choosesCores(List.of("-Xmx1g"), List.of("-Xss1m"))).isFalse();
	}

	@Test
	void oneWorkerKeepsTheWholeHeap() {
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of(), 4, 1, false))
			.containsExactly("-XX:ActiveProcessorCount=4");
	}

	@Test
	void workersTrimTheirNativeHeapWhereTheJvmCan() {
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of(), 2, 2, true)).containsExactly(
				"-XX:ActiveProcessorCount=1", "-XX:MaxRAMPercentage=12.5", "-XX:InitialRAMPercentage=0.3906",
				"-XX:TrimNativeHeapInterval=5000");
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of(), 4, 1, true))
			.containsExactly("-XX:ActiveProcessorCount=4", "-XX:TrimNativeHeapInterval=5000");
	}

	@Test
	void theUsersTrimIntervalWins() {
		assertThat(WorkerJvmOptions.forWorker(List.of(), List.of("-XX:TrimNativeHeapInterval=0"), 4, 1, true))
			.containsExactly("-XX:ActiveProcessorCount=4", "-XX:TrimNativeHeapInterval=0");
	}

	@Test
	void thePrimarysTrimIntervalIsKept() {
		assertThat(WorkerJvmOptions.forWorker(List.of("-XX:TrimNativeHeapInterval=1000"), List.of(), 4, 1, true))
			.containsExactly("-XX:ActiveProcessorCount=4");
	}

	@Test
	void keysIdentifyWhatAnOptionSets() {
		assertThat(WorkerJvmOptions.key("-XX:+UseG1GC")).isEqualTo("-XX:UseG1GC");
		assertThat(WorkerJvmOptions.key("-XX:-UseG1GC")).isEqualTo("-XX:UseG1GC");
		assertThat(WorkerJvmOptions.key("-XX:MaxRAMPercentage=5")).isEqualTo("-XX:MaxRAMPercentage");
		assertThat(WorkerJvmOptions.key("-Dspring.profiles.active=x")).isEqualTo("-Dspring.profiles.active");
		assertThat(WorkerJvmOptions.key("-Xmx512m")).isEqualTo("-Xmx");
	}

}
