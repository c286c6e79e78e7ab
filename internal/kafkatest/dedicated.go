// A broker of the test's own, which it may stop and restart.
package kafkatest

import (
	"os/exec"
	"testing"

	"github.com/velocc/velocc/internal/kafkatest/kafkabroker"
)

// NewBroker starts a single-node broker for the calling test alone, with the Kafka jars of the repository at root
// (fetched into its .cache/kafka/ if missing), and closes it when the test ends. A test that takes the broker
// away from a job must use one: the shared broker of VELOCC_TEST_BROKERS serves other tests at the same time.
// Like Brokers, it skips the test when no Kafka tests are wanted (VELOCC_TEST_BROKERS unset), and when Java or
// the jars are missing (failing it instead when VELOCC_TEST_REQUIRE_KAFKA=1).
func NewBroker(t testing.TB, root string) *kafkabroker.Broker {
	t.Helper()
	libs := Libs(t, root)
	if libs == "" {
		return nil
	}
	b, err := kafkabroker.Start(t.Context(), libs)
	if err != nil {
		t.Fatalf("kafkatest: starting a broker of the test's own: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// Libs returns the directory of the Kafka jars of the repository at root, fetching them into its .cache/kafka/ if
// missing, for a test that starts brokers of its own. It skips the test as NewBroker does.
func Libs(t testing.TB, root string) string {
	t.Helper()
	Brokers(t)
	if _, err := exec.LookPath("java"); err != nil {
		missing(t, "no broker of the test's own: java is not installed (Kafka needs Java 17 or newer)")
		return ""
	}
	libs, err := kafkabroker.Fetch(root)
	if err != nil {
		missing(t, "no broker of the test's own: "+err.Error())
		return ""
	}
	return libs
}
