package dev.bootcluster.scheduling;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method, typically a {@code @Scheduled} job, on one worker of the cluster at a
 * time: on the others a call returns at once without running it. The primary gives the
 * right to one ready worker, moves it to another within seconds when that one dies,
 * drains or is replaced, and never lets two hold it at once: a worker gives it up only
 * once no such method of it runs. In a single JVM (no cluster) the method always runs.
 * <p>
 * Like {@code @Async} it works through a proxy: the method must be public (or protected),
 * neither final nor static, return {@code void}, and be called through the bean. On a
 * type, every public method is meant. For several hosts, use a lock in a shared store,
 * such as ShedLock's {@code @SchedulerLock}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClusterSingleton {

}
