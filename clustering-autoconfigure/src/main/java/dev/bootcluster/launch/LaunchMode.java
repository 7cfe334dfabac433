package dev.bootcluster.launch;

/**
 * The role of this JVM, decided once the environment is prepared.
 */
enum LaunchMode {

	/** Launched by the user with cluster mode on: supervise workers, run no user code. */
	PRIMARY,

	/** Started by a primary: run the application on the shared port. */
	WORKER,

	/** A single JVM, as if the starter were not there. */
	PLAIN

}
