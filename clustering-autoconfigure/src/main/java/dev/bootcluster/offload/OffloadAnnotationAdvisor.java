package dev.bootcluster.offload;

import java.util.function.Supplier;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Matches methods annotated with {@link Offload @Offload} and every method of an
 * annotated type, and runs them through the {@link OffloadInterceptor}.
 */
class OffloadAnnotationAdvisor extends AbstractPointcutAdvisor {

	private final Pointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(Offload.class, true))
		.union(new AnnotationMatchingPointcut(null, Offload.class, true));

	private final Advice advice;

	OffloadAnnotationAdvisor(Supplier<OffloadPools> pools) {
		this.advice = new OffloadInterceptor(pools);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
