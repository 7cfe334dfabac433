package dev.bootcluster.primary;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerCommandTests {

	@Test
	void aJarLaunchIsRepeatedWithDashJar() {
		assertThat(WorkerCommand.target("/opt/app with space/app.jar --x=1", "/opt/app with space/app.jar"))
			.containsExactly("-jar", "/opt/app with space/app.jar");
	}

	@Test
	void aClassPathLaunchIsRepeatedWithTheSameClassPathAndMainClass() {
		assertThat(WorkerCommand.target("com.example.App --x=1", "target/classes:lib/a.jar")).containsExactly("-cp",
				"target/classes:lib/a.jar", "com.example.App");
	}

	@Test
	void theWorkerOptionsComeAfterThePrimarysAndBeforeTheTarget() {
		WorkerCommand command = new WorkerCommand("/usr/bin/java", List.of("-Xss1m"), List.of("-jar", "app.jar"),
				List.of("--server.port=9000"));
		assertThat(command.commandLine(List.of("-XX:ActiveProcessorCount=1"))).containsExactly("/usr/bin/java",
				"-Xss1m", "-XX:ActiveProcessorCount=1", "-jar", "app.jar", "--server.port=9000");
	}

}
