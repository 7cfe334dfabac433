package dev.bootcluster.scheduling;

import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link ClusterSingleton} method only while this JVM's {@link SingletonGate} is
 * open.
 */
class ClusterSingletonInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(ClusterSingletonInterceptor.class);

	private final Supplier<SingletonGate> gate;

	ClusterSingletonInterceptor(Supplier<SingletonGate> gate) {
		this.gate = gate;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		SingletonGate gate = this.gate.get();
		if (!gate.tryEnter()) {
			if (logger.isTraceEnabled()) {
				logger.trace("Skipped " + invocation.getMethod() + ": another worker runs the singleton jobs");
			}
			return null;
		}
		try {
			return invocation.proceed();
		}
		finally {
			gate.exit();
		}
	}

}
