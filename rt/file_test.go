package rt

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// tailRun is a job tailing one file in the background. tailWait is replaced so that the test holds the job at
// the end of its file (its sinks flushed), changes the file, and lets the job look again: every step is at a
// known point of the reader, with no sleeping.
type tailRun struct {
	in, out string
	atEnd   chan struct{}
	resume  chan struct{}
	cancel  context.CancelFunc
	done    chan runResult
	once    sync.Once
	res     runResult
}

// startTail runs orderJob on source spec (named "orders", reading in), writing sink "out" to out.jsonl next to
// in, and returns once the job is held at the end of the file for the first time.
func startTail(t *testing.T, in string, spec SourceSpec) *tailRun {
	t.Helper()
	r := &tailRun{in: in, out: filepath.Join(filepath.Dir(in), "out.jsonl"), atEnd: make(chan struct{}),
		resume: make(chan struct{}), done: make(chan runResult, 1)}
	old := tailWait
	tailWait = func(ctx context.Context) bool {
		select {
		case r.atEnd <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case <-r.resume:
			return true
		case <-ctx.Done():
			return false
		}
	}
	spec.Name, spec.URI = "orders", "file:"+in
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		r.done <- runJob(ctx, orderJob(spec), "--sink", "out=file:"+r.out, "--sink", "totals=file:"+filepath.Join(filepath.Dir(in), "totals.jsonl"))
	}()
	t.Cleanup(func() {
		r.stop(t)
		tailWait = old
	})
	r.next(t)
	return r
}

// next waits until the job is at the end of its file again, and holds it there.
func (r *tailRun) next(t *testing.T) {
	t.Helper()
	select {
	case <-r.atEnd:
	case res := <-r.done:
		r.done <- res
		t.Fatalf("the job exited with %d:\n%s", res.code, res.stderr)
	case <-time.After(2 * time.Minute):
		t.Fatal("the job did not reach the end of its file within 2 minutes")
	}
}

// until lets the job look at its file again, as often as it takes for cond to hold when it is back at the end.
// A reader that has settled changes nothing more, so a bounded number of looks is enough.
func (r *tailRun) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 20 {
		r.resume <- struct{}{}
		r.next(t)
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not after 20 looks at the file; output:\n%s", what, r.output())
}

// look lets the job look at its file once, and holds it at the end again.
func (r *tailRun) look(t *testing.T) {
	t.Helper()
	r.resume <- struct{}{}
	r.next(t)
}

// stop cancels the job and returns its result.
func (r *tailRun) stop(t *testing.T) runResult {
	r.once.Do(func() {
		r.cancel()
		select {
		case r.res = <-r.done:
		case <-time.After(2 * time.Minute):
			t.Error("the job did not stop within 2 minutes of cancel")
		}
	})
	return r.res
}

func (r *tailRun) output() string {
	b, _ := os.ReadFile(r.out)
	return string(b)
}

// rows returns the symbols of the rows written so far, comma-separated.
func (r *tailRun) rows(t *testing.T) string { return symbols(jsonLines(t, r.output())) }

// rowsAre returns a condition: the rows written are want.
func (r *tailRun) rowsAre(t *testing.T, want string) func() bool {
	return func() bool { return r.rows(t) == want }
}

// deadLetterLine is one line of a dead-letter file, decoded with encoding/json: a file's record names its file and
// line, a transport's record its topic, partition and offset.
type deadLetterLine struct {
	Source       string    `json:"source"`
	File         string    `json:"file"`
	Line         int64     `json:"line"`
	Topic        string    `json:"topic"`
	Partition    int32     `json:"partition"`
	Offset       int64     `json:"offset"`
	Time         time.Time `json:"time"`
	Error        string    `json:"error"`
	Record       *string   `json:"record"`
	RecordBase64 *string   `json:"record_base64"`
	Truncated    bool      `json:"truncated"`
	Size         int64     `json:"size"`
}

// bytes returns the record's bytes: "record" or the decoded "record_base64", exactly one of which must be set,
// "record" when the bytes are UTF-8.
func (d deadLetterLine) bytes(t *testing.T) []byte {
	t.Helper()
	switch {
	case d.Record != nil && d.RecordBase64 == nil:
		return []byte(*d.Record)
	case d.Record == nil && d.RecordBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*d.RecordBase64)
		if err != nil {
			t.Fatalf("record_base64 %q: %v", *d.RecordBase64, err)
		}
		if utf8.Valid(b) {
			t.Errorf("record %q is UTF-8, but written as record_base64", b)
		}
		return b
	}
	t.Fatalf("a dead letter needs exactly one of record and record_base64: %+v", d)
	return nil
}

// deadLetterTime matches the time of a dead letter.
var deadLetterTime = regexp.MustCompile(`,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",`)

// readDeadLetters decodes a dead-letter file with encoding/json, rejecting unknown keys.
func readDeadLetters(t *testing.T, path string) []deadLetterLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []deadLetterLine
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasSuffix(line, "\n") {
			t.Fatalf("dead-letter file ends in a partial line %q", line)
		}
		var d deadLetterLine
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("dead letter %q: %v", line, err)
		}
		if !deadLetterTime.MatchString(line) || d.Time.After(time.Now()) {
			t.Errorf("dead letter %q: want the time it was written, RFC 3339 in UTC with milliseconds", line)
		}
		out = append(out, d)
	}
	return out
}

const (
	lineA = `{"symbol":"A","qty":1}` + "\n"
	lineB = `{"symbol":"B","qty":2}` + "\n"
)

// TestTailRotation rotates a followed file in every way tail -F knows, at a known point of the reader, and checks
// that every complete line is read exactly once, that the unfinished last line of a file left behind is a bad
// record, that line numbers and the CSV header start again in a new file, and what the job says.
func TestTailRotation(t *testing.T) {
	t.Run("rename and create", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB)
		dead := filepath.Join(dir, "dead.jsonl")
		r := startTail(t, in, SourceSpec{OnError: "dead_letter", DeadLetter: dead})
		// Before the rename, the writer adds a line and the start of another to the old file; the job has not seen
		// them yet, and must read the old file to its end before the new one.
		appendFile(t, in, `{"symbol":"C"}`+"\n"+`{"symbol":"P"`)
		if err := os.Rename(in, in+".1"); err != nil {
			t.Fatal(err)
		}
		writeFile(t, in, `{"symbol":"D"}`+"\nnot json\n"+`{"symbol":"E"}`+"\n")
		r.until(t, "rows of both files", r.rowsAre(t, "A,B,C,D,E"))
		// Once settled, more looks change nothing.
		r.look(t)
		r.look(t)
		res := r.stop(t)
		if got := r.rows(t); got != "A,B,C,D,E" {
			t.Errorf("rows %s, want A,B,C,D,E", got)
		}
		msg := "orders: " + in + " was rotated (renamed or re-created); reading the new file from the start\n"
		if strings.Count(res.stderr, msg) != 1 || !strings.Contains(res.stderr, "orders: read 7, bad 2, late 0\n") {
			t.Errorf("stderr:\n%s", res.stderr)
		}
		dl := readDeadLetters(t, dead)
		if len(dl) != 2 {
			t.Fatalf("%d dead letters, want 2: %+v", len(dl), dl)
		}
		if d := dl[0]; d.Line != 4 || string(d.bytes(t)) != `{"symbol":"P"` || d.Error != "incomplete line: the file was rotated before its line break" {
			t.Errorf("dead letter of the old file's unfinished line: %+v", d)
		}
		if d := dl[1]; d.Line != 2 || string(d.bytes(t)) != "not json" || d.File != in {
			t.Errorf("dead letter in the new file (line numbers start again): %+v", d)
		}
	})

	t.Run("delete and re-create", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB)
		r := startTail(t, in, SourceSpec{})
		appendFile(t, in, `{"symbol":"C"}`+"\n")
		if err := os.Remove(in); err != nil {
			t.Fatal(err)
		}
		// The open file is read to its end although its name is gone.
		r.until(t, "the deleted file's last row", r.rowsAre(t, "A,B,C"))
		r.look(t) // the job notices that the name is gone
		r.look(t)
		writeFile(t, in, `{"symbol":"D"}`+"\n")
		r.until(t, "the re-created file's row", r.rowsAre(t, "A,B,C,D"))
		res := r.stop(t)
		if strings.Count(res.stderr, "orders: "+in+" is gone (no such file or directory); waiting for it to reappear\n") != 1 ||
			strings.Count(res.stderr, "orders: "+in+" was rotated (renamed or re-created); reading the new file from the start\n") != 1 ||
			!strings.Contains(res.stderr, "orders: read 4, bad 0, late 0\n") {
			t.Errorf("stderr:\n%s", res.stderr)
		}
	})

	t.Run("copytruncate", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB)
		r := startTail(t, in, SourceSpec{})
		writeFile(t, in, `{"symbol":"Z"}`+"\n") // shorter than what was read
		r.until(t, "the row after truncation", r.rowsAre(t, "A,B,Z"))
		res := r.stop(t)
		if strings.Count(res.stderr, "orders: "+in+" was truncated; reading it again from the start\n") != 1 {
			t.Errorf("stderr:\n%s", res.stderr)
		}
	})

	t.Run("truncated and written past the read position", func(t *testing.T) {
		// The writer writes more than the old size before the job looks: the size alone does not show the
		// truncation, the bytes before the read position do. Read on from the old position, the job would take
		// the middle of a line as a record.
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB)
		r := startTail(t, in, SourceSpec{})
		var b strings.Builder
		var want []string
		for i := range 6 {
			sym := fmt.Sprintf("X%d", i)
			fmt.Fprintf(&b, `{"symbol":"%s","qty":%d}`+"\n", sym, 100+i)
			want = append(want, sym)
		}
		if b.Len() <= len(lineA+lineB) {
			t.Fatal("the new content must be longer than the old")
		}
		writeFile(t, in, b.String())
		r.until(t, "the rewritten rows", r.rowsAre(t, "A,B,"+strings.Join(want, ",")))
		res := r.stop(t)
		if strings.Count(res.stderr, "was truncated; reading it again from the start\n") != 1 ||
			!strings.Contains(res.stderr, "orders: read 8, bad 0, late 0\n") {
			t.Errorf("stderr:\n%s", res.stderr)
		}
	})

	t.Run("rewritten to the same size", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB)
		r := startTail(t, in, SourceSpec{})
		same := `{"symbol":"C","qty":3}` + "\n" + `{"symbol":"D","qty":4}` + "\n"
		if len(same) != len(lineA+lineB) {
			t.Fatal("the new content must be as long as the old")
		}
		writeFile(t, in, same)
		r.until(t, "the rewritten rows", r.rowsAre(t, "A,B,C,D"))
	})

	t.Run("unfinished line at truncation", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB+`{"symbol":"Q"`)
		dead := filepath.Join(dir, "dead.jsonl")
		r := startTail(t, in, SourceSpec{OnError: "dead_letter", DeadLetter: dead})
		writeFile(t, in, `{"symbol":"Z"}`+"\n")
		r.until(t, "the row after truncation", r.rowsAre(t, "A,B,Z"))
		r.stop(t)
		dl := readDeadLetters(t, dead)
		if len(dl) != 1 || dl[0].Line != 3 || string(dl[0].bytes(t)) != `{"symbol":"Q"` ||
			dl[0].Error != "incomplete line: the file was truncated before its line break" {
			t.Errorf("dead letters: %+v", dl)
		}
	})

	t.Run("unfinished line at rotation under fail", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+`{"symbol":"Q"`)
		r := startTail(t, in, SourceSpec{})
		if err := os.Rename(in, in+".1"); err != nil {
			t.Fatal(err)
		}
		writeFile(t, in, lineB)
		r.resume <- struct{}{}
		var res runResult
		for res.code == 0 {
			select {
			case res = <-r.done:
				r.done <- res
			case <-r.atEnd:
				r.resume <- struct{}{}
			case <-time.After(2 * time.Minute):
				t.Fatal("the job did not stop")
			}
		}
		want := "orders_job: " + in + ":2: incomplete line: the file was rotated before its line break\n"
		if res.code != 1 || !strings.Contains(res.stderr, want) {
			t.Errorf("exit %d, stderr:\n%s\nwant the line %q", res.code, res.stderr, want)
		}
		if got := r.rows(t); got != "A" {
			t.Errorf("rows %s, want A", got)
		}
	})

	t.Run("csv header again", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.csv"), "symbol,qty\nA,1\n")
		dead := filepath.Join(dir, "dead.jsonl")
		r := startTail(t, in, SourceSpec{OnError: "dead_letter", DeadLetter: dead})
		if err := os.Rename(in, in+".1"); err != nil {
			t.Fatal(err)
		}
		writeFile(t, in, "qty,symbol\n2,B\nx,C\n3,D\n") // another column order
		r.until(t, "the new file's rows", r.rowsAre(t, "A,B,D"))
		r.stop(t)
		rows := jsonLines(t, r.output())
		if rows[1]["qty"] != json.Number("2") {
			t.Errorf("row B: %v; the new file's header was not read", rows[1])
		}
		dl := readDeadLetters(t, dead)
		if len(dl) != 1 || dl[0].Line != 3 || string(dl[0].bytes(t)) != "x,C" {
			t.Errorf("dead letters: %+v", dl)
		}
	})

	t.Run("a line in pieces", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA)
		r := startTail(t, in, SourceSpec{})
		appendFile(t, in, `{"symbol":"C",`)
		r.look(t) // the job has read the piece, and found the end of the file after it
		if got := r.rows(t); got != "A" {
			t.Fatalf("rows %s: a partial line was taken as a record", got)
		}
		appendFile(t, in, `"qty":3}`+"\n\n"+`{"symbol":"D","qty":4}`+"\n")
		r.until(t, "the completed line", r.rowsAre(t, "A,C,D"))
	})

	t.Run("a line too long, in pieces", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA)
		r := startTail(t, in, SourceSpec{OnError: "skip", Options: map[string]string{"max.line.bytes": "100"}})
		appendFile(t, in, `{"symbol":"`+strings.Repeat("x", 150))
		r.look(t)
		appendFile(t, in, strings.Repeat("y", 100)+`"}`+"\n"+lineB)
		r.until(t, "the line after the long one", r.rowsAre(t, "A,B"))
		res := r.stop(t)
		if !strings.Contains(res.stderr, "orders: skipped "+in+":2: line of 263 bytes is longer than the source's 'max.line.bytes' (100)\n") ||
			!strings.Contains(res.stderr, "orders: read 3, bad 1, late 0\n") {
			t.Errorf("stderr:\n%s", res.stderr)
		}
	})
}

// TestFillNoticesRewrite forces the race that follow's look cannot see: the file is truncated and written again,
// past the read position, after the look and before the read. The bytes read are then not taken.
func TestFillNoticesRewrite(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "in.jsonl"), lineA+lineB)
	s, err := newSource(SourceSpec{Name: "orders"}, "file:"+in, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.run = &runner{stderr: io.Discard} // tailing
	if err := s.openFile(); err != nil {
		t.Fatal(err)
	}
	defer s.file.Close()
	s.buf = make([]byte, readBufSize)
	readAll := func() string {
		var got []byte
		for {
			w := s.w
			n, err := s.fill()
			got = append(got, s.buf[w:w+n]...)
			if n == 0 {
				if err != io.EOF {
					t.Fatalf("fill: %d, %v", n, err)
				}
				return string(got)
			}
		}
	}
	if got := readAll(); got != lineA+lineB {
		t.Fatalf("read %q", got)
	}
	appendFile(t, in, `{"symbol":"C"}`+"\n")
	if got := readAll(); got != `{"symbol":"C"}`+"\n" {
		t.Fatalf("appended bytes read as %q", got)
	}
	offset := s.offset
	writeFile(t, in, strings.Repeat(`{"symbol":"longer than before"}`+"\n", 4))
	if n, err := s.fill(); n != 0 || !errors.Is(err, errRewritten) || s.offset != offset {
		t.Errorf("fill after a rewrite: %d bytes, %v, offset %d (was %d); want errRewritten and nothing read", n, err, s.offset, offset)
	}
}

// longLines is a file with lines around and far beyond a max.line.bytes of 2000: their numbers, and for each
// line whether it is too long.
func longLines() (data []byte, lines [][]byte) {
	pad := func(n int, fill string) []byte {
		// A JSON object of exactly n bytes: {"symbol":"...."}.
		const frame = len(`{"symbol":""}`)
		body := strings.Repeat(fill, (n-frame)/len(fill)+1)
		for len(body) > n-frame {
			_, size := utf8.DecodeLastRuneInString(body)
			body = body[:len(body)-size]
		}
		body += strings.Repeat("_", n-frame-len(body))
		return []byte(`{"symbol":"` + body + `"}`)
	}
	lines = [][]byte{
		[]byte(`{"symbol":"A"}`),
		pad(3<<20+7, "é"), // longer than the read buffer: skipped across reads; its head is cut inside an "é"
		[]byte(`{"symbol":"B"}`),
		pad(2000, "k"), // exactly the limit: a record
		pad(2001, "€"), // one byte over, whole in the buffer
		[]byte(`{"symbol":"C"}`),
		pad(5000, "z"), // the last line, without a line break
	}
	data = bytes.Join(lines, []byte("\n"))
	return data, lines
}

func TestRunLongLines(t *testing.T) {
	dir := t.TempDir()
	data, lines := longLines()
	in := writeFile(t, filepath.Join(dir, "in.jsonl"), string(data))
	limit := map[string]string{"max.line.bytes": "2000"}
	wantRows := "A,B," + string(lines[3][11:len(lines[3])-2]) + ",C"

	t.Run("dead_letter", func(t *testing.T) {
		dead := filepath.Join(dir, "dead.jsonl")
		res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, OnError: "dead_letter", DeadLetter: dead, Options: limit}), "--bounded")
		if res.code != 0 {
			t.Fatalf("exit %d:\n%s", res.code, res.stderr)
		}
		if got := symbols(jsonLines(t, res.stdout)[:4]); got != wantRows {
			t.Errorf("rows %.80s, want %.80s", got, wantRows)
		}
		if !strings.Contains(res.stderr, "orders: read 7, bad 3, late 0\n") {
			t.Errorf("stats:\n%s", res.stderr)
		}
		dl := readDeadLetters(t, dead)
		if len(dl) != 3 {
			t.Fatalf("%d dead letters, want 3", len(dl))
		}
		for i, n := range []int{2, 5, 7} {
			d, line := dl[i], lines[n-1]
			rec := d.bytes(t)
			wantErr := fmt.Sprintf("line of %d bytes is longer than the source's 'max.line.bytes' (2000)", len(line))
			if d.Line != int64(n) || d.Error != wantErr || !d.Truncated || d.Size != int64(len(line)) || d.Record == nil ||
				!bytes.HasPrefix(line, rec) || len(rec) > 1024 || len(rec) < 1024-3 {
				t.Errorf("dead letter %d: line %d, error %q, truncated %v, size %d, %d record bytes; want line %d, error %q, size %d, the first 1 KiB as a string",
					i, d.Line, d.Error, d.Truncated, d.Size, len(rec), n, wantErr, len(line))
			}
		}
	})

	t.Run("skip", func(t *testing.T) {
		res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, OnError: "skip", Options: limit}), "--bounded")
		if res.code != 0 {
			t.Fatalf("exit %d:\n%s", res.code, res.stderr)
		}
		if got := symbols(jsonLines(t, res.stdout)[:4]); got != wantRows {
			t.Errorf("rows %.80s, want %.80s", got, wantRows)
		}
		want := fmt.Sprintf("orders: skipped %s:2: line of %d bytes is longer than the source's 'max.line.bytes' (2000)\n", in, len(lines[1]))
		if !strings.Contains(res.stderr, want) || !strings.Contains(res.stderr, "orders: read 7, bad 3, late 0\n") {
			t.Errorf("stderr:\n%s\nwant the line %q", res.stderr, want)
		}
	})

	t.Run("fail", func(t *testing.T) {
		res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, Options: limit}), "--bounded")
		want := "orders_job: " + in + ":2: line longer than 2000 bytes; raise the source's 'max.line.bytes' to read it\n"
		if res.code != 1 || !strings.HasSuffix(res.stderr, want) || !strings.Contains(res.stderr, "orders: read 2, bad 1, late 0\n") {
			t.Errorf("exit %d, stderr:\n%s\nwant the last line %q", res.code, res.stderr, want)
		}
	})

	t.Run("workers", func(t *testing.T) {
		// Each worker reads with the source's limit.
		dead := filepath.Join(dir, "dead_w.jsonl")
		var b bytes.Buffer
		for range 8 {
			b.Write(data)
			b.WriteByte('\n')
		}
		big := writeFile(t, filepath.Join(dir, "big.jsonl"), b.String())
		j := orderJob(SourceSpec{Name: "orders", URI: "file:" + big, OnError: "dead_letter", DeadLetter: dead, Options: limit})
		j.Mergeable = true
		setup := j.Setup
		j.Setup = func(c *Context) error {
			c.Parallel("noop", nil, func(any) error { return nil })
			return setup(c)
		}
		res := runJob(context.Background(), j, "--bounded", "--workers", "4", "--sink", "out=file:"+filepath.Join(dir, "w.jsonl"))
		if res.code != 0 || !strings.Contains(res.stderr, "4 workers read") || !strings.Contains(res.stderr, "orders: read 56, bad 24, late 0\n") {
			t.Fatalf("exit %d:\n%s", res.code, res.stderr)
		}
		var lines []int64
		for _, d := range readDeadLetters(t, dead) {
			lines = append(lines, d.Line)
		}
		if want := "[2 5 7 9 12 14 16 19 21 23 26 28 30 33 35 37 40 42 44 47 49 51 54 56]"; fmt.Sprint(sortedInts(lines)) != want {
			t.Errorf("dead letters at lines %v, want %s", sortedInts(lines), want)
		}
	})

	t.Run("csv header too long", func(t *testing.T) {
		csvIn := writeFile(t, filepath.Join(dir, "in.csv"), "symbol,"+strings.Repeat("q", 3000)+"\nA\n")
		res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + csvIn, OnError: "skip", Options: limit}), "--bounded", "--stats=false")
		want := "orders_job: " + csvIn + ":1: the CSV header is longer than 2000 bytes; raise the source's 'max.line.bytes' to read it\n"
		if res.code != 1 || res.stderr != want {
			t.Errorf("exit %d, stderr %q; want %q", res.code, res.stderr, want)
		}
	})

	t.Run("bad setting", func(t *testing.T) {
		res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, Options: map[string]string{"max.line.bytes": "0"}}), "--bounded")
		want := `orders_job: source "orders": max.line.bytes must be a whole number of bytes from 1 to 1073741824, got "0"` + "\n"
		if res.code != 1 || res.stderr != want {
			t.Errorf("exit %d, stderr %q; want %q", res.code, res.stderr, want)
		}
	})
}

func sortedInts(v []int64) []int64 {
	s := append([]int64(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
