package dev.bootcluster.scheduling;

import java.util.function.Supplier;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Matches methods annotated with {@link ClusterSingleton @ClusterSingleton} and every
 * method of an annotated type, and runs them through the
 * {@link ClusterSingletonInterceptor}.
 */
class ClusterSingletonAdvisor extends AbstractPointcutAdvisor {

	private final Pointcut pointcut = new ComposablePointcut(
			new AnnotationMatchingPointcut(ClusterSingleton.class, true))
		.union(new AnnotationMatchingPointcut(null, ClusterSingleton.class, true));

	private final Advice advice;

	ClusterSingletonAdvisor(Supplier<SingletonGate> gate) {
		this.advice = new ClusterSingletonInterceptor(gate);
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
