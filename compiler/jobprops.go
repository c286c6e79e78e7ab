// Job settings: keys of a query's WITH that configure the whole job rather than its source or sink.
package compiler

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// jobKeys are the job settings a query's WITH may give, unprefixed: the memory budget in MiB (Velostream's
// 'max.memory.mb') and what state beyond it does, 'fail' or 'spill' ('state.overflow'). Every query that gives
// one must give the same value: a job has one budget. 'job.http.address' is where the job serves its metrics,
// health and status (docs/operations.md).
var jobKeys = []string{"max.memory.mb", "state.overflow", "job.http.address"}

// maxMemoryMB bounds 'max.memory.mb' (a PiB), as the job's --max-memory does.
const maxMemoryMB = 1 << 30

// jobSetting is the value a job setting was given, and where.
type jobSetting struct {
	value string
	at    grammar.Span
}

// jobProperty checks p if it is a job setting and records it in the plan; it reports whether p was one.
func (c *checker) jobProperty(p *grammar.Prop) bool {
	key := strings.ToLower(p.Key)
	v := strings.TrimSpace(p.Value)
	switch key {
	case "max.memory.mb":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > maxMemoryMB {
			c.errorf(CodeBadProperty, p.ValueSpan, "'max.memory.mb' wants a whole number of MiB from 1 to %d, got %q", maxMemoryMB, p.Value)
			return true
		}
		if c.sameJobSetting(key, strconv.FormatInt(n, 10), p) {
			c.plan.MaxMemoryMB = n
		}
	case "state.overflow":
		v = strings.ToLower(v)
		if v != "fail" && v != "spill" {
			c.errorf(CodeBadProperty, p.ValueSpan, "unknown 'state.overflow' %q; use fail (stop the job with an error when state outgrows the memory budget) or spill (keep it on disk)", p.Value)
			return true
		}
		if c.sameJobSetting(key, v, p) {
			c.plan.StateOverflow = v
		}
	case "job.http.address":
		if _, port, err := net.SplitHostPort(v); err != nil || !validPort(port) {
			c.errorf(CodeBadProperty, p.ValueSpan, "'job.http.address' wants HOST:PORT, such as 127.0.0.1:9090 (or :9090 for every interface), got %q", p.Value)
			return true
		}
		if c.sameJobSetting(key, v, p) {
			c.plan.HTTPAddress = v
		}
	default:
		return false
	}
	return true
}

// validPort reports whether s is a port number (0: any free port).
func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535
}

// sameJobSetting records the value of a job setting, or reports an error if another query gave it another
// value; it reports whether the value stands.
func (c *checker) sameJobSetting(key, value string, p *grammar.Prop) bool {
	if c.jobSet == nil {
		c.jobSet = map[string]jobSetting{}
	}
	prev, seen := c.jobSet[key]
	if !seen {
		c.jobSet[key] = jobSetting{value: value, at: p.ValueSpan}
		return true
	}
	if prev.value != value {
		at := prev.at.Start
		c.errorf(CodeBadProperty, p.ValueSpan, "'%s' is %s here but %s at %s; it is a setting of the whole job, so every query that gives it must agree",
			key, value, prev.value, fmt.Sprintf("%s:%d:%d", at.File, at.Line, at.Col))
		return false
	}
	return true
}
