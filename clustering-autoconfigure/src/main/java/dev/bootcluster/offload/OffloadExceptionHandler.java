package dev.bootcluster.offload;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a saturated or timed-out offload pool with {@code 503 Service Unavailable}, a
 * {@code Retry-After} header and a problem detail. It has the lowest precedence, so the
 * application's own handlers win; replace it by declaring a bean of this type.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class OffloadExceptionHandler {

	/** Seconds a client should wait before retrying. */
	static final String RETRY_AFTER_SECONDS = "1";

	@ExceptionHandler(OffloadRejectedException.class)
	ResponseEntity<ProblemDetail> rejected(OffloadRejectedException ex) {
		return unavailable("Offload pool saturated", ex.getMessage());
	}

	@ExceptionHandler(OffloadTimeoutException.class)
	ResponseEntity<ProblemDetail> timedOut(OffloadTimeoutException ex) {
		return unavailable("Offloaded work timed out", ex.getMessage());
	}

	private static ResponseEntity<ProblemDetail> unavailable(String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setTitle(title);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
			.body(problem);
	}

}
