package rt

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// newTestSink opens a sink on spec.URI ("stdout:" if empty) with stdout going
// to the returned buffer.
func newTestSink(t *testing.T, spec SinkSpec, timeFormat string) (*Sink, *bytes.Buffer) {
	t.Helper()
	if spec.URI == "" {
		spec.URI = "stdout:"
	}
	var buf bytes.Buffer
	s, err := newSink(spec, spec.URI, false, timeFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.open(context.Background(), &buf, map[string]*sinkOutput{}); err != nil {
		t.Fatal(err)
	}
	return s, &buf
}

var allTypeColumns = []FieldSpec{
	{Name: "s", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}, {Name: "i", Type: "INT"},
	{Name: "f", Type: "DOUBLE"}, {Name: "p", Type: "DECIMAL(12,4)"}, {Name: "b", Type: "BOOLEAN"},
	{Name: "ts", Type: "TIMESTAMP"}, {Name: `we"ird\key`, Type: "INT"},
}

type sinkRow struct {
	s       string
	n       int64
	f       float64
	p       Int128
	null    bool
	retract bool
}

func writeRow(t *testing.T, s *Sink, r sinkRow) {
	t.Helper()
	row := s.Begin()
	row.String(r.s, r.null)
	row.Int64(r.n, r.null)
	row.Int32(int32(r.n), r.null)
	row.Float64(r.f, r.null)
	row.Decimal(r.p, 4, r.null)
	row.Bool(r.n%2 == 0, r.null)
	row.Timestamp(r.n, r.null)
	row.Int32(1, false)
	if r.retract {
		row.Retract()
	}
	if err := row.End(); err != nil {
		t.Fatal(err)
	}
}

func TestSinkJSON(t *testing.T) {
	s, buf := newTestSink(t, SinkSpec{Name: "out", Columns: allTypeColumns}, "")
	tricky := "quote\" backslash\\ nl\n cr\r tab\t ctl\x01\x1f del\x7f é 😀 \u2028\u2029 bad\xff\xfe<>&"
	rows := []sinkRow{
		{s: "AAPL", n: 1700000000000, f: 12.5, p: I128(123400)},
		{s: tricky, n: -1, f: 0.1, p: I128(-500)},
		{null: true},
		{s: "", n: 0, f: math.NaN(), retract: true},
		{s: "inf", n: 2, f: math.Inf(1)},
		{s: "-inf", n: 3, f: math.Inf(-1)},
		{s: "big", n: math.MaxInt64, f: 1e21},
		{s: "small", n: math.MinInt64, f: 1e-7},
		{s: "tiny", f: 5e-324},
		{s: "max", f: math.MaxFloat64},
		{s: "negzero", f: math.Copysign(0, -1)},
	}
	for _, r := range rows {
		writeRow(t, s, r)
	}
	if err := s.out.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.emitted.Load() != int64(len(rows)) {
		t.Errorf("emitted %d, want %d", s.emitted.Load(), len(rows))
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(rows) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(rows), buf)
	}
	if want := `{"s":"AAPL","n":1700000000000,"i":-807049216,"f":12.5,"p":12.3400,"b":true,"ts":1700000000000,"we\"ird\\key":1}`; lines[0] != want {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want)
	}
	if want := `{"s":null,"n":null,"i":null,"f":null,"p":null,"b":null,"ts":null,"we\"ird\\key":1}`; lines[2] != want {
		t.Errorf("NULL line:\n got %s\nwant %s", lines[2], want)
	}
	if !strings.Contains(lines[1], `"p":-0.0500,`) {
		t.Errorf("decimal not written exactly: %s", lines[1])
	}
	if !strings.HasSuffix(lines[3], `,"_retract":true}`) {
		t.Errorf("retraction not marked: %s", lines[3])
	}
	for i, line := range lines {
		if !json.Valid([]byte(line)) {
			t.Fatalf("line %d is not valid JSON: %s", i+1, line)
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		r := rows[i]
		if r.null {
			continue
		}
		if want := replaceInvalid(r.s); m["s"] != want {
			t.Errorf("line %d: s = %q, want %q", i+1, m["s"], want)
		}
		f := m["f"]
		if math.IsNaN(r.f) || math.IsInf(r.f, 0) {
			if f != nil {
				t.Errorf("line %d: f = %v, want null", i+1, f)
			}
			continue
		}
		got, err := strconv.ParseFloat(string(f.(json.Number)), 64)
		if err != nil || got != r.f || math.Signbit(got) != math.Signbit(r.f) {
			t.Errorf("line %d: f = %v, want %v", i+1, f, r.f)
		}
		if n := string(m["n"].(json.Number)); n != strconv.FormatInt(r.n, 10) {
			t.Errorf("line %d: n = %s, want %d", i+1, n, r.n)
		}
	}
}

// TestAppendJSONStringAllInputs checks every byte and a sweep of code points
// (including surrogate encodings and invalid UTF-8) against encoding/json.
func TestAppendJSONStringAllInputs(t *testing.T) {
	var inputs []string
	for b := 0; b < 256; b++ {
		inputs = append(inputs, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	for r := rune(0); r <= utf8.MaxRune; r += 97 {
		inputs = append(inputs, string(r), "a"+string(r)+"\"")
	}
	inputs = append(inputs, "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\u2028\u2029", "")
	for _, in := range inputs {
		out := appendJSONString(nil, in)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("appendJSONString(%q) = %s: %v", in, out, err)
		}
		if want := replaceInvalid(in); got != want {
			t.Fatalf("appendJSONString(%q) decodes to %q, want %q", in, got, want)
		}
		var viaStd string
		std, _ := json.Marshal(in)
		if err := json.Unmarshal(std, &viaStd); err != nil || viaStd != got {
			t.Fatalf("appendJSONString(%q) decodes to %q; encoding/json round-trips it to %q", in, got, viaStd)
		}
	}
}

// replaceInvalid replaces each byte of invalid UTF-8 with U+FFFD, as JSON
// encoders do.
func replaceInvalid(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // ranging yields U+FFFD per invalid byte
	}
	return b.String()
}

func TestSinkCSV(t *testing.T) {
	cols := []FieldSpec{{Name: "sym"}, {Name: "n"}, {Name: "p"}, {Name: "ts"}}
	s, buf := newTestSink(t, SinkSpec{Name: "out", URI: "stdout:?format=csv", Columns: cols, Retracts: true}, "rfc3339")
	write := func(sym string, null bool, retract bool) {
		row := s.Begin()
		row.String(sym, null)
		row.Int64(42, null)
		row.Decimal(I128(-123456), 4, null)
		row.Timestamp(1704164645123, null)
		if retract {
			row.Retract()
		}
		if err := row.End(); err != nil {
			t.Fatal(err)
		}
	}
	write("plain", false, false)
	write(`has,comma "quoted"`, false, true)
	write("multi\nline", false, false)
	write("", false, false)
	write("", true, false)
	if err := s.out.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	wantRaw := "sym,n,p,ts,_retract\n" +
		"plain,42,-12.3456,2024-01-02T03:04:05.123Z,false\n" +
		`"has,comma ""quoted""",42,-12.3456,2024-01-02T03:04:05.123Z,true` + "\n" +
		"\"multi\nline\",42,-12.3456,2024-01-02T03:04:05.123Z,false\n" +
		`"",42,-12.3456,2024-01-02T03:04:05.123Z,false` + "\n" +
		",,,,false\n"
	if raw != wantRaw {
		t.Errorf("CSV output:\n%s\nwant:\n%s", raw, wantRaw)
	}
	recs, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"sym", "n", "p", "ts", "_retract"},
		{"plain", "42", "-12.3456", "2024-01-02T03:04:05.123Z", "false"},
		{`has,comma "quoted"`, "42", "-12.3456", "2024-01-02T03:04:05.123Z", "true"},
		{"multi\nline", "42", "-12.3456", "2024-01-02T03:04:05.123Z", "false"},
		{"", "42", "-12.3456", "2024-01-02T03:04:05.123Z", "false"},
		{"", "", "", "", "false"},
	}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("encoding/csv reads %q\nwant %q", recs, want)
	}

	// Our own decoder reads the single-line records back, telling the empty
	// string from NULL.
	var d CSVDecoder
	lines := strings.Split(raw, "\n")
	if e := d.setHeader([]byte(lines[0])); e != nil {
		t.Fatal(e)
	}
	for _, tc := range []struct {
		line string
		want string
		null bool
	}{{lines[2], `has,comma "quoted"`, false}, {lines[5], "", false}, {lines[6], "", true}} {
		if e := d.reset([]byte(tc.line)); e != nil {
			t.Fatal(e)
		}
		d.Field(0)
		if v, null := d.String(); v != tc.want || null != tc.null {
			t.Errorf("%s: read back %q null=%v, want %q null=%v", tc.line, v, null, tc.want, tc.null)
		}
	}
}

func TestSinkRFC3339JSON(t *testing.T) {
	s, buf := newTestSink(t, SinkSpec{Name: "out", Columns: []FieldSpec{{Name: "ts"}}, TimeFormat: "rfc3339"}, "")
	for _, ms := range []int64{0, 1704164645123, -1} {
		row := s.Begin()
		row.Timestamp(ms, false)
		if err := row.End(); err != nil {
			t.Fatal(err)
		}
	}
	s.out.flush(context.Background())
	dec := json.NewDecoder(buf)
	for _, ms := range []int64{0, 1704164645123, -1} {
		var m struct{ TS string }
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		got, err := time.Parse(time.RFC3339Nano, m.TS)
		if err != nil || got.UnixMilli() != ms {
			t.Errorf("ts %q (%v), want epoch ms %d", m.TS, err, ms)
		}
	}
}

func TestSinkRowCountMismatch(t *testing.T) {
	s, _ := newTestSink(t, SinkSpec{Name: "out", Columns: []FieldSpec{{Name: "a"}, {Name: "b"}}}, "")
	row := s.Begin()
	row.Int64(1, false)
	if err := row.End(); err == nil || !strings.Contains(err.Error(), "1 values for 2 columns") {
		t.Errorf("End with a missing value: %v", err)
	}
	row = s.Begin() // the lock was released
	row.Int64(1, false)
	row.Int64(2, false)
	row.Int64(3, false)
	if err := row.End(); err == nil || !strings.Contains(err.Error(), "3 values for 2 columns") {
		t.Errorf("End with an extra value: %v", err)
	}
}

func TestSinkConcurrentRowsDoNotInterleave(t *testing.T) {
	s, buf := newTestSink(t, SinkSpec{Name: "out", Columns: []FieldSpec{{Name: "g"}, {Name: "s"}}}, "")
	const goroutines, rows = 8, 500
	long := strings.Repeat("x", 3000) // rows longer than a pipe write make interleaving visible
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for range rows {
				row := s.Begin()
				row.Int64(int64(g), false)
				row.String(long, false)
				if err := row.End(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	s.out.flush(context.Background())
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != goroutines*rows || s.emitted.Load() != goroutines*rows {
		t.Fatalf("%d lines, %d emitted; want %d", len(lines), s.emitted.Load(), goroutines*rows)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("interleaved row: %.80s...", l)
		}
	}
}

func TestSinkFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := newSink(SinkSpec{Name: "out"}, "kafka:topic", false, "", nil)
	if err == nil || !strings.Contains(err.Error(), "built without Kafka support") {
		t.Errorf("kafka without rt/kafka: %v", err)
	}
	_, err = newSink(SinkSpec{Name: "out"}, "s3:bucket/key", false, "", nil)
	if err == nil || !strings.Contains(err.Error(), "known schemes: [file stdout]") {
		t.Errorf("unsupported scheme: %v", err)
	}
	_, err = newSink(SinkSpec{Name: "out"}, "file:"+filepath.Join(dir, "out.txt"), false, "", nil)
	if err == nil || !strings.Contains(err.Error(), "?format=jsonl or ?format=csv") {
		t.Errorf("unknown extension: %v", err)
	}
	s, err := newSink(SinkSpec{Name: "out"}, "file:"+filepath.Join(dir, "no", "such", "out.jsonl"), false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.open(context.Background(), nil, map[string]*sinkOutput{})
	if err == nil || !strings.Contains(err.Error(), "directory "+filepath.Join(dir, "no", "such")+" does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	s, err = newSink(SinkSpec{Name: "out", Columns: []FieldSpec{{Name: "a"}}}, "file:"+filepath.Join(dir, "out.csv"), false, "", nil)
	if err != nil || s.format != FormatCSV {
		t.Fatalf("csv by extension: %v %v", s.format, err)
	}
	if err := s.open(context.Background(), nil, map[string]*sinkOutput{}); err != nil {
		t.Fatal(err)
	}
	if err := s.out.close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out.csv")); string(b) != "a\n" {
		t.Errorf("empty CSV sink wrote %q, want just the header", b)
	}
}

func BenchmarkRowEndJSON(b *testing.B) {
	spec := SinkSpec{Name: "out", Columns: []FieldSpec{
		{Name: "symbol"}, {Name: "side"}, {Name: "quantity"}, {Name: "price"}, {Name: "notional"}, {Name: "event_time"},
	}}
	s, err := newSink(spec, "stdout:", false, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.open(context.Background(), discard{}, map[string]*sinkOutput{}); err != nil {
		b.Fatal(err)
	}
	price := I128(1892350)
	b.ReportAllocs()
	for b.Loop() {
		row := s.Begin()
		row.String("AAPL", false)
		row.String("BUY", false)
		row.Int64(1500, false)
		row.Decimal(price, 4, false)
		row.Float64(283852.5, false)
		row.Timestamp(1700000000123, false)
		if err := row.End(); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestAvroOnlyForKafka: an Avro sink sent to stdout or a file without a format of its own is refused, not
// written as a corrupt file.
func TestAvroOnlyForKafka(t *testing.T) {
	spec := SinkSpec{Name: "out", Format: "avro", Columns: []FieldSpec{{Name: "a", Type: "BIGINT"}}}
	for _, uri := range []string{"stdout:", "file:out.bin"} {
		if _, err := newSink(spec, uri, true, "", nil); err == nil || !strings.Contains(err.Error(), "avro is a format of Kafka messages") {
			t.Errorf("%s: %v", uri, err)
		}
	}
	if _, err := newSink(spec, "file:out.jsonl", true, "", nil); err != nil {
		t.Errorf("a .jsonl file takes the rows as JSON lines: %v", err)
	}
	src := SourceSpec{Name: "in", Format: "avro"}
	if _, err := newSource(src, "file:in.bin", true, nil); err == nil || !strings.Contains(err.Error(), "avro is a format of Kafka messages") {
		t.Errorf("avro file source: %v", err)
	}
}
