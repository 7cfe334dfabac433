package dev.bootcluster.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class InstanceCountTests {

	@Test
	void maxIsEveryCore() {
		assertThat(InstanceCount.parse("max").resolve(6)).isEqualTo(6);
	}

	@Test
	void aNumberIsThatManyWorkersWhateverTheCores() {
		assertThat(InstanceCount.parse("3").resolve(2)).isEqualTo(3);
		assertThat(InstanceCount.parse(" 1 ").resolve(8)).isEqualTo(1);
	}

	@Test
	void minusNIsAllCoresButNAndAtLeastOne() {
		assertThat(InstanceCount.parse("-1").resolve(4)).isEqualTo(3);
		assertThat(InstanceCount.parse("-4").resolve(2)).isEqualTo(1);
	}

	@Test
	void resolvingWithoutCoresUsesTheCoresThisJvmSees() {
		assertThat(InstanceCount.parse("max").resolve()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "abc", "1.5", "", " ", "max2", "MAX", "+2", "--1", "1234567" })
	void anythingElseIsRejectedWithTheAcceptedForms(String value) {
		assertThatExceptionOfType(InvalidClusterPropertyException.class).isThrownBy(() -> InstanceCount.parse(value))
			.withMessage("Invalid value '" + value + "' for property 'app.cluster.instances': expected "
					+ InstanceCount.ACCEPTED)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("app.cluster.instances"));
	}

}
