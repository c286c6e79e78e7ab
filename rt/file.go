// File sources: reading JSON-lines and CSV files, bounded, or followed by name like tail -F.

package rt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"time"
	"unicode/utf8"
)

const (
	// readBufSize is a file source's read buffer; most lines fit it and are handed to the job without a copy.
	readBufSize = 1 << 20
	// defaultMaxLine is the longest line a file source reads unless its 'max.line.bytes' says otherwise.
	defaultMaxLine = 64 << 20
	// maxLineLimit bounds 'max.line.bytes' (the compiler checks the same bound): a line up to the limit is held
	// in memory whole.
	maxLineLimit = 1 << 30
	// deadHeadSize is how much of a line too long to read its dead letter keeps.
	deadHeadSize = 1 << 10
	// tailSize is how many of the last bytes read a tailing source remembers: when they are no longer in the file
	// before the read position, the file was truncated (and maybe written again past that position).
	tailSize = 4 << 10
)

// pollInterval is how long a tailing source waits at the end of its file before looking again.
var pollInterval = 100 * time.Millisecond

// tailWait waits at the end of a followed file before the source looks at it again; it reports false when ctx
// is cancelled. Tests replace it to change the file at a known point.
var tailWait = func(ctx context.Context) bool { return sleep(ctx, pollInterval) }

// fileSource is the part of a Source that reads a file.
type fileSource struct {
	file     *os.File
	ident    os.FileInfo  // the open file, to notice when its name comes to point to another one
	offset   int64        // bytes read from the file; a worker starts at its part's start
	limit    int64        // a worker's end in the file: it stops after the line that reaches it; 0: to the end
	lineBase func() int64 // a worker's count of lines before its part, for messages (see workers.go)
	maxLine  int          // the longest line read, in bytes before the line break ('max.line.bytes')

	buf  []byte // buf[r:w] is read from the file and not yet handled
	r, w int
	scan int // buf[r:r+scan] holds no line break (so a long line is not searched again on every read)

	skip     bool   // reading past the end of a line longer than maxLine, to skip it
	skipHead []byte // the start of that line, for its dead letter
	skipSize int64  // its bytes so far

	tail  []byte // tailing a regular file: the last bytes read (up to tailSize), which must still be in the file
	check []byte // scratch to read them back
	moved bool   // tailing: the name points to another file; the old one is read to its end, then the new one
	gone  bool   // tailing: the name points to no file; said once

	eofStop bool // readFile returns at the end of the file: a table's file, read by readTableFiles
}

// errRewritten is fill's report that the bytes before the read position changed: the file was truncated and
// written again.
var errRewritten = errors.New("file rewritten in place")

// maxLineSetting reads a file source's 'max.line.bytes' among its options; the compiler has checked it, but
// a job's options may also be written by hand.
func maxLineSetting(opts map[string]string) (int, error) {
	v, ok := opts["max.line.bytes"]
	if !ok {
		return defaultMaxLine, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLineLimit {
		return 0, fmt.Errorf("max.line.bytes must be a whole number of bytes from 1 to %d, got %q", maxLineLimit, v)
	}
	return n, nil
}

// openFile opens the source's file. A missing file is an error, also when tailing.
func (s *Source) openFile() error {
	f, err := os.Open(s.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("input file %s does not exist", s.path)
		}
		return fmt.Errorf("cannot open %s: %v", s.path, unwrapPath(err))
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
		f.Close()
		return fmt.Errorf("cannot open %s: %v", s.path, unwrapPath(err))
	case fi.IsDir():
		f.Close()
		return fmt.Errorf("input %s is a directory, not a file", s.path)
	}
	s.file, s.ident = f, fi
	if !s.run.bounded && fi.Mode().IsRegular() {
		// Followed by name. A pipe or a device has no name to follow nor bytes to read again: it is read on.
		s.tail = make([]byte, 0, tailSize)
	}
	return nil
}

// readFile reads the file to its end (bounded; a worker to the end of its part) or follows it until ctx is
// cancelled (tailing). It returns a fatal error, or nil.
func (s *Source) readFile(ctx context.Context) error {
	if s.limit > 0 && s.offset >= s.limit {
		return nil // a worker whose part of the file is empty
	}
	if s.buf == nil {
		s.buf = make([]byte, readBufSize)
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return nil
		}
		if i := bytes.IndexByte(s.buf[s.r+s.scan:s.w], '\n'); i >= 0 {
			i += s.r + s.scan
			line := s.buf[s.r:i]
			s.r, s.scan = i+1, 0
			if err := s.takeLine(line); err != nil {
				return err
			}
			if s.limit > 0 && s.offset-int64(s.w-s.r) >= s.limit {
				return nil // the end of this worker's part of the file (see workers.go)
			}
			continue
		}
		s.scan = s.w - s.r
		if err := s.partLine(); err != nil {
			return err
		}
		m, err := s.fill()
		switch {
		case m > 0:
			continue
		case err == errRewritten:
			if err := s.rewind(); err != nil {
				return err
			}
			continue
		case err != nil && err != io.EOF:
			return fmt.Errorf("reading %s: %v", s.path, unwrapPath(err))
		}
		if s.eofStop {
			// A table's file (tableload.go): a bounded read takes the last line; a tailed file's unfinished
			// last line waits for its line break.
			if s.moved {
				if err := s.reopen(); err != nil {
					return err
				}
				continue
			}
			if s.run.bounded {
				return s.takeLast()
			}
			return nil
		}
		if s.run.bounded {
			return s.lastLine()
		}
		if more, err := s.follow(ctx); !more || err != nil {
			return err
		}
	}
}

// takeLine handles one line, without its line break: the end of a line being skipped, a line too long, or a
// record.
func (s *Source) takeLine(line []byte) error {
	if s.skip {
		s.skip = false
		return s.skipped(s.skipHead, s.skipSize+int64(len(line)))
	}
	if len(line) > s.maxLine {
		if err := s.tooLong(); err != nil {
			return err
		}
		return s.skipped(lineHead(line), int64(len(line)))
	}
	return s.record(line)
}

// partLine looks at the start of a line whose break has not been read yet: once it is longer than max.line.bytes
// the job stops (on.error fail), or the reader skips it without keeping its bytes.
func (s *Source) partLine() error {
	switch {
	case s.skip:
		s.skipSize += int64(s.w - s.r)
	case s.w-s.r > s.maxLine:
		if err := s.tooLong(); err != nil {
			return err
		}
		s.skip, s.skipSize = true, int64(s.w-s.r)
		s.skipHead = append(s.skipHead[:0], lineHead(s.buf[s.r:s.w])...)
	default:
		return nil
	}
	s.r, s.scan = s.w, 0
	return nil
}

// lastLine ends a bounded read: the bytes after the last line break are a last line, then the OnEnd handlers run
// (for a worker, after the merge; see readWorkers).
func (s *Source) lastLine() error {
	if err := s.takeLast(); err != nil || s.limit != 0 {
		return err
	}
	return s.end()
}

// takeLast takes the bytes after the last line break of a file read to its end as its last line.
func (s *Source) takeLast() error {
	var err error
	switch {
	case s.skip:
		s.skip = false
		err = s.skipped(s.skipHead, s.skipSize)
	case s.w > s.r:
		line := s.buf[s.r:s.w]
		s.r, s.scan = s.w, 0
		err = s.takeLine(line)
	}
	return err
}

// fill reads more of the file after buf[r:w], moving the unhandled bytes to the front of the buffer, or growing
// it for a line longer than the buffer (up to max.line.bytes). While tailing, the bytes read before must still be
// in the file: otherwise the new bytes are dropped and fill reports errRewritten.
func (s *Source) fill() (int, error) {
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		if len(s.buf) > readBufSize && n <= readBufSize/2 {
			s.buf = append(make([]byte, 0, readBufSize), s.buf[:n]...)[:readBufSize] // a long line is done: give its memory back
		}
		s.r, s.w = 0, n
	}
	if s.w == len(s.buf) {
		// Doubled, up to room for one byte more than the longest line, which tells a line too long.
		size := 2 * len(s.buf)
		if size >= s.maxLine {
			size = s.maxLine + 1
		}
		grown := make([]byte, size)
		copy(grown, s.buf[:s.w])
		s.buf = grown
	}
	n, err := s.file.Read(s.buf[s.w:])
	if n > 0 && s.tail != nil {
		// Checked after the read: bytes read before a truncation are the old file's; bytes read after it fail the
		// check, so that the middle of a rewritten file is never read as lines.
		intact, cerr := s.tailIntact()
		if cerr != nil {
			return 0, cerr
		}
		if !intact {
			return 0, errRewritten
		}
		s.keepTail(s.buf[s.w : s.w+n])
	}
	s.w += n
	s.offset += int64(n)
	if s.load != nil {
		s.load.read.Add(int64(n))
	}
	return n, err
}

// keepTail remembers the last tailSize bytes read, b being the newest.
func (s *Source) keepTail(b []byte) {
	if len(b) >= tailSize {
		s.tail = append(s.tail[:0], b[len(b)-tailSize:]...)
		return
	}
	if drop := len(s.tail) + len(b) - tailSize; drop > 0 {
		s.tail = s.tail[:copy(s.tail, s.tail[drop:])]
	}
	s.tail = append(s.tail, b...)
}

// tailIntact reports whether the file still holds the last bytes read just before the read position.
func (s *Source) tailIntact() (bool, error) {
	n := len(s.tail)
	if n == 0 {
		return true, nil
	}
	if s.check == nil {
		s.check = make([]byte, tailSize)
	}
	m, err := s.file.ReadAt(s.check[:n], s.offset-int64(n))
	if m == n {
		return bytes.Equal(s.check[:n], s.tail), nil
	}
	if err == io.EOF {
		return false, nil // shorter than what was read
	}
	return false, fmt.Errorf("reading %s: %v", s.path, unwrapPath(err))
}

// follow is reached at the end of the file while tailing, with every line read so far handled. Like tail -F, it
// flushes the sinks, waits, and looks at what happened meanwhile: a file truncated (even if written again past the
// read position) is read again from its start; when the name points to another file (renamed or deleted, then
// re-created), the old file is read to its end and then the new one from its start; when the name points to no
// file, the source reads on in the old one and waits for the name to reappear. Otherwise the file may have grown.
// It reports false when ctx is cancelled.
func (s *Source) follow(ctx context.Context) (bool, error) {
	if s.moved {
		return true, s.reopen() // the old file is read to its end
	}
	if err := s.run.flush(); err != nil {
		return false, err
	}
	if !tailWait(ctx) {
		return false, nil
	}
	// Time passed without a record: queries that hold records (a join waiting for its table's key) look again.
	if err := s.Tick(); err != nil {
		return false, err
	}
	return true, s.look()
}

// look is follow's look at a followed file after waiting at its end (see follow): truncated, moved, gone, or
// maybe grown.
func (s *Source) look() error {
	if s.tail == nil {
		return nil // not a regular file
	}
	fi, err := s.file.Stat()
	if err != nil {
		return fmt.Errorf("reading %s: %v", s.path, unwrapPath(err))
	}
	intact := fi.Size() >= s.offset
	if intact {
		if intact, err = s.tailIntact(); err != nil {
			return err
		}
	}
	if !intact {
		return s.rewind()
	}
	named, err := os.Stat(s.path)
	switch {
	case err != nil:
		if !s.gone {
			s.gone = true
			logAt(s.run.logger(), slog.LevelWarn, s.spec.Name, "%s is gone (%v); waiting for it to reappear", s.path, unwrapPath(err))
		}
	case !os.SameFile(named, s.ident):
		// The writer may have written more to the old file before it moved: that is read first.
		s.moved = true
	default:
		s.gone = false
	}
	return nil // read on: the file may have grown
}

// reopen leaves the old file, read to its end, for the new file its name points to, read from the start.
func (s *Source) reopen() error {
	s.moved = false
	f, err := os.Open(s.path)
	if err != nil {
		return nil // gone again: follow waits for it
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil
	}
	if err := s.abandon("rotated"); err != nil {
		f.Close()
		return err
	}
	s.file.Close()
	s.file, s.ident, s.gone = f, fi, false
	s.restart()
	logAt(s.run.logger(), slog.LevelInfo, s.spec.Name, "%s was rotated (renamed or re-created); reading the new file from the start", s.path)
	return nil
}

// rewind reads a truncated file again from its start.
func (s *Source) rewind() error {
	if err := s.abandon("truncated"); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewinding %s: %v", s.path, unwrapPath(err))
	}
	s.restart()
	logAt(s.run.logger(), slog.LevelWarn, s.spec.Name, "%s was truncated; reading it again from the start", s.path)
	return nil
}

// restart forgets the file read so far: the next byte read is the first of a file (line 1, the CSV header).
func (s *Source) restart() {
	s.offset, s.r, s.w, s.scan = 0, 0, 0, 0
	s.tail = s.tail[:0]
	s.lineNo, s.header = 0, false
}

// abandon reports the unfinished last line of a file that is left (how: "rotated" or "truncated"): never a
// record, it is a bad one under the on.error policy.
func (s *Source) abandon(how string) error {
	if s.skip {
		s.skip = false
		return s.skipped(s.skipHead, s.skipSize)
	}
	rest := s.buf[s.r:s.w]
	s.r, s.scan = s.w, 0
	if len(trimBlank(bytes.TrimSuffix(rest, []byte{'\r'}))) == 0 {
		return nil
	}
	s.lineNo++
	s.counts.records.Add(1)
	return s.badRecord(&RecordError{Reason: "incomplete line: the file was " + how + " before its line break"}, rest)
}

// tooLong counts a line longer than max.line.bytes as the next line. Under on.error fail it returns the error
// that stops the job, naming the setting to raise; a CSV header that long always stops it.
func (s *Source) tooLong() error {
	s.lineNo++
	if s.format == FormatCSV && !s.header {
		return fmt.Errorf("%s:%d: the CSV header is longer than %d bytes; raise the source's 'max.line.bytes' to read it", s.path, s.line(), s.maxLine)
	}
	s.counts.records.Add(1)
	if s.onError != "fail" {
		return nil
	}
	return s.badRecord(&RecordError{Reason: "line longer than " + strconv.Itoa(s.maxLine) + " bytes; raise the source's 'max.line.bytes' to read it"}, nil)
}

// skipped reports a line longer than max.line.bytes that was skipped (on.error skip or dead_letter): size is its
// length without the line break, head its first bytes for the dead letter.
func (s *Source) skipped(head []byte, size int64) error {
	e := &RecordError{Reason: fmt.Sprintf("line of %d bytes is longer than the source's 'max.line.bytes' (%d)", size, s.maxLine)}
	return s.bad(e, head, size)
}

// lineHead returns the first deadHeadSize bytes of a line, cut before a character split at the end when that
// keeps the text valid UTF-8.
func lineHead(line []byte) []byte {
	h := line[:min(len(line), deadHeadSize)]
	if utf8.Valid(h) {
		return h
	}
	for k := 1; k < utf8.UTFMax && k < len(h); k++ {
		if utf8.Valid(h[:len(h)-k]) {
			return h[:len(h)-k]
		}
	}
	return h
}

// record handles one line without its line break: the CSV header, a blank line, or a record for the job's
// handler.
func (s *Source) record(line []byte) error {
	s.lineNo++
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if s.lineNo == 1 && s.lineBase == nil && len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
		line = line[3:] // UTF-8 byte order mark
	}
	if len(trimBlank(line)) == 0 {
		return nil
	}
	if s.format == FormatCSV && !s.header {
		if e := s.csv.setHeader(line); e != nil {
			return s.locate(e)
		}
		s.header = true
		return nil
	}
	return s.deliver(line)
}

// sleep waits for d or for ctx to be cancelled; it reports false on cancel.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
