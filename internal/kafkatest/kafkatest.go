// Package kafkatest gives Go tests a real Apache Kafka broker: where it is, fresh topics, and synchronous ways
// to produce, consume and read offsets.
//
// The broker is the one named by VELOCC_TEST_BROKERS. 'make test' starts one with the program in
// ./internal/kafkatest/broker, which sets the variable for the tests it runs; without it, tests that need Kafka
// skip, unless VELOCC_TEST_REQUIRE_KAFKA=1 (set by 'make test') turns the skip into a failure.
//
// The helpers fail the test on any error, so they must be called from the test's goroutine.
package kafkatest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// opTimeout bounds each helper's requests to the broker, and how long ConsumeAll waits for a record: generous, so
// that only a broker that stopped answering hits it, however loaded the machine.
const opTimeout = 90 * time.Second

// BrokersEnv names the variable holding the test broker's address, host:port (or a comma-separated list).
const BrokersEnv = "VELOCC_TEST_BROKERS"

// RequireEnv names the variable that, set to 1, makes a missing broker or kcat fail a test instead of skipping it.
const RequireEnv = "VELOCC_TEST_REQUIRE_KAFKA"

// Brokers returns the test broker's address from VELOCC_TEST_BROKERS, or skips the test when it is not set (fails
// it when VELOCC_TEST_REQUIRE_KAFKA=1).
func Brokers(t testing.TB) string {
	t.Helper()
	if brokers := os.Getenv(BrokersEnv); brokers != "" {
		return brokers
	}
	missing(t, "no Kafka broker: set "+BrokersEnv+"=host:port, or run 'make test', which starts one")
	return ""
}

// Kcat returns the path of the kcat binary (the command-line client built on librdkafka), or skips the test when
// it is not installed (fails it when VELOCC_TEST_REQUIRE_KAFKA=1).
func Kcat(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		missing(t, "kcat is not installed: apt-get install kcat")
	}
	return path
}

// missing skips the test for want of msg's tool, or fails it when RequireEnv is 1.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg + " (" + RequireEnv + "=1 forbids skipping)")
	} else {
		t.Skip(msg)
	}
}

// newClient returns a franz-go client of brokers with opts; the caller closes it. Its metadata may be refreshed
// every 100ms rather than franz-go's default 5s, so that a topic created a moment ago is usable at once (the
// first metadata after CreateTopics may list its partitions without a leader yet).
func newClient(t testing.TB, brokers string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	base := []kgo.Opt{kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.MetadataMinAge(100 * time.Millisecond)}
	cl, err := kgo.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("kafkatest: new client of %s: %v", brokers, err)
	}
	return cl
}

// opContext bounds one helper's requests, so that a broker that stopped answering fails the test instead of
// hanging it.
func opContext(t testing.TB) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), opTimeout)
}
