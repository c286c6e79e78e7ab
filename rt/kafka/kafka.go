// Package kafka adds Kafka sources and sinks to velocc jobs: "kafka:TOPIC" URIs, read through a consumer group
// with at-least-once offset commits and written with an idempotent producer. Generated jobs that declare a
// Kafka source or sink import it for its side effect of registering the "kafka" transport with rt.
//
// Delivery: a source commits an offset only after every row derived from the records before it has been
// acknowledged by the sinks, and never beyond the oldest record still held in state that is rebuilt by replay
// (rt.Stateful), so a job killed at any point replays what was in flight when it restarts. The watermark's
// progress is saved in the commit's metadata, so replayed records of windows that were already emitted are
// dropped, not emitted twice. Aggregations keep their state in changelog topics instead (rt.Changelog,
// changelog.go): each commit is then one transaction of the changed groups and the offsets, and a restart
// restores the state. Under the guarantee exactly_once the sinks' rows are part of that transaction too.
//
// Tables: the source of a table (CREATE TABLE) is read whole by every instance, without a group and without
// commits, and tells the job when it has reached the end offsets listed at start (table.go).
//
// Faults: the clients retry with backoff while brokers are away, and the job keeps its state across a lost group
// session when it gets its partitions back untouched (group.go). Sources give up only after
// 'broker.unavailable.timeout', and errors no retry fixes stop them at once (faults.go, health.go). Sinks never
// give up: a delivery that fails is retried with backoff behind a circuit breaker while the job waits (circuit.go).
//
// Dead letters: a source's 'dead.letter.topic' is written by a sink's producer (deadletter.go), which the job
// flushes with its sinks before a commit, so no offset is committed before the dead letters of the records behind
// it are acknowledged.
package kafka

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/velocc/velocc/rt"
)

func init() { rt.RegisterTransport("kafka", transport{}) }

type transport struct{}

func (transport) NewInput(s *rt.Source, uri string, env *rt.Env) (rt.Input, error) {
	return newInput(s, uri, env)
}

func (transport) NewOutput(spec rt.SinkSpec, uri string, env *rt.Env) (rt.Output, error) {
	return newOutput(spec, uri, env)
}

// defaultBrokers is used when neither --brokers, VELOCC_BROKERS nor the job's settings name any.
const defaultBrokers = "localhost:9092"

// startTimeout bounds how long a job waits for the brokers to answer at startup.
var startTimeout = 30 * time.Second

// topicOf reads the topic from "kafka:TOPIC".
func topicOf(uri string) (string, error) {
	_, topic, _ := strings.Cut(uri, ":")
	topic = strings.TrimPrefix(topic, "//")
	if strings.Contains(topic, "?") {
		return "", fmt.Errorf("invalid URI %q: kafka URIs take no parameters; set Kafka options in the job's WITH clause or config file", uri)
	}
	if topic == "" {
		return "", fmt.Errorf("invalid URI %q: want kafka:TOPIC", uri)
	}
	if len(topic) > 249 || strings.ContainsFunc(topic, func(r rune) bool {
		return !(r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		return "", fmt.Errorf("invalid Kafka topic name %q: use letters, digits, '.', '_' and '-'", topic)
	}
	return topic, nil
}

// brokers picks the seed brokers: --brokers, then $VELOCC_BROKERS, then the job's bootstrap.servers.
func brokers(env *rt.Env, opts map[string]string) []string {
	list := env.Brokers
	if list == "" {
		list = os.Getenv("VELOCC_BROKERS")
	}
	if list == "" {
		list = opts["bootstrap.servers"]
	}
	if list == "" {
		list = defaultBrokers
	}
	var out []string
	for _, b := range strings.Split(list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// firstOf returns the first non-empty string.
func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// duration reads a setting in milliseconds ("5000") or as a duration ("5s").
func duration(opts map[string]string, key string, def time.Duration) (time.Duration, error) {
	v, ok := opts[key]
	if !ok || v == "" {
		return def, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: want a duration such as 500ms, 5s or 1m (or milliseconds), got %q", key, v)
	}
	return d, nil
}
