package dev.bootcluster.primary;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
	void thisJvmAsTheTestsStartItIsTrimmedByThePrimaryWhereTheCLibraryCan() {
		// The tests' JVM runs without -XX:TrimNativeHeapInterval, on glibc.
		assertThat(PrimaryFootprint.needsNativeTrimming()).isTrue();
	}

}
