package rt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// Dead letters keep a bad record's bytes exactly: the tests write records of every kind of byte, let them fail,
// and decode the dead letters with encoding/json and encoding/base64 (readDeadLetters) to compare.

// memTransport serves "memtest:" URIs while a test registers it (useMemTransport): a stand-in for Kafka whose
// input hands the topic's messages to a source through Source.Record, as rt/kafka does.
type memTransport struct{ topics map[string][][]byte }

// useMemTransport registers a memTransport with the messages of each topic until the test ends.
func useMemTransport(t *testing.T, topics map[string][][]byte) {
	transportsMu.Lock()
	defer transportsMu.Unlock()
	transports["memtest"] = memTransport{topics}
	t.Cleanup(func() {
		transportsMu.Lock()
		defer transportsMu.Unlock()
		delete(transports, "memtest")
	})
}

func (m memTransport) NewInput(s *Source, uri string, env *Env) (Input, error) {
	return &memInput{s: s, msgs: m.topics[strings.TrimPrefix(uri, "memtest:")]}, nil
}

func (memTransport) NewOutput(SinkSpec, string, *Env) (Output, error) {
	return nil, errors.New("memtest: no outputs")
}

type memInput struct {
	s    *Source
	msgs [][]byte
}

func (in *memInput) Start(context.Context) error { return nil }

func (in *memInput) Run(context.Context) error {
	for i, m := range in.msgs {
		if err := in.s.Record(m, nil, 0, int64(i), 0); err != nil {
			return err
		}
	}
	return in.s.End()
}

func (in *memInput) Close() error { return nil }

// oddRecords returns records that orderJob rejects, in the given format, with bytes of every kind: escapes JSON
// needs, control characters, U+2028, U+FFFD itself, invalid UTF-8 (stray, truncated, overlong, surrogate), NUL,
// and random bytes. Line breaks are left out for files (they end records); messages may hold them.
func oddRecords(format Format, message bool) [][]byte {
	var recs [][]byte
	fixed := []string{
		`"a\"b\\c/` + "\x01\x1f\t\x7f",
		"é€😀 \u2028 \u2029 \ufffd",
		"\xff\xfe",
		"\xe2\x82",
		"\xc0\x80",
		"\xed\xa0\x80",
		"nul\x00byte",
		"",
	}
	if message {
		fixed = append(fixed, "two\nlines\r\n", "\r")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	alphabet := []byte("aé€😀\"\\,\t\x00\x01\x7f")
	for range 300 {
		var b []byte
		for range rng.IntN(40) {
			switch rng.IntN(3) {
			case 0:
				b = append(b, byte(rng.IntN(256)))
			default:
				b = append(b, alphabet[rng.IntN(len(alphabet))])
			}
		}
		fixed = append(fixed, string(b))
	}
	for _, v := range fixed {
		if !message {
			v = strings.NewReplacer("\n", "", "\r", "").Replace(v)
		}
		if format == FormatCSV {
			// Any symbol, and a quantity that is never a number.
			v = strings.NewReplacer(",", "", `"`, "").Replace(v)
			recs = append(recs, []byte(v+",x"+v))
			continue
		}
		recs = append(recs, []byte(`{"symbol":"`+v+`","qty":"x`+v))
	}
	return recs
}

func TestDeadLettersAreExact(t *testing.T) {
	for _, tt := range []struct {
		name    string
		format  Format
		message bool
	}{
		{"jsonl file", FormatJSONL, false},
		{"csv file", FormatCSV, false},
		{"jsonl messages", FormatJSONL, true},
		{"csv messages", FormatCSV, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			recs := oddRecords(tt.format, tt.message)
			dead := filepath.Join(dir, "dead.jsonl")
			spec := SourceSpec{Name: "orders", OnError: "dead_letter", DeadLetter: dead}
			var firstLine int64 = 1
			switch {
			case tt.message:
				useMemTransport(t, map[string][][]byte{"orders": recs})
				spec.URI, spec.Format = "memtest:orders", tt.format.String()
			default:
				var b bytes.Buffer
				if tt.format == FormatCSV {
					b.WriteString("symbol,qty\n")
					firstLine = 2
				}
				for i, r := range recs {
					b.Write(r)
					if i%2 == 0 {
						b.WriteByte('\r') // a CRLF line: the \r is the line break's, not the record's
					}
					b.WriteByte('\n')
				}
				spec.URI = "file:" + writeFile(t, filepath.Join(dir, "in."+tt.format.String()), b.String())
			}
			res := runJob(context.Background(), orderJob(spec), "--bounded")
			if res.code != 0 {
				t.Fatalf("exit %d:\n%s", res.code, res.stderr)
			}
			if want := fmt.Sprintf("orders: read %d, bad %d, late 0\n", len(recs), len(recs)); !strings.Contains(res.stderr, want) {
				t.Fatalf("stderr lacks %q:\n%s", want, res.stderr)
			}
			dl := readDeadLetters(t, dead)
			if len(dl) != len(recs) {
				t.Fatalf("%d dead letters, want %d", len(dl), len(recs))
			}
			base64s := 0
			for i, d := range dl {
				got := d.bytes(t)
				if d.RecordBase64 != nil {
					base64s++
				}
				if !bytes.Equal(got, recs[i]) || d.Truncated || d.Size != 0 {
					t.Errorf("dead letter %d: record %q (truncated %v, size %d), want %q", i, got, d.Truncated, d.Size, recs[i])
				}
				want := deadLetterLine{Source: "orders", File: spec.URI[len("file:"):], Line: firstLine + int64(i)}
				if tt.message {
					want = deadLetterLine{Source: "orders", Topic: "orders", Offset: int64(i)}
				}
				if d.Source != want.Source || d.File != want.File || d.Line != want.Line || d.Topic != want.Topic ||
					d.Partition != 0 || d.Offset != want.Offset || d.Error == "" {
					t.Errorf("dead letter %d: %s:%d, %s[%d]@%d %q; want %s:%d, %s[0]@%d", i, d.File, d.Line, d.Topic, d.Partition, d.Offset, d.Error,
						want.File, want.Line, want.Topic, want.Offset)
				}
			}
			if base64s == 0 || base64s == len(dl) {
				t.Errorf("%d of %d records in base64: the test needs both kinds", base64s, len(dl))
			}
		})
	}
}

// TestConfluentJSON reads JSON messages in Confluent's wire format ('wire.format' = 'confluent'): the header is
// skipped, and a message without it is a bad record.
func TestConfluentJSON(t *testing.T) {
	header := []byte{0, 0, 0, 1, 7}
	msgs := [][]byte{
		append(append([]byte(nil), header...), `{"symbol":"A","qty":1}`...),
		[]byte(`{"symbol":"B","qty":2}`), // no header
		append([]byte{1, 0, 0, 1, 7}, `{"symbol":"C","qty":3}`...),
		append(append([]byte(nil), header...), `{"symbol":"D","qty":4}`...),
		{0, 0},
	}
	useMemTransport(t, map[string][][]byte{"orders": msgs})
	spec := SourceSpec{Name: "orders", URI: "memtest:orders", Format: "jsonl", OnError: "skip", Options: map[string]string{"wire.format": "confluent"}}
	res := runJob(context.Background(), orderJob(spec), "--bounded")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if want := `{"symbol":"A","qty":1,"price":null,"ts":null}` + "\n" + `{"symbol":"D","qty":4,"price":null,"ts":null}` + "\n"; !strings.HasPrefix(res.stdout, want) {
		t.Errorf("stdout:\n%s\nwant it to start with\n%s", res.stdout, want)
	}
	if !strings.Contains(res.stderr, "orders: read 5, bad 3, late 0") || strings.Count(res.stderr, "not in Confluent's wire format") != 3 {
		t.Errorf("stderr:\n%s", res.stderr)
	}
}

// deadTopic stands in for Kafka in TestDeadLetterTopic: its input hands keyed messages to a source, flushing the
// job after each as a commit does, and its dead-letter output keeps the messages written and how many of them a
// Flush covered.
type deadTopic struct {
	in        [][2][]byte // key and value of each message of the source
	uri       string      // the dead-letter output's
	out       [][2][]byte // key and value of each dead letter
	flushed   int         // dead letters written before the last Flush
	unflushed int         // flushes of the job after which a dead letter was not flushed
	closed    bool
}

func (d *deadTopic) NewInput(s *Source, _ string, _ *Env) (Input, error) {
	return &deadTopicInput{d, s}, nil
}
func (d *deadTopic) NewOutput(SinkSpec, string, *Env) (Output, error) {
	return nil, errors.New("deadTopic: no sinks")
}
func (d *deadTopic) NewDeadLetter(_ *Source, uri string, _ *Env) (Output, error) {
	d.uri = uri
	return d, nil
}
func (d *deadTopic) Start(context.Context) error { return nil }
func (d *deadTopic) Write(key, value []byte) error {
	d.out = append(d.out, [2][]byte{bytes.Clone(key), bytes.Clone(value)})
	return nil
}
func (d *deadTopic) Flush(context.Context) error { d.flushed = len(d.out); return nil }
func (d *deadTopic) Close() error                { d.closed = true; return nil }
func (d *deadTopic) Name() string                { return "test topic" }

type deadTopicInput struct {
	d *deadTopic
	s *Source
}

func (in *deadTopicInput) Start(context.Context) error { return nil }
func (in *deadTopicInput) Close() error                { return nil }
func (in *deadTopicInput) Run(ctx context.Context) error {
	for i, m := range in.d.in {
		if err := in.s.Record(m[1], m[0], 0, int64(i), 0); err != nil {
			return err
		}
		if err := in.s.Flush(ctx); err != nil {
			return err
		}
		if in.d.flushed != len(in.d.out) {
			in.d.unflushed++
		}
	}
	return in.s.End()
}

// TestDeadLetterTopic sends a source's dead letters to a transport's output ("kafka:TOPIC", here a stand-in): one
// message per bad record, keyed like the record, naming its topic, partition and offset, and flushed whenever the
// job flushes its sinks before a commit.
func TestDeadLetterTopic(t *testing.T) {
	d := &deadTopic{in: [][2][]byte{
		{[]byte("k0"), []byte(`{"symbol":"A","qty":1}`)},
		{[]byte("k1"), []byte(`{"symbol":"B","qty":"x"}`)},
		{nil, []byte("\xff{")},
		{[]byte("k3"), []byte(`{"symbol":"C","qty":3}`)},
	}}
	transportsMu.Lock()
	transports["kafka"] = d
	transportsMu.Unlock()
	t.Cleanup(func() {
		transportsMu.Lock()
		defer transportsMu.Unlock()
		delete(transports, "kafka")
	})
	spec := SourceSpec{Name: "orders", URI: "kafka:orders", OnError: "dead_letter", DeadLetter: "kafka:orders_dlq"}
	res := runJob(context.Background(), orderJob(spec), "--bounded")
	if res.code != 0 || !strings.Contains(res.stderr, "orders: read 4, bad 2, late 0\n") {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if d.uri != "kafka:orders_dlq" || !d.closed || d.unflushed != 0 || len(d.out) != 2 {
		t.Fatalf("dead letters to %q (closed %v): %d, unflushed after %d flushes; want 2 to kafka:orders_dlq, all flushed", d.uri, d.closed, len(d.out), d.unflushed)
	}
	for i, want := range []int{1, 2} {
		key, value := d.out[i][0], d.out[i][1]
		var dl deadLetterLine
		dec := json.NewDecoder(bytes.NewReader(value))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&dl); err != nil || bytes.HasSuffix(value, []byte("\n")) {
			t.Fatalf("dead letter %q: %v (or a line break at its end)", value, err)
		}
		if !bytes.Equal(key, d.in[want][0]) || !bytes.Equal(dl.bytes(t), d.in[want][1]) || dl.Source != "orders" ||
			dl.Topic != "orders" || dl.Offset != int64(want) || dl.File != "" || dl.Error == "" || dl.Time.IsZero() {
			t.Errorf("dead letter %d: key %q, %+v; want the record at offset %d", i, key, dl, want)
		}
	}
}

// TestDeadLetterTopicWithoutKafka asks a job built without Kafka to send its dead letters to a topic.
func TestDeadLetterTopicWithoutKafka(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "in.jsonl"), `{"symbol":"A","qty":"x"}`+"\n")
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in}), "--bounded",
		"--on-error", "dead_letter", "--dead-letter", "orders=kafka:orders_dlq")
	if want := `source "orders": dead letters: unsupported URI "kafka:orders_dlq": this job was built without Kafka support`; res.code != 1 || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", res.code, res.stderr, want)
	}
}
