package dev.bootcluster.sample;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;

import org.springframework.stereotype.Service;

import dev.bootcluster.offload.Offload;

/**
 * CPU-heavy work for the demo: counts primes by trial division, on the offload pool so
 * that request threads never wait behind it.
 */
@Service
public class PrimeCounter {

	@Offload
	public int countUpTo(int limit) {
		return count(limit);
	}

	@Offload
	public CompletableFuture<Integer> countUpToAsync(int limit) {
		return CompletableFuture.completedFuture(count(limit));
	}

	private static int count(int limit) {
		int count = 0;
		for (int candidate = 2; candidate <= limit; candidate++) {
			if ((candidate & 0xffff) == 0 && Thread.currentThread().isInterrupted()) {
				// The pool's timeout cancelled this call: stop burning the core.
				throw new CancellationException("Prime count cancelled at " + candidate);
			}
			if (isPrime(candidate)) {
				count++;
			}
		}
		return count;
	}

	private static boolean isPrime(int candidate) {
		for (int divisor = 2; (long) divisor * divisor <= candidate; divisor++) {
			if (candidate % divisor == 0) {
				return false;
			}
		}
		return true;
	}

}
