// Sources: what file and transport inputs share: URIs and formats, records handed to the job, the on.error
// policies and dead letters (to a file, or to a transport's topic).

package rt

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// maxLoggedBad is how many skipped records a source logs to stderr.
const maxLoggedBad = 10

// Format is an input or output record format.
type Format uint8

const (
	// FormatJSONL is JSON lines: one JSON object per line.
	FormatJSONL Format = iota
	// FormatCSV is CSV with a header row, one record per line.
	FormatCSV
	// FormatAvro is Avro binary encoding, one record per Kafka message.
	FormatAvro
	// FormatProtobuf is the Protobuf wire format, one message per Kafka message; generated code decodes it with
	// rt/protobuf.
	FormatProtobuf
)

// String returns "jsonl", "csv", "avro" or "protobuf".
func (f Format) String() string {
	switch f {
	case FormatCSV:
		return "csv"
	case FormatAvro:
		return "avro"
	case FormatProtobuf:
		return "protobuf"
	}
	return "jsonl"
}

// Raw is one input record as a source hands it to generated code.
type Raw struct {
	Format Format
	Line   []byte       // the record's bytes (a file's line without the line break, a Kafka message's value); valid during the callback
	LineNo int64        // 1-based line number in the file
	JSON   *JSONDecoder // reset to Line when Format is FormatJSONL
	CSV    *CSVDecoder  // holds this record's fields when Format is FormatCSV
	Avro   *AvroDecoder // reset to Line when Format is FormatAvro

	// Kafka metadata of the record (zero for files): the message key (nil when absent), partition, offset and
	// timestamp (epoch milliseconds).
	Key       []byte
	Partition int32
	Offset    int64
	Timestamp int64

	keyJSON *JSONDecoder // see KeyJSON
}

// Source is one input of a job. Generated code registers its handlers in
// Job.Setup; Run then reads the source in a goroutine of its own.
type Source struct {
	spec     SourceSpec
	run      *runner
	uri      string
	path     string
	format   Format
	onError  string
	deadPath string
	dead     *deadLetter
	parts    int32 // the input's partition count (SetPartitionCount), 0 when unpartitioned or not known
	// quietCount and quietSince are the record count Quiet last saw and when it saw it change.
	quietCount int64
	quietSince time.Time

	onRecord func(r *Raw) error
	onDelete func(r *Raw) error // a table source's tombstones (see OnDelete)
	onEnd    []func() error
	onTick   []func() error

	input  Input       // a transport's input (Kafka); nil for files
	where  string      // how positions are named for an input: the topic
	cursor Cursor      // the current record's partition and offset, for the tracked state
	state  []Stateful  // state of the queries reading the source, in Track order
	lock   sync.Locker // the lock shared with the sources whose records meet in one operator (ShareLock), or nil
	idle   []bool      // per partition: caught up with its end

	fileSource // a file's reader (file.go)

	raw    Raw
	json   JSONDecoder
	csv    CSVDecoder
	avro   AvroDecoder
	header bool // the CSV header has been read
	// confluent is set for a JSON source whose messages carry Confluent's wire-format header ('wire.format').
	confluent bool
	lineNo    int64 // line number of the current record

	ended  bool          // a bounded source was read to its end and its end handlers ran
	mem    *sourceMemory // the memory watcher, when the job has a budget and the source feeds state (memory.go)
	counts *sourceCounts // the exit statistics, shared with the source's lanes
	lanes  []*Source     // lane 0 is the source itself; more when an input hands records to several goroutines

	progressAt   time.Time // when the last progress line was printed (or the source started)
	progressSeen int64     // records read by then

	// A source that feeds a table (SourceSpec.Table): the table, its load, and the path of a file table, a glob
	// (tableload.go).
	tables  []loadedTable
	load    *tableLoad
	pattern string
}

// OnRecord sets the function called for every record. An error wrapping a
// *RecordError is bad input and goes to the source's on.error policy; any
// other error is fatal and stops the job.
func (s *Source) OnRecord(fn func(r *Raw) error) { s.onRecord = fn }

// OnDelete sets the function called for every tombstone (a Kafka message with a key and no value) of a source
// that feeds a table: it deletes the key's row. Errors are as for OnRecord. Without it, tombstones are skipped
// and counted.
func (s *Source) OnDelete(fn func(r *Raw) error) { s.onDelete = fn }

// OnEnd adds a function called once when a bounded source has been read to
// its end, as if the watermark had jumped to +infinity: the place to close
// the remaining windows. It is not called when the job is stopped.
func (s *Source) OnEnd(fn func() error) { s.onEnd = append(s.onEnd, fn) }

// Late counts one record dropped for arriving after its window closed, or one lookup FOR SYSTEM_TIME AS OF whose
// version was dropped behind the watermark (Versions.Find).
func (s *Source) Late() { s.counts.late.Add(1) }

// sourceCounts are a source's exit statistics. They are atomic because the lanes of a source count concurrently.
type sourceCounts struct {
	records, bad, late atomic.Int64
	tombstones         atomic.Int64 // Kafka messages without a value, skipped
	// late records under the other late-data strategies than drop (late.go): dead-lettered (also counted in
	// late), updating a closed window, moved to the earliest open window
	lateDead, lateUpdated, lateMoved atomic.Int64
	bytes                            atomic.Int64 // the size of the records read
	ended                            atomic.Bool  // Source.ended, for the job's status
	latency, commits                 histogram    // for the job's status (monitor.go)
}

// Position returns the file and line of the current record, "orders.jsonl:12",
// for runtime error messages.
func (s *Source) Position() string {
	if s.input != nil {
		return s.where + "[" + strconv.Itoa(int(s.cursor.Partition)) + "]@" + strconv.FormatInt(s.cursor.Offset, 10)
	}
	return s.path + ":" + strconv.FormatInt(s.line(), 10)
}

// line returns the line number of the current record in the file.
func (s *Source) line() int64 {
	if s.lineBase != nil {
		return s.lineBase() + s.lineNo
	}
	return s.lineNo
}

// deadLetter is where a source's bad and late records go: a file, shared by the sources that name it, or a
// transport's output ("kafka:TOPIC": see openDeadTopic).
type deadLetter struct {
	mu   sync.Mutex
	path string // the file, or the topic's URI
	f    *os.File
	w    *bufio.Writer
	// out is a topic's output instead of f and w: the runner flushes it, with the sinks' outputs, before a source
	// commits its offsets, and closes it with them.
	out *sinkOutput
	buf []byte
	// written counts the dead letters written, for the job's status.
	written atomic.Int64
}

// deadTopicScheme starts a dead-letter target that is a topic, not a file: "kafka:orders_dlq".
const deadTopicScheme = "kafka:"

// DeadLetterTransport is a Transport that can also take a source's dead letters: NewDeadLetter prepares the output
// of source s's dead letters to uri, without I/O, from the source's settings; Start does the I/O. rt/kafka
// implements it.
type DeadLetterTransport interface {
	NewDeadLetter(s *Source, uri string, env *Env) (Output, error)
}

// openDeadTopic starts the output of the source's dead letters when they go to a topic, shared with the sources
// that name the same one, and hands it to the runner with the sinks' outputs.
func (s *Source) openDeadTopic(ctx context.Context) error {
	if !strings.HasPrefix(s.deadPath, deadTopicScheme) {
		return nil
	}
	for _, o := range s.run.sources {
		if o.dead != nil && o.dead.path == s.deadPath {
			s.dead = o.dead
			return nil
		}
	}
	t, err := transport(strings.TrimSuffix(deadTopicScheme, ":"), s.deadPath)
	if err != nil {
		return fmt.Errorf("dead letters: %v", err)
	}
	dt, ok := t.(DeadLetterTransport)
	if !ok {
		return fmt.Errorf("dead letters cannot go to %q: its transport takes no dead letters", s.deadPath)
	}
	out, err := dt.NewDeadLetter(s, s.deadPath, s.run.env)
	if err != nil {
		return fmt.Errorf("dead letters to %s: %v", s.deadPath, err)
	}
	o := &sinkOutput{name: "dead letters to " + out.Name(), ext: out}
	s.run.outputs = append(s.run.outputs, o) // closed by the runner even when Start fails
	if err := out.Start(ctx); err != nil {
		return fmt.Errorf("dead letters to %s: %v", out.Name(), err)
	}
	s.dead = &deadLetter{path: s.deadPath, out: o}
	return nil
}

// appendOrigin opens a dead letter's JSON object with where its record is from and when it was dead-lettered: the
// source, the file and line (a transport's input: the topic, partition and offset), and the time.
func (s *Source) appendOrigin(b []byte, e *RecordError) []byte {
	b = append(b, `{"source":`...)
	b = appendJSONString(b, e.Source)
	if s.input != nil {
		b = append(b, `,"topic":`...)
		b = appendJSONString(b, s.where)
		b = append(b, `,"partition":`...)
		b = strconv.AppendInt(b, int64(s.cursor.Partition), 10)
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, s.cursor.Offset, 10)
	} else {
		b = append(b, `,"file":`...)
		b = appendJSONString(b, e.File)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, e.Line, 10)
	}
	b = append(b, `,"time":"`...)
	b = time.Now().UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	return append(b, '"')
}

// appendRecord adds the record's bytes to a dead letter, kept exactly so that it can be replayed: as the string
// "record" when they are UTF-8, otherwise base64-encoded as "record_base64".
func appendRecord(b, record []byte) []byte {
	if utf8.Valid(record) {
		b = append(b, `,"record":`...)
		return appendJSONString(b, view(record))
	}
	b = append(b, `,"record_base64":"`...)
	b = base64.StdEncoding.AppendEncode(b, record)
	return append(b, '"')
}

// write appends one bad record as a JSON object: where it is from, the error and the record (appendRecord). A
// record cut short (a line longer than max.line.bytes) is marked "truncated", with its full "size" in bytes.
func (dl *deadLetter) write(s *Source, e *RecordError, record []byte, size int64) error {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	b := s.appendOrigin(dl.buf[:0], e)
	b = append(b, `,"error":`...)
	b = appendJSONString(b, e.detail())
	b = appendRecord(b, record)
	if size > int64(len(record)) {
		b = append(b, `,"truncated":true,"size":`...)
		b = strconv.AppendInt(b, size, 10)
	}
	return dl.send(s, append(b, '}'))
}

// send writes one dead letter, b, a JSON object: a line of the file, or a message of the topic whose key is the
// record's (nil for a file's record). Called under dl.mu.
func (dl *deadLetter) send(s *Source, b []byte) error {
	if dl.out != nil {
		dl.buf = b
		if err := dl.out.ext.Write(s.raw.Key, b); err != nil {
			return fmt.Errorf("writing %s: %v", dl.out.name, err)
		}
		dl.written.Add(1)
		return nil
	}
	b = append(b, '\n')
	dl.buf = b
	if _, err := dl.w.Write(b); err != nil {
		return fmt.Errorf("writing dead-letter file %s: %v", dl.path, unwrapPath(err))
	}
	return nil
}

func (dl *deadLetter) flush() error {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	if err := dl.w.Flush(); err != nil {
		return fmt.Errorf("writing dead-letter file %s: %v", dl.path, unwrapPath(err))
	}
	return nil
}

// newSource resolves a source's URI, format and error policy, without I/O.
func newSource(spec SourceSpec, uri string, overridden bool, env *Env) (*Source, error) {
	scheme, path, q, err := splitURI(uri)
	if err != nil {
		return nil, err
	}
	s := &Source{spec: spec, uri: uri, path: path, counts: &sourceCounts{}}
	s.lanes = []*Source{s}
	if scheme != "file" {
		t, err := transport(scheme, uri)
		if err != nil {
			return nil, err
		}
		s.where = path
		if s.format, err = pickFormat("", firstNonEmpty(spec.Format, "jsonl"), "", false); err != nil {
			return nil, err
		}
		if s.input, err = t.NewInput(s, uri, env); err != nil {
			return nil, err
		}
		if err := s.schemaHeader(); err != nil {
			return nil, err
		}
	} else {
		if path == "" {
			return nil, fmt.Errorf("invalid source URI %q: no file path", uri)
		}
		format, delim, err := uriParams(uri, q)
		if err != nil {
			return nil, err
		}
		if s.format, err = pickFormat(format, spec.Format, filepath.Ext(path), overridden); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if s.format == FormatAvro || s.format == FormatProtobuf {
			return nil, fmt.Errorf("%s: %s is a format of Kafka messages; files are read as jsonl or csv (add ?format=jsonl or ?format=csv)", path, s.format)
		}
		if delim == 0 {
			delim = spec.Delimiter
		}
		s.csv.delim = delim
		if s.maxLine, err = maxLineSetting(spec.Options); err != nil {
			return nil, err
		}
		if spec.Table {
			s.pattern = path // a glob, read by readTableFiles
		}
	}
	if s.csv.delim == 0 {
		s.csv.delim = firstNonEmptyByte(spec.Delimiter, ',')
	}
	switch spec.OnError {
	case "", "fail":
		s.onError = "fail"
	case "skip":
		s.onError = "skip"
	case "dead_letter":
		if spec.DeadLetter == "" {
			return nil, errors.New("on.error is dead_letter but no dead-letter file is set")
		}
		s.onError, s.deadPath = "dead_letter", spec.DeadLetter
	default:
		return nil, fmt.Errorf("unknown on.error policy %q; use fail, skip or dead_letter", spec.OnError)
	}
	if spec.LateDeadLetter && s.deadPath == "" {
		s.deadPath = firstNonEmpty(spec.DeadLetter, spec.Name+".dead_letter.jsonl") // late records go there (late.go)
	}
	s.raw = Raw{Format: s.format, JSON: &s.json, CSV: &s.csv, Avro: &s.avro}
	// Only messages carry the header: a source pointed at a file (--source NAME=file:...) reads plain lines.
	s.confluent = s.input != nil && s.format == FormatJSONL && (spec.Options["wire.format"] == "confluent" || spec.Options["schema.registry.url"] != "")
	return s, nil
}

// schemaHeader makes the declared columns the CSV header: messages carry none, their fields are the columns in
// order.
func (s *Source) schemaHeader() error {
	s.header = true
	names := make([]string, len(s.spec.Schema))
	for i, f := range s.spec.Schema {
		names[i] = f.Name
	}
	s.csv.delim = firstNonEmptyByte(s.spec.Delimiter, ',')
	if e := s.csv.setHeader([]byte(strings.Join(names, string(s.csv.delim)))); e != nil {
		return fmt.Errorf("internal error: the schema as a CSV header: %v", e)
	}
	return nil
}

// lane returns another lane of an input's source: the same source, with decoders and a cursor of its own, for a
// goroutine of the input. Its handlers are set by running the job's Setup again (see runner.setupLanes).
func (s *Source) lane() (*Source, error) {
	c := &Source{spec: s.spec, run: s.run, uri: s.uri, path: s.path, format: s.format, onError: s.onError,
		deadPath: s.deadPath, dead: s.dead, input: s.input, where: s.where, counts: s.counts, confluent: s.confluent}
	if err := c.schemaHeader(); err != nil {
		return nil, err
	}
	c.raw = Raw{Format: c.format, JSON: &c.json, CSV: &c.csv, Avro: &c.avro}
	return c, nil
}

// open opens the source's file, or starts its input.
func (s *Source) open(ctx context.Context) error {
	if s.input != nil {
		if err := s.input.Start(ctx); err != nil {
			return err
		}
		return s.openDeadTopic(ctx)
	}
	if err := s.openDeadTopic(ctx); err != nil {
		return err
	}
	if s.pattern != "" {
		return nil // a table's files are found, and waited for, when it is read
	}
	return s.openFile()
}

// openDeadLetter opens a dead-letter file for appending.
func openDeadLetter(path string) (*deadLetter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open dead-letter file %s: %v", path, unwrapPath(err))
	}
	return &deadLetter{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (dl *deadLetter) close() error {
	err := dl.flush()
	if cerr := dl.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("closing dead-letter file %s: %v", dl.path, unwrapPath(cerr))
	}
	return err
}

// read reads the source until its end (bounded) or until ctx is cancelled (tailing). It returns a fatal error,
// or nil.
func (s *Source) read(ctx context.Context) error {
	if s.input != nil {
		return s.input.Run(ctx)
	}
	if s.pattern != "" {
		return s.readTableFiles(ctx)
	}
	return s.readFile(ctx)
}

// deliver hands one record to the job's handler and applies the on.error policy to a bad one.
func (s *Source) deliver(line []byte) error {
	if s.run != nil && s.run.poison {
		// Test mode: the record gets bytes of its own, scribbled over once it is handled, so that a string kept
		// past its record without Own shows up as garbage in the output.
		line = append([]byte(nil), line...)
		defer poison(line)
		defer func() { poison(s.csv.buf) }()
	}
	if n := s.counts.records.Add(1); n&(progressEvery-1) == 0 && s.run != nil && s.run.progress > 0 && s.lanes != nil {
		s.reportProgress(n)
	}
	if s.mem != nil && s.counts.records.Load()&(memoryEvery-1) == 0 {
		if err := s.mem.check(); err != nil {
			return err
		}
	}
	s.counts.bytes.Add(int64(len(line)))
	s.raw.Line, s.raw.LineNo = line, s.lineNo
	switch s.format {
	case FormatJSONL:
		if s.confluent {
			if len(line) < 5 || line[0] != 0 {
				return s.badRecord(&RecordError{Reason: "not in Confluent's wire format: expected the magic byte 0 and a 4-byte schema id before the JSON value"}, line)
			}
			line = line[5:] // the schema id is not checked: the columns are the job's
		}
		s.json.Reset(line)
	case FormatAvro:
		s.avro.Reset(line)
	case FormatProtobuf:
		// generated code decodes Line with rt/protobuf
	default:
		if e := s.csv.reset(line); e != nil {
			return s.badRecord(e, line)
		}
	}
	if s.onRecord == nil {
		return nil
	}
	err := s.onRecord(&s.raw)
	if err == nil {
		return nil
	}
	var e *RecordError
	if errors.As(err, &e) {
		return s.badRecord(e, line)
	}
	return err
}

// poisonEnv names the environment variable that, set to 1, makes every source scribble over a record's bytes once
// the record is handled (see deliver). The tests of velocc set it.
const poisonEnv = "VELOCC_RT_POISON"

// poison overwrites b.
func poison(b []byte) {
	for i := range b {
		b[i] = '#'
	}
}

// progressEvery is how many records pass between looks at the clock for a progress line (a power of two).
const progressEvery = 1 << 16

// reportProgress prints "orders: read 1200000 records (410000/s)" when the progress interval has passed, so a
// long bounded run is never silent. Only the source's own goroutine touches its counters, so no locking is needed.
func (s *Source) reportProgress(records int64) {
	now := time.Now()
	if s.progressAt.IsZero() {
		s.progressAt = now
		return
	}
	d := now.Sub(s.progressAt)
	if d < s.run.progress {
		return
	}
	rate := float64(records-s.progressSeen) / d.Seconds()
	logAt(s.run.logger(), slog.LevelInfo, s.spec.Name, "read %d records (%.0f/s), bad %d, late %d", records, rate, s.counts.bad.Load(), s.counts.late.Load())
	s.progressAt, s.progressSeen = now, records
}

// locate returns a copy of e with the source, file and current line filled in.
func (s *Source) locate(e *RecordError) *RecordError {
	c := *e
	if s.input != nil {
		c.Source, c.File, c.Line = s.spec.Name, s.Position(), 0
	} else {
		c.Source, c.File, c.Line = s.spec.Name, s.path, s.line()
	}
	return &c
}

// badRecord applies the on.error policy to a record that does not fit.
func (s *Source) badRecord(e *RecordError, line []byte) error {
	return s.bad(e, line, int64(len(line)))
}

// bad applies the on.error policy to a bad record of size bytes, of which record holds all or the first ones.
func (s *Source) bad(e *RecordError, record []byte, size int64) error {
	e = s.locate(e)
	switch s.onError {
	case "skip":
		bad := s.counts.bad.Add(1)
		if bad <= maxLoggedBad {
			logAt(s.run.logger(), slog.LevelWarn, s.spec.Name, "skipped %s", e)
		} else if bad == maxLoggedBad+1 {
			logAt(s.run.logger(), slog.LevelWarn, s.spec.Name, "skipping more bad records; see the count at exit")
		}
		return nil
	case "dead_letter":
		s.counts.bad.Add(1)
		return s.dead.write(s, e, record, size)
	}
	s.counts.bad.Add(1) // "fail": the record stops the job, and the stats still count it
	return e
}

// end runs the OnEnd handlers of a bounded source.
func (s *Source) end() error {
	for _, fn := range s.onEnd {
		if err := fn(); err != nil {
			return err
		}
	}
	s.ended = true
	s.counts.ended.Store(true)
	s.endTable()
	return nil
}

// splitURI splits "scheme:rest?query". "file://PATH" is taken as "file:PATH".
func splitURI(uri string) (scheme, rest, query string, err error) {
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/\\.") {
		return "", "", "", fmt.Errorf("invalid URI %q: want SCHEME:..., such as file:data/orders.jsonl", uri)
	}
	rest, query, _ = strings.Cut(rest, "?")
	if scheme == "file" {
		rest = strings.TrimPrefix(rest, "//")
	}
	return scheme, rest, query, nil
}

// uriParams reads the query parameters sources and sinks share: format and
// delimiter. Values may be percent-escaped; a bare ';' is taken literally so
// that ?delimiter=; works.
func uriParams(uri, query string) (format string, delim byte, err error) {
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if v, err = url.QueryUnescape(v); err != nil {
			return "", 0, fmt.Errorf("invalid URI %q: %v", uri, err)
		}
		switch k {
		case "format":
			format = v
		case "delimiter":
			if v == `\t` || v == "tab" {
				v = "\t"
			}
			if len(v) != 1 || v == `"` || v == "\n" || v == "\r" {
				return "", 0, fmt.Errorf("invalid URI %q: the delimiter must be one byte other than a quote or line break", uri)
			}
			delim = v[0]
		default:
			return "", 0, fmt.Errorf("invalid URI %q: unknown parameter %q; known are format and delimiter", uri, k)
		}
	}
	return format, delim, nil
}

// pickFormat decides a file's format. ?format= in the URI wins. Then, for the
// URI declared in the job, the declared format comes before the file
// extension; for a URI given with --source or --sink, the extension of the
// new file comes first.
func pickFormat(param, declared, ext string, overridden bool) (Format, error) {
	byExt := ""
	switch strings.ToLower(ext) {
	case ".jsonl", ".json", ".ndjson":
		byExt = "jsonl"
	case ".csv":
		byExt = "csv"
	}
	choice := param
	if choice == "" {
		if overridden {
			choice = firstNonEmpty(byExt, declared)
		} else {
			choice = firstNonEmpty(declared, byExt)
		}
	}
	switch choice {
	case "":
		return 0, errors.New("cannot tell the format from the file name; add ?format=jsonl or ?format=csv")
	case "jsonl", "json":
		return FormatJSONL, nil
	case "csv":
		return FormatCSV, nil
	case "avro":
		return FormatAvro, nil
	case "protobuf":
		return FormatProtobuf, nil
	}
	return 0, fmt.Errorf("unknown format %q; use jsonl or csv", choice)
}

func firstNonEmptyByte(a, b byte) byte {
	if a != 0 {
		return a
	}
	return b
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// unwrapPath drops the *os.PathError wrapper, whose text repeats the path
// our messages already name.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
