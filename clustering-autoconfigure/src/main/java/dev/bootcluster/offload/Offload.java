package dev.bootcluster.offload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method on a bounded CPU pool instead of the caller's thread: the JVM's answer to
 * Node's {@code worker_threads}. On a type, every public method is offloaded.
 * <p>
 * A method returning {@code CompletableFuture}, {@code CompletionStage} or {@code Future}
 * returns at once; its result completes when the pool has run it. Any other method
 * (including {@code void}) makes the caller wait, which caps how much CPU work runs at
 * once: the caller sees the method's own exception, unwrapped.
 * <p>
 * When the pool's queue is full the call fails at once with
 * {@link OffloadRejectedException}; when it takes longer than the pool's timeout the task
 * is interrupted and the call fails with {@link OffloadTimeoutException}. In a Spring MVC
 * application both become {@code 503} with {@code Retry-After}.
 * <p>
 * Like {@code @Async}, this works through a proxy: a call from the same bean
 * ({@code this.render(...)}) is not offloaded, and the method must not be private, final
 * or static.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Offload {

	/**
	 * The pool to run on: empty for the default pool, or a name configured under
	 * {@code app.cluster.offload.pools.<name>}.
	 * @return the pool name
	 */
	String value() default "";

}
