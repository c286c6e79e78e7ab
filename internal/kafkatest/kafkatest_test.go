// Tests of what the package does without a broker: skipping, failing and topic names.
package kafkatest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// recorder is a testing.TB that records Skip and Fatal instead of ending the test; only the methods that Brokers
// and Kcat call are implemented.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any) { r.failed = fmt.Sprint(args...) }

func TestBrokers(t *testing.T) {
	const msg = "no Kafka broker: set VELOCC_TEST_BROKERS=host:port, or run 'make test', which starts one"

	t.Setenv(BrokersEnv, "")
	t.Setenv(RequireEnv, "")
	r := &recorder{}
	Brokers(r)
	if r.skipped != msg || r.failed != "" {
		t.Errorf("without a broker: skipped %q, failed %q; want skipped %q", r.skipped, r.failed, msg)
	}

	t.Setenv(RequireEnv, "1")
	r = &recorder{}
	Brokers(r)
	if r.skipped != "" || !strings.HasPrefix(r.failed, msg) || !strings.Contains(r.failed, RequireEnv+"=1") {
		t.Errorf("without a broker, %s=1: skipped %q, failed %q; want a failure naming %s", RequireEnv,
			r.skipped, r.failed, RequireEnv)
	}

	t.Setenv(BrokersEnv, "127.0.0.1:9092")
	r = &recorder{}
	if got := Brokers(r); got != "127.0.0.1:9092" || r.skipped != "" || r.failed != "" {
		t.Errorf("with %s set: Brokers = %q, skipped %q, failed %q", BrokersEnv, got, r.skipped, r.failed)
	}
}

func TestKcatMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(RequireEnv, "")
	r := &recorder{}
	Kcat(r)
	if !strings.Contains(r.skipped, "apt-get install kcat") || r.failed != "" {
		t.Errorf("without kcat: skipped %q, failed %q; want a skip saying how to install it", r.skipped, r.failed)
	}
	t.Setenv(RequireEnv, "1")
	r = &recorder{}
	Kcat(r)
	if !strings.Contains(r.failed, "apt-get install kcat") || r.skipped != "" {
		t.Errorf("without kcat, %s=1: skipped %q, failed %q; want a failure", RequireEnv, r.skipped, r.failed)
	}
}

func TestTopicName(t *testing.T) {
	tests := []struct{ test, want string }{
		{"TestJoin", `^TestJoin-[A-Z2-7]{8}$`},
		{"TestJoin/left.outer #2", `^TestJoin_left_outer__2-[A-Z2-7]{8}$`},
		{"Test/é", `^Test___-[A-Z2-7]{8}$`}, // é is two bytes
		{strings.Repeat("x", 300), `^x{200}-[A-Z2-7]{8}$`},
	}
	for _, tt := range tests {
		got := topicName(tt.test)
		if !regexp.MustCompile(tt.want).MatchString(got) {
			t.Errorf("topicName(%q) = %q, want a match of %s", tt.test, got, tt.want)
		}
	}
	if a, b := topicName("TestX"), topicName("TestX"); a == b {
		t.Errorf("topicName gave %q twice", a)
	}
}
