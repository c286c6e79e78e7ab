package rt

import (
	"bytes"
	"context"
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
				wantFile, wantLine := spec.URI[len("file:"):], firstLine+int64(i)
				if tt.message {
					wantFile, wantLine = fmt.Sprintf("%s[0]@%d", spec.URI[len("memtest:"):], i), 0
				}
				if d.Source != "orders" || d.File != wantFile || d.Line != wantLine || d.Error == "" {
					t.Errorf("dead letter %d: %s:%d %q, want %s:%d", i, d.File, d.Line, d.Error, wantFile, wantLine)
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
