package dev.bootcluster.offload;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class OffloadExceptionHandlerTests {

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new FailingController())
		.setControllerAdvice(new OffloadExceptionHandler())
		.build();

	@Test
	void aSaturatedPoolIsA503WithRetryAfterAndAProblemDetail() throws Exception {
		this.mvc.perform(get("/rejected"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string("Retry-After", "1"))
			.andExpect(jsonPath("$.title").value("Offload pool saturated"))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("'images' is saturated")));
	}

	@Test
	void aTimeoutIsA503Too() throws Exception {
		this.mvc.perform(get("/timeout"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string("Retry-After", "1"))
			.andExpect(jsonPath("$.title").value("Offloaded work timed out"));
	}

	@RestController
	static class FailingController {

		@GetMapping("/rejected")
		String rejected() {
			throw new OffloadRejectedException("images", 10);
		}

		@GetMapping("/timeout")
		String timeout() {
			throw new OffloadTimeoutException("images", Duration.ofSeconds(1));
		}

	}

}
