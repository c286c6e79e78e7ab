// Fetching the Kafka jars from Maven Central with mvn into the repository's .cache/kafka/.
package kafkabroker

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Version is the Apache Kafka release the tests run against. Kafka 4.x brokers need Java 17 or newer.
const Version = "4.1.1"

// log4jVersion is the log4j release of Version; its slf4j binding is not among the kafka_2.13 dependencies
// (the Kafka distribution adds it), and without one the broker logs nothing at all.
const log4jVersion = "2.24.3"

// dependencyPlugin pins the Maven goal that copies the jars, so that the fetch does not depend on Maven's default.
const dependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"

// pom is the Maven project whose runtime dependencies are the broker's class path.
const pom = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by internal/kafkatest/kafkabroker: the jars of a test Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.github.velocc</groupId>
  <artifactId>kafkatest-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>` + Version + `</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>` + log4jVersion + `</version>
    </dependency>
  </dependencies>
</project>
`

// Fetch returns the directory of the broker's jars, .cache/kafka/<version>/libs under root, downloading them with
// mvn on the first run. The libs directory is the marker of a complete download: mvn copies the jars into a
// temporary directory that is renamed to libs only once mvn succeeded.
func Fetch(root string) (string, error) {
	dir := filepath.Join(root, ".cache", "kafka", Version)
	libs := filepath.Join(dir, "libs")
	if _, err := os.Stat(libs); err == nil {
		return libs, nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", errors.New("mvn is not on PATH; it fetches the Kafka jars (apt-get install maven)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "pom.xml"), []byte(pom), 0o644); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "libs-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)

	fmt.Fprintf(os.Stderr, "kafkatest: fetching Apache Kafka %s with mvn (first run only)...\n", Version)
	began := time.Now()
	cmd := exec.Command(mvn, "-q", "-B", "-Dstyle.color=never", "-f", filepath.Join(dir, "pom.xml"),
		dependencyPlugin, "-DincludeScope=runtime", "-DoutputDirectory="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("mvn could not fetch Apache Kafka %s (%v):\n%s", Version, err,
			strings.TrimSpace(string(out)))
	}
	if err := os.Rename(tmp, libs); err != nil {
		if _, statErr := os.Stat(libs); statErr == nil {
			return libs, nil // another run fetched the same jars meanwhile
		}
		return "", err
	}
	fmt.Fprintf(os.Stderr, "kafkatest: fetched Apache Kafka %s into %s in %.1fs\n", Version, libs,
		time.Since(began).Seconds())
	return libs, nil
}
