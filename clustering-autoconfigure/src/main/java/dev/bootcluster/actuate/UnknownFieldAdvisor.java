package dev.bootcluster.actuate;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Rejects fields an operation of one endpoint does not take ({@code {"force": true}} for
 * a reload) with a {@code 400} naming the accepted ones, where actuator would ignore
 * them: a typo must never pass for a request.
 */
public class UnknownFieldAdvisor implements OperationInvokerAdvisor {

	private final EndpointId endpointId;

	public UnknownFieldAdvisor(EndpointId endpointId) {
		this.endpointId = endpointId;
	}

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (!endpointId.equals(this.endpointId)) {
			return invoker;
		}
		Set<String> known = new TreeSet<>();
		parameters.stream().forEach((parameter) -> known.add(parameter.getName()));
		return (context) -> {
			for (String name : context.getArguments().keySet()) {
				if (!known.contains(name)) {
					return new WebEndpointResponse<>(
							new ClusterEndpoint.ErrorDescriptor("Unknown field '" + name + "'; accepted: " + known),
							WebEndpointResponse.STATUS_BAD_REQUEST);
				}
			}
			return invoker.invoke(context);
		};
	}

}
