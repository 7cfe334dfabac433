package dev.bootcluster.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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

	@ParameterizedTest
	@ValueSource(strings = { "0", "abc", "1.5", "", " ", "max2", "MAX", "+2", "--1", "1234567" })
	void anythingElseIsRejectedWithTheAcceptedForms(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> InstanceCount.parse(value))
			.withMessage(InstanceCount.ACCEPTED);
	}

}
