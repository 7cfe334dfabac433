package dev.bootcluster.offload;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Runs {@link Offload @Offload} methods on their pool. Futures and completion stages are
 * returned at once; any other call waits for the pool.
 */
class OffloadInterceptor implements MethodInterceptor {

	private final Supplier<OffloadPools> pools;

	private final Map<Method, String> poolNames = new ConcurrentHashMap<>();

	OffloadInterceptor(Supplier<OffloadPools> pools) {
		this.pools = pools;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		if (!Modifier.isPublic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
			return invocation.proceed();
		}
		OffloadPools pools = this.pools.get();
		if (!pools.isEnabled()) {
			return invocation.proceed();
		}
		OffloadPool pool = pools
			.get(this.poolNames.computeIfAbsent(method, (key) -> poolName(key, targetClass(invocation))));
		Class<?> returnType = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(returnType) || Future.class.isAssignableFrom(returnType)) {
			return pool.async(invocation::proceed);
		}
		return pool.call(invocation::proceed);
	}

	private static Class<?> targetClass(MethodInvocation invocation) {
		Object target = invocation.getThis();
		return (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
	}

	static String poolName(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		Offload offload = AnnotatedElementUtils.findMergedAnnotation(specific, Offload.class);
		if (offload == null) {
			offload = AnnotatedElementUtils.findMergedAnnotation(targetClass, Offload.class);
		}
		return (offload != null) ? offload.value() : "";
	}

}
