package dev.bootcluster.offload;

import java.lang.reflect.Modifier;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Proxies beans with {@link Offload @Offload} methods and fails the startup, naming the
 * bean and method, when an annotation cannot work: a private, final or static method, or
 * a pool that is not configured.
 */
public class OffloadAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private SingletonSupplier<OffloadPools> pools = SingletonSupplier.of(() -> {
		throw new IllegalStateException("No BeanFactory");
	});

	public OffloadAnnotationBeanPostProcessor() {
		setBeforeExistingAdvisors(true);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.pools = SingletonSupplier.of(() -> beanFactory.getBean(OffloadPools.class));
		this.advisor = new OffloadAnnotationAdvisor(this.pools);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = ClassUtils.getUserClass(bean);
		if (isEligible(bean, beanName)) {
			check(type, beanName);
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	private void check(Class<?> type, String beanName) {
		boolean typeAnnotated = AnnotatedElementUtils.hasAnnotation(type, Offload.class);
		ReflectionUtils.doWithMethods(type, (method) -> {
			if (!AnnotatedElementUtils.hasAnnotation(method, Offload.class)) {
				return;
			}
			String where = "@Offload on " + type.getName() + "." + method.getName() + " (bean '" + beanName + "')";
			int modifiers = method.getModifiers();
			if (Modifier.isPrivate(modifiers) || Modifier.isFinal(modifiers) || Modifier.isStatic(modifiers)) {
				throw new BeanInitializationException(where + " has no effect: a proxy cannot intercept a "
						+ (Modifier.isPrivate(modifiers) ? "private" : Modifier.isFinal(modifiers) ? "final" : "static")
						+ " method. Make it public and not final or static, and call it through the bean, not this.");
			}
			checkPool(where, OffloadInterceptor.poolName(method, type));
		}, (method) -> method.getDeclaringClass() != Object.class);
		if (typeAnnotated) {
			checkPool("@Offload on " + type.getName() + " (bean '" + beanName + "')",
					AnnotatedElementUtils.findMergedAnnotation(type, Offload.class).value());
		}
	}

	private void checkPool(String where, String poolName) {
		try {
			this.pools.obtain().get(poolName);
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException(where + ": " + ex.getMessage());
		}
	}

}
