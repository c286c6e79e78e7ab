// Package benchdoc holds what velocc's benchmark programs (make bench, make bench-kafka) share: the machine they
// describe and the results block they rewrite in a Markdown file.
package benchdoc

import (
	"bytes"
	"os"
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
