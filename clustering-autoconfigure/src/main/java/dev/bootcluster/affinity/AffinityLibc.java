package dev.bootcluster.affinity;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The C library's affinity calls, through JNA.
 */
interface AffinityLibc extends Library {

	AffinityLibc INSTANCE = Native.load("c", AffinityLibc.class);

	/**
	 * Read the CPU affinity mask of a thread.
	 * @param tid the thread, 0 for the calling thread
	 * @param size the size of the mask in bytes
	 * @param mask a cpu_set_t: bit n of word n / 64 is CPU n
	 * @return 0 on success, -1 with errno set
	 */
	int sched_getaffinity(int tid, long size, long[] mask);

	/**
	 * Set the CPU affinity mask of a thread; threads and processes it starts afterwards
	 * inherit it.
	 * @param tid the thread, 0 for the calling thread
	 * @param size the size of the mask in bytes
	 * @param mask a cpu_set_t: bit n of word n / 64 is CPU n
	 * @return 0 on success, -1 with errno set
	 */
	int sched_setaffinity(int tid, long size, long[] mask);

}
