package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scrape of {@code /actuator/prometheus} in the text format: each sample by its
 * series, name and labels as printed.
 */
final class Scrape {

	private final Map<String, Double> samples = new LinkedHashMap<>();

	private Scrape(String body) {
		for (String line : body.split("\n")) {
			if (!line.isEmpty() && !line.startsWith("#")) {
				int value = line.lastIndexOf(' ');
				this.samples.put(line.substring(0, value), Double.valueOf(line.substring(value + 1)));
			}
		}
	}

	static Scrape of(int managementPort) throws IOException {
		Http.Response response = Http.get(managementPort, "/actuator/prometheus");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return new Scrape(response.body());
	}

	/**
	 * The value of one series.
	 * @param series its name and labels, as printed
	 * @return the value
	 */
	double value(String series) {
		Double value = this.samples.get(series);
		assertThat(value).as("%s in %s", series, this.samples.keySet()).isNotNull();
		return value;
	}

	/**
	 * The sum of every series whose name and labels start with a prefix.
	 */
	double sum(String prefix) {
		return this.samples.entrySet()
			.stream()
			.filter((sample) -> sample.getKey().startsWith(prefix))
			.mapToDouble(Map.Entry::getValue)
			.sum();
	}

}
