package dev.bootcluster.ipc;

/**
 * What the primary tells the run that creates its workers' class data archive: a single
 * JVM of the application, started with a system property naming the primary, which it
 * must not outlive.
 */
public final class TrainingLaunch {

	/**
	 * The system property that carries the primary's process id to a training run.
	 */
	public static final String PRIMARY_PID_PROPERTY = "boot-cluster.training-for";

	private TrainingLaunch() {
	}

}
