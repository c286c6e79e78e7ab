// Kafka sources and sinks: topics, consumer and producer settings (WITH clauses and Velostream config files),
// message keys, and the record metadata columns _key, _partition, _offset and _timestamp.

package compiler

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/velocc/velocc/grammar"
)

// kafkaSetting describes one Kafka setting a job may give, under its canonical name.
type kafkaSetting struct {
	source, sink bool
	check        func(v string) string // "" if v is acceptable, else what is wrong
}

// kafkaSettings are the settings velocc passes to its Kafka runtime (SourceSpec.Options, SinkSpec.Options).
var kafkaSettings = map[string]kafkaSetting{
	"bootstrap.servers":     {source: true, sink: true, check: nonEmpty},
	"group.id":              {source: true, check: nonEmpty},
	"group.instance.id":     {source: true, check: nonEmpty},
	"session.timeout.ms":    {source: true, check: durationSetting},
	"heartbeat.interval.ms": {source: true, check: durationSetting},
	"auto.offset.reset":     {source: true, check: oneOf("earliest", "latest")},
	"commit.interval":       {source: true, check: durationSetting},

	// The changelog topics of the state of the source's aggregations (rt/kafka/changelog.go).
	"changelog.enabled":            {source: true, check: boolSetting},
	"changelog.topic.prefix":       {source: true, check: nonEmpty},
	"changelog.replication.factor": {source: true, check: intAtLeast(1)},
	"transaction.timeout.ms":       {source: true, check: durationSetting},

	"topic.wait.timeout":       {source: true, check: durationSetting},
	"topic.retry.interval":     {source: true, check: durationSetting},
	"avro.wire.format":         {source: true, check: oneOf("raw", "confluent")},
	"wire.format":              {source: true, check: oneOf("raw", "confluent")},
	"schema.registry.url":      {source: true, sink: true, check: registryURL},
	"schema.id":                {sink: true, check: schemaID},
	"acks":                     {sink: true, check: oneOf("all", "-1", "1", "0")},
	"linger.ms":                {sink: true, check: durationSetting},
	"batch.size":               {sink: true, check: intAtLeast(1024)},
	"compression.type":         {sink: true, check: oneOf("none", "gzip", "snappy", "lz4", "zstd")},
	"enable.idempotence":       {sink: true, check: boolSetting},
	"delivery.timeout.ms":      {sink: true, check: durationSetting},
	"topic.create":             {sink: true, check: boolSetting},
	"topic.partitions":         {sink: true, check: intAtLeast(1)},
	"topic.replication.factor": {sink: true, check: intAtLeast(1)},

	// A sink's retries of failed deliveries and its circuit breaker (rt/kafka/circuit.go).
	"retry.max.attempts":                {sink: true, check: intAtLeast(1)},
	"retry.initial.delay":               {sink: true, check: durationSetting},
	"retry.max.delay":                   {sink: true, check: durationSetting},
	"retry.multiplier":                  {sink: true, check: numberAtLeast1},
	"circuit.breaker.failure.threshold": {sink: true, check: intAtLeast(1)},
	"circuit.breaker.recovery.timeout":  {sink: true, check: durationSetting},
	"circuit.breaker.success.threshold": {sink: true, check: intAtLeast(1)},

	// How long a source goes on reading without brokers (or without a group session) before it gives up;
	// unset: for ever.
	"broker.unavailable.timeout": {source: true, check: durationSetting},
}

// schemaID checks a schema registry's id: a positive 32-bit number.
func schemaID(v string) string {
	if n, err := strconv.ParseInt(v, 10, 32); err != nil || n < 1 {
		return "want a schema id, a whole number from 1 to 2147483647, got " + strconv.Quote(v)
	}
	return ""
}

// registryURL checks a schema registry's base URL.
func registryURL(v string) string {
	if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
		return "want the registry's http:// or https:// URL, got " + strconv.Quote(v)
	}
	return ""
}

// knownKeys lists the properties a source or sink of type typ understands, for the unknown-property warning.
func knownKeys(base []string, typ string, sink bool) []string {
	if typ != "kafka_source" && typ != "kafka_sink" {
		return base
	}
	var names []string
	for name, st := range kafkaSettings {
		if (sink && st.sink) || (!sink && st.source) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if sink {
		names = append(names, "headers.*")
	}
	return append(append([]string(nil), base...), names...)
}

// kafkaAliases maps other spellings of settings (Velostream's and Kafka clients') to the canonical names.
var kafkaAliases = map[string]string{
	"brokers":          "bootstrap.servers",
	"consumer.group":   "group.id",
	"group":            "group.id",
	"topic.name":       "topic",
	"schema.key.field": "key.field",
}

// kafkaPrefixes are the sections of Velostream config files that hold client settings; a key under one of
// them means the same as without it.
var kafkaPrefixes = []string{"datasource.consumer_config.", "datasink.producer_config.", "datasource.", "datasink.",
	"consumer_config.", "producer_config."}

// kafkaName returns the canonical name of a property key.
func kafkaName(key string) string {
	for _, p := range kafkaPrefixes {
		if strings.HasPrefix(key, p) {
			key = key[len(p):]
			break
		}
	}
	if a, ok := kafkaAliases[key]; ok {
		return a
	}
	return key
}

// kafkaProps collects the Kafka settings among ps, under canonical names, checking their values. A setting given
// under two spellings takes the shorter (the WITH clause's, usually) one. sink selects the producer side.
func (c *checker) kafkaProps(ps props, sink bool) (opts map[string]string, topic string) {
	keys := make([]string, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	opts = map[string]string{}
	for _, k := range keys {
		name := kafkaName(k)
		if name == "topic" {
			p, _ := ps.get(k)
			if topic == "" {
				topic = p.value
				if msg := topicName(p.value); msg != "" {
					c.errorf(CodeBadProperty, p.span, "%s", msg)
				}
			}
			continue
		}
		if name == "key.field" && k != name {
			if _, direct := ps["key.field"]; !direct {
				ps[name] = ps[k] // read by sourceKey and the sink's key
			}
			ps.get(k)
			continue
		}
		if sink && strings.HasPrefix(name, "headers.") && len(name) > len("headers.") {
			p, _ := ps.get(k)
			opts[name] = p.value
			continue
		}
		st, known := kafkaSettings[name]
		if !known || (sink && !st.sink) || (!sink && !st.source) {
			if (strings.Contains(k, "consumer_config.") || strings.Contains(k, "producer_config.")) && !formatSetting(name) {
				// warnUnused stays quiet about Velostream's sections; a client setting velocc ignores deserves a word.
				p, _ := ps.get(k)
				c.warnf(CodeUnknownProperty, p.keySpan, "kafka setting %q is ignored; velocc's kafka %s reads: %s", name, map[bool]string{true: "sink", false: "source"}[sink], strings.Join(knownKeys(nil, map[bool]string{true: "kafka_sink", false: "kafka_source"}[sink], sink), ", "))
			}
			continue // left for warnUnused
		}
		p, _ := ps.get(k)
		if _, dup := opts[name]; dup {
			continue
		}
		v := strings.TrimSpace(p.value)
		if msg := st.check(v); msg != "" {
			c.errorf(CodeBadProperty, p.span, "%s: %s", k, msg)
			continue
		}
		opts[name] = v
	}
	return opts, topic
}

// formatSetting reports whether a setting belongs to the value format (read by the Avro and format code), not to
// the Kafka client.
func formatSetting(name string) bool {
	return strings.HasSuffix(name, ".file") || strings.HasSuffix(name, "serializer") || strings.HasSuffix(name, "format") ||
		strings.HasSuffix(name, ".message")
}

// configureKafkaSource sets a Kafka source's topic (default: the stream's name) and settings, and adds the
// record metadata columns.
func (c *checker) configureKafkaSource(src *Source, ps props) {
	opts, topic := c.kafkaProps(ps, false)
	if topic == "" {
		topic = src.Name
	}
	src.URI = "kafka:" + topic
	src.Options = opts
	c.addKafkaMeta(src)
	if src.IsTable {
		c.tableGroupSettings(ps, opts)
	}
}

// groupSettings are the Kafka settings of a source's consumer group, which a table's source does not have.
var groupSettings = []string{"group.id", "group.instance.id", "auto.offset.reset", "commit.interval",
	"session.timeout.ms", "heartbeat.interval.ms", "changelog.enabled", "changelog.topic.prefix", "changelog.replication.factor",
	"transaction.timeout.ms"}

// tableGroupSettings warns about consumer group settings given to a table's source, and drops them: every
// instance reads a table's topic whole, from its earliest offsets, without a group, and commits nothing.
func (c *checker) tableGroupSettings(ps props, opts map[string]string) {
	for _, name := range groupSettings {
		if _, ok := opts[name]; !ok {
			continue
		}
		delete(opts, name)
		for k, p := range ps {
			if kafkaName(k) == name {
				c.warnf(CodeUnknownProperty, p.keySpan, "%s is ignored: every instance reads a kafka table's topic whole, from the earliest offsets, without a consumer group", p.key)
			}
		}
	}
}

// configureKafkaSink sets a Kafka sink's topic (default: the sink's name) and producer settings.
func (c *checker) configureKafkaSink(sink *Sink, ps props) {
	opts, topic := c.kafkaProps(ps, true)
	if topic == "" {
		topic = sink.Name
	}
	sink.URI = "kafka:" + topic
	sink.Options = opts
}

// sinkKey decides the message key of a Kafka sink's rows: the output column named by 'key.field', else the
// GROUP BY keys of a grouped query, with the window start for a windowed one ("window_start"); an ungrouped
// query's rows have no key. Other sinks accept and ignore 'key.field'. at is the query's span.
func (c *checker) sinkKey(q *Query, sink *Sink, ps props, at grammar.Span) {
	p, ok := ps.get("key.field")
	if sink.Type != "kafka_sink" {
		return
	}
	defer c.nestedSinkKey(q, sink, p, at) // nestcmp.go
	if ok {
		names := make([]string, len(q.Columns))
		for i, col := range q.Columns {
			names[i] = col.Name
			if strings.EqualFold(col.Name, p.value) {
				sink.KeyColumn = i
				sink.Key = []string{col.Name}
				return
			}
		}
		c.errorf(CodeUnknownColumn, p.span, "key.field %q is not an output column of %q%s", p.value, q.Name, suggest(p.value, names))
		return
	}
	if !q.Grouped || len(q.Keys) == 0 {
		return
	}
	for _, k := range q.Keys {
		sink.Key = append(sink.Key, k.Name)
	}
	if q.Window != nil {
		sink.Key = append(sink.Key, "window_start")
	}
}

// kafkaMeta are the record metadata columns of a Kafka source, readable in expressions but not part of SELECT *.
var kafkaMeta = []struct {
	name, meta string
	typ        Type
}{
	{"_key", "key", TVarchar},
	{"_partition", "partition", TInt},
	{"_offset", "offset", TBigInt},
	{"_timestamp", "timestamp", TTimestamp},
}

// addKafkaMeta adds the metadata columns a Kafka source does not declare itself.
func (c *checker) addKafkaMeta(src *Source) {
	taken := map[string]bool{}
	for _, f := range src.Fields {
		taken[f.GoName] = true
	}
	for _, m := range kafkaMeta {
		if src.field(m.name) != nil {
			continue // a declared column of that name wins
		}
		gn := "Kafka" + goName(m.meta)
		for taken[gn] {
			gn += "_"
		}
		taken[gn] = true
		f := &Field{Name: m.name, GoName: gn, Index: -1, Type: m.typ, Nullable: m.meta == "key", Meta: m.meta}
		if m.typ.Kind == Timestamp {
			f.TimeFormat = "epoch_millis"
		}
		src.Meta = append(src.Meta, f)
	}
}

// sourceKey reads which column a Kafka source fills from the message key: 'key.field', or the one PRIMARY KEY
// column. A file source accepts and ignores 'key.field'.
func (c *checker) sourceKey(src *Source, ps props, at grammar.Span) {
	p, ok := ps.get("key.field")
	if src.Type != "kafka_source" {
		return
	}
	var f *Field
	switch {
	case src.IsTable && len(src.PrimaryKey) > 1:
		if ok {
			c.errorf(CodeBadProperty, p.span, "'key.field' names one column; the message key of kafka table %q, whose PRIMARY KEY has %d columns, is a JSON object of them", src.Name, len(src.PrimaryKey))
			return
		}
		src.KeyObject = true
		for _, f := range src.PrimaryKey {
			f.Nullable = true // the value need not repeat the key; a message with neither is a bad record
		}
		return
	case ok && src.IsTable && len(src.PrimaryKey) == 1 && !strings.EqualFold(p.value, src.PrimaryKey[0].Name):
		c.errorf(CodeBadProperty, p.span, "a kafka table's message key is its PRIMARY KEY %q: 'key.field' may only name that column", src.PrimaryKey[0].Name)
		return
	case ok:
		if f = src.field(p.value); f == nil || f.Meta != "" {
			if len(src.Fields) > 0 {
				c.errorf(CodeUnknownColumn, p.span, "key.field %q is not a column of %q%s", p.value, src.Name, suggest(p.value, fieldNames(src.Fields)))
			}
			return
		}
	case len(src.PrimaryKey) == 1:
		f = src.PrimaryKey[0]
	case len(src.PrimaryKey) > 1:
		c.errorf(CodeUnsupported, at, "a kafka source reads one column from the message key; %q declares a PRIMARY KEY of %d columns: name the key column with 'key.field'", src.Name, len(src.PrimaryKey))
		return
	default:
		return
	}
	switch f.Type.Kind {
	case Varchar, Int, BigInt:
		src.KeyField = f
		// The value need not repeat the key; a message with neither has a NULL key column (for a table, a bad
		// record).
		f.Nullable = true
	default:
		if ok {
			at = p.span
		}
		if src.IsTable {
			c.errorf(CodeBadType, at, "the primary key %q of a kafka table is read from the message key: it must be VARCHAR, INT or BIGINT, not %s", f.Name, f.Type)
			return
		}
		c.errorf(CodeBadType, at, "the message key column %q must be VARCHAR, INT or BIGINT, not %s", f.Name, f.Type)
	}
}

// topicName checks a Kafka topic name and returns what is wrong with it, or "".
func topicName(t string) string {
	if t == "" || t == "." || t == ".." || len(t) > 249 || strings.ContainsFunc(t, func(r rune) bool {
		return !(r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		return "invalid kafka topic name " + strconv.Quote(t) + ": use 1 to 249 letters, digits, '.', '_' and '-'"
	}
	return ""
}

func nonEmpty(v string) string {
	if v == "" {
		return "must not be empty"
	}
	return ""
}

func oneOf(vals ...string) func(string) string {
	return func(v string) string {
		for _, w := range vals {
			if strings.EqualFold(v, w) {
				return ""
			}
		}
		return "want one of " + strings.Join(vals, ", ") + ", got " + strconv.Quote(v)
	}
}

func durationSetting(v string) string {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return ""
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return ""
	}
	return "want a duration such as 500ms, 5s or 1m (or milliseconds), got " + strconv.Quote(v)
}

func boolSetting(v string) string {
	if _, err := strconv.ParseBool(v); err != nil {
		return "want true or false, got " + strconv.Quote(v)
	}
	return ""
}

// numberAtLeast1 checks a factor: a finite number of at least 1.
func numberAtLeast1(v string) string {
	if f, err := strconv.ParseFloat(v, 64); err != nil || f < 1 || math.IsInf(f, 0) {
		return "want a number of at least 1, got " + strconv.Quote(v)
	}
	return ""
}

func intAtLeast(low int64) func(string) string {
	return func(v string) string {
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < low {
			return "want a whole number of at least " + strconv.FormatInt(low, 10) + ", got " + strconv.Quote(v)
		}
		return ""
	}
}
