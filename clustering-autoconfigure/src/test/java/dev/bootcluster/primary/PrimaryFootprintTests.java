package dev.bootcluster.primary;

import org.junit.jupiter.api.Test;

import dev.bootcluster.os.ProcessMemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link PrimaryFootprint}.
 */
class PrimaryFootprintTests {

	@Test
	void aJvmWithAPositiveTrimIntervalTrimsItself() {
		assertThat(PrimaryFootprint.jvmTrimsNativeHeap("5000")).isTrue();
	}

	@Test
	void aJvmWithATrimIntervalOfZeroOrWithoutTheOptionDoesNotTrim() {
		assertThat(PrimaryFootprint.jvmTrimsNativeHeap("0")).isFalse();
		assertThat(PrimaryFootprint.jvmTrimsNativeHeap(null)).isFalse();
	}

	@Test
	void aPrimaryWhoseJvmDoesNotTrimItselfTrimsOnItsOwnWhereTheCLibraryCan() {
		assumeTrue(ProcessMemory.canTrimNativeHeap(), "this C library has no malloc_trim");
		// The tests' JVM runs without -XX:TrimNativeHeapInterval.
		assertThat(PrimaryFootprint.needsNativeTrimming()).isTrue();
	}

}
