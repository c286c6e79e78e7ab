// Metrics from SQL: the counters, gauges and histograms that a statement's "-- @metric:" annotations declare,
// updated by the rows its query writes and served on the job's /metrics (rt/ops).

package rt

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"sync"
)

// MetricKind is what a metric from SQL measures.
type MetricKind uint8

// Metric kinds.
const (
	MetricCounter   MetricKind = iota // the rows written, or the sum of a column over them
	MetricGauge                       // a column's value in the last row written
	MetricHistogram                   // the distribution of a column's values
)

func (k MetricKind) String() string {
	switch k {
	case MetricGauge:
		return "gauge"
	case MetricHistogram:
		return "histogram"
	}
	return "counter"
}

// DefaultMaxSeries is how many label sets a metric keeps when its MetricSpec does not say.
const DefaultMaxSeries = 10000

// DefaultBuckets are the upper bounds of a histogram's buckets when its annotations give none (Prometheus's).
var DefaultBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// MetricSpec declares a metric from a statement's annotations.
type MetricSpec struct {
	Name      string
	Help      string
	Kind      MetricKind
	Labels    []string  // the label names: output columns of the statement
	Buckets   []float64 // a histogram's bucket bounds, increasing; nil: DefaultBuckets
	MaxSeries int       // label sets kept at most; rows of further label sets are dropped and counted; 0: DefaultMaxSeries
	At        string    // where the annotation is, "job.sql:3:1"
}

// Metric is a metric from SQL: one series per label set. Generated code measures a row with Begin, a label value
// per label, then Add, Set or Observe; the HTTP server reads it at the same time (snapshot). Safe for concurrent
// use: a mutex, which only the row being measured and a scrape take.
type Metric struct {
	spec   MetricSpec
	warn   func(string) // logs a warning on the job's log
	mu     sync.Mutex
	row    MetricRow
	series map[string]*metricSeries
	// dropped counts the rows not measured because their label set would have been one more than MaxSeries;
	// warned is set once that was logged.
	dropped int64
	warned  bool
}

// metricSeries is the value of one label set.
type metricSeries struct {
	labels []string // views of the map key
	value  float64  // counter, gauge
	counts []uint64 // histogram: per bucket, not cumulative, and one past the last bound
	sum    float64
	n      uint64
}

// userMetrics are the metrics a job's Setup registered (Context.Metric); the HTTP server reads them while Setup
// still runs.
type userMetrics struct {
	mu   sync.Mutex
	list []*Metric
}

// Metric returns the job's metric of spec's name, registering it on the first call: Setup runs once per lane,
// and every lane's operators measure the same metric.
func (c *Context) Metric(spec MetricSpec) *Metric {
	ms := &c.r.metrics
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for _, m := range ms.list {
		if m.spec.Name == spec.Name {
			return m
		}
	}
	if spec.MaxSeries <= 0 {
		spec.MaxSeries = DefaultMaxSeries
	}
	if spec.Kind == MetricHistogram && len(spec.Buckets) == 0 {
		spec.Buckets = DefaultBuckets
	}
	name, log := jobName(c.r.job), c.r.logger()
	m := newMetric(spec, func(line string) { logAt(log, slog.LevelWarn, name, "%s", line) })
	ms.list = append(ms.list, m)
	return m
}

func newMetric(spec MetricSpec, warn func(string)) *Metric {
	m := &Metric{spec: spec, warn: warn, series: map[string]*metricSeries{}}
	m.row.m = m
	return m
}

// MetricRow is the label set of the row being measured, from Metric.Begin to the Add, Set or Observe that ends
// it. Its key holds each label's text followed by the text's length in 4 bytes, so that two label sets never
// share a key.
type MetricRow struct {
	m    *Metric
	key  []byte
	ends []int // where each label's text ends in key
}

// Begin starts measuring a row: the label values follow in the order of MetricSpec.Labels (none without labels),
// then Add, Set or Observe. The metric is locked until then.
func (m *Metric) Begin() *MetricRow {
	m.mu.Lock()
	r := &m.row
	r.key, r.ends = r.key[:0], r.ends[:0]
	return r
}

// label ends the text of a label appended to r.key from start.
func (r *MetricRow) label(start int) {
	r.ends = append(r.ends, len(r.key))
	r.key = binary.BigEndian.AppendUint32(r.key, uint32(len(r.key)-start))
}

// String adds a VARCHAR label; NULL is "".
func (r *MetricRow) String(v string, null bool) {
	start := len(r.key)
	if !null {
		r.key = append(r.key, v...)
	}
	r.label(start)
}

// Int64 adds an INT or BIGINT label: its digits.
func (r *MetricRow) Int64(v int64, null bool) {
	start := len(r.key)
	if !null {
		r.key = strconv.AppendInt(r.key, v, 10)
	}
	r.label(start)
}

// Int32 adds an INT label.
func (r *MetricRow) Int32(v int32, null bool) { r.Int64(int64(v), null) }

// Bool adds a BOOLEAN label: "true" or "false".
func (r *MetricRow) Bool(v, null bool) {
	start := len(r.key)
	if !null {
		r.key = strconv.AppendBool(r.key, v)
	}
	r.label(start)
}

// Float64 adds a DOUBLE label, in the shortest form that reads back to it.
func (r *MetricRow) Float64(v float64, null bool) {
	start := len(r.key)
	if !null {
		r.key = strconv.AppendFloat(r.key, v, 'g', -1, 64)
	}
	r.label(start)
}

// Decimal adds a DECIMAL label with its exact digits at scale s.
func (r *MetricRow) Decimal(v Int128, s int32, null bool) {
	start := len(r.key)
	if !null {
		r.key = AppendDecimal(r.key, v, s)
	}
	r.label(start)
}

// Timestamp adds a TIMESTAMP label as RFC 3339 text in UTC.
func (r *MetricRow) Timestamp(ms int64, null bool) {
	start := len(r.key)
	if !null {
		r.key = AppendTimestamp(r.key, ms, true)
	}
	r.label(start)
}

// Date adds a DATE label, "2024-01-31".
func (r *MetricRow) Date(days int64, null bool) {
	start := len(r.key)
	if !null {
		r.key = AppendDate(r.key, days)
	}
	r.label(start)
}

// Time adds a TIME label, "12:34:56.789".
func (r *MetricRow) Time(ms int64, null bool) {
	start := len(r.key)
	if !null {
		r.key = AppendTime(r.key, ms)
	}
	r.label(start)
}

// Add ends the row: a counter adds v to its label set's value. A negative or non-finite v (a counter never goes
// down) leaves it as it is.
func (r *MetricRow) Add(v float64) {
	m := r.m
	defer m.mu.Unlock()
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if s := r.series(); s != nil {
		s.value += v
	}
}

// Set ends the row: a gauge takes the value v. A non-finite v leaves it as it is.
func (r *MetricRow) Set(v float64) {
	m := r.m
	defer m.mu.Unlock()
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if s := r.series(); s != nil {
		s.value = v
	}
}

// Observe ends the row: a histogram counts v in its bucket. A non-finite v is not counted.
func (r *MetricRow) Observe(v float64) {
	m := r.m
	defer m.mu.Unlock()
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	s := r.series()
	if s == nil {
		return
	}
	i, _ := slices.BinarySearch(m.spec.Buckets, v)
	s.counts[i]++
	s.sum += v
	s.n++
}

// series returns the series of the row's label set, created when new, or nil when the metric already has
// MaxSeries label sets: the row is then counted as dropped, and the first drop logged.
func (r *MetricRow) series() *metricSeries {
	m := r.m
	if s, ok := m.series[string(r.key)]; ok {
		return s
	}
	if len(m.series) >= m.spec.MaxSeries {
		m.dropped++
		if !m.warned {
			m.warned = true
			m.warn(fmt.Sprintf("metric %q (%s) has %d label sets, its limit: rows with other label sets are not measured, only counted in velocc_metric_series_dropped_total",
				m.spec.Name, m.spec.At, m.spec.MaxSeries))
		}
		return nil
	}
	key := string(r.key)
	s := &metricSeries{labels: make([]string, len(r.ends))}
	start := 0
	for i, end := range r.ends {
		s.labels[i] = key[start:end]
		start = end + 4
	}
	if m.spec.Kind == MetricHistogram {
		s.counts = make([]uint64, len(m.spec.Buckets)+1)
	}
	m.series[key] = s
	return s
}

// UserMetric is a snapshot of a metric from SQL, for Status.
type UserMetric struct {
	Name   string       `json:"name"`
	Help   string       `json:"help"`
	Type   string       `json:"type"` // "counter", "gauge" or "histogram"
	At     string       `json:"at"`   // where its annotation is, "job.sql:3:1"
	Labels []string     `json:"labels"`
	Series []UserSeries `json:"series"`
	// Dropped counts the rows not measured because their label set would have gone past the limit on label sets.
	Dropped int64 `json:"dropped"`
}

// UserSeries is the value of one label set of a UserMetric: Value for a counter or a gauge, Histogram (its
// bounds are the metric's buckets, not seconds) for a histogram.
type UserSeries struct {
	Labels    []string   `json:"labels"` // the values of UserMetric.Labels, in order
	Value     float64    `json:"value"`
	Histogram *Histogram `json:"histogram,omitempty"`
}

// snapshot returns the metrics registered so far, each with its series in the order of their label values.
func (ms *userMetrics) snapshot() []UserMetric {
	ms.mu.Lock()
	list := slices.Clone(ms.list)
	ms.mu.Unlock()
	out := make([]UserMetric, 0, len(list))
	for _, m := range list {
		out = append(out, m.snapshot())
	}
	return out
}

// snapshot returns m's series so far.
func (m *Metric) snapshot() UserMetric {
	u := UserMetric{Name: m.spec.Name, Help: m.spec.Help, Type: m.spec.Kind.String(), At: m.spec.At, Labels: m.spec.Labels}
	m.mu.Lock()
	u.Dropped = m.dropped
	u.Series = make([]UserSeries, 0, len(m.series))
	for _, s := range m.series {
		us := UserSeries{Labels: s.labels, Value: s.value}
		if m.spec.Kind == MetricHistogram {
			h := &Histogram{Bounds: m.spec.Buckets, Counts: make([]uint64, len(m.spec.Buckets)), Count: s.n, Sum: s.sum}
			var cum uint64
			for i := range m.spec.Buckets {
				cum += s.counts[i]
				h.Counts[i] = cum
			}
			us.Histogram = h
		}
		u.Series = append(u.Series, us)
	}
	m.mu.Unlock()
	slices.SortFunc(u.Series, func(a, b UserSeries) int { return slices.Compare(a.Labels, b.Labels) })
	return u
}
