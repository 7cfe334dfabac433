package dev.bootcluster.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The sample's HTTP API: who answered, a small document, CPU work and a slow call.
 */
@RestController
@RequestMapping("/api")
class SampleController {

	/** Largest {@code limit} accepted by {@code /api/primes}. */
	static final int MAX_PRIME_LIMIT = 5_000_000;

	/** Longest sleep accepted by {@code /api/slow}. */
	static final int MAX_SLEEP_MS = 30_000;

	private final PrimeCounter primes;

	private final MemoryHog memory;

	private final Parking parking;

	private final int workerId;

	private final int workerCount;

	SampleController(PrimeCounter primes, MemoryHog memory, Parking parking,
			@Value("${app.cluster.worker-id:-1}") int workerId,
			@Value("${app.cluster.worker-count:0}") int workerCount) {
		this.primes = primes;
		this.memory = memory;
		this.parking = parking;
		this.workerId = workerId;
		this.workerCount = workerCount;
	}

	@GetMapping("/whoami")
	Map<String, Object> whoami() {
		return Map.of("pid", pid(), "workerId", this.workerId, "workerCount", this.workerCount);
	}

	@GetMapping("/data")
	Map<String, Object> data() {
		return Map.of("items", List.of(Map.of("id", 1, "name", "alpha"), Map.of("id", 2, "name", "beta")));
	}

	@GetMapping("/primes")
	Map<String, Object> primes(@RequestParam int limit) {
		checkLimit(limit);
		return Map.of("limit", limit, "count", this.primes.countUpTo(limit), "pid", pid());
	}

	/**
	 * The same count, answered asynchronously: the request thread is released while the
	 * offload pool works.
	 */
	@GetMapping("/primes/async")
	CompletableFuture<Map<String, Object>> primesAsync(@RequestParam int limit) {
		checkLimit(limit);
		return this.primes.countUpToAsync(limit)
			.thenApply((count) -> Map.of("limit", limit, "count", count, "pid", pid()));
	}

	private static void checkLimit(int limit) {
		if (limit < 0 || limit > MAX_PRIME_LIMIT) {
			throw new IllegalArgumentException("limit must be between 0 and " + MAX_PRIME_LIMIT + ", was " + limit);
		}
	}

	@GetMapping("/slow")
	Map<String, Object> slow(@RequestParam int ms) throws InterruptedException {
		if (ms < 0 || ms > MAX_SLEEP_MS) {
			throw new IllegalArgumentException("ms must be between 0 and " + MAX_SLEEP_MS + ", was " + ms);
		}
		Thread.sleep(ms);
		return Map.of("sleptMs", ms, "pid", pid());
	}

	/**
	 * Keep {@code mb} more megabytes reachable in the worker that serves this, to show
	 * memory recycling.
	 */
	@PostMapping("/leak")
	Map<String, Object> leak(@RequestParam int mb) {
		return Map.of("pid", pid(), "heldMb", this.memory.hold(mb));
	}

	/**
	 * Hold this request thread until the worker stops, to show the hung-worker watchdog.
	 */
	@GetMapping("/park")
	Map<String, Object> park() throws InterruptedException {
		return Map.of("pid", pid(), "parkedMs", this.parking.park());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badArgument(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(MissingServletRequestParameterException.class)
	ProblemDetail missing(MissingServletRequestParameterException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				ex.getParameterName() + " is required: a whole number, such as ?" + ex.getParameterName() + "=1000");
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail notANumber(MethodArgumentTypeMismatchException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				ex.getName() + " must be a whole number, was '" + ex.getValue() + "'");
	}

	private static long pid() {
		return ProcessHandle.current().pid();
	}

}
