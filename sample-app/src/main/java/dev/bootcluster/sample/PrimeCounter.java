package dev.bootcluster.sample;

import org.springframework.stereotype.Service;

/**
 * CPU-heavy work for the demo: counts primes by trial division.
 */
@Service
class PrimeCounter {

	int countUpTo(int limit) {
		int count = 0;
		for (int candidate = 2; candidate <= limit; candidate++) {
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
