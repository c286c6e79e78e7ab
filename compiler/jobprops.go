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
// health and status (docs/operations.md). 'processing.guarantee' is at_least_once or exactly_once (docs/kafka.md).
var jobKeys = []string{"max.memory.mb", "state.overflow", "job.http.address", "processing.guarantee"}

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
	case "processing.guarantee":
		v = strings.ToLower(v)
		if v != "at_least_once" && v != "exactly_once" {
			c.errorf(CodeBadProperty, p.ValueSpan, "unknown 'processing.guarantee' %q; use at_least_once (the default) or exactly_once (Kafka transactions)", p.Value)
			return true
		}
		if c.sameJobSetting(key, v, p) && v == "exactly_once" {
			c.plan.Guarantee = v
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

// checkGuarantee checks that a job under 'processing.guarantee' = 'exactly_once' can keep it: one Kafka stream
// (whose consumer's transaction carries the job's rows, state and offsets; tables aside), every sink and dead
// letter on Kafka.
func (c *checker) checkGuarantee() {
	if c.plan.Guarantee != "exactly_once" {
		return
	}
	at := c.jobSet["processing.guarantee"].at
	const why = "'processing.guarantee' = 'exactly_once' (Kafka transactions)"
	var streams []string
	for _, s := range c.plan.Sources {
		if s.IsTable {
			continue
		}
		if s.Type != "kafka_source" {
			c.errorf(CodeBadProperty, at, "%s needs the job's streams on Kafka; %s reads %s", why, s.Name, s.URI)
			return
		}
		streams = append(streams, s.Name)
		if s.DeadLetter != "" && !strings.HasPrefix(s.DeadLetter, "kafka:") {
			c.errorf(CodeBadProperty, at, "%s needs dead letters on Kafka; %s writes them to %s: set '%s.dead.letter.topic'", why, s.Name, s.DeadLetter, s.Name)
		}
	}
	if len(streams) != 1 {
		c.errorf(CodeBadProperty, at, "%s needs exactly one Kafka stream, whose transaction covers the whole job; this job reads %d (%s)", why, len(streams), strings.Join(streams, ", "))
	}
	seen := map[*Sink]bool{}
	for _, q := range c.plan.Queries {
		if sk := q.Sink; sk != nil && !seen[sk] {
			seen[sk] = true
			if sk.Type != "kafka_sink" && !strings.HasPrefix(sk.URI, "none:") {
				c.errorf(CodeBadProperty, at, "%s needs every sink on Kafka; %s writes %s, outside any transaction", why, sk.Name, sk.URI)
			}
		}
	}
}
