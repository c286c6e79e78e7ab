// The report: medians and ranges of the repetitions, the Markdown table, the targets, and docs/kafka-performance.md.

package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"

	"github.com/velocc/velocc/internal/benchdoc"
)

// row is one contender's line of the table.
type row struct {
	name     string
	median   float64 // records/s
	min, max float64
	ratio    float64 // median / the baseline's median
	cpuPerM  float64 // median CPU seconds per million records
	target   float64 // the least acceptable ratio; 0 for the baseline
	// A contender measuring what something added to another costs: the other's name and median, the ratio of
	// the medians (this one's to the other's) and the greatest acceptable cost (0: not such a contender), or
	// exactlyOnce for the other's job run under the guarantee exactly_once, whose least acceptable ratio is
	// eosTarget.
	against       string
	againstMedian float64
	vs            float64
	maxCost       float64
	exactlyOnce   bool
}

// eosTarget is the least acceptable throughput of a job under the guarantee exactly_once, as a ratio to the same
// job's at least once (issue 16).
const eosTarget = 0.7

// median returns the median of xs (the mean of the middle two for an even count); xs is not modified.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// summarize turns each contender's records/s over the repetitions into a row; the first contender is the
// baseline the ratios are taken against.
func summarize(cs []*contender) []row {
	rows := make([]row, len(cs))
	for i, c := range cs {
		rows[i] = row{name: c.title, median: median(c.rates), min: slices.Min(c.rates), max: slices.Max(c.rates),
			cpuPerM: median(c.cpuPerM), target: c.target}
		if base := median(cs[0].rates); base > 0 {
			rows[i].ratio = rows[i].median / base
		}
		if c.maxCost > 0 || c.exactlyOnce {
			other := median(cs[c.against].rates)
			rows[i].against, rows[i].againstMedian = cs[c.against].title, other
			rows[i].maxCost, rows[i].exactlyOnce = c.maxCost, c.exactlyOnce
			if other > 0 {
				rows[i].vs = rows[i].median / other
			}
		}
	}
	return rows
}

// setup describes the machine and the run, for the report's header.
type setup struct {
	cpu        string
	cores      int
	kafka      string
	records    int64
	megabytes  float64
	partitions int32
	reps       int
	warmup     int
	revision   string // the velocc commit measured
	profiled   bool   // CPU profiles were taken during the measured runs
}

// revision returns the commit checked out at root, from which the jobs were built, marked when tracked files have
// uncommitted changes; "unknown" when git cannot say.
func revision(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		rev += " with uncommitted changes"
	}
	return "commit " + rev
}

// report renders the results as Markdown: the setup, the table and a line per target, then the exactly-once
// runs' and the restore measurement's (restored is nil when it was skipped).
func report(s setup, all []row, restored *restoreResult) string {
	var rows, eos []row
	for _, r := range all {
		if r.exactlyOnce {
			eos = append(eos, r)
		} else {
			rows = append(rows, r)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %s/%s, %s; the broker runs on the same machine.\n",
		s.cpu, s.cores, runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "- Kafka: Apache Kafka %s, one KRaft node on 127.0.0.1 (internal/kafkatest/broker).\n", s.kafka)
	fmt.Fprintf(&b, "- velocc: %s.\n", s.revision)
	if s.profiled {
		b.WriteString("- The measured runs were CPU-profiled (-cpuprofile), which slows them a little.\n")
	}
	fmt.Fprintf(&b, "- Input: %s JSON orders (%.0f MB of values) keyed by symbol, %d partitions; %s after %s.\n\n",
		benchdoc.Thousands(s.records), s.megabytes, s.partitions, plural(s.reps, "repetition"), plural(s.warmup, "warm-up round"))
	b.WriteString(table(rows))
	b.WriteString("\n")
	for _, r := range rows {
		if r.target > 0 {
			b.WriteString("- " + verdict(r) + "\n")
		}
		if r.maxCost > 0 {
			fmt.Fprintf(&b, "- %s: %.3f× the throughput of %s, a cost of %.1f%%, target ≤ %.0f%%: %s.\n",
				r.name, r.vs, r.against, (1-r.vs)*100, r.maxCost*100, metOrMissed(1-r.vs <= r.maxCost))
		}
	}
	if len(eos) > 0 {
		b.WriteString(eosReport(eos))
	}
	if restored != nil {
		b.WriteString(restoreReport(restored))
	}
	return b.String()
}

// eosReport renders the runs under the guarantee exactly_once as Markdown: a heading, the table of their
// throughput against the same jobs' at least once, and a line per job saying whether it meets eosTarget.
func eosReport(rows []row) string {
	var b strings.Builder
	b.WriteString("\n### Exactly once\n\n")
	b.WriteString("| job | at least once, median records/s | exactly once, median records/s | exactly once, min–max records/s | exactly once vs at least once | target | exactly once, CPU s per 1M records |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s–%s | %.2f× | ≥ %.2f×: %s | %.2f |\n", r.against,
			benchdoc.Thousands(int64(r.againstMedian+0.5)), benchdoc.Thousands(int64(r.median+0.5)),
			benchdoc.Thousands(int64(r.min+0.5)), benchdoc.Thousands(int64(r.max+0.5)), r.vs, eosTarget,
			metOrMissed(r.vs >= eosTarget), r.cpuPerM)
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "- %s: exactly once at %s\n", r.against, shortfall(r.vs, eosTarget, "the throughput of at least once"))
	}
	return b.String()
}

// The target of the restore (issue 16): a million groups in less than 5 seconds.
const (
	restoreTargetGroups  = 1_000_000
	restoreTargetSeconds = 5
)

// restoreReport renders the restore measurement as Markdown: a heading, what was measured, the table and the
// target.
func restoreReport(r *restoreResult) string {
	var b strings.Builder
	b.WriteString("\n### State restore\n\n")
	fmt.Fprintf(&b, "- Input: %s JSON orders of %s accounts keyed by account, %d partitions. The job built the state of its\n"+
		"  GROUP BY account in one run, then was restarted with nothing new to read: %s measured.\n\n",
		benchdoc.Thousands(r.records), benchdoc.Thousands(r.groups), r.partitions, plural(len(r.restore), "restart"))
	b.WriteString("| groups | changelog records | median restore | min–max restore | median whole run | groups/s restored |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|\n")
	restore := median(r.restore)
	rate := 0.0
	if restore > 0 {
		rate = float64(r.groups) / restore
	}
	fmt.Fprintf(&b, "| %s | %s | %.2f s | %.2f–%.2f s | %.2f s | %s |\n\n", benchdoc.Thousands(r.groups),
		benchdoc.Thousands(int64(median(r.changelog)+0.5)), restore, slices.Min(r.restore), slices.Max(r.restore),
		median(r.whole), benchdoc.Thousands(int64(rate+0.5)))
	what := fmt.Sprintf("- Restore of %s groups: %.2f s", benchdoc.Thousands(r.groups), restore)
	switch {
	case r.groups < restoreTargetGroups:
		fmt.Fprintf(&b, "%s; the target (%s groups in less than %d s) is not judged on fewer groups.\n", what,
			benchdoc.Thousands(restoreTargetGroups), restoreTargetSeconds)
	case restore < restoreTargetSeconds:
		fmt.Fprintf(&b, "%s, target < %d s for %s groups: met.\n", what, restoreTargetSeconds, benchdoc.Thousands(restoreTargetGroups))
	default:
		fmt.Fprintf(&b, "%s, target < %d s for %s groups: missed.\n", what, restoreTargetSeconds, benchdoc.Thousands(restoreTargetGroups))
	}
	return b.String()
}

// table renders rows as a Markdown table.
func table(rows []row) string {
	var b strings.Builder
	b.WriteString("| contender | median records/s | min–max records/s | median vs passthrough | target | contender CPU s per 1M records |\n")
	b.WriteString("|---|---:|---:|---:|---|---:|\n")
	for _, r := range rows {
		target := "(baseline)"
		if r.maxCost > 0 {
			target = fmt.Sprintf("≤ %.0f%% slower than without", r.maxCost*100)
		}
		if r.target > 0 {
			target = fmt.Sprintf("≥ %.2f×: %s", r.target, metOrMissed(r.ratio >= r.target))
		}
		fmt.Fprintf(&b, "| %s | %s | %s–%s | %.2f× | %s | %.2f |\n", r.name, benchdoc.Thousands(int64(r.median+0.5)),
			benchdoc.Thousands(int64(r.min+0.5)), benchdoc.Thousands(int64(r.max+0.5)), r.ratio, target, r.cpuPerM)
	}
	return b.String()
}

// verdict says whether r meets its target and, if not, by how much it falls short.
func verdict(r row) string {
	return r.name + ": " + shortfall(r.ratio, r.target, "the passthrough")
}

// shortfall words a ratio to a baseline against its target: "0.80× the passthrough, target ≥ 0.70×: met.", or
// how much it falls short.
func shortfall(ratio, target float64, baseline string) string {
	if ratio >= target {
		return fmt.Sprintf("%.2f× %s, target ≥ %.2f×: met.", ratio, baseline, target)
	}
	return fmt.Sprintf("%.2f× %s, target ≥ %.2f×: missed by %.2f× (its median would have to be %.0f%% higher).",
		ratio, baseline, target, target-ratio, (target/ratio-1)*100)
}

// metOrMissed words whether a target is met.
func metOrMissed(met bool) string {
	if met {
		return "met"
	}
	return "missed"
}

// plural words a count of things: "1 repetition", "3 repetitions".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// The results in docs/kafka-performance.md lie between these markers; a run rewrites only what is between them.
const (
	beginMarker = "<!-- kafkabench results: begin (rewritten by make bench-kafka) -->"
	endMarker   = "<!-- kafkabench results: end -->"
)

// updateDoc returns the document with the results between the markers; see benchdoc.Splice.
func updateDoc(old []byte, results string) []byte {
	return benchdoc.Splice(old, beginMarker, endMarker, results, docTemplate)
}

// docTemplate is docs/kafka-performance.md when it does not exist yet; RESULTS is where the results go.
//
//go:embed doc.md.tmpl
var docTemplate string
