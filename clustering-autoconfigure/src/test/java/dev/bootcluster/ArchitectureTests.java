package dev.bootcluster;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The arrows between packages point one way, as docs/architecture.md draws them: entry
 * points on top, then the primary's side, the worker's side and the offload pool, then
 * the contract both sides share, then the operating system.
 */
@AnalyzeClasses(packages = "dev.bootcluster", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	@ArchTest
	static final ArchRule noPackageCycles = slices().matching("dev.bootcluster.(*)..").should().beFreeOfCycles();

	@ArchTest
	static final ArchRule layersPointDown = layeredArchitecture().consideringOnlyDependenciesInLayers()
		.layer("entry")
		.definedBy("dev.bootcluster.autoconfigure..", "dev.bootcluster.launch..")
		.layer("primary side")
		.definedBy("dev.bootcluster.primary..")
		.layer("worker side")
		.definedBy("dev.bootcluster.worker..", "dev.bootcluster.server..", "dev.bootcluster.actuate..",
				"dev.bootcluster.scheduling..")
		.layer("offload")
		.definedBy("dev.bootcluster.offload..")
		.layer("contract")
		.definedBy("dev.bootcluster.ipc..", "dev.bootcluster.config..")
		.layer("platform")
		.definedBy("dev.bootcluster.os..")
		.whereLayer("entry")
		.mayNotBeAccessedByAnyLayer()
		.whereLayer("primary side")
		.mayOnlyBeAccessedByLayers("entry")
		.whereLayer("worker side")
		.mayOnlyBeAccessedByLayers("entry")
		.whereLayer("offload")
		.mayNotBeAccessedByAnyLayer()
		.whereLayer("contract")
		.mayOnlyBeAccessedByLayers("entry", "primary side", "worker side")
		.whereLayer("platform")
		.mayOnlyBeAccessedByLayers("entry", "primary side", "worker side", "contract");

}
