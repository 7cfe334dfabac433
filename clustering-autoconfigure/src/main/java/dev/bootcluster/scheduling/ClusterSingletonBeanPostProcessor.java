package dev.bootcluster.scheduling;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Proxies beans with {@link ClusterSingleton @ClusterSingleton} methods, before
 * {@code @Scheduled} registers them, so that the scheduler calls the proxy. Fails the
 * startup, naming the bean and method, when the annotation cannot work: a private, final
 * or static method, or one that returns a value (a skipped call has none to return).
 */
public class ClusterSingletonBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	public ClusterSingletonBeanPostProcessor() {
		setBeforeExistingAdvisors(true);
		// Before ScheduledAnnotationBeanPostProcessor (lowest precedence).
		setOrder(Ordered.LOWEST_PRECEDENCE - 1);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.advisor = new ClusterSingletonAdvisor(
				SingletonSupplier.of(() -> beanFactory.getBean(SingletonGate.class)));
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (isEligible(bean, beanName)) {
			check(ClassUtils.getUserClass(bean), beanName);
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	private static void check(Class<?> type, String beanName) {
		boolean typeAnnotated = AnnotatedElementUtils.hasAnnotation(type, ClusterSingleton.class);
		ReflectionUtils.doWithMethods(type, (method) -> {
			boolean meant = AnnotatedElementUtils.hasAnnotation(method, ClusterSingleton.class)
					|| (typeAnnotated && Modifier.isPublic(method.getModifiers()));
			if (meant) {
				check(method, "@ClusterSingleton on " + type.getName() + "." + method.getName() + " (bean '" + beanName
						+ "')");
			}
		}, (method) -> method.getDeclaringClass() != Object.class);
	}

	private static void check(Method method, String where) {
		int modifiers = method.getModifiers();
		if (Modifier.isPrivate(modifiers) || Modifier.isFinal(modifiers) || Modifier.isStatic(modifiers)) {
			throw new BeanInitializationException(where + " has no effect: a proxy cannot intercept a "
					+ (Modifier.isPrivate(modifiers) ? "private" : Modifier.isFinal(modifiers) ? "final" : "static")
					+ " method. Make it public and not final or static, and call it through the bean, not this.");
		}
		if (method.getReturnType() != void.class) {
			throw new BeanInitializationException(where + " returns " + method.getReturnType().getSimpleName()
					+ ": a call on a worker that does not run the singleton jobs returns nothing, so the method must "
					+ "return void.");
		}
	}

}
