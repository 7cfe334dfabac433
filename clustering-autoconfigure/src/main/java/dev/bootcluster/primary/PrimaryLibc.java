package dev.bootcluster.primary;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The C library calls the primary makes through JNA.
 */
interface PrimaryLibc extends Library {

	PrimaryLibc INSTANCE = Native.load("c", PrimaryLibc.class);

	/**
	 * Return free memory at the top of the native heap to the system.
	 * @param pad bytes to leave untrimmed
	 * @return 1 if memory was released
	 */
	int malloc_trim(long pad);

}
