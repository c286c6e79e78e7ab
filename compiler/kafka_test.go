// Tests for Kafka sources and sinks configured in Velostream's config-file layout: settings reach the plan under
// their canonical names, topics and keys are resolved, metadata columns stay out of SELECT *.

package compiler

import (
	"maps"
	"reflect"
	"strings"
	"testing"
)

func TestKafkaConfigLayout(t *testing.T) {
	dir := configTestWrite(t, map[string]string{
		"orders.yaml": `
datasource:
  consumer_config:
    bootstrap.servers: "${KAFKA}"
    auto.offset.reset: earliest
    group.id: analytics
    session.timeout.ms: 10000
  topic:
    name: orders.raw
schema:
  key.field: symbol
`,
		"alerts.yaml": `
datasink:
  producer_config:
    acks: all
    compression.type: lz4
    linger.ms: 20
  topic:
    name: alerts.v2
  headers:
    origin: velocc
`,
	})
	src := `CREATE STREAM orders (symbol VARCHAR, qty BIGINT, ts TIMESTAMP)
  WITH ('type' = 'kafka_source', 'config_file' = 'orders.yaml', 'event.time.field' = 'ts');
CREATE STREAM alerts AS SELECT symbol, SUM(qty) AS total FROM orders
GROUP BY symbol WINDOW TUMBLING (ts, INTERVAL '1' MINUTE)
WITH ('alerts.type' = 'kafka_sink', 'alerts.config_file' = 'alerts.yaml');
SELECT * FROM orders;
`
	plan, diags := Compile(dir+"/job.sql", []byte(src), &Options{
		ReadFile:  configTestReader(dir),
		LookupEnv: configTestEnv(map[string]string{"KAFKA": "k1:9092,k2:9092"}),
	})
	if diags.HasErrors() || len(diags) > 0 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	s := plan.Sources[0]
	if s.URI != "kafka:orders.raw" || s.Type != "kafka_source" {
		t.Errorf("source %s %s", s.Type, s.URI)
	}
	wantSrc := map[string]string{"bootstrap.servers": "k1:9092,k2:9092", "auto.offset.reset": "earliest",
		"group.id": "analytics", "session.timeout.ms": "10000"}
	if !maps.Equal(s.Options, wantSrc) {
		t.Errorf("source options %v, want %v", s.Options, wantSrc)
	}
	if s.KeyField == nil || s.KeyField.Name != "symbol" || !s.KeyField.Nullable {
		t.Errorf("key field %+v", s.KeyField)
	}
	var meta []string
	for _, f := range s.Meta {
		meta = append(meta, f.Name+" "+f.Type.String())
	}
	if want := []string{"_key VARCHAR", "_partition INT", "_offset BIGINT", "_timestamp TIMESTAMP"}; !reflect.DeepEqual(meta, want) {
		t.Errorf("metadata columns %v, want %v", meta, want)
	}
	k := plan.Queries[0].Sink
	wantSink := map[string]string{"acks": "all", "compression.type": "lz4", "linger.ms": "20", "headers.origin": "velocc"}
	if k.URI != "kafka:alerts.v2" || !maps.Equal(k.Options, wantSink) {
		t.Errorf("sink %s %v, want options %v", k.URI, k.Options, wantSink)
	}
	if want := []string{"symbol", "window_start"}; !reflect.DeepEqual(k.Key, want) || k.KeyColumn != -1 {
		t.Errorf("sink key %v (column %d), want %v", k.Key, k.KeyColumn, want)
	}
	var star []string
	for _, c := range plan.Queries[1].Columns {
		star = append(star, c.Name)
	}
	if want := []string{"symbol", "qty", "ts"}; !reflect.DeepEqual(star, want) {
		t.Errorf("SELECT * gives %v, want %v (no metadata columns)", star, want)
	}
	if !plan.UsesKafka() {
		t.Error("UsesKafka is false")
	}
}

// TestKafkaDefaults: the topic defaults to the stream's and the sink's name; an ungrouped query's rows have no key.
func TestKafkaDefaults(t *testing.T) {
	src := `CREATE STREAM orders (symbol VARCHAR, qty BIGINT) WITH ('type' = 'kafka_source');
CREATE STREAM big AS SELECT symbol, qty FROM orders WHERE qty > 10 WITH ('big.type' = 'kafka_sink');
CREATE STREAM keyed AS SELECT symbol, qty FROM orders WITH ('keyed.type' = 'kafka_sink', 'keyed.key.field' = 'QTY');
`
	plan, diags := Compile("job.sql", []byte(src), &Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	if got := plan.Sources[0].URI; got != "kafka:orders" {
		t.Errorf("source URI %q", got)
	}
	if k := plan.Queries[0].Sink; k.URI != "kafka:big" || k.Key != nil || len(k.Options) != 0 {
		t.Errorf("sink %q key %v options %v", k.URI, k.Key, k.Options)
	}
	if k := plan.Queries[1].Sink; k.KeyColumn != 1 || !reflect.DeepEqual(k.Key, []string{"qty"}) {
		t.Errorf("key.field: column %d key %v", k.KeyColumn, k.Key)
	}
}

// TestKafkaUnknownClientSetting: a consumer setting velocc does not pass on is a warning pointing into the YAML file.
func TestKafkaUnknownClientSetting(t *testing.T) {
	dir := configTestWrite(t, map[string]string{"orders.yaml": "datasource:\n  consumer_config:\n    fetch.min.bytes: 1\n"})
	src := "CREATE STREAM orders (symbol VARCHAR) WITH ('type' = 'kafka_source', 'config_file' = 'orders.yaml');\nSELECT symbol FROM orders;\n"
	_, diags := Compile(dir+"/job.sql", []byte(src), &Options{ReadFile: configTestReader(dir)})
	if len(diags) != 1 || diags.HasErrors() {
		t.Fatalf("want one warning, got:\n%v", diags)
	}
	d := diags[0]
	if !strings.Contains(d.Msg, `kafka setting "fetch.min.bytes" is ignored; velocc's kafka source reads: `) ||
		!strings.HasSuffix(d.File, "orders.yaml") || d.Line != 3 {
		t.Errorf("warning %s at %s:%d", d.Msg, d.File, d.Line)
	}
}

// TestDeadLetterTopic reads 'dead.letter.topic' and the producer settings under 'dead.letter.' from a config file
// and a WITH clause: the plan's dead-letter target is "kafka:TOPIC", the settings are in the source's options, and
// a file job whose dead letters go to a topic links Kafka.
func TestDeadLetterTopic(t *testing.T) {
	dir := configTestWrite(t, map[string]string{
		"orders.yaml": `
path: orders.jsonl
on.error: dead_letter
dead:
  letter:
    topic: orders.dlq
    retry.initial.delay: 100ms
`,
	})
	src := `CREATE STREAM orders (symbol VARCHAR, qty BIGINT) WITH ('config_file' = 'orders.yaml', 'dead.letter.topic.create' = 'false');
CREATE STREAM files (symbol VARCHAR) WITH ('path' = 'f.jsonl', 'on.error' = 'dead_letter');
SELECT * FROM orders;
SELECT * FROM files;
`
	plan, diags := Compile(dir+"/job.sql", []byte(src), &Options{ReadFile: configTestReader(dir)})
	if diags.HasErrors() || len(diags) > 0 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	s := plan.Sources[0]
	want := map[string]string{"dead.letter.topic.create": "false", "dead.letter.retry.initial.delay": "100ms"}
	if s.DeadLetter != "kafka:orders.dlq" || s.OnError != "dead_letter" || !maps.Equal(s.Options, want) {
		t.Errorf("dead letters to %q (on.error %s), options %v; want kafka:orders.dlq, dead_letter, %v", s.DeadLetter, s.OnError, s.Options, want)
	}
	if f := plan.Sources[1]; f.DeadLetter != "files.dead_letter.jsonl" {
		t.Errorf("source files: dead letters to %q, want the default file", f.DeadLetter)
	}
	if !plan.UsesKafka() {
		t.Error("a job whose dead letters go to a topic does not link Kafka")
	}
}
