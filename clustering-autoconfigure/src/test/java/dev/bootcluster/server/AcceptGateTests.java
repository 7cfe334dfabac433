package dev.bootcluster.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptGateTests {

	@Test
	void anAcceptorWaitsUntilTheGateOpens() throws Exception {
		AcceptGate gate = new AcceptGate();
		CountDownLatch waiting = new CountDownLatch(1);
		CompletableFuture<Boolean> acceptor = CompletableFuture.supplyAsync(() -> gate.await(() -> {
			waiting.countDown();
			return true;
		}));
		assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(acceptor).isNotDone();
		gate.open();
		assertThat(acceptor.get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(gate.isOpen()).isTrue();
	}

	@Test
	void anAcceptorThatShouldStopWaitingReturnsWithTheGateClosed() throws Exception {
		AcceptGate gate = new AcceptGate();
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Boolean> acceptor = CompletableFuture.supplyAsync(() -> gate.await(running::get));
		running.set(false);
		assertThat(acceptor.get(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)).isFalse();
		assertThat(gate.isOpen()).isFalse();
	}

	@Test
	void anOpenGateLetsEveryAcceptorThroughAtOnce() {
		AcceptGate gate = new AcceptGate();
		gate.open();
		gate.open();
		assertThat(gate.await(() -> true)).isTrue();
	}

	@Test
	void aGateClosedAgainHoldsTheAcceptorsOffOnceMore() throws Exception {
		AcceptGate gate = new AcceptGate();
		gate.open();
		gate.close();
		assertThat(gate.isOpen()).isFalse();
		CountDownLatch waiting = new CountDownLatch(1);
		CompletableFuture<Boolean> acceptor = CompletableFuture.supplyAsync(() -> gate.await(() -> {
			waiting.countDown();
			return true;
		}));
		assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(acceptor).isNotDone();
		gate.open();
		assertThat(acceptor.get(5, TimeUnit.SECONDS)).isTrue();
	}

}
