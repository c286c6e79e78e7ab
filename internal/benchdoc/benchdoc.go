// Package benchdoc holds what velocc's benchmark programs (make bench, make bench-kafka) share: the machine they
// describe and the results block they rewrite in a Markdown file.
package benchdoc

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// CPUModel returns the first "model name" of /proc/cpuinfo, or "unknown CPU".
func CPUModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// Splice returns the document old with the block between the begin and end marker lines replaced by results,
// so that a rerun keeps everything written around it; when old lacks the markers (or does not exist), it returns
// template with its RESULTS placeholder replaced by the block.
func Splice(old []byte, begin, end, results, template string) []byte {
	block := begin + "\n" + strings.TrimRight(results, "\n") + "\n" + end
	i := bytes.Index(old, []byte(begin))
	j := bytes.Index(old, []byte(end))
	if i < 0 || j < i {
		return []byte(strings.Replace(template, "RESULTS", block, 1))
	}
	var b bytes.Buffer
	b.Write(old[:i])
	b.WriteString(block)
	b.Write(old[j+len(end):])
	return b.Bytes()
}

// JobStats is what a velocc job's exit statistics say about one source and one sink.
type JobStats struct {
	Read, Bad, Late, Emitted int64
}

var (
	readRE    = regexp.MustCompile(`(?m)^(\S+): read (\d+), bad (\d+), late (\d+)`)
	emittedRE = regexp.MustCompile(`(?m)^(\S+): emitted (\d+)$`)
)

// ParseStats finds the exit statistics of source and sink in a job's stderr: "orders: read 2000000, bad 0,
// late 0" and "big: emitted 1900000".
func ParseStats(stderr, source, sink string) (JobStats, error) {
	var st JobStats
	found := 0
	for _, m := range readRE.FindAllStringSubmatch(stderr, -1) {
		if m[1] == source {
			st.Read, _ = strconv.ParseInt(m[2], 10, 64)
			st.Bad, _ = strconv.ParseInt(m[3], 10, 64)
			st.Late, _ = strconv.ParseInt(m[4], 10, 64)
			found++
		}
	}
	for _, m := range emittedRE.FindAllStringSubmatch(stderr, -1) {
		if m[1] == sink {
			st.Emitted, _ = strconv.ParseInt(m[2], 10, 64)
			found++
		}
	}
	if found != 2 {
		return st, fmt.Errorf("no statistics lines for source %q and sink %q in the job's stderr", source, sink)
	}
	return st, nil
}

// Thousands writes n with commas between groups of three digits: 1,234,567.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
