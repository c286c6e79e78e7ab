// Tests of velocc topics against a real broker (VELOCC_TEST_BROKERS), whose metadata is the oracle.

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

// deadBroker returns an address of 127.0.0.1 where nothing listens.
func deadBroker(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// brokerPartitions returns the partition count of each topic on the broker; a missing topic is absent.
func brokerPartitions(t *testing.T, adm *kadm.Client, topics ...string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	md, err := adm.Metadata(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for name, td := range md.Topics {
		if td.Err == nil {
			got[name] = len(td.Partitions)
		}
	}
	return got
}

// tableRows returns the rows of the table velocc topics prints, by topic: "PARTITIONS | USED BY | STATUS".
func tableRows(out string) map[string]string {
	rows := map[string]string{}
	cols := regexp.MustCompile(`\s{2,}`)
	for _, line := range strings.Split(out, "\n")[1:] {
		f := cols.Split(strings.TrimSpace(line), -1)
		if len(f) == 4 && f[0] != "TOPIC" {
			rows[f[0]] = strings.Join(f[1:], " | ")
		}
	}
	return rows
}

func TestTopics(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	var suffix [6]byte
	rand.Read(suffix[:])
	in, out, two, fixed := "topics-in-"+hex.EncodeToString(suffix[:]), "topics-out-"+hex.EncodeToString(suffix[:]),
		"topics-two-"+hex.EncodeToString(suffix[:]), "topics-fixed-"+hex.EncodeToString(suffix[:])
	dlq := "topics-dlq-" + hex.EncodeToString(suffix[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		adm.DeleteTopics(ctx, in, out, two, fixed, dlq)
	})
	script := func(servers string) string {
		return `CREATE STREAM orders (symbol VARCHAR, qty BIGINT)
  WITH ('type' = 'kafka_source', 'topic' = '` + in + `', 'bootstrap.servers' = '` + servers + `',
        'on.error' = 'dead_letter', 'dead.letter.topic' = '` + dlq + `');
CREATE STREAM copy AS SELECT symbol, qty FROM orders WITH ('copy.type' = 'kafka_sink', 'copy.topic' = '` + out + `');
CREATE STREAM big AS SELECT symbol FROM orders WHERE qty > 10
  WITH ('big.type' = 'kafka_sink', 'big.topic' = '` + two + `', 'big.topic.partitions' = '2');
CREATE STREAM strict AS SELECT symbol FROM orders WHERE qty > 100
  WITH ('strict.type' = 'kafka_sink', 'strict.topic' = '` + fixed + `', 'strict.topic.create' = 'false');
SELECT symbol FROM orders;
`
	}
	scriptDir(t)
	write := func(name, text string) {
		if err := os.WriteFile(name, []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	write("kafka.sql", script(brokers))
	dead := deadBroker(t)
	write("elsewhere.sql", script(dead))
	t.Setenv("VELOCC_BROKERS", "")

	// Nothing exists yet: the script's bootstrap.servers is asked, and the topics the job needs are missing.
	code, stdout, stderr := runCLI(t, "", "topics", "kafka.sql")
	want := map[string]string{
		in:    "- | source orders | missing",
		out:   "- | sink copy | missing: the job creates it at startup",
		two:   "- | sink big | missing: the job creates it at startup",
		fixed: "- | sink strict | missing",
		dlq:   "- | dead letters of orders | missing: the job creates it at startup",
	}
	if code != 1 || !strings.HasPrefix(stdout, "Kafka topics of kafka.sql on "+brokers+":\n") || !maps.Equal(tableRows(stdout), want) ||
		!strings.Contains(stderr, `the job cannot start without topic "`+in+`", "`+fixed+`"; create what is missing with: velocc topics kafka.sql --brokers `+brokers+" --create") {
		t.Fatalf("topics kafka.sql = %d\nstdout:\n%s\nstderr:\n%s\nwant exit 1 and rows %v", code, stdout, stderr, want)
	}
	if got := brokerPartitions(t, adm, in, out, two, fixed); len(got) != 0 {
		t.Fatalf("listing created topics: %v", got)
	}

	// --create makes them as the job would: the source's with --partitions, a sink's with its topic.partitions
	// or else the source's count. --brokers wins over the script's setting.
	code, stdout, stderr = runCLI(t, "", "topics", "elsewhere.sql", "--brokers", brokers, "--create", "--partitions", "3")
	want = map[string]string{
		in:    "3 | source orders | created",
		out:   "3 | sink copy | created",
		two:   "2 | sink big | created",
		fixed: "3 | sink strict | created",
		dlq:   "3 | dead letters of orders | created",
	}
	if code != 0 || stderr != "" || !maps.Equal(tableRows(stdout), want) {
		t.Fatalf("topics --create = %d\nstdout:\n%s\nstderr:\n%s\nwant exit 0 and rows %v", code, stdout, stderr, want)
	}
	if got, want := brokerPartitions(t, adm, in, out, two, fixed, dlq), map[string]int{in: 3, out: 3, two: 2, fixed: 3, dlq: 3}; !maps.Equal(got, want) {
		t.Errorf("partitions on the broker %v, want %v", got, want)
	}

	// $VELOCC_BROKERS wins over the script's setting; they all exist now.
	t.Setenv("VELOCC_BROKERS", brokers)
	code, stdout, stderr = runCLI(t, "", "topics", "elsewhere.sql")
	for topic, row := range want {
		want[topic] = strings.Replace(row, "created", "exists", 1)
	}
	if code != 0 || stderr != "" || !maps.Equal(tableRows(stdout), want) {
		t.Errorf("topics with $VELOCC_BROKERS = %d\nstdout:\n%s\nstderr:\n%s\nwant exit 0 and rows %v", code, stdout, stderr, want)
	}

	// --brokers wins over $VELOCC_BROKERS: nothing answers there.
	code, _, stderr = runCLI(t, "", "topics", "kafka.sql", "--brokers", dead, "--timeout", "1s")
	if code != 1 || !strings.HasPrefix(stderr, "velocc: cannot reach Kafka at "+dead+" (") || !strings.Contains(stderr, "make kafka") {
		t.Errorf("topics --brokers %s = %d, stderr %q; want 1 and cannot reach", dead, code, stderr)
	}
}

// TestTopicsWithoutKafka checks the answer for a script without Kafka, and the usage errors.
func TestTopicsWithoutKafka(t *testing.T) {
	scriptDir(t)
	if code, stdout, stderr := runCLI(t, "", "topics", "job.sql", "--brokers", deadBroker(t)); code != 0 ||
		stdout != "job.sql reads and writes no Kafka topic\n" || stderr != "" {
		t.Errorf("topics job.sql = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, args := range [][]string{
		{"topics", "job.sql", "--partitions", "0"},
		{"topics", "job.sql", "--timeout", "0s"},
		{"topics"},
		{"topics", "job.sql", "--nope"},
	} {
		if code, _, stderr := runCLI(t, "", args...); code != 2 || !strings.HasPrefix(stderr, "velocc: topics: ") {
			t.Errorf("%v = %d, stderr %q; want 2 and a usage error", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "", "topics", "bad.sql"); code != 1 || !strings.HasPrefix(stderr, "bad.sql:2:20: ") {
		t.Errorf("topics bad.sql = %d, stderr %q; want 1 and the script's error", code, stderr)
	}
}
