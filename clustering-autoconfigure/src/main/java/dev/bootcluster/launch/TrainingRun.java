package dev.bootcluster.launch;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.TrainingLaunch;

/**
 * The run a primary starts to create its workers' class data archive: a single JVM of the
 * application that stops once its context is refreshed. It must not outlive the primary
 * that waits for it, so it halts as soon as that primary is no longer its parent.
 */
final class TrainingRun {

	private static final long PARENT_CHECK_MILLIS = 250;

	private TrainingRun() {
	}

	/**
	 * In a training run, halt this JVM once the primary that started it is gone.
	 */
	static void watchPrimary() {
		Long primary = primaryPid(System.getProperty(TrainingLaunch.PRIMARY_PID_PROPERTY));
		if (primary == null) {
			return;
		}
		Thread watch = new Thread(() -> {
			while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L).equals(primary)) {
				try {
					Thread.sleep(PARENT_CHECK_MILLIS);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
			// What it writes stays in its primary's work folder, which the next primary
			// to make this archive removes.
			Runtime.getRuntime().halt(1);
		}, "cluster-training-watch");
		watch.setDaemon(true);
		watch.start();
	}

	private static @Nullable Long primaryPid(@Nullable String value) {
		try {
			return (value != null) ? Long.valueOf(value) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
